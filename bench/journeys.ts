// The bench's journey row: gb's 3-step user journey against gb's single-URL keep-alive run on the same
// server, with Artillery on the same flow as the anchor, and gb's memory over 1 M iterations.

import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { startPinnedServer } from './peer-server.js';
import { measureRecord, rssMbOf, type MeasureTarget, type RunRecord } from './record.js';
import { CLIENT_CPUS, CONNECTIONS, SERVER_CPUS, type Options } from './settings.js';
import { fmtFixed, fmtInt, fmtRatio, median, table } from './table.js';
import { ARTILLERY_ENV, ARTILLERY_VERSION, installArtillery, type ToolName } from './tools.js';

/** One virtual user per connection of the other rows. */
const USERS = CONNECTIONS;
/** The flow's requests per iteration: POST /login, then two GETs with its token. */
const STEPS = 3;

/** gb's built-in target, started by the bench, pinned to the server's CPU. */
interface GbServe {
  /** e.g. http://127.0.0.1:40123 */
  readonly url: string;
  cpuSec(): number | null;
  /** Stops it; the count of requests it says it served, or null when it said nothing readable. */
  stop(): Promise<number | null>;
}

/** Starts `gb serve --port 0` under taskset and waits for its "listening on" line (10 s at most). */
async function startGbServe(gbMain: string, cpus: string): Promise<GbServe> {
  const server = await startPinnedServer([gbMain, 'serve', '--port', '0'], cpus, 'gb serve');
  return { ...server, url: `http://127.0.0.1:${server.port}` };
}

/** One POST /login: the token /api/items wants. Tokens are kept 10 000 logins, so each single-URL run gets a fresh one. */
function login(baseUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}/login`, { method: 'POST', agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        const token = (JSON.parse(body) as { token?: unknown }).token;
        if (res.statusCode === 200 && typeof token === 'string') resolve(token);
        else reject(new Error(`POST /login gave ${res.statusCode ?? '?'}: ${body.slice(0, 200)}`));
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('POST /login timed out')));
    req.on('error', reject);
    req.setHeader('Content-Type', 'application/json');
    req.end(JSON.stringify({ user: 'bench', password: 'bench' }));
  });
}

/** gb's journey, written as a user would write it (TypeScript, the package's types). */
const JOURNEY_SCRIPT = `// Written by bench/journeys.ts: the flow that Artillery's scenario beside it runs too.
import type { VirtualUser } from 'gb-bench';

const credentials = { user: 'bench', password: 'bench' };

export async function iteration(vu: VirtualUser): Promise<void> {
  const login = await vu.post('/login', { json: credentials });
  const auth = { headers: { Authorization: \`Bearer \${login.json<{ token: string }>().token}\` } };
  await vu.get('/api/items/1', auth);
  await vu.get('/api/items/2', auth);
}
`;

/**
 * The same flow for Artillery: `users` arrive over 1 s (the nearest it comes to gb starting them at
 * once), each loops `loops` times over its own keep-alive connection, capturing the token from the JSON.
 */
function artilleryScenario(baseUrl: string, users: number, loops: number): string {
  return `# Written by bench/journeys.ts: the flow of the journey script beside it.
config:
  target: ${baseUrl}
  phases:
    - duration: 1
      arrivalCount: ${users}
scenarios:
  - flow:
      - loop:
          - post:
              url: /login
              json:
                user: bench
                password: bench
              capture:
                json: $.token
                as: token
          - get:
              url: /api/items/1
              headers:
                Authorization: 'Bearer {{ token }}'
          - get:
              url: /api/items/2
              headers:
                Authorization: 'Bearer {{ token }}'
        count: ${loops}
`;
}

/** What the row runs, and how each run is measured and kept. */
interface JourneyRuns {
  readonly options: Options;
  readonly gbMain: string;
  readonly url: string;
  readonly journeyScript: string;
  /** node, Artillery's bin/run and its scenario file, with telemetry off; null when Artillery could not be installed. */
  readonly artillery: ((scenario: string) => string[]) | null;
  record(label: string, tool: ToolName, argv: readonly string[], timeoutMs?: number): Promise<RunRecord>;
}

/** The counts: --quick divides gb's by 4 and halves Artillery's. */
function counts(quick: boolean): { single: number; iterations: number; artilleryLoops: number; memoryIterations: number } {
  const single = quick ? 75_000 : 300_000;
  return { single, iterations: single / STEPS, artilleryLoops: quick ? 20 : 40, memoryIterations: quick ? 100_000 : 1_000_000 };
}

/** gb's journey: USERS users sharing `iterations` iterations of the script. */
function journeyArgv(j: JourneyRuns, iterations: number): string[] {
  return [j.gbMain, '-q', '--script', j.journeyScript, '--users', String(USERS), '--iterations', String(iterations), `${j.url}/`];
}

const ok = (run: RunRecord): boolean => run.problem === null;
const cpuOf = (runs: readonly RunRecord[]): number | null => median(runs.filter(ok).map((run) => run.cpuUsPerRequest));

/** Each round's own ratio a/b of CPU per request, for the rounds where both ran cleanly. */
function pairRatios(a: readonly RunRecord[], b: readonly RunRecord[]): number[] {
  return a.flatMap((run, i) => {
    const other = b[i];
    const [x, y] = [run.cpuUsPerRequest, other?.cpuUsPerRequest ?? null];
    return other !== undefined && ok(run) && ok(other) && x !== null && y !== null && y > 0 ? [x / y] : [];
  });
}

interface CostRuns {
  readonly single: RunRecord[];
  readonly journey: RunRecord[];
  readonly artillery: RunRecord[];
  readonly artilleryStartup: RunRecord | null;
}

/**
 * Rounds of single URL, journey and Artillery, the order reversed every other round (journey always
 * in the middle), so each pair's order swaps and a drift of the machine favours neither side.
 */
async function costRounds(j: JourneyRuns, files: { artillery: string; artilleryStartup: string }): Promise<CostRuns> {
  const n = counts(j.options.quick);
  const runs = { single: [] as RunRecord[], journey: [] as RunRecord[], artillery: [] as RunRecord[] };
  const single = async (): Promise<void> => {
    const token = await login(j.url);
    const argv = [j.gbMain, '-q', '-k', '-c', String(USERS), '-n', String(n.single), '-H', `Authorization: Bearer ${token}`];
    runs.single.push(await j.record('jrn-single', 'gb', [...argv, `${j.url}/api/items/1`]));
  };
  const journey = async (): Promise<void> => void runs.journey.push(await j.record('jrn-journey', 'gb', journeyArgv(j, n.iterations)));
  const artillery = async (): Promise<void> => {
    if (j.artillery !== null) runs.artillery.push(await j.record('jrn-artill', 'artillery', j.artillery(files.artillery)));
  };
  // Untimed for the figures: the server's code warm before the first measured run, as nginx's is.
  await j.record('jrn-warmup', 'gb', journeyArgv(j, Math.min(10_000, n.iterations)));
  for (let round = 1; round <= j.options.rounds; round++) {
    const order = round % 2 === 1 ? [single, journey, artillery] : [artillery, journey, single];
    for (const step of order) await step();
  }
  // Artillery's start-up alone: what its CPU per request holds besides the requests.
  const artilleryStartup = j.artillery === null ? null : await j.record('jrn-art-1', 'artillery', j.artillery(files.artilleryStartup));
  return { ...runs, artilleryStartup };
}

/** Memory over a long journey run against a short one; a recorder that kept per-request or per-iteration data would grow. */
async function memoryRuns(j: JourneyRuns): Promise<{ few: RunRecord; many: RunRecord; fewIterations: number; manyIterations: number }> {
  const fewIterations = 10_000;
  const manyIterations = counts(j.options.quick).memoryIterations;
  const few = await j.record('jrn-rss-few', 'gb', journeyArgv(j, fewIterations));
  // 3 M requests take about two minutes against gb serve on one core.
  const many = await j.record('jrn-rss-many', 'gb', journeyArgv(j, manyIterations), Math.max(j.options.timeoutMs, 600_000));
  return { few, many, fewIterations, manyIterations };
}

/** The cost table, its two ratio lines (medians, and medians of the rounds' own ratios), and their JSON. */
function costReport(cost: CostRuns, quick: boolean): { lines: string[]; json: Record<string, unknown> } {
  const n = counts(quick);
  const toSingle = pairRatios(cost.journey, cost.single);
  const artToJourney = pairRatios(cost.artillery, cost.journey);
  const startup = cost.artilleryStartup !== null && ok(cost.artilleryStartup) ? cost.artilleryStartup : null;
  const startupCpuSec = startup === null ? null : (startup.userSec ?? 0) + (startup.sysSec ?? 0);
  // Artillery's CPU per request less its start-up (a 1-user, 1-iteration run), so its count's size matters less.
  const artilleryNet = median(
    cost.artillery
      .filter(ok)
      .map((run) =>
        startupCpuSec === null || run.report.requests === null
          ? null
          : ((run.userSec ?? 0) + (run.sysSec ?? 0) - startupCpuSec) * (1e6 / run.report.requests),
      ),
  );
  const row = (title: string, runs: readonly RunRecord[]): string[] => {
    const good = runs.filter(ok);
    return [
      title,
      fmtInt(median(good.map((run) => run.report.requests))),
      fmtInt(median(good.map((run) => run.report.requestsPerSec))),
      fmtFixed(cpuOf(runs), 2),
      fmtFixed(median(good.map((run) => run.serverCpuUsPerRequest)), 2),
      fmtFixed(median(good.map(rssMbOf)), 1),
      fmtFixed(median(good.map((run) => run.otherCpuPct)), 0),
      `${good.length}/${runs.length}`,
    ];
  };
  const fmtPairs = (ratios: readonly number[]): string =>
    `${fmtFixed(median(ratios), 2)}x (median of the ${ratios.length} rounds' own ratios: ${ratios.map((r) => r.toFixed(2)).join(', ')})`;
  const lines = [
    table(
      ['run', 'requests', 'req/s', 'CPU us/req', 'srv us/req', 'peak RSS MB', 'other CPU %', 'runs'],
      [
        row(`gb -k -c ${USERS} -n ${n.single.toLocaleString('en-US')} /api/items/1 (Bearer)`, cost.single),
        row(`gb --users ${USERS} --iterations ${n.iterations.toLocaleString('en-US')} (3 steps)`, cost.journey),
        row(`Artillery ${ARTILLERY_VERSION}, ${USERS} VUs x ${n.artilleryLoops} loops (3 steps)`, cost.artillery),
      ],
      1,
    ).trimEnd(),
    `journey / single URL, CPU per request: ${fmtRatio(cpuOf(cost.journey), cpuOf(cost.single))} (medians), ${fmtPairs(toSingle)}; target ≤ 2x`,
    `Artillery / journey, CPU per request: ${fmtRatio(cpuOf(cost.artillery), cpuOf(cost.journey))} (medians), ${fmtPairs(artToJourney)}; ` +
      `Artillery less its start-up: ${fmtFixed(artilleryNet, 1)} us/req, ${fmtRatio(artilleryNet, cpuOf(cost.journey))} gb's journey`,
    `Artillery's start-up alone (1 VU x 1 loop, 3 requests): ${fmtFixed(startupCpuSec, 2)} s CPU, ${fmtFixed(startup === null ? null : rssMbOf(startup), 1)} MB peak RSS`,
  ];
  const peak = (runs: readonly RunRecord[]): number | null => median(runs.filter(ok).map(rssMbOf));
  const json = {
    users: USERS,
    singleRequests: n.single,
    journeyIterations: n.iterations,
    artilleryVersion: ARTILLERY_VERSION,
    artilleryRequests: USERS * n.artilleryLoops * STEPS,
    cpuUsPerRequest: {
      single: cpuOf(cost.single),
      journey: cpuOf(cost.journey),
      artillery: cpuOf(cost.artillery),
      artilleryLessStartup: artilleryNet,
    },
    peakRssMb: { single: peak(cost.single), journey: peak(cost.journey), artillery: peak(cost.artillery) },
    artilleryStartup: { cpuSec: startupCpuSec, rssMb: startup === null ? null : rssMbOf(startup) },
    pairRatios: { journeyToSingle: toSingle, artilleryToJourney: artToJourney },
    journeyToSingle: median(toSingle),
    artilleryToJourney: median(artToJourney),
  };
  return { lines, json };
}

type MemoryRuns = Awaited<ReturnType<typeof memoryRuns>>;

/** The row's report lines (ending in a blank one) and JSON: cost, memory, and what the server says it served. */
function journeyReport(
  options: Options,
  cost: CostRuns,
  memory: MemoryRuns,
  check: { readonly served: number | null; readonly reported: number },
): { lines: string[]; json: Record<string, unknown> } {
  const costPart = costReport(cost, options.quick);
  const rss = (run: RunRecord): number | null => (ok(run) ? rssMbOf(run) : null);
  const memoryRow = (run: RunRecord, iterations: number): string[] => [
    iterations.toLocaleString('en-US'),
    fmtInt(ok(run) ? run.report.requests : null),
    fmtFixed(rss(run), 1),
    fmtInt(ok(run) ? run.report.requestsPerSec : null),
    fmtFixed(ok(run) ? run.cpuUsPerRequest : null, 2),
  ];
  const lines = [
    `Journeys (gb serve pinned to CPU ${SERVER_CPUS}, clients to CPU ${CLIENT_CPUS}; ${options.rounds} round(s), the order swapped every round; ` +
      `flow: POST /login (JSON), GET /api/items/1 and /2 with its Bearer token):`,
    ...costPart.lines,
    `Journey memory (gb --users ${USERS}):`,
    table(
      ['--iterations', 'requests', 'peak RSS MB', 'req/s', 'CPU us/req'],
      [memoryRow(memory.few, memory.fewIterations), memoryRow(memory.many, memory.manyIterations)],
      0,
    ).trimEnd(),
    `RSS ratio ${memory.manyIterations.toLocaleString('en-US')} / ${memory.fewIterations.toLocaleString('en-US')} iterations: ${fmtRatio(rss(memory.many), rss(memory.few))}`,
    `gb serve served ${fmtInt(check.served)} requests; the clients reported ${fmtInt(check.reported)} (with the token logins)`,
    '',
  ];
  const json = {
    ...costPart.json,
    memory: {
      fewIterations: memory.fewIterations,
      manyIterations: memory.manyIterations,
      fewRssMb: rss(memory.few),
      manyRssMb: rss(memory.many),
    },
    serverServed: check.served,
    clientsReported: check.reported,
  };
  return { lines, json };
}

/** A run whose tool counted errors (a stale token's 401s, a failed capture) is a problem: its CPU per request is not the flow's. */
function withErrorsAsProblem(run: RunRecord): RunRecord {
  const errors = run.report.errors;
  return run.problem === null && errors !== null && errors > 0 ? { ...run, problem: `${errors} errors (non-2xx or failed requests)` } : run;
}

/**
 * Journeys: gb's 3-step journey (POST /login, two GETs with its token) against gb's single-URL
 * keep-alive run on the same gb serve, Artillery on the same flow as the anchor, and memory over
 * 1 M iterations (--quick: 100 000). gb serve, not nginx, because the flow needs its login and tokens.
 */
export async function runJourneys(
  options: Options,
  gbMain: string,
  scratchDir: string,
  records: RunRecord[],
  log: (line: string) => void,
): Promise<{ lines: string[]; json: Record<string, unknown> }> {
  const artilleryMain = installArtillery(log);
  if (artilleryMain === null) log('Artillery could not be installed: its journey rows will show n/a');
  const server = await startGbServe(gbMain, SERVER_CPUS);
  log(`gb serve on ${server.url} pinned to CPU ${SERVER_CPUS}; clients on CPU ${CLIENT_CPUS}`);
  let stopped = false;
  try {
    const target: MeasureTarget = {
      server: { cpuSec: () => server.cpuSec(), accessLogPath: null },
      scratchDir,
      timeoutMs: options.timeoutMs,
    };
    const journeyScript = join(scratchDir, 'journey.ts');
    writeFileSync(journeyScript, JOURNEY_SCRIPT);
    const files = { artillery: join(scratchDir, 'artillery.yml'), artilleryStartup: join(scratchDir, 'artillery-1.yml') };
    writeFileSync(files.artillery, artilleryScenario(server.url, USERS, counts(options.quick).artilleryLoops));
    writeFileSync(files.artilleryStartup, artilleryScenario(server.url, 1, 1));
    const mine: RunRecord[] = [];
    const j: JourneyRuns = {
      options,
      gbMain,
      url: server.url,
      journeyScript,
      artillery:
        artilleryMain === null ? null : (scenario) => ['/usr/bin/env', ...ARTILLERY_ENV, process.execPath, artilleryMain, 'run', scenario],
      record: async (label, tool, argv, timeoutMs) => {
        const run = withErrorsAsProblem(await measureRecord(target, { round: 0, scenario: label, tool }, argv, CLIENT_CPUS, timeoutMs));
        mine.push(run);
        records.push(run);
        return run;
      },
    };
    const cost = await costRounds(j, files);
    const memory = await memoryRuns(j);
    stopped = true;
    const served = await server.stop();
    // One login per single-URL run fetched its token.
    const reported = mine.reduce((sum, run) => sum + (run.report.requests ?? 0), 0) + cost.single.length;
    return journeyReport(options, cost, memory, { served, reported });
  } finally {
    if (!stopped) await server.stop();
  }
}
