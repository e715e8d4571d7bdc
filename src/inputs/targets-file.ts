// Reads a targets file (--targets): vegeta's plain format or JSON Lines, each request checked with a file:line message.

import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Header, RequestTarget, Target } from '../config/config.js';
import { parseTarget, shown } from '../config/target.js';

// RFC 9110 §5.6.2 token: the characters of a method or a header name.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const LINE_BREAK = /[\r\n\0]/;

/**
 * The format is chosen by the extension (.jsonl, .ndjson: JSON Lines) and otherwise by content: a
 * file whose first line that is not blank or a comment starts with "{" is JSON Lines, else plain.
 */
export function readTargetsFile(path: string, problems: string[]): RequestTarget[] | null {
  let text: string;
  try {
    if (statSync(path).isDirectory()) {
      problems.push(`--targets ${shown(path)} is a directory, not a file`);
      return null;
    }
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    problems.push(code === 'ENOENT' ? `--targets ${shown(path)}: no such file` : `cannot read --targets ${shown(path)}: ${code}`);
    return null;
  }
  const lines = text.split(/\r?\n/);
  const firstLine = lines.find((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  if (firstLine === undefined) {
    problems.push(`--targets ${shown(path)} has no request (expected 'METHOD URL' lines, or JSON Lines)`);
    return null;
  }
  const jsonLines = /\.(jsonl|ndjson)$/i.test(path) || firstLine.trimStart().startsWith('{');
  const before = problems.length;
  const targets = jsonLines ? parseJsonLines(path, lines, problems) : parsePlain(path, lines, problems);
  return problems.length > before ? null : targets;
}

interface Draft {
  readonly at: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Header[];
  body: Uint8Array | null;
  name: string | null;
}

function parsePlain(path: string, lines: readonly string[], problems: string[]): RequestTarget[] {
  const targets: RequestTarget[] = [];
  let draft: Draft | null = null;
  const finish = (): void => {
    if (draft !== null) {
      const t = finished(draft, problems);
      if (t !== null) targets.push(t);
    }
    draft = null;
  };
  lines.forEach((raw, i) => {
    const at = `${path}:${i + 1}`;
    const line = raw.trim();
    if (line.startsWith('#')) return;
    if (line === '') {
      finish();
      return;
    }
    if (draft === null) {
      const match = /^(\S+)\s+(\S+)$/.exec(line);
      if (match === null || !TOKEN.test(match[1]!)) {
        problems.push(`${at}: expected 'METHOD URL' (e.g. GET http://host/path), got ${shown(line)}`);
        draft = { at, method: 'GET', url: '', headers: [], body: null, name: null }; // skip the rest of this request
        return;
      }
      draft = { at, method: match[1]!.toUpperCase(), url: match[2]!, headers: [], body: null, name: null };
      return;
    }
    if (line.startsWith('@')) {
      if (draft.body !== null) problems.push(`${at}: a second body line; expected one '@path/to/body' per request`);
      else draft.body = readBody(at, resolve(dirname(path), line.slice(1)), line.slice(1), problems);
      return;
    }
    const header = headerFrom(at, line, problems);
    if (header !== null) draft.headers.push(header);
  });
  finish();
  return targets;
}

function parseJsonLines(path: string, lines: readonly string[], problems: string[]): RequestTarget[] {
  const targets: RequestTarget[] = [];
  lines.forEach((raw, i) => {
    const at = `${path}:${i + 1}`;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      problems.push(`${at}: not JSON (${e instanceof Error ? e.message : String(e)}); expected {"method","url","headers","body"}`);
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push(`${at}: expected a JSON object {"method","url","headers","body"}`);
      return;
    }
    const o = value as Record<string, unknown>;
    const known = new Set(['method', 'url', 'headers', 'body', 'bodyBase64', 'name']);
    const unknown = Object.keys(o).filter((k) => !known.has(k));
    if (unknown.length > 0)
      problems.push(`${at}: unknown field ${shown(unknown[0]!)} (expected method, url, headers, body, bodyBase64, name)`);
    if (typeof o['url'] !== 'string') {
      problems.push(`${at}: "url" must be a string`);
      return;
    }
    const method = o['method'] ?? 'GET';
    if (typeof method !== 'string' || !TOKEN.test(method)) {
      problems.push(`${at}: "method" must be a single word such as GET or POST`);
      return;
    }
    const headers: Header[] = [];
    const h = o['headers'] ?? {};
    if (typeof h !== 'object' || h === null || Array.isArray(h)) {
      problems.push(`${at}: "headers" must be an object of "Name": "value"`);
      return;
    }
    for (const [name, v] of Object.entries(h)) {
      const header = typeof v === 'string' ? headerFrom(at, `${name}: ${v}`, problems) : null;
      if (typeof v !== 'string') problems.push(`${at}: header ${shown(name)} must have a string value`);
      if (header !== null) headers.push(header);
    }
    let body: Uint8Array | null = null;
    if (o['body'] !== undefined && o['bodyBase64'] !== undefined) problems.push(`${at}: give "body" or "bodyBase64", not both`);
    else if (typeof o['body'] === 'string') body = Buffer.from(o['body'], 'utf8');
    else if (typeof o['bodyBase64'] === 'string') body = Buffer.from(o['bodyBase64'], 'base64');
    else if (o['body'] !== undefined || o['bodyBase64'] !== undefined) problems.push(`${at}: "body" and "bodyBase64" must be strings`);
    const name = o['name'];
    if (name !== undefined && (typeof name !== 'string' || name === '')) problems.push(`${at}: "name" must be a non-empty string`);
    const t = finished(
      { at, method: method.toUpperCase(), url: o['url'], headers, body, name: typeof name === 'string' ? name : null },
      problems,
    );
    if (t !== null) targets.push(t);
  });
  return targets;
}

function finished(draft: Draft, problems: string[]): RequestTarget | null {
  if (draft.url === '') return null; // its first line was already reported
  const parsed = parseTarget(draft.url);
  if (!parsed.ok) {
    problems.push(`${draft.at}: ${parsed.error}`);
    return null;
  }
  const target: Target = parsed.value;
  return { name: draft.name ?? `${draft.method} ${target.path}`, method: draft.method, target, headers: draft.headers, body: draft.body };
}

function headerFrom(at: string, line: string, problems: string[]): Header | null {
  const colon = line.indexOf(':');
  const name = colon < 0 ? '' : line.slice(0, colon);
  if (colon <= 0 || !TOKEN.test(name)) {
    problems.push(`${at}: expected 'Name: value' (a header) or '@path/to/body', got ${shown(line)}`);
    return null;
  }
  const value = line.slice(colon + 1).trim();
  if (LINE_BREAK.test(value)) {
    problems.push(`${at}: header value contains a line break or NUL`);
    return null;
  }
  return { name, value };
}

function readBody(at: string, file: string, typed: string, problems: string[]): Uint8Array | null {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    problems.push(
      code === 'ENOENT'
        ? `${at}: body file ${shown(typed)} not found (looked for ${shown(file)})`
        : `${at}: cannot read body file ${shown(typed)}: ${code}`,
    );
    return null;
  }
}
