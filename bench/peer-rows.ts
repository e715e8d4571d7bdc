// What the WebSocket and gRPC rows share: their pinned peer server, the rounds (order reversed every other round),
// exact counts checked on every run and against the server's own count, and the table and ratio lines.

import { rmSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { gbJsonCounts } from './gb-argv.js';
import { startPeerServer } from './peer-server.js';
import { measureRecord, rssMbOf, type MeasureTarget, type RunRecord } from './record.js';
import { CLIENT_CPUS, SERVER_CPUS, type Options } from './settings.js';
import { fmtFixed, fmtInt, fmtRatio, median, table } from './table.js';
import type { ToolName } from './tools.js';

/** One client of a row: gb or a peer. */
export interface RowClient {
  /** Its key in the JSON and in the comparisons, e.g. 'gb', 'ws', 'grpc-js', 'h2load'. */
  readonly key: string;
  readonly tool: ToolName;
  /** Its table row's title: the command in short. */
  readonly title: string;
  /** Round trips or calls it is told to make; a run that makes another count is a problem. */
  readonly count: number;
  /** Its argv, and the --json file it writes (gb's), or null when the tool is missing on this machine. */
  readonly command: { readonly argv: string[]; readonly jsonPath: string | null } | null;
}

/** A ratio of client CPU per round trip, a over b, and what the issue asks of it. */
export interface Comparison {
  readonly a: string;
  readonly b: string;
  readonly target: string;
}

/** A row once its server is up: its clients, in the order of odd rounds (gb in the middle, so every pair with gb swaps order). */
export interface RowPlan {
  readonly clients: readonly RowClient[];
  /** An untimed peer run, so the server's code is warm before the first measured one. */
  readonly warmup: RowClient;
  readonly comparisons: readonly Comparison[];
}

export interface PeerRowSpec {
  /** 'ws' or 'grpc': the --only name and the runs' label prefix. */
  readonly id: string;
  /** e.g. 'WebSocket echo' */
  readonly title: string;
  /** What one round trip is: 'msg' or 'call'. */
  readonly unit: string;
  /** The server, and the versions worth naming beside it. */
  readonly serverScript: string;
  readonly serverName: string;
  readonly versions: string;
  plan(port: number): RowPlan;
}

export interface RowResult {
  readonly lines: string[];
  readonly json: Record<string, unknown>;
}

const ok = (run: RunRecord): boolean => run.problem === null;
const cpuOf = (runs: readonly RunRecord[]): number | null => median(runs.filter(ok).map((run) => run.cpuUsPerRequest));

/** Each round's own ratio a/b of CPU per round trip, for the rounds where both ran cleanly. */
function pairRatios(a: readonly RunRecord[], b: readonly RunRecord[]): number[] {
  return a.flatMap((run) => {
    const other = b.find((candidate) => candidate.round === run.round);
    const [x, y] = [run.cpuUsPerRequest, other?.cpuUsPerRequest ?? null];
    return other !== undefined && ok(run) && ok(other) && x !== null && y !== null && y > 0 ? [x / y] : [];
  });
}

/**
 * gb's count from its --json file, which says what it did even where its text report is not the one the bench
 * parses; then any error or a count other than the one asked makes the run a problem, its CPU per round trip not the load's.
 */
function checked(run: RunRecord, client: RowClient, jsonPath: string | null): RunRecord {
  let result = run;
  if (jsonPath !== null) {
    const json = gbJsonCounts(jsonPath);
    rmSync(jsonPath, { force: true });
    const cpuSec = run.userSec === null || run.sysSec === null ? null : run.userSec + run.sysSec;
    if (json.completed !== null && run.report.requests === null) {
      const clean = run.exitCode === 0 && !run.timedOut && cpuSec !== null;
      const perSec = json.elapsedSeconds === null || json.elapsedSeconds <= 0 ? null : json.completed / json.elapsedSeconds;
      result = {
        ...run,
        report: { requests: json.completed, requestsPerSec: run.report.requestsPerSec ?? perSec, errors: json.failed ?? run.report.errors },
        cpuUsPerRequest: cpuSec === null || json.completed <= 0 ? null : (cpuSec * 1e6) / json.completed,
        problem: clean ? null : run.problem,
      };
      // The progress line above flagged the unread report; this one says what the run counts as instead.
      process.stderr.write(
        `[bench]   its --json says ${fmtInt(json.completed)} completed: ${fmtFixed(result.cpuUsPerRequest, 2)} us each\n`,
      );
    } else if (json.completed !== null && json.completed !== run.report.requests && run.problem === null) {
      result = { ...run, problem: `its report says ${fmtInt(run.report.requests)}, its --json ${fmtInt(json.completed)}` };
    }
  }
  if (result.problem !== null) return result;
  const { requests, errors } = result.report;
  if (errors !== null && errors > 0) return { ...result, problem: `${errors} failed` };
  if (requests !== client.count) return { ...result, problem: `completed ${fmtInt(requests)} of the ${fmtInt(client.count)} asked` };
  return result;
}

/** Every client once per round, the order reversed every other round so a drift of the machine favours neither side. */
async function rounds(
  spec: PeerRowSpec,
  plan: RowPlan,
  options: Options,
  target: MeasureTarget,
  records: RunRecord[],
): Promise<RunRecord[]> {
  const mine: RunRecord[] = [];
  const run = async (round: number, client: RowClient): Promise<void> => {
    if (client.command === null) return;
    const label = { round, scenario: `${spec.id}-${client.key}`, tool: client.tool };
    const record = checked(await measureRecord(target, label, client.command.argv, CLIENT_CPUS), client, client.command.jsonPath);
    mine.push(record);
    records.push(record);
  };
  await run(0, plan.warmup);
  for (let round = 1; round <= options.rounds; round++) {
    const order = round % 2 === 1 ? plan.clients : [...plan.clients].reverse();
    for (const client of order) await run(round, client);
  }
  return mine;
}

export function machineLine(): string {
  return `${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Linux ${release()}, node ${process.version}`;
}

/** The row's lines (ending in a blank one) and its JSON, from its runs and the server's count. */
function rowReport(spec: PeerRowSpec, plan: RowPlan, options: Options, runs: readonly RunRecord[], served: number | null): RowResult {
  const timed = runs.filter((run) => run.round > 0);
  const of = (key: string): RunRecord[] => timed.filter((run) => run.scenario === `${spec.id}-${key}`);
  const u = spec.unit;
  const row = (client: RowClient): string[] => {
    const good = of(client.key).filter(ok);
    return [
      client.title,
      fmtInt(median(good.map((run) => run.report.requests))),
      fmtInt(median(good.map((run) => run.report.requestsPerSec))),
      fmtFixed(cpuOf(good), 2),
      fmtFixed(median(good.map((run) => run.serverCpuUsPerRequest)), 2),
      fmtFixed(median(good.map(rssMbOf)), 1),
      fmtFixed(median(good.map((run) => run.otherCpuPct)), 0),
      client.command === null ? 'missing' : `${good.length}/${of(client.key).length}`,
    ];
  };
  const ratios = plan.comparisons.map((c) => ({ ...c, pairs: pairRatios(of(c.a), of(c.b)) }));
  const reported = runs.reduce((sum, run) => sum + (run.report.requests ?? 0), 0);
  const lines = [
    `${spec.title} (${spec.serverName} pinned to CPU ${SERVER_CPUS}, clients to CPU ${CLIENT_CPUS}; ${options.rounds} round(s), ` +
      `the order reversed every other round; ${spec.versions}; machine: ${machineLine()}):`,
    table(
      ['run', `${u}s`, `${u}/s`, `CPU us/${u}`, `srv us/${u}`, 'peak RSS MB', 'other CPU %', 'runs'],
      plan.clients.map(row),
      1,
    ).trimEnd(),
    ...ratios.map(
      (r) =>
        `${r.a} / ${r.b}, client CPU per ${u}: ${fmtRatio(cpuOf(of(r.a)), cpuOf(of(r.b)))} (medians), ` +
        `${fmtRatio(median(r.pairs), 1)} (median of the ${r.pairs.length} rounds' own ratios: ${r.pairs.map((x) => x.toFixed(2)).join(', ')}); target ≤ ${r.target}`,
    ),
    `${spec.serverName} counted ${fmtInt(served)} ${u}s; the clients reported ${fmtInt(reported)} (with the warm-up)` +
      (served === reported ? '' : '  MISMATCH'),
    '',
  ];
  const json = {
    counts: Object.fromEntries(plan.clients.map((c) => [c.key, c.count])),
    cpuUsPerRoundTrip: Object.fromEntries(plan.clients.map((c) => [c.key, cpuOf(of(c.key))])),
    pairRatios: Object.fromEntries(ratios.map((r) => [`${r.a}/${r.b}`, r.pairs])),
    ratios: Object.fromEntries(ratios.map((r) => [`${r.a}/${r.b}`, median(r.pairs)])),
    serverServed: served,
    clientsReported: reported,
  };
  return { lines, json };
}

/** One row: its server started pinned, its rounds, the server stopped and its count compared with the clients'. */
export async function runPeerRow(spec: PeerRowSpec, options: Options, scratchDir: string, records: RunRecord[]): Promise<RowResult> {
  const server = await startPeerServer(spec.serverScript, SERVER_CPUS);
  process.stderr.write(
    `[bench] ${spec.serverName} on 127.0.0.1:${server.port} pinned to CPU ${SERVER_CPUS}; clients on CPU ${CLIENT_CPUS}\n`,
  );
  let stopped = false;
  try {
    const plan = spec.plan(server.port);
    const target: MeasureTarget = {
      server: { cpuSec: () => server.cpuSec(), accessLogPath: null },
      scratchDir,
      timeoutMs: options.timeoutMs,
    };
    const runs = await rounds(spec, plan, options, target, records);
    stopped = true;
    return rowReport(spec, plan, options, runs, await server.stop());
  } finally {
    if (!stopped) await server.stop();
  }
}
