// Reading HAR files and choosing what a journey replays: order, the origin, static assets, headers, bad files.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isStatic, parseHar, replayHeaders, selectRequests, type RecordedRequest, type Selection } from '../../src/har/har-file.js';
import { harText, type EntrySpec } from './har-builder.js';

function recordingOf(entries: readonly EntrySpec[]): readonly RecordedRequest[] {
  const parsed = parseHar(harText(entries));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  return parsed.value.requests;
}

function select(entries: readonly EntrySpec[], includeStatic = false, origin?: string): Selection {
  const parsed = parseHar(harText(entries));
  assert.ok(parsed.ok);
  const selected = selectRequests(parsed.value, { includeStatic, ...(origin === undefined ? {} : { origin }) });
  assert.ok(selected.ok, selected.ok ? '' : selected.error);
  return selected.value;
}

const replayedUrls = (s: Selection): string[] => s.replayed.map((r) => r.url.href);
const drops = (s: Selection): string[] =>
  s.steps.flatMap((step) => (step.kind === 'drop' ? [`${step.request.url.href} ${step.reason}`] : []));

describe('reading', () => {
  it('puts entries in the order they started, ties as written, and reads times, bodies and base64 responses', () => {
    const har = JSON.parse(
      harText([
        { url: 'https://app.test/b', at: 20, time: 5.5 },
        { url: 'https://app.test/a', at: 0, method: 'post', body: { mimeType: 'text/plain', text: 'hi' } },
        { url: 'https://app.test/c', at: 20 },
      ]),
    ) as { log: { entries: { request: Record<string, unknown>; response: { content: Record<string, unknown> } }[] } };
    const third = har.log.entries[2];
    assert.ok(third !== undefined);
    third.response.content = { mimeType: 'application/json', text: Buffer.from('{"k":"v"}').toString('base64'), encoding: 'base64' };
    third.request['postData'] = { mimeType: 'application/x-www-form-urlencoded', params: [{ name: 'a b', value: '1&2' }] };
    const parsed = parseHar(JSON.stringify(har));
    assert.ok(parsed.ok);
    const [a, b, c] = parsed.value.requests;
    assert.deepEqual(
      parsed.value.requests.map((r) => [r.index, r.url.pathname]),
      [
        [0, '/a'],
        [1, '/b'],
        [2, '/c'],
      ],
    );
    assert.equal(a?.method, 'POST');
    assert.deepEqual(a?.body, { mimeType: 'text/plain', text: 'hi' });
    assert.equal((b?.endMs ?? 0) - (b?.startMs ?? 0), 5.5);
    assert.equal(c?.responseText, '{"k":"v"}');
    assert.deepEqual(c?.body, { mimeType: 'application/x-www-form-urlencoded', text: 'a+b=1%262' });
    assert.equal(parsed.value.creator, 'handmade 1');
  });

  it('says in one line what is wrong with a file that is not a HAR', () => {
    const problem = (text: string): string => {
      const parsed = parseHar(text);
      assert.ok(!parsed.ok);
      assert.doesNotMatch(parsed.error, /\n/);
      return parsed.error;
    };
    assert.match(problem('{"log": '), /^not JSON \(/);
    assert.match(problem('[]'), /^not a HAR file: it has no log.entries$/);
    assert.match(problem('{"log": {"entries": {}}}'), /no log.entries/);
    assert.match(problem('{"log": {"entries": [1]}}'), /^entry 0 has no request$/);
    assert.match(
      problem('{"log": {"entries": [{"request": {"method": "GET", "url": "/x"}, "startedDateTime": "2026-01-01T00:00:00Z"}]}}'),
      /entry 0's request.url is not a URL/,
    );
    assert.match(problem('{"log": {"entries": [{"request": {"method": "GET", "url": "http://a/"}}]}}'), /entry 0 has no startedDateTime/);
  });
});

describe('choosing what to replay', () => {
  it('tells static assets by mime type, extension and resource type, and keeps pages and API calls', () => {
    const kinds: [EntrySpec, boolean][] = [
      [{ url: 'https://a.test/x', at: 0, mime: 'image/png' }, true],
      [{ url: 'https://a.test/x', at: 0, mime: 'font/woff2' }, true],
      [{ url: 'https://a.test/x', at: 0, mime: 'text/css; charset=utf-8' }, true],
      [{ url: 'https://a.test/x', at: 0, mime: 'application/javascript' }, true],
      [{ url: 'https://a.test/x', at: 0, mime: 'text/javascript' }, true],
      [{ url: 'https://a.test/x', at: 0, mime: 'video/mp4' }, true],
      [{ url: 'https://a.test/app.js?v=3', at: 0, mime: '' }, true],
      [{ url: 'https://a.test/app.js.map', at: 0, mime: 'application/json' }, true],
      [{ url: 'https://a.test/f.WOFF2', at: 0 }, true],
      [{ url: 'https://a.test/logo', at: 0, resourceType: 'image' }, true],
      [{ url: 'https://a.test/api/items', at: 0, json: [] }, false],
      [{ url: 'https://a.test/', at: 0, mime: 'text/html' }, false],
      // A page is kept even where its address looks like a file.
      [{ url: 'https://a.test/page.svg', at: 0, mime: 'text/html; charset=utf-8' }, false],
      [{ url: 'https://a.test/x.css', at: 0, resourceType: 'document' }, false],
    ];
    for (const [entry, expected] of kinds) {
      const [request] = recordingOf([entry]);
      assert.ok(request !== undefined);
      assert.equal(isStatic(request), expected, JSON.stringify(entry));
    }
  });

  it('replays the origin of the first request that is not static; other origins, statics, preflights and failures are left out where they were', () => {
    const s = select([
      { url: 'https://cdn.test/lib.js', at: 0, mime: 'text/javascript' },
      { url: 'https://app.test/', at: 1, mime: 'text/html' },
      { url: 'https://app.test/style.css', at: 2, mime: 'text/css' },
      { url: 'https://metrics.test/collect', at: 3, method: 'POST' },
      { url: 'https://app.test/api/a', at: 4, method: 'OPTIONS', headers: { 'Access-Control-Request-Method': 'PUT' } },
      { url: 'https://app.test/api/a', at: 5, method: 'PUT' },
      { url: 'https://app.test/api/gone', at: 6, status: 0 },
      { url: 'ws://app.test/live', at: 7 },
      { url: 'https://app.test/api/b', at: 8, method: 'OPTIONS' },
    ]);
    assert.equal(s.origin, 'https://app.test');
    assert.deepEqual(replayedUrls(s), ['https://app.test/', 'https://app.test/api/a', 'https://app.test/api/b']);
    assert.deepEqual(drops(s), [
      'https://cdn.test/lib.js other origin',
      'https://app.test/style.css static',
      'https://metrics.test/collect other origin',
      'https://app.test/api/a CORS preflight',
      'https://app.test/api/gone no response',
      'ws://app.test/live not HTTP',
    ]);
    assert.deepEqual(
      s.steps.map((step) => step.request.index),
      [0, 1, 2, 3, 4, 5, 6, 7, 8],
    );
  });

  it('keeps static assets with --include-static, and replays the origin --origin names', () => {
    const entries: EntrySpec[] = [
      { url: 'https://app.test/', at: 0, mime: 'text/html' },
      { url: 'https://app.test/a.png', at: 1, mime: 'image/png' },
      { url: 'https://api.test/v1/me', at: 2, json: {} },
    ];
    assert.deepEqual(replayedUrls(select(entries, true)), ['https://app.test/', 'https://app.test/a.png']);
    assert.deepEqual(replayedUrls(select(entries, false, 'https://api.test')), ['https://api.test/v1/me']);
  });

  it('refuses a recording with nothing left to replay, saying what was left out and how to keep statics', () => {
    const parsed = parseHar(
      harText([
        { url: 'https://app.test/a.png', at: 0, mime: 'image/png' },
        { url: 'https://app.test/b.css', at: 1, mime: 'text/css' },
        { url: 'https://cdn.test/x.woff2', at: 2 },
      ]),
    );
    assert.ok(parsed.ok);
    const selected = selectRequests(parsed.value, { includeStatic: false });
    assert.ok(!selected.ok);
    assert.equal(
      selected.error,
      'no requests left to replay from https://app.test: 3 recorded, left out: 2 static, 1 other origin; --include-static keeps static ones',
    );
    const empty = parseHar('{"log": {"entries": []}}');
    assert.ok(empty.ok);
    const none = selectRequests(empty.value, { includeStatic: false });
    assert.ok(!none.ok);
    assert.equal(none.error, 'the recording holds no requests');
  });

  it('drops hop-by-hop, pseudo, cookie, encoding and browser headers, keeps the application’s, and joins repeats', () => {
    const [request] = recordingOf([
      {
        url: 'https://app.test/api',
        at: 0,
        headers: [
          [':authority', 'app.test'],
          [':method', 'GET'],
          ['Host', 'app.test'],
          ['Connection', 'keep-alive'],
          ['Keep-Alive', 'timeout=5'],
          ['TE', 'trailers'],
          ['Transfer-Encoding', 'chunked'],
          ['Upgrade', 'h2c'],
          ['Proxy-Authorization', 'Basic eA=='],
          ['Content-Length', '12'],
          ['Cookie', 'sid=1'],
          ['Accept-Encoding', 'gzip, br'],
          ['sec-ch-ua', '"Chromium"'],
          ['Sec-Fetch-Mode', 'cors'],
          ['User-Agent', 'Mozilla/5.0'],
          ['Upgrade-Insecure-Requests', '1'],
          ['Priority', 'u=1, i'],
          ['Referer', 'https://app.test/'],
          ['Origin', 'https://app.test'],
          ['Content-Type', 'application/json'],
          ['Authorization', 'Bearer abc'],
          ['Accept', 'application/json'],
          ['X-Requested-With', 'XMLHttpRequest'],
          ['Accept-Language', 'en'],
          ['x-tag', 'a'],
          ['X-Tag', 'b'],
        ],
      },
    ]);
    assert.ok(request !== undefined);
    assert.deepEqual(replayHeaders(request), [
      { name: 'content-type', value: 'application/json' },
      { name: 'authorization', value: 'Bearer abc' },
      { name: 'accept', value: 'application/json' },
      { name: 'x-requested-with', value: 'XMLHttpRequest' },
      { name: 'accept-language', value: 'en' },
      { name: 'x-tag', value: 'a, b' },
    ]);
  });
});
