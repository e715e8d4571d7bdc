// run(options): a benchmark from a plain options object, checked by the command line's own rules;
// the command line's runs go through runValidated() here too, so there is one way to run.

import { performance } from 'node:perf_hooks';
import type { LiveSample, RunHooks } from '../engine/run.js';
import { checkThresholds, type ThresholdOutcome } from '../metrics/thresholds.js';
import { err, ok, type Result } from '../result.js';
import { runConfig, type RunOutcome } from '../run-config.js';
import { FLAG_OPTION_NAMES, describeValue, didYouMean, rawFromFlagOptions, type FlagOptions } from './options.js';
import { validateRun, type ValidatedRun } from './validated-run.js';

export type { ValidatedRun } from './validated-run.js';

/** In-flight requests get this long to finish after an abort (Ctrl-C) before they are cut off. */
export const ABORT_GRACE_MS = 500;

/** What onProgress gets, about every 100 ms while the run goes on. */
export interface RunProgress {
  /** Requests that have ended so far (completed, failed or cut off), warm-up included. */
  readonly settled: number;
  readonly failed: number;
  /** p99 of Total so far in microseconds; null before the first response. */
  readonly p99Us: number | null;
  /** Since run() was called. */
  readonly elapsedMs: number;
}

/**
 * run()'s options: `url`, the command line's flags by their run() names (the option table's keys,
 * src/config/option-table.ts; docs/options.md lists them), and what only a program can give: a body,
 * an AbortSignal and a progress callback.
 */
export interface RunOptions extends FlagOptions {
  /** The target, as on the command line: `http://127.0.0.1:8080/path` (the scheme may be left out). Left out with `targets`, whose file names each request's URL. */
  readonly url?: string | undefined;
  /** Request body; sends POST unless `method` (or `putFile`) says otherwise. A string goes as UTF-8. */
  readonly body?: string | Uint8Array | undefined;
  /** Aborting stops the run as Ctrl-C does: no new requests, and run() resolves with the report of what was done. */
  readonly signal?: AbortSignal | undefined;
  /** Called about every 100 ms with the run so far. */
  readonly onProgress?: ((progress: RunProgress) => void) | undefined;
}

/** A finished run: ab's Summary and the rest of what the command line reports. */
export interface RunReport extends RunOutcome {
  /** Each `failIf` rule, checked against the summary. */
  readonly thresholds: readonly ThresholdOutcome[];
}

/** Why run() did not run: every problem with the options (kind 'invalid-options'), or why the run could not start. */
export interface RunFailure {
  readonly kind: 'invalid-options' | 'cannot-start';
  readonly problems: readonly string[];
}

/** The options that are not command-line flags. */
const PROGRAM_OPTIONS = ['url', 'body', 'signal', 'onProgress'] as const satisfies readonly (keyof RunOptions)[];
const ALL_NAMES: readonly string[] = [...PROGRAM_OPTIONS, ...FLAG_OPTION_NAMES];

/** Checks run()'s options, reporting every problem at once, in the command line's words where it has any. Never throws. */
export function validateRunOptions(options: unknown): Result<ValidatedRun, readonly string[]> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    return err([`run() takes an options object such as { url: 'http://127.0.0.1:8080/' }, got ${describeValue(options)}`]);
  }
  const given = options as Readonly<Record<string, unknown>>;
  const problems: string[] = [];
  for (const name of Object.keys(given)) {
    if (ALL_NAMES.includes(name)) continue;
    const guess = didYouMean(name, ALL_NAMES);
    problems.push(`unknown option '${name}'${guess === null ? '' : ` (did you mean '${guess}'?)`}`);
  }
  const wrongType = (name: string, expected: string): void => {
    problems.push(`option '${name}' must be ${expected}, got ${describeValue(given[name])}`);
  };

  const { url, body, signal, onProgress } = given;
  if (url !== undefined && typeof url !== 'string') wrongType('url', 'a string');
  if (signal !== undefined && !(signal instanceof AbortSignal)) wrongType('signal', 'an AbortSignal');
  if (onProgress !== undefined && typeof onProgress !== 'function') wrongType('onProgress', 'a function');
  const raw = rawFromFlagOptions(given, typeof url === 'string' ? [url] : [], problems);

  let bodyBytes: Uint8Array | null = null;
  if (body !== undefined) {
    if (typeof body === 'string') bodyBytes = Buffer.from(body, 'utf8');
    else if (body instanceof Uint8Array) bodyBytes = body;
    else wrongType('body', 'a string or a Uint8Array');
  }
  let rawWithBody = raw;
  if (bodyBytes !== null) {
    // The command line's one body is a file (-p, -u); these are its rules for a body given as bytes.
    if (raw.postFile !== undefined || raw.putFile !== undefined)
      problems.push(`option 'body' cannot be used with '${raw.postFile !== undefined ? 'postFile' : 'putFile'}': give one request body`);
    if (raw.head === true) problems.push("option 'body' cannot be used with 'head': a HEAD request has no body");
    if (raw.method === undefined) rawWithBody = { ...raw, method: 'POST' };
  }
  return validateRun(rawWithBody, problems, bodyBytes);
}

/** The engine's hooks a caller may set; the abort grace is the same for everyone. */
export type RunValidatedHooks = Omit<RunHooks, 'graceMs'>;

/** Runs validated options: the one path of run() and of the command line's `gb [options] URL`. */
export async function runValidated(validated: ValidatedRun, hooks: RunValidatedHooks = {}): Promise<Result<RunReport, RunFailure>> {
  const outcome = await runConfig(validated.config, { ...hooks, graceMs: ABORT_GRACE_MS });
  if (!outcome.ok) return err({ kind: 'cannot-start', problems: [outcome.error] });
  return ok({ ...outcome.value, thresholds: checkThresholds(outcome.value.summary, validated.thresholds) });
}

/**
 * Runs a benchmark. Resolves to the report, or to every problem with the options; it never throws
 * for bad input and writes nothing to stdout or stderr.
 */
export async function run(options: RunOptions): Promise<Result<RunReport, RunFailure>> {
  const validated = validateRunOptions(options);
  if (!validated.ok) return err({ kind: 'invalid-options', problems: validated.error });
  const { signal, onProgress } = options;
  const startMs = performance.now();
  const onSample =
    onProgress === undefined ? undefined : (s: LiveSample): void => onProgress({ ...s, elapsedMs: performance.now() - startMs });
  return runValidated(validated.value, {
    ...(signal === undefined ? {} : { signal }),
    ...(onSample === undefined ? {} : { onSample }),
  });
}
