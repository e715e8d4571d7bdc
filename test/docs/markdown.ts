// Reads the repository's Markdown (README.md and docs/*.md) the way the docs tests need it: fenced
// code blocks with the marker comment before each, headings as GitHub's anchors, and relative links.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** build/test/docs/ → the repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** README.md, then every docs/*.md, as paths relative to the repository root. */
export function docFiles(): readonly string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

export function readDoc(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8');
}

export interface CodeBlock {
  /** The Markdown file, relative to the repository root. */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The fence's info string up to its first space: 'ts', 'sh', 'text', or '' for none. */
  readonly lang: string;
  /** The text of an HTML comment on the last non-blank line before the fence (`<!-- run: sh -->` → 'run: sh'), else null. */
  readonly marker: string | null;
  /** The block's lines, with the fence's own indentation taken off, each ending in '\n'. */
  readonly code: string;
}

const FENCE = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)/;
const MARKER = /^\s*<!--\s*(.*?)\s*-->\s*$/;

/** Every fenced code block of a Markdown text. An unclosed fence runs to the end, as CommonMark has it. */
export function codeBlocks(file: string, text: string): CodeBlock[] {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = FENCE.exec(lines[i] ?? '');
    if (open === null) continue;
    const indent = open[1]?.length ?? 0;
    const fence = open[2] ?? '```';
    let previous = i - 1;
    while (previous >= 0 && (lines[previous] ?? '').trim() === '') previous -= 1;
    const marker = previous >= 0 ? (MARKER.exec(lines[previous] ?? '')?.[1] ?? null) : null;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j += 1) {
      const line = lines[j] ?? '';
      const trimmed = line.trimStart();
      if (trimmed.startsWith(fence) && trimmed.slice(fence.length).trim() === '' && line.length - trimmed.length <= 3) break;
      body.push(line.slice(Math.min(indent, line.length - trimmed.length)));
    }
    blocks.push({ file, line: i + 1, lang: open[3] ?? '', marker, code: body.map((l) => `${l}\n`).join('') });
    i = j;
  }
  return blocks;
}

/** The lines of a Markdown text that are not inside a fenced code block, with their 1-based numbers. */
export function proseLines(text: string): { readonly line: number; readonly text: string }[] {
  const out: { line: number; text: string }[] = [];
  let fence: string | null = null;
  text.split('\n').forEach((line, index) => {
    if (fence === null) {
      const open = FENCE.exec(line);
      if (open !== null) fence = open[2] ?? '```';
      else out.push({ line: index + 1, text: line });
    } else if (line.trimStart().startsWith(fence) && line.trimStart().slice(fence.length).trim() === '') {
      fence = null;
    }
  });
  return out;
}

/** A line with its inline code spans blanked out (so a `[x](y)` inside backticks is no link). */
export function withoutInlineCode(line: string): string {
  return line.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (span) => ' '.repeat(span.length));
}

/**
 * GitHub's anchor for a heading: its text as rendered (link targets and emphasis marks gone), in
 * lower case, every character that is not a letter, digit, mark, '-', '_' or space dropped, and
 * each space turned into '-'.
 */
export function githubSlug(heading: string): string {
  const rendered = heading.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '');
  return rendered
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a Markdown text's headings, a repeated one numbered as GitHub numbers it (-1, -2, ...). */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const { text: line } of proseLines(text)) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (heading === null) continue;
    const slug = githubSlug(heading[1] ?? '');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    out.add(count === 0 ? slug : `${slug}-${count}`);
  }
  for (const { text: line } of proseLines(text)) {
    for (const match of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(match[1] ?? '');
  }
  return out;
}

export interface Link {
  readonly line: number;
  readonly target: string;
}

/** The targets of a Markdown text's inline links and images, outside code. */
export function links(text: string): Link[] {
  const out: Link[] = [];
  for (const { line, text: raw } of proseLines(text)) {
    for (const match of withoutInlineCode(raw).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      out.push({ line, target: match[1] ?? '' });
    }
  }
  return out;
}
