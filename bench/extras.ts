// The bench's extras beside the scenario table: memory flatness over -n, start-up time, -G 1 against -G 2, the cost of live outputs, and journeys.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runJourneys } from './journeys.js';
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

/** A remote-write receiver that takes every push and keeps nothing: what --out costs gb, not what a Prometheus costs. */
async function startSink(): Promise<{ url: string; pushes: () => number; close: () => void }> {
  let pushes = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      pushes++;
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api/v1/write`, pushes: () => pushes, close: () => server.close() };
}

/**
 * (d) Live outputs: --out prometheus (1 s period) and --dashboard on, against the same run without
 * them, in rounds of pairs; CPU per request is the figure (the issue's bound is +3 %). Each run is
 * the memory run's 2 M requests (about 15 s): live outputs cost about 50 ms of CPU once (node:http,
 * the dashboard's server, the first pushes' cold code) and about 1 ms a period after it, so a 3 s run
 * would measure their start, not their cost per request; peak RSS of the runs with them on shows
 * that frames and pushes stay bounded.
 */
async function liveCost(x: ExtraRuns): Promise<Extra> {
  const sink = await startSink();
  try {
    const requests = x.options.quick ? 500_000 : 2_000_000;
    const base = ['-k', '-c', String(CONNECTIONS), '-n', String(requests)];
    const live = ['--out', `prometheus=${sink.url}`, '--out-period', '1s', '--dashboard', '0'];
    const timeoutMs = Math.max(x.options.timeoutMs, 300_000);
    const runs: Record<'off' | 'on', RunRecord[]> = { off: [], on: [] };
    // Each round is a pair, its order swapped every round so a drift of the machine favours neither.
    for (let round = 1; round <= x.options.rounds; round++) {
      const off = (): Promise<RunRecord> => x.record('live-off', 'gb', x.gbArgv(base), CLIENT_CPUS, timeoutMs);
      const on = (): Promise<RunRecord> => x.record('live-on', 'gb', x.gbArgv([...base, ...live]), CLIENT_CPUS, timeoutMs);
      if (round % 2 === 1) {
        runs.off.push(await off());
        runs.on.push(await on());
      } else {
        runs.on.push(await on());
        runs.off.push(await off());
      }
    }
    const cpu = (which: 'off' | 'on'): number | null =>
      median(runs[which].filter((run) => run.problem === null).map((run) => run.cpuUsPerRequest));
    // This machine has slow spells that move both runs of a pair alike: the ratio within each pair is the steadier figure.
    const pairRatios = runs.on.flatMap((on, i) => {
      const off = runs.off[i]!;
      const [a, b] = [on.cpuUsPerRequest, off.cpuUsPerRequest];
      return on.problem === null && off.problem === null && a !== null && b !== null ? [a / b] : [];
    });
    const pairRatio = median(pairRatios);
    const row = (which: 'off' | 'on'): string[] => {
      const ok = runs[which].filter((run) => run.problem === null);
      return [
        which === 'off' ? 'without' : '--out prometheus --out-period 1s --dashboard 0',
        fmtInt(median(ok.map((run) => run.report.requestsPerSec))),
        fmtFixed(cpu(which), 2),
        fmtFixed(median(ok.map(rssMb)), 1),
        `${ok.length}/${runs[which].length}`,
      ];
    };
    const peakOn = Math.max(...runs.on.map((run) => rssMb(run) ?? 0));
    const lines = [
      `Live outputs (gb -k -c ${CONNECTIONS} -n ${requests.toLocaleString('en-US')} /small, pinned to CPU ${CLIENT_CPUS}; a sink that discards pushes, ${sink.pushes()} taken):`,
      table(['outputs', 'req/s', 'CPU us/req', 'peak RSS MB', 'runs'], [row('off'), row('on')], 0).trimEnd(),
      `CPU per request with / without: ${fmtRatio(cpu('on'), cpu('off'))} (medians), ${fmtFixed(pairRatio, 3)}x (median of the ${pairRatios.length} rounds' own ratios: ${pairRatios.map((r) => r.toFixed(3)).join(', ')}); highest peak RSS with them on: ${fmtFixed(peakOn, 1)} MB`,
      '',
    ];
    return { lines, json: { requests, cpuOn: cpu('on'), cpuOff: cpu('off'), pairRatios, peakRssOnMb: peakOn } };
  } finally {
    sink.close();
  }
}

/** Memory flatness, start-up time, -G 1 vs -G 2, live outputs' cost and journeys; --only journeys: journeys alone. */
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
  const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);
  if (options.only === 'journeys') {
    const journeys = await runJourneys(options, paths.gbMain, context.scratchDir, records, log);
    return { text: journeys.lines.join('\n'), records, json: { journeys: journeys.json } };
  }
  const memory = await memoryFlatness(x);
  const startup = await startupTime(x);
  const workers = await workersCompared(x, smallScenario);
  const live = await liveCost(x);
  const journeys = await runJourneys(options, paths.gbMain, context.scratchDir, records, log);
  return {
    text: [...memory.lines, ...startup.lines, ...workers.lines, ...live.lines, ...journeys.lines].join('\n'),
    records,
    json: { memoryFlatness: memory.json, startup: startup.json, workers: workers.json, liveOutputs: live.json, journeys: journeys.json },
  };
}
