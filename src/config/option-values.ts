// The run options' values as the cross-flag rules see them: each parsed by its own entry, once, when the rules first ask for it.

import type { Parse } from './option-spec.js';
import { OPTION_TABLE } from './option-table.js';
import {
  ENTRIES,
  flagName,
  rawName,
  type DirectFields,
  type LoadedFiles,
  type ParsedKey,
  type RawOptions,
  type RunKey,
  type SwitchKey,
  type ValueKey,
  type ValueOf,
} from './options.js';

/**
 * Parsing on first use puts each option's problems where the rules consult it, so the order of the
 * messages (the command line prints the first) does not depend on the table's order; finish()
 * then parses whatever no rule asked for, so that a new option is checked even before a rule uses it.
 */
export class OptionValues {
  readonly problems: string[] = [];
  /** Every option the rules looked at: the test that no run option is parsed and then ignored reads it. */
  readonly consulted = new Set<RunKey>();
  readonly #parsed = new Map<ParsedKey, unknown>();
  readonly #raw: Readonly<Record<string, unknown>>;

  constructor(
    raw: RawOptions,
    private readonly files: LoadedFiles,
  ) {
    this.#raw = raw;
  }

  get urls(): readonly string[] {
    return (this.#raw['urls'] as readonly string[] | undefined) ?? [];
  }

  #given(key: RunKey): boolean {
    const value = this.#raw[rawName(key)];
    return Array.isArray(value) ? value.length > 0 : value !== undefined && value !== false;
  }

  /** Whether the option was given: a switch turned on, a value, a list with at least one item. */
  given(key: RunKey): boolean {
    this.consulted.add(key);
    return this.#given(key);
  }

  on(key: SwitchKey): boolean {
    this.consulted.add(key);
    return this.#raw[rawName(key)] === true;
  }

  /** The text as typed, for messages that quote it. */
  text(key: ValueKey): string | undefined {
    this.consulted.add(key);
    return this.#raw[rawName(key)] as string | undefined;
  }

  /** The parsed value (the default's when absent); null when absent without a default, or after a problem was pushed. */
  value<K extends ParsedKey>(key: K): ValueOf<K> | null {
    this.consulted.add(key);
    if (!this.#parsed.has(key)) this.#parsed.set(key, this.#parse(key));
    return this.#parsed.get(key) as ValueOf<K> | null;
  }

  /** The rules decided not to look at this option (another one makes it moot): its own problems are not reported. */
  skip(key: ParsedKey): void {
    this.consulted.add(key);
    if (!this.#parsed.has(key)) this.#parsed.set(key, null);
  }

  /** Parses every given option no rule asked for, in the table's order. */
  finish(): void {
    for (const [key, entry] of ENTRIES) {
      if (entry.scope === 'run' && entry.arity !== 'switch' && !this.#parsed.has(key as ParsedKey) && this.#given(key as ParsedKey)) {
        this.#parsed.set(key as ParsedKey, this.#parse(key as ParsedKey));
      }
    }
  }

  /** The Config fields the table fills as they are; read only once no problem was found, when every one is valid. */
  direct(): DirectFields {
    const fields: Record<string, unknown> = {};
    for (const [key, entry] of ENTRIES) {
      if (entry.scope !== 'run' || entry.field === undefined) continue;
      fields[entry.field] = entry.arity === 'switch' ? this.on(key as SwitchKey) : this.value(key as ParsedKey);
    }
    return fields as unknown as DirectFields;
  }

  #parse(key: ParsedKey): unknown {
    const entry = OPTION_TABLE[key];
    const given = this.#raw[rawName(key)];
    const input = given ?? (entry.arity === 'list' ? [] : 'default' in entry ? entry.default : undefined);
    if (input === undefined) return null;
    const file = (this.files as Readonly<Record<string, LoadedFiles[keyof LoadedFiles]>>)[key];
    // The entry's arity says which input its parse takes: a list for 'list', a string for 'value'.
    return (entry.parse as Parse<unknown, unknown>)(input, { flag: flagName(entry), problems: this.problems, file });
  }
}
