// End to end: Chromium records a HAR of a page that logs in and calls an API with the token and an id from earlier
// answers; `gb har` turns it into a journey that leaves the static files out and reads those values from the replay's
// own responses; the journey then runs (by stand-in users, and by gb's journey engine where it exists) against the
// same server, which accepts only calls that carry the calling session's cookie, token, user id and item id.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';

import { runGb } from '../helpers/gb-process.js';
import { requireTool } from '../helpers/tools.js';
import { launchChromium } from '../helpers/chromium.js';
import { fetchUser, loadJourney } from './fake-user.js';
import { startShopSite, type ShopSite } from './shop-site.js';

const skip = requireTool('chromium');
/** The journey engine (gb --script FILE --users N) is being built elsewhere; its step runs once gb has it. */

let browser: Browser | null = null;
let site: ShopSite | null = null;
let dir = '';
/** What gb har printed for the recording, shared by the tests that run it. */
let journey = '';
/** The values the recording holds, which the journey must not send as they are. */
let recorded: { token: string; userId: number; itemId: string } | null = null;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gb-har-'));
  site = await startShopSite();
  if (skip !== false) return;
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await site?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The site's counts since `before`, minus the recording's own calls. */
function resetLog(s: ShopSite): void {
  Object.assign(s.log, { pages: 0, logins: 0, lists: 0, items: 0, statics: 0 });
  s.log.problems.length = 0;
}

test(
  'gb har on a Chromium recording: statics and the other origin left out, token, user id and item id read from responses',
  { skip },
  async () => {
    assert.ok(browser !== null && site !== null);
    const har = join(dir, 'shop.har');
    const context = await browser.newContext({ recordHar: { path: har } });
    const tab = await context.newPage();
    await tab.goto(`${site.origin}/`);
    await tab
      .locator('#status')
      .filter({ hasText: /^done / })
      .waitFor();
    await context.close(); // writes the HAR
    assert.deepEqual(site.log.problems, []);

    const entries = (
      JSON.parse(readFileSync(har, 'utf8')) as {
        log: { entries: { request: { url: string }; response: { content: { text?: string } } }[] };
      }
    ).log.entries;
    const answer = (path: string): Record<string, unknown> =>
      JSON.parse(entries.find((e) => new URL(e.request.url).pathname === path)?.response.content.text ?? 'null') as Record<string, unknown>;
    const { token, userId } = answer('/login') as { token: string; userId: number };
    const itemId = (answer('/api/items') as { items: { id: string }[] }).items[0]?.id ?? '';
    recorded = { token, userId, itemId };
    assert.match(token, /^[0-9a-f]{32}$/);

    const out = await runGb(['har', har]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(
      out.stderr,
      /^gb: har: 4 requests to http:\/\/127\.0\.0\.1:\d+ replayed, \d+ left out, 4 values read from earlier responses\n$/,
    );
    journey = out.stdout;
    const calls = journey.split('\n').filter((l) => /await vu\./.test(l) && !/vu\.sleep/.test(l));
    assert.equal(calls.length, 4, journey);
    assert.match(calls[0] ?? '', /await vu\.get\("\/"/);
    assert.match(calls[1] ?? '', /const r2 = await vu\.post\("\/login"/);
    assert.match(calls[2] ?? '', /const r3 = await vu\.get\(`\/api\/items\?owner=\$\{r2\.json\(\)\.userId\}`/);
    assert.match(calls[3] ?? '', /await vu\.get\(`\/api\/items\/\$\{r3\.json\(\)\.items\[0\]\.id\}`/);
    assert.equal(journey.match(/authorization: `Bearer \$\{r2\.json\(\)\.token\}`/g)?.length, 2);
    assert.match(journey, /json: \{ user: "alice", password: "secret" \}/);
    assert.match(journey, /name: "GET \/api\/items\/:id"/);
    // Left out, with a word where they were; the recorded session's values appear nowhere.
    assert.match(journey, /\/\/ static, left out \(--include-static keeps them\): \/style\.css, \/logo\.png/);
    assert.match(journey, new RegExp(`// dropped: GET http://localhost:${site.port}/beacon \\(other origin\\)`));
    assert.doesNotMatch(journey, /vu\.get\("\/(style\.css|logo\.png)"/);
    assert.doesNotMatch(journey, new RegExp(`${token}|${userId}|${itemId}`));
    assert.doesNotMatch(journey, /sec-ch-ua|user-agent|cookie|accept-encoding|referer/i);
    await loadJourney(journey); // valid TypeScript, as esbuild reads it

    const all = await runGb(['har', har, '--include-static']);
    assert.match(all.stdout, /await vu\.get\("\/style\.css"/);
    assert.match(all.stdout, /await vu\.get\("\/logo\.png"/);
  },
);

test("the journey, run by users of its own with fetch and cookies, passes the site's session checks", { skip }, async () => {
  assert.ok(site !== null && recorded !== null && journey !== '', 'the recording test ran');
  resetLog(site);
  const iteration = await loadJourney(journey);
  const users = [0, 1, 2].map((id) => fetchUser(site?.origin ?? '', id));
  await Promise.all(
    users.map(async (vu) => {
      for (let n = 0; n < 2; n++) await iteration(vu);
    }),
  );
  assert.deepEqual(site.log.problems, []);
  assert.deepEqual({ ...site.log, problems: undefined }, { pages: 6, logins: 6, lists: 6, items: 6, statics: 0, problems: undefined });
  // The checks bite: the recorded values, sent as they are in a new session, are refused and logged.
  const stale = fetchUser(site.origin, 9);
  await stale.post('/login', { json: { user: 'alice', password: 'secret' } });
  const refused = await stale.get(`/api/items?owner=${recorded.userId}`, { headers: { authorization: `Bearer ${recorded.token}` } });
  assert.equal(refused.status, 401);
  assert.deepEqual(site.log.problems, [`GET /api/items?owner=${recorded.userId}: a token not of the cookie's session`]);
});

test('the journey under gb --script --users 3 --iterations 6 (in all): every call carries its own session', { skip }, async () => {
  assert.ok(site !== null && journey !== '', 'the recording test ran');
  resetLog(site);
  const file = join(dir, 'journey.ts');
  writeFileSync(file, journey);
  const run = await runGb(['--script', file, '--users', '3', '--iterations', '6', '-q', `${site.origin}/`], { killAfterMs: 60_000 });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(site.log.problems, []);
  assert.deepEqual({ ...site.log, problems: undefined }, { pages: 6, logins: 6, lists: 6, items: 6, statics: 0, problems: undefined });
});
