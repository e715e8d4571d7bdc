// What the option table adds up to: RawOptions, the keys of each kind of option, and the table as a list in its order.

import type { Config } from './config.js';
import { flagName, type Entry, type Loaded } from './option-spec.js';
import { OPTION_TABLE } from './option-table.js';

export type OptionTable = typeof OPTION_TABLE;
export type OptionKey = keyof OptionTable;
type KeysWhere<C> = { [K in OptionKey]: OptionTable[K] extends C ? K : never }[OptionKey];

/** Options validated into the Config. */
export type RunKey = KeysWhere<{ readonly scope: 'run' }>;
export type SwitchKey = KeysWhere<{ readonly scope: 'run'; readonly arity: 'switch' }>;
/** Run options with a value to parse: one (ValueKey) or a list. */
export type ParsedKey = Exclude<RunKey, SwitchKey>;
export type ValueKey = KeysWhere<{ readonly scope: 'run'; readonly arity: 'value' }>;
export type ValueOf<K extends ParsedKey> = NonNullable<ReturnType<OptionTable[K]['parse']>>;
/** Options whose file the loading step reads. */
export type FileKey = KeysWhere<{ readonly load: string }>;
/** Options that only shape the command line's output: CliOptions' fields of the same names. */
export type OutputKey = KeysWhere<{ readonly scope: 'output' }>;

type RawName<K extends OptionKey> = OptionTable[K] extends { readonly raw: infer R extends string } ? R : K;
type RawValue<E> = E extends { readonly arity: 'switch' } ? boolean : E extends { readonly arity: 'list' } ? readonly string[] : string;

/**
 * The options as typed, before validation (absent = not given): what the command line and run()
 * both hand over. Numbers and durations stay strings so that messages quote the user's own text;
 * `urls` are the command line's operands.
 */
export type RawOptions = { readonly urls: readonly string[] } & {
  readonly [K in KeysWhere<{ readonly scope: 'run' | 'limit' }> as RawName<K>]?: RawValue<OptionTable[K]> | undefined;
};

/** What the loading step read, by option. */
export type LoadedFiles = { readonly [K in FileKey]?: Loaded };

type FieldKey = KeysWhere<{ readonly field: keyof Config }>;
type FieldOf<K extends FieldKey> = OptionTable[K]['field'];
/** A direct field's value once validation passed: a default or a list always gives one, an absent value gives null. */
type DirectValue<K extends FieldKey> = K extends SwitchKey
  ? boolean
  : OptionTable[K] extends { readonly default: string } | { readonly arity: 'list' }
    ? ValueOf<K & ParsedKey>
    : ValueOf<K & ParsedKey> | null;
/** The Config fields the option table fills as they are (an entry's `field`). */
export type DirectFields = { readonly [K in FieldKey as FieldOf<K>]: DirectValue<K> };
/** Entries whose value does not fit the Config field they name; must be never (checked in validate.ts). */
export type MisfitFields = { [K in FieldKey]: DirectValue<K> extends Config[FieldOf<K>] ? never : K }[FieldKey];

/** Every entry with its key, in the table's (and `gb -h`'s) order. */
export const ENTRIES: readonly (readonly [OptionKey, Entry])[] = Object.entries(OPTION_TABLE) as [OptionKey, Entry][];

/** RawOptions' name of an option. */
export function rawName(key: OptionKey): string {
  const entry: Entry = OPTION_TABLE[key];
  return 'raw' in entry && entry.raw !== undefined ? entry.raw : key;
}

export { flagName };
