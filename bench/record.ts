// One measured client run as the report keeps it: the tool's report, its CPU and memory, and what nginx and the rest of the machine did meanwhile.

import { cpus } from 'node:os';
import { machineBusyCpuSec, measure, type MeasuredRun } from './measure.js';
import { takeLoggedRequests, type NginxServer } from './nginx.js';
import { fmtFixed, fmtInt } from './table.js';
import { parseReport, type ToolName, type ToolReport } from './tools.js';

export interface RunRecord {
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
  /** The server's CPU over the lines it logged (or, with no log, the requests the client reported): what this client's way of asking costs the server. */
  readonly serverCpuUsPerRequest: number | null;
  /** CPU used by everything except this client and nginx, as a share of all cores: above a few % the run was disturbed. */
  readonly otherCpuPct: number | null;
  readonly problem: string | null;
}

export function cpuUsPer(run: MeasuredRun, requests: number | null): number | null {
  if (run.usage === null || requests === null || requests <= 0) return null;
  return ((run.usage.userSec + run.usage.sysSec) * 1e6) / requests;
}

export function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .pop()
      ?.slice(0, 200) ?? ''
  );
}

export function describeProblem(run: MeasuredRun, report: ToolReport): string | null {
  if (run.timedOut) return `killed after the per-run timeout (${(run.elapsedMs / 1000).toFixed(1)} s)`;
  if (run.exitCode !== 0) return `exit ${run.exitCode ?? 'by signal'}: ${lastLine(run.stderr) || lastLine(run.stdout)}`;
  if (report.requests === null) return `could not read its report: ${lastLine(run.stdout) || lastLine(run.stderr)}`;
  if (run.usage === null) return 'no /usr/bin/time figures';
  return null;
}

export interface MeasureContext {
  readonly server: NginxServer;
  readonly scratchDir: string;
  readonly timeoutMs: number;
}

/** What a run asks of the server it loads: its CPU so far, and its access log where it keeps one (nginx does; gb serve does not). */
export interface MeasuredServer {
  cpuSec(): number | null;
  readonly accessLogPath: string | null;
}

/** A MeasureContext whose server may be any MeasuredServer: nginx, or the gb serve of the journey rows. */
export type MeasureTarget = Omit<MeasureContext, 'server'> & { readonly server: MeasuredServer };

/** One client run plus what the server and the rest of the machine did meanwhile; logs a progress line. */
export async function measureRecord(
  context: MeasureTarget,
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
  const logPath = context.server.accessLogPath;
  const logged = logPath === null ? null : await takeLoggedRequests(logPath);
  const report = parseReport(label.tool, run.stdout);
  // Without a log, the server's CPU is shared out over the requests the client says it made.
  const served = logged === null ? report.requests : logged.lines;
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
    serverLogged: logged?.lines ?? null,
    serverNon200: logged?.non200 ?? null,
    cpuUsPerRequest: cpuUsPer(run, report.requests),
    serverCpuUsPerRequest: serverCpuSec === null || served === null || served === 0 ? null : (serverCpuSec * 1e6) / served,
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

export function rssMbOf(record: RunRecord): number | null {
  return record.maxRssKb === null ? null : record.maxRssKb / 1024;
}
