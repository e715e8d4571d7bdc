// The bench's extras beside the scenario table: memory flatness over -n, start-up time, and -G 1 against -G 2.

import { measureRecord, type MeasureContext, type RunRecord } from './record.js';
import { CLIENT_CPUS, CONNECTIONS, SERVER_CPUS, type Options } from './settings.js';
import { fmtFixed, fmtInt, fmtRatio, median, table } from './table.js';
import type { Scenario, ToolName, ToolPaths } from './tools.js';

export interface Extras {
  readonly text: string;
  readonly json: Record<string, unknown>;
  readonly records: RunRecord[];
}

/** How the extras run gb (and ab) against /small: each run is measured, logged and kept. */
interface ExtraRuns {
  readonly options: Options;
  readonly paths: ToolPaths;
  readonly url: string;
  gbArgv(extra: readonly string[]): string[];
  record(label: string, tool: ToolName, argv: readonly string[], pinCpus: string | null, timeoutMs?: number): Promise<RunRecord>;
}

/** One extra's report lines (ending in a blank one) and its part of the JSON. */
interface Extra {
  readonly lines: readonly string[];
  readonly json: unknown;
}

const rssMb = (run: RunRecord): number | null => (run.problem === null && run.maxRssKb !== null ? run.maxRssKb / 1024 : null);

/** (a) A recorder that keeps per-request data grows with -n; one built on fixed histograms stays flat. */
async function memoryFlatness(x: ExtraRuns): Promise<Extra> {
  const fewRequests = 20_000;
  const manyRequests = x.options.quick ? 500_000 : 2_000_000;
  const few = await x.record('rss-few', 'gb', x.gbArgv(['-k', '-c', String(CONNECTIONS), '-n', String(fewRequests)]), CLIENT_CPUS);
  const many = await x.record(
    'rss-many',
    'gb',
    x.gbArgv(['-k', '-c', String(CONNECTIONS), '-n', String(manyRequests)]),
    CLIENT_CPUS,
    Math.max(x.options.timeoutMs, 300_000),
  );
  const lines = [
    `Memory flatness (gb -k -c ${CONNECTIONS} /small, pinned to CPU ${CLIENT_CPUS}):`,
    table(
      ['-n', 'peak RSS MB', 'req/s', 'CPU us/req', 'other CPU %'],
      [few, many].map((run, index) => [
        (index === 0 ? fewRequests : manyRequests).toLocaleString('en-US'),
        fmtFixed(rssMb(run), 1),
        fmtInt(run.problem === null ? run.report.requestsPerSec : null),
        fmtFixed(run.problem === null ? run.cpuUsPerRequest : null, 2),
        fmtFixed(run.otherCpuPct, 0),
      ]),
      0,
    ).trimEnd(),
    `RSS ratio ${manyRequests.toLocaleString('en-US')} / ${fewRequests.toLocaleString('en-US')}: ${fmtRatio(rssMb(many), rssMb(few))}`,
    '',
  ];
  return { lines, json: { fewRequests, manyRequests, fewRssMb: rssMb(few), manyRssMb: rssMb(many) } };
}

/** (b) Wall time of the smallest possible run: process start, one connection, one request, report. */
async function startupTime(x: ExtraRuns): Promise<Extra> {
  const startupRepeats = x.options.quick ? 3 : 5;
  const startup: Record<'gb' | 'ab', number[]> = { gb: [], ab: [] };
  for (let i = 0; i < startupRepeats; i++) {
    const gbRun = await x.record('startup', 'gb', x.gbArgv(['-n', '1', '-c', '1']), CLIENT_CPUS);
    if (gbRun.problem === null) startup.gb.push(gbRun.elapsedMs);
    if (x.paths.ab !== null) {
      const abRun = await x.record('startup', 'ab', [x.paths.ab, '-q', '-n', '1', '-c', '1', x.url], CLIENT_CPUS);
      if (abRun.problem === null) startup.ab.push(abRun.elapsedMs);
    }
  }
  const gbStartupMs = median(startup.gb);
  const abStartupMs = median(startup.ab);
  const lines = [
    `Start-up (-n 1 -c 1, wall time from spawn to exit incl. /usr/bin/time and taskset, median of ${startupRepeats}):`,
    `  gb ${fmtFixed(gbStartupMs, 1)} ms, ab ${fmtFixed(abStartupMs, 1)} ms, gb/ab ${fmtRatio(gbStartupMs, abStartupMs)}`,
    '',
  ];
  return { lines, json: { repeats: startupRepeats, gbMs: startup.gb, abMs: startup.ab, gbMedianMs: gbStartupMs, abMedianMs: abStartupMs } };
}

/** (c) Workers: unpinned, because -G 2 on one pinned core would measure nothing; it then shares CPU 0 with nginx. */
async function workersCompared(x: ExtraRuns, smallScenario: Scenario): Promise<Extra> {
  const workerRuns: Record<'1' | '2', RunRecord[]> = { '1': [], '2': [] };
  for (let round = 1; round <= x.options.rounds; round++) {
    for (const workers of ['1', '2'] as const) {
      const argv = x.gbArgv(['-k', '-c', String(CONNECTIONS), '-n', String(smallScenario.requests), '-G', workers]);
      workerRuns[workers].push(await x.record(`workers-G${workers}`, 'gb', argv, null));
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
  const lines = [
    `Workers (gb -k -c ${CONNECTIONS} -n ${smallScenario.requests.toLocaleString('en-US')} /small, client NOT pinned: it may use both CPUs, and so competes with nginx on CPU ${SERVER_CPUS}):`,
    table(['workers', 'req/s', 'CPU us/req', 'peak RSS MB', 'other CPU %', 'runs'], [workerRow('1'), workerRow('2')], 1).trimEnd(),
    '',
  ];
  return { lines, json: { requests: smallScenario.requests, pinned: false } };
}

/** Memory flatness, start-up time, and -G 1 vs -G 2. */
export async function runExtras(
  options: Options,
  smallScenario: Scenario,
  baseUrl: string,
  paths: ToolPaths,
  context: MeasureContext,
): Promise<Extras> {
  const url = `${baseUrl}/small`;
  const records: RunRecord[] = [];
  const x: ExtraRuns = {
    options,
    paths,
    url,
    gbArgv: (extra) => [paths.gbMain, '-q', ...extra, url],
    record: async (label, tool, argv, pinCpus, timeoutMs) => {
      const result = await measureRecord(context, { round: 0, scenario: label, tool }, argv, pinCpus, timeoutMs);
      records.push(result);
      return result;
    },
  };
  const memory = await memoryFlatness(x);
  const startup = await startupTime(x);
  const workers = await workersCompared(x, smallScenario);
  return {
    text: [...memory.lines, ...startup.lines, ...workers.lines].join('\n'),
    records,
    json: { memoryFlatness: memory.json, startup: startup.json, workers: workers.json },
  };
}
