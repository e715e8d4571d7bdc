// run()'s options object: the option table's run options by their run() names, turned into the raw
// strings validation takes, so that the API and the CLI share every rule and every message.

import type { ApiTag } from '../config/option-spec.js';
import type { OPTION_TABLE } from '../config/option-table.js';
import { ENTRIES, rawName, type RawOptions } from '../config/options.js';

/**
 * How one option's value becomes the string (or switch, or list) a command-line flag would have
 * given. `T` is the value type the option accepts, for RunOptions; `toRaw` returns undefined when a
 * JavaScript caller passed some other type.
 */
export interface OptionKind<T> {
  /** Completes "option 'x' must be ..." when the value has the wrong type. */
  readonly expected: string;
  readonly toRaw: (value: unknown) => string | boolean | readonly string[] | undefined;
  /** Never set: carries T to the RunOptions type. */
  readonly accepts?: T;
}

const isText = (value: unknown): value is string => typeof value === 'string';
const isTextList = (value: unknown): value is readonly string[] => Array.isArray(value) && value.every(isText);

/** A count (-n, -c, -G, ...): a number, or a string as the command line takes it ('1k'). */
const COUNT: OptionKind<number | string> = {
  expected: "a number or a string such as '1k'",
  toRaw: (v) => (typeof v === 'number' ? String(v) : isText(v) ? v : undefined),
};

/** A rate in requests per second: a number or a string. */
const RATE: OptionKind<number | string> = {
  expected: "a number of requests per second or a string such as '2k'",
  toRaw: (v) => (typeof v === 'number' ? String(v) : isText(v) ? v : undefined),
};

/** A duration: a number of milliseconds, or a string as the command line takes it ('10s', '500ms', '1m30s'; a plain '2' is seconds). */
const DURATION: OptionKind<number | string> = {
  expected: "a number of milliseconds or a string such as '10s'",
  toRaw: (v) => (typeof v === 'number' ? `${v}ms` : isText(v) ? v : undefined),
};

/** --seed: a whole number, or its digits as a string ('42'; not '1k': a seed is no count). */
const SEED: OptionKind<number | `${bigint}`> = {
  expected: "a whole number or a string of digits such as '42'",
  toRaw: (v) => (typeof v === 'number' ? String(v) : isText(v) ? v : undefined),
};

const TEXT: OptionKind<string> = { expected: 'a string', toRaw: (v) => (isText(v) ? v : undefined) };

/** A wall-clock time: a Date, or a string as the command line takes it (RFC 3339, or '+30s' from now). */
const TIME: OptionKind<string | Date> = {
  expected: "a Date or a string such as '2026-11-29T14:00:00Z' or '+30s'",
  toRaw: (v) => (v instanceof Date ? v.toISOString() : isText(v) ? v : undefined),
};

const SWITCH: OptionKind<boolean> = { expected: 'true or false', toRaw: (v) => (typeof v === 'boolean' ? v : undefined) };

/** A repeatable flag (-C): one string or several. */
const LIST: OptionKind<string | readonly string[]> = {
  expected: 'a string or an array of strings',
  toRaw: (v) => (isText(v) ? [v] : isTextList(v) ? v : undefined),
};

export type HeadersOption = Readonly<Record<string, string>> | readonly (string | readonly [name: string, value: string])[];

/** -H: { name: value }, or a list of 'Name: value' lines and [name, value] pairs (a name may repeat). */
const HEADERS: OptionKind<HeadersOption> = {
  expected: "an object of name: value, or an array of 'Name: value' strings and [name, value] pairs",
  toRaw: (v) => {
    if (Array.isArray(v)) {
      const lines: string[] = [];
      for (const item of v as unknown[]) {
        if (isText(item)) lines.push(item);
        else if (Array.isArray(item) && item.length === 2 && item.every(isText)) lines.push(`${item[0]}: ${item[1]}`);
        else return undefined;
      }
      return lines;
    }
    if (typeof v !== 'object' || v === null) return undefined;
    const entries = Object.entries(v);
    return entries.every(([, value]) => isText(value)) ? entries.map(([name, value]) => `${name}: ${value as string}`) : undefined;
  },
};

export type CredentialsOption = string | { readonly user: string; readonly password: string };

/** -A / -P: 'user:password' (split at the first colon, as the command line does) or { user, password }. */
const CREDENTIALS: OptionKind<CredentialsOption> = {
  expected: "a 'user:password' string or { user, password }",
  toRaw: (v) => {
    if (isText(v)) return v;
    if (typeof v !== 'object' || v === null) return undefined;
    const { user, password } = v as { user?: unknown; password?: unknown };
    return isText(user) && isText(password) ? `${user}:${password}` : undefined;
  },
};

export type StagesOption = string | readonly (readonly [duration: number | string, requestsPerSecond: number])[];

/** --stages: '30s:100,60s:1000' or [[30_000, 100], ['60s', 1000]] (a number of milliseconds or a duration string, then a rate). */
const STAGES: OptionKind<StagesOption> = {
  expected: "a string such as '30s:100,60s:1000' or an array of [duration, rate] pairs",
  toRaw: (v) => {
    if (isText(v)) return v;
    if (!Array.isArray(v)) return undefined;
    const parts: string[] = [];
    for (const stage of v as unknown[]) {
      if (!Array.isArray(stage) || stage.length !== 2) return undefined;
      const [duration, rate] = stage as unknown[];
      const durationText = DURATION.toRaw(duration);
      if (!isText(durationText) || typeof rate !== 'number') return undefined;
      parts.push(`${durationText}:${rate}`);
    }
    return parts.join(',');
  },
};

/** What run() accepts for each kind of option: FlagOptions' value types. */
interface ApiValues {
  readonly count: number | string;
  readonly rate: number | string;
  readonly duration: number | string;
  readonly seed: number | `${bigint}`;
  readonly text: string;
  readonly time: string | Date;
  readonly switch: boolean;
  readonly list: string | readonly string[];
  readonly headers: HeadersOption;
  readonly credentials: CredentialsOption;
  readonly stages: StagesOption;
}

/** Each kind's conversion; a new kind in ApiTag does not build until it has one here. */
export const API_KINDS: { readonly [T in ApiTag]: OptionKind<ApiValues[T]> } = {
  count: COUNT,
  rate: RATE,
  duration: DURATION,
  seed: SEED,
  text: TEXT,
  time: TIME,
  switch: SWITCH,
  list: LIST,
  headers: HEADERS,
  credentials: CREDENTIALS,
  stages: STAGES,
};

type Table = typeof OPTION_TABLE;
/**
 * The command-line flags as run() options, every one optional: the option table's entries that have
 * an api kind, by their key (each entry's comment is its documentation here).
 */
export type FlagOptions = {
  readonly [K in keyof typeof OPTION_TABLE as Table[K] extends { readonly api: ApiTag } ? K : never]?: Table[K] extends {
    readonly api: infer T extends ApiTag;
  }
    ? ApiValues[T] | undefined
    : never;
};

/** run()'s names for the flags, in the table's order. */
export const FLAG_OPTION_NAMES: readonly string[] = ENTRIES.filter(([, entry]) => 'api' in entry && typeof entry.api === 'string').map(
  ([key]) => key,
);

/** Names that are not options but that a user of the command line may try; each points at the option. */
const KNOWN_MISNAMES: Readonly<Record<string, string>> = {
  timelimit: 'duration',
  auth: 'basicAuth',
  'http1.0': 'http10',
  verifyTls: 'verify',
  clientCert: 'certificate',
  timeLimit: 'duration',
};

/** The closest name, when one is close enough to be a typo: same letters but for case, or at most two edits. */
export function didYouMean(name: string, names: readonly string[]): string | null {
  const known = KNOWN_MISNAMES[name];
  if (known !== undefined) return known;
  const lower = name.toLowerCase();
  let best: { readonly name: string; readonly distance: number } | null = null;
  for (const candidate of names) {
    const distance = candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase());
    if (distance <= Math.min(2, Math.floor(name.length / 3)) && (best === null || distance < best.distance))
      best = { name: candidate, distance };
  }
  return best?.name ?? null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  return typeof value;
};

/**
 * Fills RawOptions from the flag options in `options`, pushing a problem for each value of the
 * wrong type. Names that are not flag options are left to the caller, which knows its other names.
 */
export function rawFromFlagOptions(options: Readonly<Record<string, unknown>>, urls: readonly string[], problems: string[]): RawOptions {
  const raw: Record<string, unknown> = { urls };
  for (const [name, entry] of ENTRIES) {
    if (!('api' in entry) || typeof entry.api !== 'string') continue;
    const value = options[name];
    if (value === undefined) continue;
    const kind: OptionKind<unknown> = API_KINDS[entry.api];
    const converted = kind.toRaw(value);
    if (converted === undefined) problems.push(`option '${name}' must be ${kind.expected}, got ${describe(value)}`);
    else raw[rawName(name)] = converted;
  }
  return raw as RawOptions;
}

export { describe as describeValue };
