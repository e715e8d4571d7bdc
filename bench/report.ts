// The bench's report: the medians of each scenario and tool, and the text tables made of them.

import { readFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import type { RunRecord } from './record.js';
import { CLIENT_CPUS, CONNECTIONS, SERVER_CPUS, type Options } from './settings.js';
import { fmtFixed, fmtInt, fmtRatio, median, table } from './table.js';
import { TOOLS, type Scenario, type ToolName } from './tools.js';

export interface SummaryRow {
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

/** What the report says of the machine and tools, besides the measurements. */
export interface RunContext {
  readonly options: Options;
  readonly versions: Record<string, string>;
  readonly loadAtStart: string;
  readonly scenarios: Scenario[];
}

export function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}

/** The medians of each scenario and tool over its rounds (of the runs without a problem). */
export function summarize(allScenarios: readonly Scenario[], records: readonly RunRecord[]): SummaryRow[] {
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
  return summary;
}

/** The report's first lines: when, on what, with which versions and counts. */
export function reportHeader(run: RunContext): string[] {
  const { options } = run;
  return [
    `gb comparative benchmark, ${new Date().toISOString()}`,
    `machine: ${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Linux ${release()}, node ${process.version}`,
    `versions: ${Object.entries(run.versions)
      .map(([name, version]) => `${name}: ${version}`)
      .join(' | ')}`,
    `nginx: 1 worker on CPU ${SERVER_CPUS}; clients on CPU ${CLIENT_CPUS}; ${options.rounds} round(s), ${CONNECTIONS} connections${options.quick ? ' (quick counts)' : ''}`,
    `load average (1/5/15 min): ${run.loadAtStart} at start, ${loadAverage()} at end`,
    'counts: ' +
      run.scenarios
        .map(
          (s) =>
            `${s.id}: -n ${s.requests.toLocaleString('en-US')}, autocannon -a ${s.autocannonRequests.toLocaleString('en-US')}, wrk -d ${s.wrkSeconds}s`,
        )
        .join('; '),
    '',
  ];
}

/** One row per scenario and tool that could run it. */
export function summaryTable(allScenarios: readonly Scenario[], summary: readonly SummaryRow[]): string {
  const titleOf = new Map(allScenarios.map((s) => [s.id, s.title]));
  return table(
    [
      'scenario',
      'tool',
      'req/s',
      'CPU us/req',
      'peak RSS MB',
      'server logged',
      'tool reported',
      'errors',
      'srv us/req',
      'other CPU %',
      'runs',
    ],
    // A tool that cannot run a scenario at all (HTTP/1.x tools on HTTP/2 rows, h2load on HTTP/1.x) gets no row.
    summary
      .filter((row) => row.runs > 0 || (row.tool !== 'h2load' && !(allScenarios.find((s) => s.id === row.scenario)?.http2 ?? false)))
      .map((row) => [
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
  );
}

/** gb's medians over each other tool's: against wrk, autocannon and ab on HTTP/1.x, against h2load on HTTP/2. */
export function relativeTables(allScenarios: readonly Scenario[], summary: readonly SummaryRow[]): string[] {
  const out: string[] = [];
  const rowOf = (scenario: string, tool: ToolName): SummaryRow | undefined =>
    summary.find((row) => row.scenario === scenario && row.tool === tool);
  const http1Scenarios = allScenarios.filter((s) => !s.http2);
  if (http1Scenarios.length > 0) {
    out.push(
      'gb relative to each tool (medians; CPU: below 1 means gb spends less client CPU per request; req/s: above 1 means gb is faster)',
    );
    out.push(
      table(
        ['scenario', 'CPU gb/wrk', 'CPU gb/autocannon', 'CPU gb/ab', 'req/s gb/wrk', 'req/s gb/autocannon', 'req/s gb/ab'],
        http1Scenarios.map((s) => {
          const gb = rowOf(s.id, 'gb');
          const cpu = (tool: ToolName): string => fmtRatio(gb?.cpuUsPerRequest ?? null, rowOf(s.id, tool)?.cpuUsPerRequest ?? null);
          const rps = (tool: ToolName): string => fmtRatio(gb?.requestsPerSec ?? null, rowOf(s.id, tool)?.requestsPerSec ?? null);
          return [s.title, cpu('wrk'), cpu('autocannon'), cpu('ab'), rps('wrk'), rps('autocannon'), rps('ab')];
        }),
        1,
      ),
    );
  }
  const http2Scenarios = allScenarios.filter((s) => s.http2);
  if (http2Scenarios.length > 0) {
    out.push("gb --http2 relative to h2load (medians; target: CPU at most 1.5x h2load's)");
    out.push(
      table(
        ['scenario', 'gb us/req', 'h2load us/req', 'CPU gb/h2load', 'gb req/s', 'h2load req/s', 'gb RSS MB', 'h2load RSS MB'],
        http2Scenarios.map((s) => {
          const gb = rowOf(s.id, 'gb');
          const h2 = rowOf(s.id, 'h2load');
          return [
            s.title,
            fmtFixed(gb?.cpuUsPerRequest ?? null, 2),
            fmtFixed(h2?.cpuUsPerRequest ?? null, 2),
            fmtRatio(gb?.cpuUsPerRequest ?? null, h2?.cpuUsPerRequest ?? null),
            fmtInt(gb?.requestsPerSec ?? null),
            fmtInt(h2?.requestsPerSec ?? null),
            fmtFixed(gb?.peakRssMb ?? null, 1),
            fmtFixed(h2?.peakRssMb ?? null, 1),
          ];
        }),
        1,
      ),
    );
  }
  return out;
}

/** The runs that went wrong, each with its command, so that it can be run again by hand. */
export function problemLines(records: readonly RunRecord[]): string[] {
  const problems = records.filter((record) => record.problem !== null);
  if (problems.length === 0) return [];
  const out = ['Problems (shown as n/a above):'];
  for (const record of problems) {
    out.push(`  round ${record.round} ${record.scenario} ${record.tool}: ${record.problem ?? ''}`);
    out.push(`    command: ${record.argv.join(' ')}`);
  }
  out.push('');
  return out;
}
