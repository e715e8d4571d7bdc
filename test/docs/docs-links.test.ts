// Every relative link in README.md and docs/*.md leads somewhere: to a file that exists and, with a
// #anchor, to a heading of that file under GitHub's anchor rules; and every repository path the docs
// name in backticks exists, so a moved or renamed file cannot leave the manual pointing at nothing.

import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { test } from 'node:test';
import { ROOT, anchors, docFiles, githubSlug, links, proseLines, readDoc } from './markdown.js';

test("GitHub's anchor rules: lower case, spaces to '-', punctuation but '-' and '_' dropped", () => {
  assert.equal(githubSlug('HTTP/2'), 'http2');
  assert.equal(githubSlug('Comparing two runs: `gb compare`'), 'comparing-two-runs-gb-compare');
  assert.equal(githubSlug('`-g FILE`: gnuplot / TSV'), '-g-file-gnuplot--tsv');
  assert.equal(githubSlug('JSON (`--json FILE`)'), 'json---json-file');
  assert.equal(githubSlug('snake_case and [a link](x.md)'), 'snake_case-and-a-link');
  assert.deepEqual([...anchors('# A\n## A\n```\n# not a heading\n```\n## A\n')], ['a', 'a-1', 'a-2']);
});

test('every relative link in README.md and docs/*.md points to an existing file and heading', () => {
  const broken: string[] = [];
  let checked = 0;
  const anchorsOf = new Map<string, Set<string>>();
  const anchorsIn = (file: string): Set<string> => {
    let found = anchorsOf.get(file);
    if (found === undefined) {
      found = anchors(readDoc(file));
      anchorsOf.set(file, found);
    }
    return found;
  };
  for (const file of docFiles()) {
    for (const { line, target } of links(readDoc(file))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:: not this test's to check
      checked += 1;
      const where = `${file}:${line}: ${target}`;
      const hash = target.indexOf('#');
      const path = hash < 0 ? target : target.slice(0, hash);
      const anchor = hash < 0 ? null : decodeURIComponent(target.slice(hash + 1));
      const resolved = path === '' ? file : normalize(join(dirname(file), decodeURIComponent(path)));
      if (resolved.startsWith('..') || !existsSync(join(ROOT, resolved))) {
        broken.push(`${where} (no file ${resolved})`);
        continue;
      }
      if (anchor === null) continue;
      if (!resolved.endsWith('.md') || statSync(join(ROOT, resolved)).isDirectory()) {
        broken.push(`${where} (an anchor into ${resolved}, which is not a Markdown file)`);
      } else if (!anchorsIn(resolved).has(anchor)) {
        broken.push(`${where} (no heading #${anchor} in ${resolved})`);
      }
    }
  }
  assert.deepEqual(broken, []);
  // The docs link to each other a great deal; finding few links means the link reader broke.
  assert.ok(checked > 100, `only ${checked} relative links found`);
});

test('every repository path the docs name in backticks exists', () => {
  const missing: string[] = [];
  let checked = 0;
  for (const file of docFiles()) {
    for (const { line, text } of proseLines(readDoc(file))) {
      for (const match of text.matchAll(/`((?:src|test|examples|deploy|schema|bench|scripts|docs)\/[^`\s]*)`/g)) {
        const path = match[1] ?? '';
        if (path.includes('*') || path.includes('...')) continue; // a pattern (docs/*.md, src/...), not a path
        checked += 1;
        if (!existsSync(join(ROOT, path))) missing.push(`${file}:${line}: ${path}`);
      }
    }
  }
  assert.deepEqual(missing, []);
  assert.ok(checked > 30, `only ${checked} paths found`);
});

test('docs/README.md, the index, lists every page of docs/, and README.md links to it', () => {
  const index = readDoc('docs/README.md');
  const listed = new Set(links(index).map(({ target }) => target.split('#')[0]));
  const pages = docFiles().filter((f) => f.startsWith('docs/') && f !== 'docs/README.md');
  const unlisted = pages.filter((page) => !listed.has(relative('docs', page)));
  assert.deepEqual(unlisted, []);
  const readmeTargets = new Set(links(readDoc('README.md')).map(({ target }) => target.split('#')[0]));
  assert.ok(readmeTargets.has('docs/README.md'), 'README.md links to docs/README.md');
  const unmapped = pages.filter((page) => !readmeTargets.has(page));
  assert.deepEqual(unmapped, [], "README.md's map of docs/ has a line for every page");
});
