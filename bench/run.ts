// `npm run bench`: gb against wrk, ab and autocannon on a pinned loopback nginx, printed as a table of medians;
// then the WebSocket and gRPC rows, on their own peer servers.

import { chmodSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, release, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { runExtras, type Extras } from './extras.js';
import { killRunningClients, measure } from './measure.js';
import { startNginx, takeLoggedRequests, type NginxServer } from './nginx.js';
import { measureRecord, type MeasureContext, type RunRecord } from './record.js';
import {
  loadAverage,
  problemLines,
  relativeTables,
  reportHeader,
  summarize,
  summaryTable,
  type RunContext,
  type SummaryRow,
} from './report.js';
import { CLIENT_CPUS, CONNECTIONS, SERVER_CPUS, parseOptions, scenarios, type Options } from './settings.js';
import { runTraffic, type TrafficResult } from './traffic.js';
import { runWsGrpc } from './ws-grpc.js';
import {
  commandFor,
  findExecutable,
  installAutocannon,
  installSystemTools,
  toolVersions,
  writeWrkPipelineScript,
  TOOLS,
  type Scenario,
  type ToolPaths,
} from './tools.js';

const log = (line: string): void => {
  process.stderr.write(`[bench] ${line}\n`);
};

/** What the machine gave for the run: the built gb, nginx, and autocannon when it could be installed. */
interface Setup {
  readonly gbMain: string;
  readonly nginxPath: string;
  readonly autocannonMain: string | null;
}

/** Builds gb if it is not built, installs the clients and tools; throws when nginx, /usr/bin/time or taskset is missing. */
function prepare(): Setup {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  // The command the package installs (the bundled CLI), as users run it.
  const gbMain = join(repoRoot, 'dist', 'gb.cjs');
  if (!existsSync(gbMain)) {
    log('dist/gb.cjs is missing: building it with npm run build');
    spawnSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit' });
    if (!existsSync(gbMain)) throw new Error('dist/gb.cjs is still missing; run npm run build');
  }
  const installProblems = installSystemTools(log);
  for (const problem of installProblems) log(problem);
  const nginxPath = findExecutable('nginx');
  if (nginxPath === null || !existsSync('/usr/bin/time') || findExecutable('taskset') === null) {
    throw new Error('nginx, /usr/bin/time and taskset are required (see the messages above)');
  }
  const autocannonMain = installAutocannon(log);
  if (autocannonMain === null) log('autocannon could not be installed: its rows will show n/a');
  return { gbMain, nginxPath, autocannonMain };
}

/** Every client's executable; wrk's pipelining scripts are written to `scratchDir` once per depth. */
function toolPaths(setup: Setup, scratchDir: string): ToolPaths {
  const wrkScripts = new Map<number, string>();
  return {
    node: process.execPath,
    gbMain: setup.gbMain,
    wrk: findExecutable('wrk'),
    ab: findExecutable('ab'),
    autocannonMain: setup.autocannonMain,
    h2load: findExecutable('h2load'),
    wrkPipelineScript: (depth) => {
      const known = wrkScripts.get(depth);
      if (known !== undefined) return known;
      const path = writeWrkPipelineScript(scratchDir, depth);
      wrkScripts.set(depth, path);
      return path;
    },
  };
}

/** Each scenario's base URL on nginx: plain or TLS HTTP/1.1, h2c or h2. */
function baseUrlFor(server: NginxServer): (s: Scenario) => string {
  return (s) =>
    s.http2
      ? s.tls
        ? `https://127.0.0.1:${server.h2Port}`
        : `http://127.0.0.1:${server.h2cPort}`
      : s.tls
        ? `https://127.0.0.1:${server.tlsPort}`
        : `http://127.0.0.1:${server.port}`;
}

/** The many-requests rows (--only traffic: only they; another --only prefix leaves them out). */
async function trafficRows(options: Options, paths: ToolPaths, context: MeasureContext, records: RunRecord[]): Promise<TrafficResult> {
  if (options.only !== null && options.only !== 'traffic') return { lines: [], json: {} };
  return runTraffic({
    baseUrl: `http://127.0.0.1:${context.server.port}`,
    h2cUrl: `http://127.0.0.1:${context.server.h2cPort}`,
    gbMain: paths.gbMain,
    scratchDir: context.scratchDir,
    connections: CONNECTIONS,
    requests: scenarios(options.quick)[0]!.requests,
    rounds: options.rounds,
    measure: async (label, argv) => {
      const run = await measureRecord(context, { round: 0, scenario: label, tool: 'gb' }, argv, CLIENT_CPUS);
      records.push(run);
      return { cpuUsPerRequest: run.cpuUsPerRequest, requestsPerSec: run.report.requestsPerSec, ok: run.problem === null };
    },
  });
}

/** Every tool on every scenario, round after round, so a slow spell of the machine hits all alike. */
async function scenarioRounds(run: RunContext, paths: ToolPaths, context: MeasureContext, records: RunRecord[]): Promise<void> {
  const baseUrlOf = baseUrlFor(context.server);
  for (let round = 1; round <= run.options.rounds; round++) {
    for (const scenario of run.scenarios) {
      for (const tool of TOOLS) {
        const argv = commandFor(tool, scenario, `${baseUrlOf(scenario)}${scenario.path}`, paths);
        if (argv !== null) records.push(await measureRecord(context, { round, scenario: scenario.id, tool }, argv, CLIENT_CPUS));
      }
    }
  }
}

/** --json FILE: every run's raw numbers, the medians and the extras. */
function writeJson(
  path: string,
  run: RunContext,
  records: readonly RunRecord[],
  summary: readonly SummaryRow[],
  extras: Extras,
  traffic: TrafficResult,
  wsGrpc: Record<string, unknown> = {},
): void {
  const json = {
    createdAt: new Date().toISOString(),
    options: run.options,
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? null, kernel: release(), node: process.version },
    versions: run.versions,
    serverCpus: SERVER_CPUS,
    clientCpus: CLIENT_CPUS,
    scenarios: run.scenarios,
    runs: records,
    summary,
    extras: extras.json,
    traffic: traffic.json,
    wsGrpc,
    extraRuns: extras.records,
  };
  writeFileSync(path, JSON.stringify(json, null, 2) + '\n');
  log(`raw numbers written to ${path}`);
}

/** Everything measured against the running nginx, then the report; the exit code. */
async function benchmark(run: RunContext, paths: ToolPaths, context: MeasureContext): Promise<number> {
  const { options } = run;
  const { server, scratchDir } = context;
  const baseUrl = `http://127.0.0.1:${server.port}`;
  log(`nginx on ${baseUrl} pinned to CPU ${SERVER_CPUS}; clients on CPU ${CLIENT_CPUS}; scratch ${scratchDir}`);
  // One untimed pass so nginx's first measured run does not pay for cold caches.
  const warmup = commandFor('gb', { ...scenarios(true)[0]!, requests: 20_000 }, `${baseUrl}/small`, paths);
  if (warmup !== null) await measure(warmup, { pinCpus: CLIENT_CPUS, timeoutMs: options.timeoutMs, scratchDir });
  await takeLoggedRequests(server.accessLogPath);

  const records: RunRecord[] = [];
  if (options.only === 'extras' || options.only === 'journeys') {
    const extras = await runExtras(options, scenarios(options.quick)[0]!, baseUrl, paths, context);
    process.stdout.write([...reportHeader(run), extras.text, ...problemLines(extras.records)].join('\n'));
    if (options.jsonPath !== null) writeJson(options.jsonPath, run, [], [], extras, { lines: [], json: {} });
    return extras.records.some((r) => r.problem !== null) ? 1 : 0;
  }
  const traffic = await trafficRows(options, paths, context, records);
  if (options.only === 'traffic') {
    process.stdout.write(traffic.lines.join('\n'));
    return records.some((r) => r.problem !== null) ? 1 : 0;
  }
  await scenarioRounds(run, paths, context, records);
  const summary = summarize(run.scenarios, records);
  const extras =
    options.only === null ? await runExtras(options, run.scenarios[0]!, baseUrl, paths, context) : { text: '', json: {}, records: [] };
  const wsGrpc =
    options.only === null
      ? await runWsGrpc({ options, gbMain: paths.gbMain, h2load: paths.h2load, scratchDir }, extras.records)
      : { lines: [], json: {} };

  const out = [
    ...reportHeader(run),
    summaryTable(run.scenarios, summary),
    ...relativeTables(run.scenarios, summary),
    extras.text,
    ...traffic.lines,
    ...wsGrpc.lines,
  ];
  out.push(...problemLines([...records, ...extras.records]));
  process.stdout.write(out.join('\n'));
  if (options.jsonPath !== null) writeJson(options.jsonPath, run, records, summary, extras, traffic, wsGrpc.json);
  return 0;
}

/** --only ws or --only grpc: that row alone, on its own server, with no nginx. */
async function wsGrpcOnly(run: RunContext, paths: ToolPaths, scratchDir: string): Promise<number> {
  const records: RunRecord[] = [];
  const rows = await runWsGrpc({ options: run.options, gbMain: paths.gbMain, h2load: paths.h2load, scratchDir }, records);
  // The header's nginx and scenario-count lines describe rows this run does not have.
  const header = reportHeader(run).filter((line) => !line.startsWith('nginx:') && !line.startsWith('counts:'));
  process.stdout.write([...header, ...rows.lines, ...problemLines(records)].join('\n'));
  const extras = { text: '', json: {}, records };
  if (run.options.jsonPath !== null) writeJson(run.options.jsonPath, run, [], [], extras, { lines: [], json: {} }, rows.json);
  return records.some((r) => r.problem !== null) ? 1 : 0;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const setup = prepare();
  const scratchDir = mkdtempSync(join(tmpdir(), 'gb-bench-'));
  // mkdtemp makes it 0700, and nginx's workers (user nobody under root) must reach the files below it.
  chmodSync(scratchDir, 0o755);
  let server: NginxServer | null = null;
  const emergencyCleanup = (): void => {
    killRunningClients();
    server?.killNow();
    rmSync(scratchDir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    log(`${signal}: stopping clients and nginx`);
    emergencyCleanup();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', emergencyCleanup);

  try {
    const paths = toolPaths(setup, scratchDir);
    const versions = toolVersions(paths, setup.nginxPath);
    const loadAtStart = loadAverage();
    if (options.only === 'ws' || options.only === 'grpc')
      return await wsGrpcOnly({ options, versions, loadAtStart, scenarios: [] }, paths, scratchDir);
    server = await startNginx(setup.nginxPath, join(scratchDir, 'nginx'), SERVER_CPUS);
    const allScenarios = scenarios(options.quick).filter((s) => options.only === null || s.id.startsWith(options.only));
    const run: RunContext = { options, versions, loadAtStart, scenarios: allScenarios };
    return await benchmark(run, paths, { server, scratchDir, timeoutMs: options.timeoutMs });
  } finally {
    await server?.stop();
    killRunningClients();
    rmSync(scratchDir, { recursive: true, force: true });
    process.off('exit', emergencyCleanup);
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(`[bench] failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
