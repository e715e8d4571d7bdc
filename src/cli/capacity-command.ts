// `gb capacity URL --slo RULE...`: measured constant-rate steps that search for the highest rate meeting every objective.

import { writeFile } from 'node:fs/promises';
import { CAPACITY_DEFAULTS, checkObjectives, clientLimit, searchCapacity, type CapacityOptions } from '../metrics/capacity.js';
import type { Summary } from '../metrics/summary.js';
import { parseThreshold, THRESHOLD_METRICS, type Threshold } from '../metrics/thresholds.js';
import { renderCapacityAnswer, renderCapacitySteps, type MeasuredVerdict } from '../report/capacity-text.js';
import { runConfig } from '../run-config.js';
import { parseDurationMs } from '../config/units.js';
import { parseCommandLine, type CliOptions } from './flags.js';
import { EXIT, type CliIo } from './io.js';
import { oneLine } from './subcommand.js';

const USAGE = `Usage: gb capacity URL --slo RULE [--slo RULE]... [options] [gb options such as -k -c N -G N]
  Searches for the highest constant rate at which every objective holds: from --start-rate it
  doubles the rate until an objective breaks (or --max-rate is reached), then bisects between the
  last good and the first bad rate until they are within 5 %. Each step is a real run of
  'gb --rate R -t STEP --warmup W', its latency measured from the intended send times.
  --slo RULE        an objective that must hold (repeatable, at least one): METRIC<LIMIT or
                    METRIC>LIMIT (also <=, >=), METRIC one of ${THRESHOLD_METRICS.join(', ')};
                    e.g. --slo 'p99<50ms' --slo 'errors<0.1%'
  --start-rate R    the first rate, requests per second, or iterations with --users (default ${CAPACITY_DEFAULTS.startRate})
  --max-rate R      never go above this rate (default ${CAPACITY_DEFAULTS.maxRate})
  --max-steps N     at most this many steps (default ${CAPACITY_DEFAULTS.maxSteps})
  --step DURATION   how long each step measures (default 5s)
  --warmup DURATION left out of each step's numbers (default 1s)
  --json FILE       write every step (its result and verdicts) and the answer
  --html FILE       write the steps' table and the answer as a page
  -h, --help        show this help
  A step gb limited is failed too and the search goes on below it: gb's event loop was busy or
  lagging, most requests left late beside a free connection, or most waited for a connection and
  -c connections could not have carried the rate even at the first step's latency. Requests that
  waited because every connection was held by a slowing server are the server's doing.
Exit status: 0 a capacity was found; 1 none (the first rate broke an objective), or gb itself was
the bottleneck at the lowest failing rate, so none is claimed; 2 bad input.
`;

const OWN_VALUES = ['slo', 'start-rate', 'max-rate', 'max-steps', 'step', 'warmup', 'json', 'html'] as const;
type OwnValue = (typeof OWN_VALUES)[number];
/** The step sets these itself; a user's value would silently be overridden. */
const STEP_OWNED = /^(-[nt]|--requests|--timelimit|--time-limit|--rate|--stages)(=|$)|^-[nt]./;

interface Split {
  readonly own: Map<OwnValue, string[]>;
  readonly rest: string[];
  readonly help: boolean;
}

function split(args: readonly string[]): Split | string {
  const own = new Map<OwnValue, string[]>();
  const rest: string[] = [];
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '-h' || arg === '--help') help = true;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? arg.slice(2, eq < 0 ? undefined : eq) : '';
    const id = OWN_VALUES.find((o) => o === name);
    if (id === undefined) {
      if (STEP_OWNED.test(arg))
        return `capacity sets each step's rate and length itself; drop ${arg} (use --step, --start-rate, --max-rate)`;
      rest.push(arg);
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) return `option '--${id}' needs a value`;
    own.set(id, [...(own.get(id) ?? []), value]);
  }
  return { own, rest, help };
}

function positiveNumber(text: string | undefined, flag: string, fallback: number, integer: boolean): number | string {
  if (text === undefined) return fallback;
  const n = Number(text);
  const fine = text.trim() !== '' && Number.isFinite(n) && n > 0 && (!integer || Number.isInteger(n));
  return fine ? n : `invalid ${flag} ${text} (expected ${integer ? 'a whole number' : 'a number'} above 0)`;
}

interface Plan {
  readonly objectives: readonly Threshold[];
  readonly search: CapacityOptions;
  readonly step: string;
  readonly warmup: string;
  readonly jsonFile: string | null;
  readonly htmlFile: string | null;
  readonly rest: readonly string[];
}

function plan(s: Split): Plan | string {
  const last = (id: OwnValue): string | undefined => s.own.get(id)?.at(-1);
  const objectives: Threshold[] = [];
  for (const text of s.own.get('slo') ?? []) {
    const rule = parseThreshold(text);
    if (!rule.ok) return rule.error.replace('bad --fail-if rule', 'bad --slo objective');
    objectives.push(rule.value);
  }
  // With no objective every rate passes, and the search would only measure gb's own ceiling.
  if (objectives.length === 0) return "capacity needs at least one --slo objective, e.g. --slo 'p99<50ms' (see 'gb capacity -h')";
  const startRate = positiveNumber(last('start-rate'), '--start-rate', CAPACITY_DEFAULTS.startRate, false);
  const maxRate = positiveNumber(last('max-rate'), '--max-rate', CAPACITY_DEFAULTS.maxRate, false);
  const maxSteps = positiveNumber(last('max-steps'), '--max-steps', CAPACITY_DEFAULTS.maxSteps, true);
  if (typeof startRate === 'string') return startRate;
  if (typeof maxRate === 'string') return maxRate;
  if (typeof maxSteps === 'string') return maxSteps;
  if (startRate > maxRate) return `--start-rate ${startRate} is above --max-rate ${maxRate}`;
  const step = last('step') ?? '5s';
  const warmup = last('warmup') ?? '1s';
  const stepMs = parseDurationMs(step);
  if (stepMs === null || stepMs <= 0) return `invalid --step ${step} (expected a duration above 0 such as 5s or 1500ms)`;
  if (parseDurationMs(warmup) === null) return `invalid --warmup ${warmup} (expected a duration such as 1s or 500ms)`;
  const jsonFile = last('json') ?? null;
  const htmlFile = last('html') ?? null;
  if (jsonFile === '' || htmlFile === '') return `option '--${jsonFile === '' ? 'json' : 'html'}' needs a file name, got an empty one`;
  return { objectives, search: { ...CAPACITY_DEFAULTS, startRate, maxRate, maxSteps }, step, warmup, jsonFile, htmlFile, rest: s.rest };
}

/** The options of a run's printed report that the user gave, as they are spelled in gb's usage. */
function reportOptionsGiven(o: CliOptions): string[] {
  const given: [string, boolean][] = [
    ['--timeline', o.timeline],
    ['--uncorrected', o.uncorrected],
    ['-w', o.htmlTables],
    ['-x', o.tableAttributes !== null],
    ['-y', o.rowAttributes !== null],
    ['--td-attributes', o.cellAttributes !== null],
    ['-d', o.noPercentiles],
    ['-S', o.noSd],
    // -v 2 and up log each request and response of a run; capacity passes its steps no such log.
    [`-v ${o.config.verbosity}`, o.config.verbosity >= 2],
  ];
  return given.filter(([, on]) => on).map(([flag]) => flag);
}

export async function capacityCommand(args: readonly string[], io: CliIo): Promise<number> {
  const usage = (message: string): number => {
    io.err.write(`gb: ${oneLine(message)}\n`);
    return EXIT.usage;
  };
  const parts = split(args);
  if (typeof parts === 'string') return usage(parts);
  if (parts.help) {
    io.out.write(USAGE);
    return EXIT.ok;
  }
  const p = plan(parts);
  if (typeof p === 'string') return usage(p);
  const stepArgs = (rate: number): string[] => [...p.rest, '--rate', String(rate), '-t', p.step, '--warmup', p.warmup];
  // Validate the user's flags once, before any load is sent, with the first step's shape.
  const probe = parseCommandLine(stepArgs(p.search.startRate));
  if (!probe.ok) return usage(probe.error.join('; '));
  if (probe.value.kind !== 'run') return usage("capacity takes gb's run options, not -h or -V of gb itself (see 'gb capacity -h')");
  const o = probe.value.options;
  // A step's own report files would be overwritten by every step; the --json file holds them all.
  if (o.csvFile !== null || o.gnuplotFile !== null || o.profileDir !== null || o.thresholds.length > 0) {
    return usage('capacity writes only --json and --html FILE (of every step), and takes objectives as --slo, not --fail-if');
  }
  // A run's report options shape a report capacity never prints: accepted, they would do nothing.
  const reportOnly = reportOptionsGiven(o);
  if (reportOnly.length > 0) {
    return usage(
      `capacity prints its own table of steps, not a run's report: ${reportOnly.join(', ')} ${reportOnly.length === 1 ? 'does' : 'do'} not apply`,
    );
  }

  // Each machine's search would take its own steps, so shards of it could not add up.
  if (o.config.shard !== null) return usage('capacity searches from one machine: --shard, --start-at and --run-id do not apply');

  let startError: string | null = null;
  // The first step is the lowest rate the search tries: its latency is the server's when unhurried.
  let baseline: Summary | null = null;
  const measure = async (rate: number): Promise<MeasuredVerdict> => {
    if (io.signal.aborted) throw new Error('interrupted');
    const parsed = parseCommandLine(stepArgs(rate));
    if (!parsed.ok || parsed.value.kind !== 'run') throw new Error('a step that validated once failed to validate');
    const ran = await runConfig(parsed.value.options.config, { signal: io.signal });
    if (!ran.ok) {
      startError = ran.error;
      throw new Error(ran.error);
    }
    const summary = ran.value.summary;
    const outcomes = checkObjectives(summary, p.objectives);
    baseline ??= summary;
    const verdict: MeasuredVerdict = {
      pass: outcomes.every((o) => o.held),
      clientLimit: clientLimit(summary, baseline),
      summary,
      outcomes,
    };
    io.err.write(`capacity step at ${rate}/s: ${verdict.pass ? 'pass' : 'FAIL'}\n`);
    return verdict;
  };
  let result;
  try {
    result = await searchCapacity(p.search, measure);
  } catch (e) {
    if (io.signal.aborted) return EXIT.interrupted;
    io.err.write(`gb: ${oneLine(startError ?? (e instanceof Error ? e.message : String(e)))}\n`);
    return EXIT.runError;
  }
  if (io.signal.aborted) return EXIT.interrupted;
  return writeResult(result, p, io);
}

type SearchResult = Awaited<ReturnType<typeof searchCapacity<MeasuredVerdict>>>;

/** Prints the steps and the answer, writes --html and --json, and gives the exit status. */
async function writeResult(result: SearchResult, p: Plan, io: CliIo): Promise<number> {
  io.out.write(renderCapacitySteps(result.steps));
  const answerLine = renderCapacityAnswer(result.answer, result.steps, result.budgetExhausted);
  io.out.write(answerLine);
  if (p.htmlFile !== null) {
    const { renderCapacityHtml } = await import('../report/capacity-html.js');
    const url = result.steps[0]?.verdict.summary.target.url ?? '';
    if (!(await save(p.htmlFile, renderCapacityHtml(url, result.steps, answerLine), io))) return EXIT.runError;
  }
  if (p.jsonFile !== null) {
    const steps = result.steps.map((st) => ({
      rate: st.rate,
      pass: st.verdict.pass,
      clientLimited: st.verdict.clientLimit !== null,
      clientLimit: st.verdict.clientLimit,
      objectives: st.verdict.outcomes.map((o) => ({ rule: o.rule.text, value: o.value, held: o.held })),
      summary: st.verdict.summary,
    }));
    const json = `${JSON.stringify({ objectives: p.objectives.map((o) => o.text), steps, answer: result.answer, budgetExhausted: result.budgetExhausted }, null, 2)}\n`;
    if (p.jsonFile === '-') io.out.write(json);
    else if (!(await save(p.jsonFile, json, io))) return EXIT.runError;
  }
  if (result.answer.kind === 'client-limited') io.err.write(`gb: ${renderCapacityAnswer(result.answer, result.steps, false).trim()}\n`);
  return result.answer.kind === 'found' ? EXIT.ok : EXIT.runError;
}

async function save(path: string, text: string, io: CliIo): Promise<boolean> {
  try {
    await writeFile(path, text);
    return true;
  } catch (e) {
    io.err.write(`gb: cannot write ${path}: ${e instanceof Error && 'code' in e ? String(e.code) : 'error'}\n`);
    return false;
  }
}
