// Journeys (--users) against a shop that checks each user's session, order, think time and account: closed loop, arrival rate, -G 2 and two shards.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Summary } from '../../src/metrics/summary.js';
import { runGb } from '../helpers/gb-process.js';
import { accounts, shopJourney, startSessionServer, STEPS, type SessionServer } from '../helpers/session-server.js';

const THINK_MS = 100;
const ACCOUNTS = 50;

interface Shop {
  readonly server: SessionServer;
  readonly dir: string;
  readonly journey: string;
  readonly data: string;
}

async function withShop(run: (shop: Shop) => Promise<void>): Promise<void> {
  const { csv, map } = accounts(ACCOUNTS);
  const server = await startSessionServer(map, THINK_MS);
  const dir = mkdtempSync(join(tmpdir(), 'gb-journey-'));
  const journey = join(dir, 'shop.ts');
  const data = join(dir, 'accounts.csv');
  writeFileSync(journey, shopJourney(THINK_MS));
  writeFileSync(data, csv);
  try {
    await run({ server, dir, journey, data });
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each step's row of the endpoint table. */
function rows(summary: Summary): Map<string, number> {
  return new Map((summary.endpoints ?? []).map((e) => [e.name, e.requests]));
}

/** Every step the server answered is in gb's rows, except those the end of a -t run cut off (sent, and answered too late to count). */
function assertStepCounts(summary: Summary, server: SessionServer, exact: boolean): void {
  const counted = rows(summary);
  for (const step of STEPS) {
    const gb = counted.get(step) ?? 0;
    const seen = server.counts[step]!;
    if (exact) assert.equal(gb, seen, `${step}: gb counted ${gb}, the server answered ${seen}`);
    else assert.ok(gb <= seen && seen <= gb + summary.cutOff, `${step}: gb ${gb}, server ${seen}, cut off ${summary.cutOff}`);
  }
}

test(
  '--users 50 -t 10s with --data: every user logs in with its own row, keeps its own session and think time',
  { timeout: 60_000 },
  async () => {
    await withShop(async ({ server, journey, data, dir }) => {
      const out = join(dir, 'run.json');
      const ran = await runGb(['-q', '--users', '50', '-t', '10s', '--script', journey, '--data', data, '--json', out, server.url], {
        killAfterMs: 40_000,
      });
      assert.equal(ran.code, 0, ran.stderr);
      assert.deepEqual(server.violations.slice(0, 5), [], 'no user used another session, an id it was not given, or cut its think time');
      const summary = JSON.parse(readFileSync(out, 'utf8')) as Summary;
      assertStepCounts(summary, server, false);
      assert.equal(summary.failed, 0, ran.stdout);
      // 50 users × ~10 s / (~100 ms think + 3 quick steps) is thousands of logins; each account is one user's.
      assert.ok(server.counts['POST /login']! > 500, `only ${server.counts['POST /login']} logins`);
      assert.equal(server.logins.size, ACCOUNTS, 'each CSV row was the account of some user');
      assert.match(ran.stdout, /Concurrency Level:\s+50/);
      const j = summary.journeys!;
      // Every iteration began with a login the server answered, unless the end cut it off in flight.
      assert.ok(
        j.iterations.started >= server.counts['POST /login']! && j.iterations.started <= server.counts['POST /login']! + summary.cutOff,
      );
      // An iteration is complete when its cart is answered; a cart the server answered as -t cut it off is in no iteration.
      const carts = server.counts['POST /cart']!;
      assert.ok(
        j.iterations.complete <= carts && carts <= j.iterations.complete + summary.cutOff,
        `${j.iterations.complete} complete, ${carts} carts`,
      );
      assert.equal(j.iterations.failed, 0);
      assert.equal(j.iterations.started, j.iterations.complete + j.iterations.interrupted);
      // Each iteration thinks for 100 ms: none can be shorter.
      assert.ok(j.duration!.minUs >= THINK_MS * 1000, `shortest iteration ${j.duration!.minUs} µs`);
      assert.deepEqual(
        j.checks.map((c) => [c.name, c.failed]),
        [
          ['added', 0],
          ['listed', 0],
          ['logged in', 0],
        ],
      );
    });
  },
);

test('--rate with --max-users: iterations start on schedule, the pool grows when every user is busy', { timeout: 60_000 }, async () => {
  await withShop(async ({ server, journey, data, dir }) => {
    const out = join(dir, 'run.json');
    // 40 iterations a second of at least 100 ms each need at least 4 users busy at once: 2 are not enough.
    const args = ['-q', '--users', '2', '--max-users', '30', '--rate', '40', '-t', '3s', '--script', journey, '--data', data];
    const ran = await runGb([...args, '--json', out, server.url], { killAfterMs: 40_000 });
    assert.equal(ran.code, 0, ran.stderr);
    assert.deepEqual(server.violations.slice(0, 5), []);
    const summary = JSON.parse(readFileSync(out, 'utf8')) as Summary;
    assertStepCounts(summary, server, false);
    // The schedule had 120 iterations due in 3 s (0 through 2.975 s); each begins with its login.
    const logins = server.counts['POST /login']!;
    assert.ok(logins >= 118 && logins <= 121, `${logins} logins for 120 iterations due`);
    assert.ok(summary.connections !== null && summary.connections.peak > 2, `the pool grew: ${JSON.stringify(summary.connections)}`);
    assert.ok(summary.connections.peak <= 30);
    const j = summary.journeys!;
    assert.ok(logins <= j.iterations.started, 'no login without its iteration');
    assert.ok(j.iterations.started >= 119 && j.iterations.started <= 121, `${j.iterations.started} started`);
    assert.equal(j.users.peak, summary.connections.peak);
  });
});

test('-G 2 --users 10 --iterations 40: counts are exact, and user ids are unique across the workers', { timeout: 60_000 }, async () => {
  await withShop(async ({ server, journey, data, dir }) => {
    const out = join(dir, 'run.json');
    const ran = await runGb(
      ['-q', '-G', '2', '--users', '10', '--iterations', '40', '--script', journey, '--data', data, '--json', out, server.url],
      {
        killAfterMs: 40_000,
      },
    );
    assert.equal(ran.code, 0, ran.stderr);
    assert.deepEqual(server.violations, []);
    const summary = JSON.parse(readFileSync(out, 'utf8')) as Summary;
    assertStepCounts(summary, server, true);
    for (const step of STEPS) assert.equal(server.counts[step], 40, step);
    // Users 0-4 in one worker and 5-9 in the other: rows 0-9, four iterations each.
    assert.deepEqual([...server.logins.keys()].sort(), Array.from({ length: 10 }, (_, i) => `user${i}`).sort());
    for (const [user, n] of server.logins) assert.equal(n, 4, user);
    assert.equal(summary.journeys!.iterations.complete, 40);
    assert.deepEqual(summary.journeys!.users, { initial: 10, peak: 10 });
  });
});

test(
  "two shards of --users 10 --iterations 40: the merged counts equal the server's, each shard its own users",
  { timeout: 60_000 },
  async () => {
    await withShop(async ({ server, journey, data, dir }) => {
      const common = ['-q', '--users', '10', '--iterations', '40', '--script', journey, '--data', data, '--run-id', 'shop'];
      const parts = [join(dir, 'a.json'), join(dir, 'b.json')];
      const ran = await Promise.all(
        parts.map((file, i) => runGb([...common, '--shard', `${i + 1}/2`, '--json', file, server.url], { killAfterMs: 40_000 })),
      );
      for (const r of ran) assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(server.violations, []);
      const merged = await runGb(['merge', ...parts]);
      assert.equal(merged.code, 0, merged.stderr);
      const summary = JSON.parse(merged.stdout) as Summary;
      assertStepCounts(summary, server, true);
      assert.equal(server.counts['POST /login'], 40);
      assert.equal(summary.journeys!.iterations.complete, 40);
      assert.equal(summary.journeys!.checks.find((c) => c.name === 'added')?.passed, 40);
      assert.deepEqual([...server.logins.keys()].sort(), Array.from({ length: 10 }, (_, i) => `user${i}`).sort());
    });
  },
);

test('gb capacity searches a rate of iterations: each step a journey at --rate, judged on iteration_p99', { timeout: 60_000 }, async () => {
  await withShop(async ({ server, journey, data }) => {
    const args = ['capacity', server.url, '--users', '2', '--max-users', '20', '--script', journey, '--data', data];
    const ran = await runGb(
      [...args, '--slo', 'iteration_p99<2s', '--start-rate', '10', '--max-rate', '40', '--step', '1s', '--warmup', '300ms'],
      {
        killAfterMs: 40_000,
      },
    );
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stdout, /capacity: 40 iterations\/s \(iteration_p99 [\d.]+ ms at 40\), the --max-rate/);
    // Each step's achieved rate is of iterations: about 10, 20 and 40 a second, not their three requests each.
    const achieved = [...ran.stdout.matchAll(/^\s+\d+\s+(\d+)\s+([\d.]+)\s/gm)].map((m) => [Number(m[1]), Number(m[2])]);
    assert.equal(achieved.length, 3, ran.stdout);
    for (const [rate, got] of achieved) assert.ok(got! > rate! * 0.8 && got! < rate! * 1.2, `${got}/s at ${rate}/s`);
    assert.deepEqual(server.violations.slice(0, 3), []);
  });
});
