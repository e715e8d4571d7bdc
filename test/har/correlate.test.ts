// Correlation: which recorded values a journey reads from earlier responses (and from which), and which it leaves as
// recorded because they match only by chance; each checked in the script's text and by running it with new values.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseHar, selectRequests } from '../../src/har/har-file.js';
import { writeJourney } from '../../src/har/journey-writer.js';
import { runJourney, type Answer, type SentRequest } from './fake-user.js';
import { harText, type EntrySpec } from './har-builder.js';

function journeyOf(entries: readonly EntrySpec[]): string {
  const parsed = parseHar(harText(entries));
  assert.ok(parsed.ok);
  const selected = selectRequests(parsed.value, { includeStatic: false });
  assert.ok(selected.ok, selected.ok ? '' : selected.error);
  return writeJourney(parsed.value, selected.value, { file: 'test.har' }).source;
}

/** The recorded responses of `entries` (all replayed, in order) with each `from` text replaced by its `to`. */
function answersOf(entries: readonly EntrySpec[], swap: Readonly<Record<string, string>> = {}): (r: SentRequest, n: number) => Answer {
  const change = (text: string): string => Object.entries(swap).reduce((t, [from, to]) => t.split(from).join(to), text);
  return (_, n) => {
    const e = entries[n];
    assert.ok(e !== undefined, `request ${n} was not recorded`);
    const headers = Object.fromEntries(
      Object.entries(e.responseHeaders ?? {}).map(([k, v]: [string, string]) => [k.toLowerCase(), change(v)]),
    );
    return { status: e.status ?? 200, headers, body: change(e.json === undefined ? (e.text ?? '') : JSON.stringify(e.json)) };
  };
}

const TOKEN = 'tok_8f3a9c2e1b7d';
const login: EntrySpec[] = [
  {
    method: 'POST',
    url: 'https://shop.test/login',
    at: 0,
    headers: { 'Content-Type': 'application/json' },
    body: { mimeType: 'application/json', text: '{"user":"alice","password":"secret"}' },
    json: { token: TOKEN, userId: 583920 },
  },
  {
    url: 'https://shop.test/api/items?owner=583920&page=1',
    at: 20,
    headers: { Authorization: `Bearer ${TOKEN}` },
    json: { items: [{ id: 'a1b2c3d4e5' }, { id: 'ffee9988' }], total: 2 },
  },
  { url: 'https://shop.test/api/items/a1b2c3d4e5', at: 40, headers: { Authorization: `Bearer ${TOKEN}` }, json: { id: 'a1b2c3d4e5' } },
];

describe('values read from earlier responses', () => {
  it('a token in "Bearer <token>", a number in the query, an id from a list in the path: with an endpoint name', async () => {
    const source = journeyOf(login);
    assert.match(source, /const r1 = await vu\.post\("\/login"/);
    assert.match(source, /const r2 = await vu\.get\(`\/api\/items\?owner=\$\{r1\.json\(\)\.userId\}&page=1`/);
    assert.match(source, /await vu\.get\(`\/api\/items\/\$\{r2\.json\(\)\.items\[0\]\.id\}`/);
    assert.equal(source.match(/authorization: `Bearer \$\{r1\.json\(\)\.token\}`/g)?.length, 2);
    assert.match(source, /name: "GET \/api\/items\/:id"/);
    // The list's row keeps its default name (the query is not part of it); the last response is read by nobody.
    assert.doesNotMatch(source, /name: "GET \/api\/items"/);
    assert.doesNotMatch(source, /const r3/);
    assert.doesNotMatch(source, new RegExp(`${TOKEN}|583920|a1b2c3d4e5`));

    const run = await runJourney(source, answersOf(login, { [TOKEN]: 'tok_new000111222', '583920': '700001', a1b2c3d4e5: 'zz99yy88xx' }));
    assert.deepEqual(
      run.sent.map((r) => [r.method, r.path, r.headers['authorization']]),
      [
        ['POST', '/login', undefined],
        ['GET', '/api/items?owner=700001&page=1', 'Bearer tok_new000111222'],
        ['GET', '/api/items/zz99yy88xx', 'Bearer tok_new000111222'],
      ],
    );
    assert.deepEqual(run.sent[0]?.json, { user: 'alice', password: 'secret' });
  });

  it('a response header (x-csrf-token) into a header and a form body', async () => {
    const entries: EntrySpec[] = [
      { url: 'https://app.test/form', at: 0, mime: 'text/html', text: '<form>', responseHeaders: { 'X-CSRF-Token': 'csrf-5f2a9d81c7' } },
      {
        method: 'POST',
        url: 'https://app.test/form',
        at: 100,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': 'csrf-5f2a9d81c7' },
        body: { mimeType: 'application/x-www-form-urlencoded', text: 'csrf=csrf-5f2a9d81c7&note=a+b' },
      },
    ];
    const source = journeyOf(entries);
    assert.match(source, /"x-csrf-token": String\(r1\.headers\["x-csrf-token"\]\)/);
    assert.match(source, /body: `csrf=\$\{r1\.headers\["x-csrf-token"\]\}&note=a\+b`/);
    const run = await runJourney(source, answersOf(entries, { 'csrf-5f2a9d81c7': 'csrf-new' }));
    assert.equal(run.sent[1]?.headers['x-csrf-token'], 'csrf-new');
    assert.equal(run.sent[1]?.body, 'csrf=csrf-new&note=a+b');
  });

  it("a redirect's Location, relative or absolute, as the next path or the start of later ones", async () => {
    const entries: EntrySpec[] = [
      { method: 'POST', url: 'https://app.test/orders', at: 0, status: 201, responseHeaders: { Location: '/orders/8412' } },
      { url: 'https://app.test/orders/8412', at: 20, json: {} },
      { url: 'https://app.test/orders/8412/lines?all=1', at: 40, json: {} },
      { url: 'https://app.test/orders/8412?full=1', at: 50, json: {} },
      {
        method: 'POST',
        url: 'https://app.test/pay',
        at: 60,
        status: 303,
        responseHeaders: { Location: 'https://app.test/done?order=8412' },
      },
      { url: 'https://app.test/done?order=8412', at: 70, mime: 'text/html' },
    ];
    const source = journeyOf(entries);
    assert.match(source, /const r1 = await vu\.post\("\/orders"\)/);
    assert.match(source, /await vu\.get\(pathOf\(r1\.headers\.location, "\/orders"\), \{ name: "GET \/orders\/:id" \}\)/);
    assert.match(
      source,
      /await vu\.get\(`\$\{pathOf\(r1\.headers\.location, "\/orders"\)\}\/lines\?all=1`, \{ name: "GET \/orders\/:id\/lines" \}\)/,
    );
    assert.match(source, /await vu\.get\(`\$\{pathOf\(r1\.headers\.location, "\/orders"\)\}\?full=1`, \{ name: "GET \/orders\/:id" \}\)/);
    assert.match(source, /await vu\.get\(pathOf\(r5\.headers\.location, "\/pay"\), \{ name: "GET \/done" \}\)/);
    assert.match(source, /^function pathOf\(location: string \| undefined, from: string\): string \{$/m);
    const run = await runJourney(source, answersOf(entries, { '8412': '9999' }));
    assert.deepEqual(
      run.sent.map((r) => r.path),
      ['/orders', '/orders/9999', '/orders/9999/lines?all=1', '/orders/9999?full=1', '/pay', '/done?order=9999'],
    );
  });

  it('numbers and strings in a JSON body, as the type the request had; encoded values encoded again', async () => {
    const entries: EntrySpec[] = [
      { method: 'POST', url: 'https://app.test/cart', at: 0, json: { cart: { id: 123456, code: '777888' }, q: 'red shoes/42 x' } },
      {
        method: 'POST',
        url: 'https://app.test/cart/items?q=red%20shoes%2F42%20x',
        at: 20,
        headers: { 'Content-Type': 'application/json' },
        body: { mimeType: 'application/json', text: '{"cartId":123456,"cartRef":"123456","code":777888,"qty":1,"gift":false}' },
      },
    ];
    const source = journeyOf(entries);
    assert.match(source, /`\/cart\/items\?q=\$\{encodeURIComponent\(r1\.json\(\)\.q\)\}`/);
    assert.match(
      source.replace(/\s+/g, ' ').replace(/, \}/g, ' }'),
      /json: \{ cartId: r1\.json\(\)\.cart\.id, cartRef: String\(r1\.json\(\)\.cart\.id\), code: Number\(r1\.json\(\)\.cart\.code\), qty: 1, gift: false \}/,
    );
    const run = await runJourney(source, answersOf(entries, { '123456': '654321', '777888': '111222', 'red shoes/42 x': 'blue & co' }));
    assert.equal(run.sent[1]?.path, '/cart/items?q=blue%20%26%20co');
    assert.deepEqual(run.sent[1]?.json, { cartId: 654321, cartRef: '654321', code: 111222, qty: 1, gift: false });
  });

  it('the latest response that had the value, and of one response the shortest path to it', () => {
    const source = journeyOf([
      { url: 'https://app.test/a', at: 0, json: { id: 'u-10203040' } },
      { url: 'https://app.test/b', at: 20, json: { data: { user: { id: 'u-10203040' } }, userId: 'u-10203040' } },
      { url: 'https://app.test/users/u-10203040', at: 40, json: {} },
    ]);
    assert.match(source, /vu\.get\(`\/users\/\$\{r2\.json\(\)\.userId\}`/);
    assert.doesNotMatch(source, /const r1/);
  });

  it('a value many responses carry: from the last before the first request that sent it, not from the ones after', () => {
    const carry = (n: number): EntrySpec => ({ url: `https://app.test/carry/${n}`, at: n * 100, json: { ref: 'ref-77665544' } });
    const use = (n: number): EntrySpec => ({ url: 'https://app.test/use', at: n * 100 + 50, headers: { 'X-Ref': 'ref-77665544' } });
    const source = journeyOf([carry(0), carry(1), carry(2), use(2), carry(3), carry(4), use(4)]);
    assert.deepEqual(source.match(/"x-ref": String\(r\d\.json\(\)\.ref\)/g), [
      '"x-ref": String(r3.json().ref)',
      '"x-ref": String(r3.json().ref)',
    ]);
  });

  it('small numbers only from and into fields named like an id, and into path segments', () => {
    const source = journeyOf([
      { url: 'https://app.test/me', at: 0, json: { id: 7, count: 42, unread: 7 } },
      { url: 'https://app.test/users/7?limit=7&userId=7&page=42', at: 20, json: {} },
      { method: 'POST', url: 'https://app.test/x', at: 40, body: { mimeType: 'application/json', text: '{"qty":7,"ownerId":7,"n":42}' } },
    ]);
    assert.match(source, /`\/users\/\$\{r1\.json\(\)\.id\}\?limit=7&userId=\$\{r1\.json\(\)\.id\}&page=42`/);
    assert.match(source, /json: \{ qty: 7, ownerId: r1\.json\(\)\.id, n: 42 \}/);
  });
});

describe('values left as recorded', () => {
  it('short strings, plain words, booleans and non-integers do not count as handed over', () => {
    const source = journeyOf([
      { url: 'https://app.test/a', at: 0, json: { code: 'abc', status: 'active', ok: true, ratio: 0.25, big: 1234.5 } },
      { url: 'https://app.test/x/abc?status=active&ok=true&r=0.25&b=1234.5', at: 20, json: {} },
    ]);
    assert.match(source, /await vu\.get\("\/x\/abc\?status=active&ok=true&r=0\.25&b=1234\.5"\)/);
    assert.doesNotMatch(source, /const r1/);
  });

  it('a value the browser sent before the response came (echoed back, sent earlier, or sent alongside) is its own, not the response’s', () => {
    const source = journeyOf([
      { url: 'https://app.test/start?session=abcdef123456', at: 0, json: {} },
      {
        method: 'POST',
        url: 'https://app.test/items',
        at: 20,
        time: 30,
        body: { mimeType: 'application/json', text: '{"name":"widget-2000"}' },
        json: { name: 'widget-2000', id: 'it_99887766', session: 'abcdef123456', other: 'zz-31415926' },
      },
      // Started while the POST was still waiting for its answer: it had the value from elsewhere.
      { url: 'https://app.test/peek/zz-31415926', at: 30, json: {} },
      { url: 'https://app.test/search?q=widget-2000&s=abcdef123456', at: 60, json: {} },
      { url: 'https://app.test/items/it_99887766/zz-31415926', at: 80, json: {} },
    ]);
    assert.match(source, /vu\.get\("\/search\?q=widget-2000&s=abcdef123456"\)/);
    assert.match(source, /vu\.get\("\/peek\/zz-31415926"\)/);
    assert.match(source, /vu\.get\(`\/items\/\$\{r2\.json\(\)\.id\}\/zz-31415926`/);
  });

  it('a response header that describes the response (content-type, date) is not a value; a value only later requests send', () => {
    const source = journeyOf([
      { url: 'https://app.test/a', at: 0, json: { later: 'q-55554444' }, responseHeaders: { Date: 'Mon, 07 Dec 2026 12:00:00 GMT' } },
      {
        method: 'POST',
        url: 'https://app.test/b',
        at: 20,
        headers: { 'Content-Type': 'application/json', 'X-Seen': 'Mon, 07 Dec 2026 12:00:00 GMT' },
        body: { mimeType: 'application/json', text: '{}' },
      },
    ]);
    assert.match(source, /"content-type": "application\/json", "x-seen": "Mon, 07 Dec 2026 12:00:00 GMT"/);
    assert.doesNotMatch(source, /r1\./);
  });
});
