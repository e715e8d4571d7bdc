// `gb [options] URL`: parse, run, print ab's report of whatever was done, and write the asked-for files.

import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { LiveSample } from '../engine/run.js';
import { scheduleOf } from '../engine/schedule.js';
import type { Config } from '../config/config.js';
import type { JourneyTimeline, Summary } from '../metrics/summary.js';
import type { FineTimelineRow } from '../metrics/timeline.js';
import { heartbeatStep, renderAbReport, renderBanner, renderBenchmarking, renderFinished, renderHeartbeat } from '../report/ab-text.js';
import type * as AbHtmlModule from '../report/ab-html.js';
import { renderGbExtras } from '../report/gb-extras.js';
import { brokenThresholdLine, renderThresholds } from '../report/threshold-text.js';
import type { GnuplotWriter } from '../report/gnuplot.js';
import { LiveView } from '../report/live.js';
import { VERSION } from '../version.js';
import { parseCommandLine, type CliOptions } from './flags.js';
import { EXIT, type CliIo } from './io.js';
import type { LiveOutputs } from './live-outputs.js';
import type { Profiler } from './profile.js';
import { usageText } from './usage.js';

const errorText = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message ?? String(e);

/** A command built on the benchmark (gb grpc) turns the parsed options into its own run; a string is bad input, one line. */
export type AdaptRun = (options: CliOptions) => Promise<CliOptions | string>;

export async function benchCommand(argv: readonly string[], io: CliIo, adapt?: AdaptRun): Promise<number> {
  const parsed = parseCommandLine(argv);
  if (!parsed.ok) {
    io.err.write(`gb: ${parsed.error[0] ?? 'invalid command line'} (see 'gb -h')\n`);
    return EXIT.usage;
  }
  const command = parsed.value;
  if (command.kind === 'help') {
    io.out.write(usageText());
    return EXIT.ok;
  }
  if (command.kind === 'version') {
    io.out.write(renderBanner(VERSION));
    return EXIT.ok;
  }
  const adapted = adapt === undefined ? command.options : await adapt(command.options);
  if (typeof adapted === 'string') {
    io.err.write(`gb: ${adapted}\n`);
    return EXIT.usage;
  }
  const options = adapted;
  const { config } = options;
  for (const notice of options.notices) io.err.write(`${notice}\n`);
  if (options.gnuplotFile !== null && config.workers > 1) {
    io.err.write(`gb: -g cannot be combined with -G ${config.workers}: run the gnuplot file with one worker (see 'gb -h')\n`);
    return EXIT.usage;
  }
  if (config.script !== null) {
    // A script that does not load is bad input, like a flag that does not parse: exit 2, nothing sent.
    // (One whose setup() throws fails later, in the run's own thread: exit 1, it may have sent requests of its own.)
    const loaded = await (await import('../engine/script-loader.js')).loadScript(config.script);
    const problem = loaded.ok ? (await import('../engine/script-start.js')).journeyMismatch(config, loaded.value.script) : loaded.error;
    if (problem !== null) {
      io.err.write(`gb: ${problem}\n`);
      return EXIT.usage;
    }
  }
  // Live outputs load their modules only when asked for; the dashboard's port is taken before any request.
  const live = options.live.outs.length === 0 && options.live.dashboard === null ? null : await import('./live-outputs.js');
  const outputs = live === null ? null : await live.openLiveOutputs(config, options.live, argv, io);
  if (typeof outputs === 'number') return outputs;
  const files = await openRunFiles(options, io);
  if (typeof files === 'number') {
    await outputs?.close(io.signal);
    return files;
  }
  return runAndReport(options, files, outputs, io);
}

/** What a run writes as it goes: gb's own profile (--profile) and the gnuplot file (-g). */
interface RunFiles {
  readonly gnuplot: GnuplotWriter | null;
  /** Ends the profile and says where it went; false when it could not be written. */
  finishProfile(): Promise<boolean>;
}

/** Opens the files written during the run, so that one that cannot be written fails before any request is sent. */
async function openRunFiles(options: CliOptions, io: CliIo): Promise<RunFiles | number> {
  let profiler: Profiler | null = null;
  if (options.profileDir !== null) {
    try {
      profiler = await (await import('./profile.js')).startProfiler(options.profileDir);
    } catch (e) {
      io.err.write(`gb: cannot write a profile to ${options.profileDir}: ${errorText(e)}\n`);
      return EXIT.runError;
    }
  }
  const finishProfile = async (): Promise<boolean> => {
    if (profiler === null) return true;
    try {
      io.err.write(`gb: profile written: ${(await profiler.finish()).join(', ')}\n`);
      return true;
    } catch (e) {
      io.err.write(`gb: cannot write a profile to ${options.profileDir ?? ''}: ${errorText(e)}\n`);
      return false;
    }
  };
  let gnuplot: GnuplotWriter | null = null;
  if (options.gnuplotFile !== null) {
    try {
      const { GnuplotWriter } = await import('../report/gnuplot.js');
      gnuplot = new GnuplotWriter(options.gnuplotFile, { endpoints: options.config.targets !== null || options.config.script !== null });
    } catch (e) {
      io.err.write(`gb: cannot write ${options.gnuplotFile}: ${errorText(e)}\n`);
      await finishProfile();
      return EXIT.runError;
    }
  }
  return { gnuplot, finishProfile };
}

/** ab -v 2 and up: what will be sent (the head; the body only by size), on stderr. */
async function logRequest(config: Config, io: CliIo): Promise<void> {
  let head: string;
  const first = config.targets?.list[0];
  if (config.http2) {
    // The fields of the HEADERS frame every stream sends (HPACK-encoded once).
    const { buildH2Request } = await import('../transport/h2-request.js');
    head = buildH2Request(config, VERSION)
      .fields.map(([name, value]) => `${name}: ${value}`)
      .join('\r\n');
  } else {
    const { buildRequest, buildTargetRequest } = await import('../transport/request.js');
    // With --targets, the first target's request stands for them all.
    const request = (first === undefined ? buildRequest(config, VERSION) : buildTargetRequest(config, VERSION, first)).toString('latin1');
    head = request.slice(0, request.indexOf('\r\n\r\n'));
  }
  const bodyBytes = first === undefined ? config.body : first.body;
  const body = bodyBytes === null ? '' : `\n[${bodyBytes.byteLength} bytes of body]`;
  io.err.write(`gb: request:\n${head.replaceAll('\r\n', '\n')}${body}\n`);
}

/** Announces the run, runs it with its live view, prints ab's report and gb's lines, writes the outputs; the exit status. */
async function runAndReport(options: CliOptions, files: RunFiles, liveOutputs: LiveOutputs | null, io: CliIo): Promise<number> {
  const { config } = options;
  // With the JSON on stdout, stdout carries nothing else.
  const text = options.jsonFile === '-' ? io.err : io.out;
  const live = !options.quiet && LiveView.supports({ isTTY: io.errIsTTY }) ? new LiveView(io.err) : null;
  const step = options.quiet ? 0 : heartbeatStep(config.requests);
  // Reporters a run did not ask for are never loaded: start-up time and memory stay small.
  const abHtml = options.htmlTables ? await import('../report/ab-html.js') : null;
  text.write(abHtml !== null ? abHtml.renderAbHtmlBanner(VERSION) : renderBanner(VERSION));
  if (!options.htmlTables) text.write(renderBenchmarking(config.target.host, step > 0 || live !== null));
  if (config.verbosity >= 2) await logRequest(config, io);

  const responseLog = config.verbosity >= 2 ? (await import('../report/ab-verbose.js')).renderResponseLog : null;
  const timelineText = options.timeline ? (await import('../report/timeline-text.js')).renderTimelineText : null;
  const { gnuplot } = files;
  // The same path as the library's run(options), from the options the command line validated.
  const { runValidated } = await import('../api/run.js');
  const outcome = await runValidated(options, {
    signal: io.signal,
    progressEvery: step,
    onProgress: (settled) => (live === null ? io.err.write(renderHeartbeat(settled)) : live.writeAbove(renderHeartbeat(settled))),
    ...(live === null ? {} : { onSample: liveUpdater(live, config) }),
    ...(gnuplot === null ? {} : { exchangeSink: gnuplot }),
    ...(liveOutputs?.hooks ?? {}),
    ...(responseLog === null
      ? {}
      : { onResponseHead: (status: number, head: string) => io.err.write(responseLog(status, head, config.verbosity)) }),
  });
  live?.clear();
  if (!outcome.ok) {
    text.write('\n');
    for (const problem of outcome.error.problems) io.err.write(`gb: ${problem}\n`);
    await gnuplot?.close();
    await files.finishProfile();
    await liveOutputs?.close(io.signal);
    return EXIT.runError;
  }
  const { summary, firstError, fineTimeline, thresholds, scriptError } = outcome.value;
  if (scriptError !== null) io.err.write(`gb: ${scriptError}\n`);
  const profiled = await files.finishProfile();
  if (!options.htmlTables) {
    if (step === 0 && live === null) text.write('..done\n');
    else if (summary.stopReason === 'requests' && step > 0) io.err.write(renderFinished(summary.completed));
  }
  if (summary.stopReason === 'error') {
    io.err.write(`gb: stopped at the first error: ${firstError ?? 'unknown'} (use -r to go on after errors)\n`);
  } else if (summary.succeeded === 0 && summary.stopReason !== 'interrupted') {
    // A CI step must not pass on a run that measured nothing.
    io.err.write(`gb: no request succeeded (${noSuccessReason(summary)})\n`);
  }
  printReport(summary, options, text, abHtml, thresholds, timelineText);
  for (const broken of thresholds.filter((o) => o.broken)) io.err.write(brokenThresholdLine(broken));
  const written = await writeOutputs(summary, fineTimeline, options, gnuplot, io);
  if (liveOutputs !== null) {
    const html = async (): Promise<string> => (await import('../report/html.js')).renderHtml(summary, { fineTimeline });
    for (const warning of await liveOutputs.finish(summary, html)) io.err.write(`${warning}\n`);
    await liveOutputs.close(io.signal);
  }
  if (summary.stopReason === 'interrupted') return EXIT.interrupted;
  const anyBroken = thresholds.some((o) => o.broken);
  return summary.stopReason === 'error' || summary.succeeded === 0 || !written || !profiled || anyBroken || scriptError !== null
    ? EXIT.runError
    : EXIT.ok;
}

type AbHtml = typeof AbHtmlModule;
type ThresholdOutcomes = Parameters<typeof renderThresholds>[0];

/** ab's report (or ab's -w tables), then gb's own lines, the timeline and the --fail-if rules. */
function printReport(
  summary: Summary,
  options: CliOptions,
  text: CliIo['out'],
  abHtml: AbHtml | null,
  thresholds: ThresholdOutcomes,
  timelineText: ((t: Summary['timeline'], journeys: JourneyTimeline | null) => string) | null,
): void {
  if (abHtml !== null) {
    text.write(abHtml.renderAbHtml(summary, { table: options.tableAttributes, tr: options.rowAttributes, td: options.cellAttributes }));
    return;
  }
  text.write(renderAbReport(summary, { noPercentiles: options.noPercentiles, noSd: options.noSd }));
  text.write(renderGbExtras(summary, { uncorrected: options.uncorrected }));
  if (timelineText !== null) text.write(timelineText(summary.timeline, summary.journeys?.timeline ?? null));
  text.write(renderThresholds(thresholds));
}

/** Why nothing succeeded, in a few words: the failure classes and the most frequent error. */
function noSuccessReason(s: Summary): string {
  if (s.issued === 0) return 'no request was sent';
  const f = s.failures;
  const parts = (
    [
      [f.connect, 'connect failures'],
      [f.receive, 'receive failures'],
      [f.exceptions, 'bad responses'],
      [f.length, 'Length failures'],
      [f.script, 'script failures'],
      [f.grpc, 'gRPC calls not OK'],
      [s.cutOff, 'cut off'],
    ] as const
  )
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${n} ${what}`);
  const top = Object.entries(s.errors).sort((a, b) => b[1] - a[1])[0];
  return `${parts.join(', ')}${top === undefined ? '' : `; most often: ${top[0]}`}`;
}

/** Feeds the live view: requests done, the rate over the last second (and the schedule's), errors and p99 so far. */
function liveUpdater(live: LiveView, config: Config): (s: LiveSample) => void {
  const startMs = performance.now();
  const schedule = scheduleOf(config.schedule);
  const recent: { atMs: number; settled: number }[] = [];
  return (s) => {
    const now = performance.now();
    recent.push({ atMs: now, settled: s.settled });
    while (recent.length > 2 && now - recent[0]!.atMs > 1000) recent.shift();
    const first = recent[0]!;
    const spanMs = now - first.atMs;
    live.update({
      done: s.settled,
      total: config.requests,
      elapsedMs: now - startMs,
      durationMs: config.durationMs,
      requestsPerSecond: spanMs > 0 ? ((s.settled - first.settled) * 1000) / spanMs : 0,
      // The schedule starts after the warm-up; the rate over the last second is compared with the target half a second ago.
      targetPerSecond: schedule === null ? null : schedule.rateAt(Math.max(0, now - startMs - config.warmupMs - Math.min(500, spanMs / 2))),
      errors: s.failed,
      p99Us: s.p99Us,
    });
  };
}

/** Writes --json, --html, -e and -g; returns false (after saying why) when one could not be written. */
async function writeOutputs(
  summary: Summary,
  fineTimeline: readonly FineTimelineRow[],
  options: CliOptions,
  gnuplot: GnuplotWriter | null,
  io: CliIo,
): Promise<boolean> {
  let ok = true;
  const write = async (file: string, render: () => Promise<string>): Promise<void> => {
    try {
      writeFileSync(file, await render());
    } catch (e) {
      io.err.write(`gb: cannot write ${file}: ${errorText(e)}\n`);
      ok = false;
    }
  };
  const json = async (): Promise<string> => (await import('../report/json.js')).renderJson(summary);
  if (options.jsonFile === '-') io.out.write(await json());
  else if (options.jsonFile !== null) await write(options.jsonFile, json);
  if (options.htmlFile !== null)
    await write(options.htmlFile, async () => (await import('../report/html.js')).renderHtml(summary, { fineTimeline }));
  if (options.csvFile !== null) {
    await write(options.csvFile, async () => {
      const csv = await import('../report/ab-csv.js');
      return summary.endpoints === null
        ? csv.renderPercentileCsv(summary.total)
        : csv.renderEndpointPercentileCsv(summary.total, summary.endpoints);
    });
  }
  if (gnuplot !== null) {
    try {
      await gnuplot.close(summary.endpoints?.map((e) => e.name));
    } catch (e) {
      io.err.write(`gb: cannot write ${options.gnuplotFile ?? '-g file'}: ${errorText(e)}\n`);
      ok = false;
    }
  }
  return ok;
}
