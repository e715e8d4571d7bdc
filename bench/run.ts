// `npm run bench`: gb against wrk, ab and autocannon on a pinned loopback nginx, printed as a table of medians.

import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, release, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { killRunningClients, machineBusyCpuSec, measure, type MeasuredRun } from './measure.js';
import { runTraffic } from './traffic.js';
import { startNginx, takeLoggedRequests, type NginxServer } from './nginx.js';
import {
  commandFor, findExecutable, installAutocannon, installSystemTools, parseReport, toolVersions,
  writeWrkPipelineScript, TOOLS, type Scenario, type ToolName, type ToolPaths, type ToolReport,
} from './tools.js';

/** nginx gets CPU 0 and every pinned client CPU 1, so server and client never share a core. */
const SERVER_CPUS = '0';
const CLIENT_CPUS = '1';
const CONNECTIONS = 50;

interface Options {
  readonly rounds: number;
  readonly quick: boolean;
  readonly jsonPath: string | null;
  readonly timeoutMs: number;
  /** Only the scenarios whose id starts with this (and no extras): a short smoke run. */
  readonly only: string | null;
}

/** Counts sized on a 2-core box so each run takes about 2–5 s; --quick divides them by 4. */
function scenarios(quick: boolean): Scenario[] {
  const scale = quick ? 0.25 : 1;
  const wrkSeconds = quick ? 1 : 3;
  const make = (s: Omit<Scenario, 'connections' | 'wrkSeconds' | 'tls' | 'http2'> & Partial<Pick<Scenario, 'connections' | 'tls' | 'http2'>>): Scenario => ({
    connections: CONNECTIONS,
    tls: false,
    http2: false,
    ...s,
    wrkSeconds,
    requests: Math.round(s.requests * scale),
    autocannonRequests: Math.round(s.autocannonRequests * scale),
  });
  return [
    make({ id: 'ka-small', title: 'keep-alive 13 B', path: '/small', keepAlive: true, pipeline: 1, requests: 400_000, autocannonRequests: 150_000 }),
    make({ id: 'ka-10k', title: 'keep-alive 10 KiB', path: '/10k.dat', keepAlive: true, pipeline: 1, requests: 150_000, autocannonRequests: 60_000 }),
    make({ id: 'close', title: 'new conn/request', path: '/small', keepAlive: false, pipeline: 1, requests: 50_000, autocannonRequests: 20_000 }),
    make({ id: 'pipeline', title: 'pipelined x10', path: '/small', keepAlive: true, pipeline: 10, requests: 500_000, autocannonRequests: 300_000 }),
    // A TLS handshake per request costs the server far more than the client, so few connections keep nginx from being the limit.
    make({ id: 'https-close', title: 'HTTPS new conn, c=4', path: '/small', keepAlive: false, tls: true, connections: 4, pipeline: 1, requests: 8_000, autocannonRequests: 0 }),
    // HTTP/2: gb --http2 against h2load, 10 connections x 10 streams (h2load's -m), h2c and h2 over TLS.
    make({ id: 'h2c-small', title: 'h2c 13 B, c=10 x10', path: '/small', keepAlive: true, http2: true, connections: 10, pipeline: 10, requests: 200_000, autocannonRequests: 0 }),
    make({ id: 'h2c-10k', title: 'h2c 10 KiB, c=10 x10', path: '/10k.dat', keepAlive: true, http2: true, connections: 10, pipeline: 10, requests: 100_000, autocannonRequests: 0 }),
    make({ id: 'h2-small', title: 'h2 TLS 13 B, c=10 x10', path: '/small', keepAlive: true, http2: true, tls: true, connections: 10, pipeline: 10, requests: 200_000, autocannonRequests: 0 }),
    make({ id: 'h2-10k', title: 'h2 TLS 10 KiB, c=10 x10', path: '/10k.dat', keepAlive: true, http2: true, tls: true, connections: 10, pipeline: 10, requests: 100_000, autocannonRequests: 0 }),
  ];
}

interface RunRecord {
  readonly round: number;
  readonly scenario: string;
  readonly tool: ToolName;
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly elapsedMs: number;
  readonly wallSec: number | null;
  readonly userSec: number | null;
  readonly sysSec: number | null;
  readonly maxRssKb: number | null;
  readonly report: ToolReport;
  readonly serverLogged: number | null;
  readonly serverNon200: number | null;
  readonly cpuUsPerRequest: number | null;
  /** nginx's CPU over the lines it logged: what this client's way of asking costs the server. */
  readonly serverCpuUsPerRequest: number | null;
  /** CPU used by everything except this client and nginx, as a share of all cores: above a few % the run was disturbed. */
  readonly otherCpuPct: number | null;
  readonly problem: string | null;
}

interface SummaryRow {
  readonly scenario: string;
  readonly tool: ToolName;
  readonly runs: number;
  readonly okRuns: number;
  readonly requestsPerSec: number | null;
  readonly cpuUsPerRequest: number | null;
  readonly serverCpuUsPerRequest: number | null;
  readonly otherCpuPct: number | null;
  readonly peakRssMb: number | null;
  readonly serverLogged: number | null;
  readonly reported: number | null;
  readonly errors: number | null;
}

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rounds: { type: 'string' },
      quick: { type: 'boolean' },
      json: { type: 'string' },
      timeout: { type: 'string' },
      only: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write('usage: npm run bench -- [--rounds N (default 3)] [--quick] [--json FILE] [--timeout SECONDS (per run, default 60)] [--only SCENARIO-PREFIX, e.g. h2 (no extras), or traffic]\n');
    process.exit(0);
  }
  const quick = values.quick === true;
  const rounds = values.rounds === undefined ? (quick ? 1 : 3) : Number(values.rounds);
  const timeoutSec = values.timeout === undefined ? 60 : Number(values.timeout);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, not ${values.rounds ?? ''}`);
  if (!Number.isFinite(timeoutSec) || timeoutSec <= 0) throw new Error(`--timeout must be positive seconds, not ${values.timeout ?? ''}`);
  return { rounds, quick, jsonPath: values.json ?? null, timeoutMs: timeoutSec * 1000, only: values.only ?? null };
}

function median(values: ReadonlyArray<number | null>): number | null {
  const sorted = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}

function cpuUsPer(run: MeasuredRun, requests: number | null): number | null {
  if (run.usage === null || requests === null || requests <= 0) return null;
  return ((run.usage.userSec + run.usage.sysSec) * 1e6) / requests;
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter((line) => line.trim() !== '').pop()?.slice(0, 200) ?? '';
}

function describeProblem(run: MeasuredRun, report: ToolReport): string | null {
  if (run.timedOut) return `killed after the per-run timeout (${(run.elapsedMs / 1000).toFixed(1)} s)`;
  if (run.exitCode !== 0) return `exit ${run.exitCode ?? 'by signal'}: ${lastLine(run.stderr) || lastLine(run.stdout)}`;
  if (report.requests === null) return `could not read its report: ${lastLine(run.stdout) || lastLine(run.stderr)}`;
  if (run.usage === null) return 'no /usr/bin/time figures';
  return null;
}

interface MeasureContext {
  readonly server: NginxServer;
  readonly scratchDir: string;
  readonly timeoutMs: number;
}

/** One client run plus what the server and the rest of the machine did meanwhile; logs a progress line. */
async function measureRecord(
  context: MeasureContext,
  label: { readonly round: number; readonly scenario: string; readonly tool: ToolName },
  argv: readonly string[],
  pinCpus: string | null,
  timeoutMs: number = context.timeoutMs,
): Promise<RunRecord> {
  const busyBefore = machineBusyCpuSec();
  const serverBefore = context.server.cpuSec();
  const run = await measure(argv, { pinCpus, timeoutMs, scratchDir: context.scratchDir });
  const busyAfter = machineBusyCpuSec();
  const serverAfter = context.server.cpuSec();
  const logged = await takeLoggedRequests(context.server.accessLogPath);
  const report = parseReport(label.tool, run.stdout);
  const problem = describeProblem(run, report);
  const serverCpuSec = serverBefore === null || serverAfter === null ? null : serverAfter - serverBefore;
  const clientCpuSec = run.usage === null ? null : run.usage.userSec + run.usage.sysSec;
  const otherCpuPct =
    busyBefore === null || busyAfter === null || serverCpuSec === null || clientCpuSec === null || run.elapsedMs <= 0
      ? null
      : (Math.max(0, busyAfter - busyBefore - serverCpuSec - clientCpuSec) / ((run.elapsedMs / 1000) * cpus().length)) * 100;
  const record: RunRecord = {
    ...label,
    argv: run.argv,
    exitCode: run.exitCode,
    timedOut: run.timedOut,
    elapsedMs: run.elapsedMs,
    wallSec: run.usage?.wallSec ?? null,
    userSec: run.usage?.userSec ?? null,
    sysSec: run.usage?.sysSec ?? null,
    maxRssKb: run.usage?.maxRssKb ?? null,
    report,
    serverLogged: logged.lines,
    serverNon200: logged.non200,
    cpuUsPerRequest: cpuUsPer(run, report.requests),
    serverCpuUsPerRequest: serverCpuSec === null || logged.lines === 0 ? null : (serverCpuSec * 1e6) / logged.lines,
    otherCpuPct,
    problem,
  };
  process.stderr.write(
    `[bench] round ${label.round} ${label.scenario.padEnd(10)} ${label.tool.padEnd(10)} ${fmtInt(report.requestsPerSec).padStart(9)} req/s ` +
      `${fmtFixed(record.cpuUsPerRequest, 2).padStart(7)} us/req ${fmtFixed(rssMbOf(record), 1).padStart(6)} MB ` +
      `srv ${fmtFixed(record.serverCpuUsPerRequest, 2)} us/req, other ${fmtFixed(otherCpuPct, 0)}% ` +
      `${(run.elapsedMs / 1000).toFixed(1)} s${problem === null ? '' : `  PROBLEM: ${problem}`}\n`,
  );
  return record;
}

function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}

function rssMbOf(record: RunRecord): number | null {
  return record.maxRssKb === null ? null : record.maxRssKb / 1024;
}

// ---- formatting ----

const fmtInt = (value: number | null): string => (value === null ? 'n/a' : Math.round(value).toLocaleString('en-US'));
const fmtFixed = (value: number | null, digits: number): string => (value === null ? 'n/a' : value.toFixed(digits));
const fmtRatio = (a: number | null, b: number | null): string =>
  a === null || b === null || b === 0 ? 'n/a' : `${(a / b).toFixed(2)}x`;

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, leftColumns: number): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column < leftColumns ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n') + '\n';
}

// ---- main ----

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const log = (line: string): void => {
    process.stderr.write(`[bench] ${line}\n`);
  };
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
    const wrkScripts = new Map<number, string>();
    const paths: ToolPaths = {
      node: process.execPath,
      gbMain,
      wrk: findExecutable('wrk'),
      ab: findExecutable('ab'),
      autocannonMain,
      h2load: findExecutable('h2load'),
      wrkPipelineScript: (depth) => {
        const known = wrkScripts.get(depth);
        if (known !== undefined) return known;
        const path = writeWrkPipelineScript(scratchDir, depth);
        wrkScripts.set(depth, path);
        return path;
      },
    };
    const versions = toolVersions(paths, nginxPath);
    const loadAtStart = loadAverage();
    server = await startNginx(nginxPath, join(scratchDir, 'nginx'), SERVER_CPUS);
    const activeServer = server;
    const baseUrl = `http://127.0.0.1:${activeServer.port}`;
    const tlsBaseUrl = `https://127.0.0.1:${activeServer.tlsPort}`;
    const baseUrlOf = (s: Scenario): string =>
      s.http2 ? (s.tls ? `https://127.0.0.1:${activeServer.h2Port}` : `http://127.0.0.1:${activeServer.h2cPort}`) : s.tls ? tlsBaseUrl : baseUrl;
    log(`nginx on ${baseUrl} pinned to CPU ${SERVER_CPUS}; clients on CPU ${CLIENT_CPUS}; scratch ${scratchDir}`);

    // One untimed pass so nginx's first measured run does not pay for cold caches.
    const warmup = commandFor('gb', { ...scenarios(true)[0]!, requests: 20_000 }, `${baseUrl}/small`, paths);
    if (warmup !== null) await measure(warmup, { pinCpus: CLIENT_CPUS, timeoutMs: options.timeoutMs, scratchDir });
    await takeLoggedRequests(activeServer.accessLogPath);

    const context: MeasureContext = { server: activeServer, scratchDir, timeoutMs: options.timeoutMs };

    const allScenarios = scenarios(options.quick).filter((s) => options.only === null || s.id.startsWith(options.only));
    const records: RunRecord[] = [];
    // --only traffic: just the many-requests rows; another --only prefix leaves them out.
    const traffic =
      options.only === null || options.only === 'traffic'
        ? await runTraffic({
            baseUrl,
            h2cUrl: `http://127.0.0.1:${activeServer.h2cPort}`,
            gbMain,
            scratchDir,
            connections: CONNECTIONS,
            requests: scenarios(options.quick)[0]!.requests,
            rounds: options.rounds,
            measure: async (label, argv) => {
              const run = await measureRecord(context, { round: 0, scenario: label, tool: 'gb' }, argv, CLIENT_CPUS);
              records.push(run);
              return { cpuUsPerRequest: run.cpuUsPerRequest, requestsPerSec: run.report.requestsPerSec, ok: run.problem === null };
            },
          })
        : { lines: [], json: {} };
    if (options.only === 'traffic') {
      process.stdout.write(traffic.lines.join('\n'));
      return records.some((r) => r.problem !== null) ? 1 : 0;
    }
    for (let round = 1; round <= options.rounds; round++) {
      for (const scenario of allScenarios) {
        for (const tool of TOOLS) {
          const argv = commandFor(tool, scenario, `${baseUrlOf(scenario)}${scenario.path}`, paths);
          if (argv !== null) records.push(await measureRecord(context, { round, scenario: scenario.id, tool }, argv, CLIENT_CPUS));
        }
      }
    }

    const summary: SummaryRow[] = [];
    for (const scenario of allScenarios) {
      for (const tool of TOOLS) {
        const runs = records.filter((record) => record.scenario === scenario.id && record.tool === tool);
        const ok = runs.filter((record) => record.problem === null);
        summary.push({
          scenario: scenario.id,
          tool,
          runs: runs.length,
          okRuns: ok.length,
          requestsPerSec: median(ok.map((record) => record.report.requestsPerSec)),
          cpuUsPerRequest: median(ok.map((record) => record.cpuUsPerRequest)),
          serverCpuUsPerRequest: median(ok.map((record) => record.serverCpuUsPerRequest)),
          otherCpuPct: median(ok.map((record) => record.otherCpuPct)),
          peakRssMb: median(ok.map((record) => (record.maxRssKb === null ? null : record.maxRssKb / 1024))),
          serverLogged: median(runs.map((record) => record.serverLogged)),
          reported: median(ok.map((record) => record.report.requests)),
          errors: median(ok.map((record) => record.report.errors)),
        });
      }
    }

    const extras = options.only === null ? await runExtras(options, allScenarios[0]!, baseUrl, paths, context) : { text: '', json: {}, records: [] };

    const out: string[] = [];
    out.push(`gb comparative benchmark, ${new Date().toISOString()}`);
    out.push(`machine: ${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Linux ${release()}, node ${process.version}`);
    out.push(`versions: ${Object.entries(versions).map(([name, version]) => `${name}: ${version}`).join(' | ')}`);
    out.push(`nginx: 1 worker on CPU ${SERVER_CPUS}; clients on CPU ${CLIENT_CPUS}; ${options.rounds} round(s), ${CONNECTIONS} connections${options.quick ? ' (quick counts)' : ''}`);
    out.push(`load average (1/5/15 min): ${loadAtStart} at start, ${loadAverage()} at end`);
    out.push('counts: ' + allScenarios
      .map((s) => `${s.id}: -n ${s.requests.toLocaleString('en-US')}, autocannon -a ${s.autocannonRequests.toLocaleString('en-US')}, wrk -d ${s.wrkSeconds}s`)
      .join('; '));
    out.push('');
    const titleOf = new Map(allScenarios.map((s) => [s.id, s.title]));
    out.push(table(
      ['scenario', 'tool', 'req/s', 'CPU us/req', 'peak RSS MB', 'server logged', 'tool reported', 'errors', 'srv us/req', 'other CPU %', 'runs'],
      // A tool that cannot run a scenario at all (HTTP/1.x tools on HTTP/2 rows, h2load on HTTP/1.x) gets no row.
      summary.filter((row) => row.runs > 0 || (row.tool !== 'h2load' && !(allScenarios.find((s) => s.id === row.scenario)?.http2 ?? false))).map((row) => [
        titleOf.get(row.scenario) ?? row.scenario,
        row.tool,
        fmtInt(row.requestsPerSec),
        fmtFixed(row.cpuUsPerRequest, 2),
        fmtFixed(row.peakRssMb, 1),
        fmtInt(row.serverLogged),
        fmtInt(row.reported),
        fmtInt(row.errors),
        fmtFixed(row.serverCpuUsPerRequest, 2),
        fmtFixed(row.otherCpuPct, 0),
        row.runs === 0 ? 'n/a' : `${row.okRuns}/${row.runs}`,
      ]),
      2,
    ));
    const rowOf = (scenario: string, tool: ToolName): SummaryRow | undefined =>
      summary.find((row) => row.scenario === scenario && row.tool === tool);
    if (allScenarios.some((s) => !s.http2)) out.push('gb relative to each tool (medians; CPU: below 1 means gb spends less client CPU per request; req/s: above 1 means gb is faster)');
    if (allScenarios.some((s) => !s.http2)) out.push(table(
      ['scenario', 'CPU gb/wrk', 'CPU gb/autocannon', 'CPU gb/ab', 'req/s gb/wrk', 'req/s gb/autocannon', 'req/s gb/ab'],
      allScenarios.filter((s) => !s.http2).map((s) => {
        const gb = rowOf(s.id, 'gb');
        const cpu = (tool: ToolName): string => fmtRatio(gb?.cpuUsPerRequest ?? null, rowOf(s.id, tool)?.cpuUsPerRequest ?? null);
        const rps = (tool: ToolName): string => fmtRatio(gb?.requestsPerSec ?? null, rowOf(s.id, tool)?.requestsPerSec ?? null);
        return [s.title, cpu('wrk'), cpu('autocannon'), cpu('ab'), rps('wrk'), rps('autocannon'), rps('ab')];
      }),
      1,
    ));
    const http2Scenarios = allScenarios.filter((s) => s.http2);
    if (http2Scenarios.length > 0) {
      out.push('gb --http2 relative to h2load (medians; target: CPU at most 1.5x h2load\'s)');
      out.push(table(
        ['scenario', 'gb us/req', 'h2load us/req', 'CPU gb/h2load', 'gb req/s', 'h2load req/s', 'gb RSS MB', 'h2load RSS MB'],
        http2Scenarios.map((s) => {
          const gb = rowOf(s.id, 'gb');
          const h2 = rowOf(s.id, 'h2load');
          return [
            s.title, fmtFixed(gb?.cpuUsPerRequest ?? null, 2), fmtFixed(h2?.cpuUsPerRequest ?? null, 2), fmtRatio(gb?.cpuUsPerRequest ?? null, h2?.cpuUsPerRequest ?? null),
            fmtInt(gb?.requestsPerSec ?? null), fmtInt(h2?.requestsPerSec ?? null), fmtFixed(gb?.peakRssMb ?? null, 1), fmtFixed(h2?.peakRssMb ?? null, 1),
          ];
        }),
        1,
      ));
    }
    out.push(extras.text);
    out.push(...traffic.lines);
    const problems = [...records, ...extras.records].filter((record) => record.problem !== null);
    if (problems.length > 0) {
      out.push('Problems (shown as n/a above):');
      for (const record of problems) {
        out.push(`  round ${record.round} ${record.scenario} ${record.tool}: ${record.problem ?? ''}`);
        out.push(`    command: ${record.argv.join(' ')}`);
      }
      out.push('');
    }
    process.stdout.write(out.join('\n'));

    if (options.jsonPath !== null) {
      const json = {
        createdAt: new Date().toISOString(),
        options,
        machine: { cpus: cpus().length, model: cpus()[0]?.model ?? null, kernel: release(), node: process.version },
        versions,
        serverCpus: SERVER_CPUS,
        clientCpus: CLIENT_CPUS,
        scenarios: allScenarios,
        runs: records,
        summary,
        extras: extras.json,
        traffic: traffic.json,
        extraRuns: extras.records,
      };
      writeFileSync(options.jsonPath, JSON.stringify(json, null, 2) + '\n');
      log(`raw numbers written to ${options.jsonPath}`);
    }
    return 0;
  } finally {
    await server?.stop();
    killRunningClients();
    rmSync(scratchDir, { recursive: true, force: true });
    process.off('exit', emergencyCleanup);
  }
}

interface Extras {
  readonly text: string;
  readonly json: Record<string, unknown>;
  readonly records: RunRecord[];
}

/** Memory flatness, start-up time, and -G 1 vs -G 2. */
async function runExtras(
  options: Options,
  smallScenario: Scenario,
  baseUrl: string,
  paths: ToolPaths,
  context: MeasureContext,
): Promise<Extras> {
  const url = `${baseUrl}/small`;
  const records: RunRecord[] = [];
  const lines: string[] = [];
  const gbArgv = (extra: readonly string[]): string[] => [paths.gbMain, '-q', ...extra, url];
  const record = async (label: string, tool: ToolName, argv: readonly string[], pinCpus: string | null, timeoutMs?: number): Promise<RunRecord> => {
    const result = await measureRecord(context, { round: 0, scenario: label, tool }, argv, pinCpus, timeoutMs);
    records.push(result);
    return result;
  };
  const rssMb = (run: RunRecord): number | null => (run.problem === null && run.maxRssKb !== null ? run.maxRssKb / 1024 : null);

  // (a) A recorder that keeps per-request data grows with -n; one built on fixed histograms stays flat.
  const fewRequests = 20_000;
  const manyRequests = options.quick ? 500_000 : 2_000_000;
  const few = await record('rss-few', 'gb', gbArgv(['-k', '-c', String(CONNECTIONS), '-n', String(fewRequests)]), CLIENT_CPUS);
  const many = await record('rss-many', 'gb', gbArgv(['-k', '-c', String(CONNECTIONS), '-n', String(manyRequests)]), CLIENT_CPUS, Math.max(options.timeoutMs, 300_000));
  lines.push(`Memory flatness (gb -k -c ${CONNECTIONS} /small, pinned to CPU ${CLIENT_CPUS}):`);
  lines.push(table(
    ['-n', 'peak RSS MB', 'req/s', 'CPU us/req', 'other CPU %'],
    [few, many].map((run, index) => [
      (index === 0 ? fewRequests : manyRequests).toLocaleString('en-US'),
      fmtFixed(rssMb(run), 1),
      fmtInt(run.problem === null ? run.report.requestsPerSec : null),
      fmtFixed(run.problem === null ? run.cpuUsPerRequest : null, 2),
      fmtFixed(run.otherCpuPct, 0),
    ]),
    0,
  ).trimEnd());
  lines.push(`RSS ratio ${manyRequests.toLocaleString('en-US')} / ${fewRequests.toLocaleString('en-US')}: ${fmtRatio(rssMb(many), rssMb(few))}`);
  lines.push('');

  // (b) Wall time of the smallest possible run: process start, one connection, one request, report.
  const startupRepeats = options.quick ? 3 : 5;
  const startup: Record<'gb' | 'ab', number[]> = { gb: [], ab: [] };
  for (let i = 0; i < startupRepeats; i++) {
    const gbRun = await record('startup', 'gb', gbArgv(['-n', '1', '-c', '1']), CLIENT_CPUS);
    if (gbRun.problem === null) startup.gb.push(gbRun.elapsedMs);
    if (paths.ab !== null) {
      const abRun = await record('startup', 'ab', [paths.ab, '-q', '-n', '1', '-c', '1', url], CLIENT_CPUS);
      if (abRun.problem === null) startup.ab.push(abRun.elapsedMs);
    }
  }
  const gbStartupMs = median(startup.gb);
  const abStartupMs = median(startup.ab);
  lines.push(`Start-up (-n 1 -c 1, wall time from spawn to exit incl. /usr/bin/time and taskset, median of ${startupRepeats}):`);
  lines.push(`  gb ${fmtFixed(gbStartupMs, 1)} ms, ab ${fmtFixed(abStartupMs, 1)} ms, gb/ab ${fmtRatio(gbStartupMs, abStartupMs)}`);
  lines.push('');

  // (c) Workers: unpinned, because -G 2 on one pinned core would measure nothing; it then shares CPU 0 with nginx.
  const workerRuns: Record<'1' | '2', RunRecord[]> = { '1': [], '2': [] };
  for (let round = 1; round <= options.rounds; round++) {
    for (const workers of ['1', '2'] as const) {
      const argv = gbArgv(['-k', '-c', String(CONNECTIONS), '-n', String(smallScenario.requests), '-G', workers]);
      workerRuns[workers].push(await record(`workers-G${workers}`, 'gb', argv, null));
    }
  }
  const workerRow = (workers: '1' | '2'): string[] => {
    const ok = workerRuns[workers].filter((run) => run.problem === null);
    return [
      `-G ${workers}`,
      fmtInt(median(ok.map((run) => run.report.requestsPerSec))),
      fmtFixed(median(ok.map((run) => run.cpuUsPerRequest)), 2),
      fmtFixed(median(ok.map(rssMb)), 1),
      fmtFixed(median(ok.map((run) => run.otherCpuPct)), 0),
      `${ok.length}/${workerRuns[workers].length}`,
    ];
  };
  lines.push(`Workers (gb -k -c ${CONNECTIONS} -n ${smallScenario.requests.toLocaleString('en-US')} /small, client NOT pinned: it may use both CPUs, and so competes with nginx on CPU ${SERVER_CPUS}):`);
  lines.push(table(['workers', 'req/s', 'CPU us/req', 'peak RSS MB', 'other CPU %', 'runs'], [workerRow('1'), workerRow('2')], 1).trimEnd());
  lines.push('');

  return {
    text: lines.join('\n'),
    records,
    json: {
      memoryFlatness: { fewRequests, manyRequests, fewRssMb: rssMb(few), manyRssMb: rssMb(many) },
      startup: { repeats: startupRepeats, gbMs: startup.gb, abMs: startup.ab, gbMedianMs: gbStartupMs, abMedianMs: abStartupMs },
      workers: { requests: smallScenario.requests, pinned: false },
    },
  };
}

try {
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(`[bench] failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
