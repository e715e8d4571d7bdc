// The shape of one entry of gb's option table (option-table.ts): its names, where its value goes, how it is parsed, and its words.

import type { Config, RequestTarget } from './config.js';
import type { DataRows } from './data-rows.js';
import type { Result } from '../result.js';

/** switch: no value; value: one value, the last one given wins (as with getopt); list: repeatable; optional: --json [FILE]. */
export type Arity = 'switch' | 'value' | 'list' | 'optional';

/** How run() takes an option's value; src/api/options.ts turns each kind into the text the command line would have given. */
export type ApiTag = 'count' | 'rate' | 'duration' | 'seed' | 'text' | 'time' | 'switch' | 'list' | 'headers' | 'credentials' | 'stages';

/** An option run() deliberately has no key for, and why (docs/options.md says so). */
export interface NoApi {
  readonly none: string;
}

/** What the loading step (src/inputs) reads for an option that names a file: config/ itself never touches the file system. */
export interface LoadValues {
  /** -p, -u: the body's bytes. */
  readonly body: Uint8Array;
  /** -E, --ca: the PEM text, in latin1 as OpenSSL reads it. */
  readonly pem: string;
  /** --targets: the file's requests. */
  readonly targets: readonly RequestTarget[];
  /** --script: the path, once it is known to name a file (the command line loads the module itself). */
  readonly script: string;
  /** --unix-socket: the path, once it is known to be a socket. */
  readonly socket: string;
  /** --data: the rows, shared by the worker threads. */
  readonly data: DataRows;
  /** --message: the payload, TEXT's UTF-8 or @FILE's bytes. */
  readonly message: Uint8Array;
}
export type LoadKind = keyof LoadValues;
/** One file as the loading step read it, or every problem with it (a targets file can have many). */
export type Loaded<L extends LoadKind = LoadKind> = Result<LoadValues[L], readonly string[]>;

export interface ParseContext {
  /** The option as messages name it: its ab letter, else its long name. */
  readonly flag: string;
  readonly problems: string[];
  /** For an option with `load`: what the loading step read; undefined when nothing was loaded for it. */
  readonly file: Loaded | undefined;
}

/** Parses one option's value; returns null only after pushing a problem. */
export type Parse<V, T> = (value: V, c: ParseContext) => T | null;

interface Names {
  /** ab's one-letter name. */
  readonly short?: string;
  readonly long?: string;
  /** A second long name (-t's --duration), with a usage line of its own. */
  readonly alias?: string;
}

interface RunFields {
  readonly scope: 'run';
  /** run()'s key is the table's key; `api` is the kind of value it takes there, or why there is none. */
  readonly api: ApiTag | NoApi;
  /** RawOptions' name for the option where it is not the table's key. */
  readonly raw?: string;
  /** The Config field the option's value fills as it is, when no cross-flag rule shapes it. */
  readonly field?: keyof Config;
}

/** Every kind of entry; `option()` picks the right one from `scope` and `arity`, which types `parse`. */
export type Spec =
  | (Names & RunFields & { readonly arity: 'switch' })
  | (Names &
      RunFields & {
        readonly arity: 'value';
        /** Parsed like a given value when the option is absent, so the default obeys the option's own rules. */
        readonly default?: string;
        /** The loading step reads the file the value names; `parse` finds it in `c.file`. */
        readonly load?: LoadKind;
        readonly parse: Parse<string, unknown>;
      })
  | (Names & RunFields & { readonly arity: 'list'; readonly parse: Parse<readonly string[], unknown> })
  /** --fail-if: parsed by metrics/thresholds.ts, and checked against the Summary after the run. */
  | (Names & { readonly scope: 'limit'; readonly arity: 'list'; readonly api: ApiTag })
  /** Options that only shape what the command line prints or writes: CliOptions' fields, keyed alike. */
  | (Names & { readonly scope: 'output'; readonly arity: 'switch' })
  | (Names & { readonly scope: 'output'; readonly arity: 'value' | 'optional'; readonly output?: 'file' | 'dir' })
  /** Repeatable output options (--out, --tag): every value given, in order. */
  | (Names & { readonly scope: 'output'; readonly arity: 'list' })
  /** -h and -V: another command instead of a run. */
  | (Names & { readonly scope: 'command'; readonly arity: 'switch' });

/** The words of an entry, kept apart from its typed part so that the declarations do not carry every sentence as a type. */
export interface OptionText {
  /** The value's placeholder in `gb -h` and docs/options.md. */
  readonly valueName?: string;
  /** The line of `gb -h`. */
  readonly help: string;
  /** The paragraph of docs/options.md. */
  readonly doc: string;
  /** The default in words, for docs/options.md, where `default` alone would not say it. */
  readonly defaultText?: string;
  /** docs/options.md's run() line for an output option the generic words would misdescribe. */
  readonly runNote?: string;
  /** The usage line of `alias`. */
  readonly aliasLine?: { readonly valueName: string; readonly help: string };
}

export type Entry = Spec & OptionText;

/** One entry of the table: `spec` keeps its literal types (names, kinds, parse's result), `text` stays plain strings. */
export function option<const S extends Spec>(spec: S, text: OptionText): S & OptionText {
  return { ...spec, ...text };
}

/** An option's name in messages: `-n` for ab's letters, `--rate` for the rest. */
export function flagName(entry: Names): string {
  return entry.short !== undefined ? `-${entry.short}` : `--${entry.long ?? ''}`;
}
