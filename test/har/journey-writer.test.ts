// The script gb har prints: its frame, think time, comments for what was left out, request options, and that it is
// strict TypeScript against the journey API that replays the recorded requests exactly, whatever text they hold.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import ts from 'typescript';

import { parseHar, replayHeaders, selectRequests } from '../../src/har/har-file.js';
import { keepsNumbers, writeJourney } from '../../src/har/journey-writer.js';
import { runJourney } from './fake-user.js';
import { harText, type EntrySpec } from './har-builder.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function journeyOf(entries: readonly EntrySpec[], includeStatic = false, file = 'test.har'): string {
  const parsed = parseHar(harText(entries));
  assert.ok(parsed.ok);
  const selected = selectRequests(parsed.value, { includeStatic });
  assert.ok(selected.ok, selected.ok ? '' : selected.error);
  return writeJourney(parsed.value, selected.value, { file }).source;
}

const body = (source: string): string[] => {
  const lines = source.split('\n');
  return lines.slice(lines.indexOf('  async iteration(vu) {') + 1, lines.indexOf('  },'));
};

/** Type-checks scripts strictly, with 'gb-bench' resolved to the journey API's source (the package does not export it yet). */
function typeErrors(sources: readonly string[]): string[] {
  const dir = join(ROOT, 'build', 'har-typecheck');
  mkdirSync(dir, { recursive: true });
  const files = sources.map((source, n) => {
    const file = join(dir, `journey-${n}.ts`);
    writeFileSync(file, source);
    return file;
  });
  const program = ts.createProgram(files, {
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    noUnusedLocals: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts'],
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules', '@types')],
    baseUrl: ROOT,
    paths: { 'gb-bench': ['src/engine/journey-api.ts'] },
    skipLibCheck: true,
  });
  assert.ok(
    program.getSourceFiles().some((f) => f.fileName.endsWith('/src/engine/journey-api.ts')),
    'gb-bench resolved to the journey API',
  );
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where =
      d.file === undefined || d.start === undefined ? '' : `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: `;
    return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
  });
}

describe('the script', () => {
  it('says where it came from, imports the Journey type and exports iteration() satisfying it', () => {
    const source = journeyOf([{ url: 'https://app.test/', at: 0, mime: 'text/html' }], false, 'my\nrecording.har');
    const lines = source.split('\n');
    assert.equal(
      lines[0],
      '// A journey replaying my\\u000arecording.har (recorded by handmade 1): 1 of its 1 requests, to https://app.test.',
    );
    assert.match(lines[2] ?? '', /^\/\/ Run it with: gb --script journey\.ts --users 10 --iterations 5 https:\/\/app\.test\/$/);
    assert.ok(lines.includes("import type { Journey } from 'gb-bench';"));
    assert.deepEqual(lines.slice(-6), [
      'export default {',
      '  async iteration(vu) {',
      '    await vu.get("/");',
      '  },',
      '} satisfies Journey;',
      '',
    ]);
  });

  it("sleeps for the gaps between one request's end and the next one's start, rounded, none under 50 ms", () => {
    const source = journeyOf([
      { url: 'https://app.test/a', at: 0, time: 10 },
      { url: 'https://app.test/b', at: 40, time: 10 }, // 30 ms after a: the browser's pace
      { url: 'https://app.test/c', at: 1250.4, time: 500 }, // 1200.4 ms after b
      { url: 'https://app.test/d', at: 1300, time: 10 }, // started while c ran
      { url: 'https://app.test/e', at: 1831, time: 10 }, // 80.6 ms after c, the last to end
    ]);
    assert.deepEqual(body(source), [
      '    await vu.get("/a");',
      '    await vu.get("/b");',
      '    await vu.sleep(1200);',
      '    await vu.get("/c");',
      '    await vu.get("/d");',
      '    await vu.sleep(81);',
      '    await vu.get("/e");',
    ]);
  });

  it('comments where requests were left out: statics together, others one a line', () => {
    const statics = Array.from({ length: 8 }, (_, n): EntrySpec => ({ url: `https://app.test/s${n}.png`, at: 1 + n, mime: 'image/png' }));
    const source = journeyOf([
      { url: 'https://app.test/', at: 0, mime: 'text/html' },
      ...statics,
      { url: 'https://cdn.test/x\u2028y', at: 20 },
      { url: 'https://app.test/api', at: 30, json: {} },
      { method: 'POST', url: 'https://metrics.test/c', at: 40 },
    ]);
    assert.deepEqual(body(source), [
      '    await vu.get("/");',
      '    // static, left out (--include-static keeps them): /s0.png, /s1.png, /s2.png, /s3.png, /s4.png, /s5.png and 2 more',
      '    // dropped: GET https://cdn.test/x%E2%80%A8y (other origin)',
      '    await vu.get("/api");',
      '    // dropped: POST https://metrics.test/c (other origin)',
    ]);
    assert.match(journeyOf([{ url: 'https://app.test/', at: 0, mime: 'text/html' }, ...statics], true), /await vu\.get\("\/s7\.png"\);/);
  });

  it('other methods through vu.request(); bodies as json when JSON keeps every number, else as text', () => {
    const source = journeyOf([
      { method: 'HEAD', url: 'https://app.test/h', at: 0, headers: { 'X-Trace': '1' } },
      { method: 'PUT', url: 'https://app.test/big', at: 10, body: { mimeType: 'application/json', text: '{"id":12345678901234567890}' } },
      { method: 'PATCH', url: 'https://app.test/bad', at: 20, body: { mimeType: 'application/json; charset=utf-8', text: '{nope' } },
      { method: 'DELETE', url: 'https://app.test/t', at: 30, body: { mimeType: 'text/plain', text: 'line 1\r\nline "2"' } },
      {
        method: 'POST',
        url: 'https://app.test/j',
        at: 40,
        body: { mimeType: 'application/vnd.api+json', text: '{"a":[1,{"__proto__":null}]}' },
      },
      { method: 'POST', url: 'https://app.test/empty', at: 50, body: { mimeType: 'text/plain', text: '' } },
    ]);
    assert.deepEqual(body(source), [
      '    await vu.request({ method: "HEAD", path: "/h", headers: { "x-trace": "1" } });',
      '    await vu.put("/big", { body: "{\\"id\\":12345678901234567890}" });',
      '    await vu.patch("/bad", { body: "{nope" });',
      '    await vu.delete("/t", { body: "line 1\\r\\nline \\"2\\"" });',
      '    await vu.post("/j", { json: { a: [1, { ["__proto__"]: null }] } });',
      '    await vu.post("/empty");',
    ]);
    assert.ok(keepsNumbers('{"a":9007199254740991,"b":"12345678901234567890","c":1.5e300,"d":0.000001}'));
    assert.ok(!keepsNumbers('[9007199254740993]'));
    assert.ok(!keepsNumbers('[0.12345678901234567]'));
    assert.ok(!keepsNumbers('[1e400]'));
  });

  it('is strict TypeScript against the journey API: plain, correlated, redirects, vu.request, forms', () => {
    const scripts = [
      journeyOf([{ url: 'https://app.test/', at: 0, mime: 'text/html' }]),
      journeyOf([
        {
          method: 'POST',
          url: 'https://app.test/login',
          at: 0,
          json: { token: 'tok-1234567890', n: 555 },
          responseHeaders: { 'X-Csrf': 'c-1234567' },
        },
        {
          method: 'POST',
          url: 'https://app.test/orders',
          at: 10,
          status: 201,
          headers: { 'X-Csrf': 'c-1234567' },
          responseHeaders: { Location: '/orders/77' },
        },
        { url: 'https://app.test/orders/77/lines?n=555', at: 20, headers: { Authorization: 'Bearer tok-1234567890' } },
        {
          method: 'OPTIONS',
          url: 'https://app.test/f/tok-1234567890',
          at: 30,
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: { mimeType: 'application/x-www-form-urlencoded', text: 'c=c-1234567&t=tok-1234567890' },
        },
        {
          method: 'PUT',
          url: 'https://app.test/p?c=c-1234567',
          at: 40,
          body: { mimeType: 'application/json', text: '{"n":555,"s":"555","t":["tok-1234567890"]}' },
        },
      ]),
    ];
    assert.match(scripts[1] ?? '', /pathOf\(/);
    assert.match(scripts[1] ?? '', /encodeURIComponent|String\(r1\.headers/);
    assert.deepEqual(typeErrors(scripts), []);
  });
});

// Recorded text of any kind: quotes, backticks, ${, backslashes, line breaks, lone surrogates, non-ASCII.
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: fc.constantFrom('`', '$', '{', '\\', '"', '\r', '\n', '\u2028', 'é', '\ud800', 'a'), maxLength: 12 }),
);
/** A URL holds no lone surrogate (encodeURIComponent refuses one). */
const wellFormed = (s: string): string => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
const headerName = fc.stringMatching(/^x-[a-z0-9-]{1,10}$/);

it('replays exactly the recorded paths, headers and bodies, whatever characters they hold', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record({
          segment: text,
          query: text,
          header: fc.tuple(headerName, text),
          body: fc.oneof(
            fc.record({
              kind: fc.constant('json' as const),
              value: fc.dictionary(text, fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 3 }),
            }),
            fc.record({ kind: fc.constant('text' as const), value: text }),
          ),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      async (steps) => {
        const entries = steps.map((s, n): EntrySpec => {
          const url = new URL(`https://app.test/${encodeURIComponent(wellFormed(s.segment))}?q=${encodeURIComponent(wellFormed(s.query))}`);
          const bodyText = s.body.kind === 'json' ? JSON.stringify(s.body.value) : s.body.value;
          const mimeType = s.body.kind === 'json' ? 'application/json' : 'text/plain';
          return {
            method: 'POST',
            url: url.href,
            at: n * 10,
            headers: [s.header],
            body: { mimeType, text: bodyText },
            json: { echo: s.query },
          };
        });
        const source = journeyOf(entries);
        const parsed = parseHar(harText(entries));
        assert.ok(parsed.ok);
        const run = await runJourney(source, () => ({ status: 200, headers: {}, body: '{}' }));
        assert.equal(run.sent.length, entries.length);
        parsed.value.requests.forEach((recorded, n) => {
          const sent = run.sent[n];
          const step = steps[n];
          assert.ok(sent !== undefined && step !== undefined);
          assert.equal(sent.path, recorded.url.pathname + recorded.url.search);
          assert.deepEqual(sent.headers, Object.fromEntries(replayHeaders(recorded).map((h) => [h.name, h.value])));
          if (step.body.kind === 'json') assert.deepEqual(sent.json, JSON.parse(JSON.stringify(step.body.value)));
          else if (step.body.value !== '') assert.equal(sent.body, step.body.value);
          else assert.equal(sent.body, undefined);
        });
      },
    ),
    { numRuns: 150 },
  );
});
