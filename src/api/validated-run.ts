// The checks the command line and run() share once each has turned its input into RawOptions: the
// --fail-if rules, the loading step and validation, and with --shard this process's part of the run.

import type { Config } from '../config/config.js';
import type { RawOptions } from '../config/options.js';
import { validate } from '../inputs/load.js';
import { shardShare } from '../engine/split.js';
import { parseThreshold, type Threshold } from '../metrics/thresholds.js';
import { err, ok, type Result } from '../result.js';

/** A run whose options passed validation: what runValidated() needs. */
export interface ValidatedRun {
  /** This process's part: the whole run, or with --shard its share (its shard plan keeps the whole for the result). */
  readonly config: Config;
  readonly thresholds: readonly Threshold[];
}

/**
 * Parses `raw`'s --fail-if rules and validates the rest, adding their problems to the caller's
 * `problems` (those the caller found itself come first); fails when any problem was found. `body`,
 * run()'s body given as bytes, replaces the request body the options name.
 */
export function validateRun(raw: RawOptions, problems: readonly string[], body: Uint8Array | null = null): Result<ValidatedRun, string[]> {
  const all = [...problems];
  const thresholds: Threshold[] = [];
  for (const text of raw.failIf ?? []) {
    const rule = parseThreshold(text);
    if (rule.ok) thresholds.push(rule.value);
    else all.push(rule.error);
  }
  const validated = validate(raw);
  if (!validated.ok) all.push(...validated.error);
  if (!validated.ok || all.length > 0) return err(all);
  const whole = body === null ? validated.value : Object.freeze({ ...validated.value, body });
  return ok({ config: shardShare(whole), thresholds });
}
