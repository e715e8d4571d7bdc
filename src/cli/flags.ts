// gb's command-line grammar: ab's flags with ab's meanings plus long options, turned from argv into a CliCommand.

/*
 * Why a small hand-written tokenizer instead of util.parseArgs: in strict mode parseArgs stops at
 * the first problem with Node's own wording (we want "unknown option '-x'" and every problem at once),
 * refuses a value that starts with '-' (so "-n -5" could not reach validation and be reported as a bad
 * count, as getopt/ab would), has no option with an optional value (--json [FILE]), and would still
 * need argv rewritten for Go-style "-n=100". Wrapping it would cost more code than the ~100 lines below,
 * which the option table drives as it would drive a parseArgs config: names, arity, repeatable lists.
 */

import type { Config } from '../config/config.js';
import type { Arity } from '../config/option-spec.js';
import type { OPTION_TABLE } from '../config/option-table.js';
import { ENTRIES, flagName, rawName, type OptionKey, type RawOptions } from '../config/options.js';
import { validateRun } from '../api/validated-run.js';
import { outputPathProblem } from '../inputs/files.js';
import type { Threshold } from '../metrics/thresholds.js';
import { err, ok } from '../result.js';
import { liveOptionsOf, type LiveOptions } from './live-options.js';
import type { Result } from '../result.js';

type Table = typeof OPTION_TABLE;
/** The output options of the option table, by the same names: a switch is on or off, a value null when not given. */
export type CliOutputs = {
  readonly [K in keyof typeof OPTION_TABLE as Table[K] extends { readonly scope: 'output' } ? K : never]: Table[K] extends {
    readonly arity: 'switch';
  }
    ? boolean
    : Table[K] extends { readonly arity: 'list' }
      ? readonly string[]
      : string | null;
};

export interface CliOptions extends CliOutputs {
  readonly config: Config;
  /** --out, --tag, --dashboard and their periods, parsed. */
  readonly live: LiveOptions;
  /** --fail-if: absolute limits checked on the run's Summary; a broken one makes the exit status 1. */
  readonly thresholds: readonly Threshold[];
  /** One line each for stderr before the run: options gb accepts but cannot honour, and why. */
  readonly notices: readonly string[];
}

export type CliCommand = { readonly kind: 'run'; readonly options: CliOptions } | { readonly kind: 'help' } | { readonly kind: 'version' };

/** One line of the usage text: an option's names (or its second long name) and help. */
export interface OptionSpec {
  readonly id: OptionKey;
  readonly short?: string;
  readonly long?: string;
  readonly arity: Arity;
  /** Placeholder for the value in the usage text. */
  readonly valueName?: string;
  readonly help: string;
}

/** Every option, in the order the usage text lists them: the option table's, each alias after its option. */
export const OPTIONS: readonly OptionSpec[] = ENTRIES.flatMap(([id, entry]): OptionSpec[] => {
  const { short, long, alias, arity, valueName, help, aliasLine } = entry;
  const main: OptionSpec = {
    id,
    arity,
    help,
    ...(short === undefined ? {} : { short }),
    ...(long === undefined ? {} : { long }),
    ...(valueName === undefined ? {} : { valueName }),
  };
  if (alias === undefined) return [main];
  return [main, { id, long: alias, arity, valueName: aliasLine?.valueName ?? valueName ?? '', help: aliasLine?.help ?? help }];
});

const BY_SHORT = new Map(OPTIONS.flatMap((spec) => (spec.short === undefined ? [] : [[spec.short, spec] as const])));
const BY_LONG = new Map(OPTIONS.flatMap((spec) => (spec.long === undefined ? [] : [[spec.long, spec] as const])));

export interface Tokens {
  readonly values: Map<OptionKey, string[]>;
  readonly switches: Map<OptionKey, boolean>;
  readonly positionals: string[];
  readonly problems: string[];
}

/** The operand after a bare option with an optional value (--json): its FILE, or the URL. */
interface JsonCandidate {
  readonly id: OptionKey;
  readonly positionalIndex: number;
  readonly text: string;
}

/** An argument that is not an option: getopt treats a lone "-" as an operand too. */
const isOperand = (arg: string): boolean => arg === '-' || !arg.startsWith('-');

function store(tokens: Tokens, spec: OptionSpec, value: string): void {
  const previous = spec.arity === 'list' ? (tokens.values.get(spec.id) ?? []) : [];
  tokens.values.set(spec.id, [...previous, value]);
}

function storeSwitch(tokens: Tokens, spec: OptionSpec, typed: string, inline: string | undefined): void {
  // Go's flag package accepts "-k=true"/"-k=false"; gb's users come from there.
  const on = inline === undefined || inline === 'true' || inline === '1' ? true : inline === 'false' || inline === '0' ? false : null;
  if (on === null) tokens.problems.push(`option '${typed}' takes no value (got '${inline ?? ''}')`);
  else tokens.switches.set(spec.id, on);
}

/** argv as each option's values by its table key, the operands, and what could not be read. */
export function tokenize(argv: readonly string[]): Tokens {
  const tokens: Tokens = { values: new Map(), switches: new Map(), positionals: [], problems: [] };
  // A bare "--json" may be followed by its FILE or by the URL; decided once all operands are known.
  let jsonCandidate: JsonCandidate | null = null;
  let optionsEnded = false;

  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    const takeNext = (typed: string): string | undefined => {
      if (index + 1 < argv.length) {
        index += 1;
        return argv[index];
      }
      tokens.problems.push(`option '${typed}' needs a value`);
      return undefined;
    };

    if (optionsEnded || isOperand(arg)) {
      tokens.positionals.push(arg);
    } else if (arg === '--') {
      optionsEnded = true;
    } else if (arg.startsWith('--')) {
      const equals = arg.indexOf('=');
      const name = equals < 0 ? arg.slice(2) : arg.slice(2, equals);
      const inline = equals < 0 ? undefined : arg.slice(equals + 1);
      const typed = `--${name}`;
      const spec = BY_LONG.get(name);
      if (spec === undefined) {
        tokens.problems.push(`unknown option '${typed}'`);
      } else if (spec.arity === 'switch') {
        storeSwitch(tokens, spec, typed, inline);
      } else if (spec.arity === 'optional') {
        store(tokens, spec, inline ?? '-');
        const next = argv[index + 1];
        jsonCandidate =
          inline === undefined && next !== undefined && isOperand(next)
            ? { id: spec.id, positionalIndex: tokens.positionals.length, text: next }
            : null;
      } else {
        const value = inline ?? takeNext(typed);
        if (value !== undefined) store(tokens, spec, value);
      }
    } else {
      readShortGroup(tokens, arg, takeNext);
    }
  }

  if (jsonCandidate !== null) claimJsonFile(tokens, jsonCandidate);
  return tokens;
}

/**
 * A group of short options: switches may be bundled ("-kq"); the first option that takes a value
 * takes the rest of the group ("-n100", Go-style "-n=100") or else the next argument.
 */
function readShortGroup(tokens: Tokens, arg: string, takeNext: (typed: string) => string | undefined): void {
  for (let at = 1; at < arg.length; at += 1) {
    const letter = arg.charAt(at);
    const typed = `-${letter}`;
    const spec = BY_SHORT.get(letter);
    if (spec === undefined) {
      tokens.problems.push(`unknown option '${typed}'`);
      return;
    }
    const rest = arg.slice(at + 1);
    if (spec.arity === 'switch') {
      if (!rest.startsWith('=')) {
        storeSwitch(tokens, spec, typed, undefined);
        continue;
      }
      storeSwitch(tokens, spec, typed, rest.slice(1));
      return;
    }
    const inline = rest.startsWith('=') ? rest.slice(1) : rest;
    const value = inline !== '' ? inline : rest === '=' ? '' : takeNext(typed);
    if (value !== undefined) store(tokens, spec, value);
    return;
  }
}

/**
 * "--json out.json URL" and "--json URL" must both work: the operand after a bare --json is its FILE
 * when it is "-" or ends in .json, or when taking it leaves exactly the one URL.
 */
function claimJsonFile(tokens: Tokens, candidate: JsonCandidate): void {
  const { id, positionalIndex, text } = candidate;
  if (tokens.positionals[positionalIndex] !== text) return;
  if (text === '-' || /\.json$/i.test(text) || tokens.positionals.length > 1) {
    tokens.positionals.splice(positionalIndex, 1);
    tokens.values.set(id, [text]);
  }
}

export function parseCommandLine(argv: readonly string[]): Result<CliCommand, readonly string[]> {
  const tokens = tokenize(argv);
  const on = (id: OptionKey): boolean => tokens.switches.get(id) === true;
  // Help and version win over every other problem, as in ab: "gb -h" needs no URL.
  if (on('help')) return ok({ kind: 'help' });
  if (on('version')) return ok({ kind: 'version' });
  // A tokenizing error would make the remaining checks guess (was "-x 5" a value?), so report it alone.
  if (tokens.problems.length > 0) return err(tokens.problems);

  const problems: string[] = [];
  const outputs = outputsOf(tokens, problems);
  const live = liveOptionsOf(outputs, problems);
  const validated = validateRun(rawOptionsOf(tokens), problems);
  if (!validated.ok) return err(validated.error);
  const { config, thresholds } = validated.value;
  return ok({ kind: 'run', options: { config, ...outputs, live, thresholds, notices: noticesOf(tokens, outputs, config) } });
}

/** The run options (and --fail-if) as validation takes them: a switch on or off, a list possibly empty, a value the last one given. */
function rawOptionsOf(tokens: Tokens): RawOptions {
  const raw: Record<string, unknown> = { urls: tokens.positionals };
  for (const [id, entry] of ENTRIES) {
    if (entry.scope !== 'run' && entry.scope !== 'limit') continue;
    const values = tokens.values.get(id);
    raw[rawName(id)] =
      entry.arity === 'switch' ? tokens.switches.get(id) === true : entry.arity === 'list' ? (values ?? []) : values?.at(-1);
  }
  return raw as RawOptions;
}

/** The output options; the files they name are checked before the first request, so that a typo does not cost a run. */
function outputsOf(tokens: Tokens, problems: string[]): CliOutputs {
  const outputs: Record<string, boolean | string | readonly string[] | null> = {};
  const files: [string, string, 'file' | 'dir'][] = [];
  for (const [id, entry] of ENTRIES) {
    if (entry.scope !== 'output') continue;
    if (entry.arity === 'switch') {
      outputs[id] = tokens.switches.get(id) === true;
      continue;
    }
    if (entry.arity === 'list') {
      outputs[id] = tokens.values.get(id) ?? [];
      continue;
    }
    const value = tokens.values.get(id)?.at(-1);
    outputs[id] = value === undefined || (value === '' && entry.output !== undefined) ? null : value;
    if (entry.output === undefined || value === undefined) continue;
    if (value === '') problems.push(`option '${flagName(entry)}' needs a file name, got an empty one`);
    // "--json -" is stdout, which is always there to be written.
    else if (!(entry.arity === 'optional' && value === '-')) files.push([flagName(entry), value, entry.output]);
  }
  for (const [flag, path, kind] of files) {
    const problem = outputPathProblem(flag, path, kind);
    if (problem !== null) problems.push(problem);
  }
  return outputs as CliOutputs;
}

/** Options gb accepts but cannot honour, or honours otherwise than asked: one line each, before the run. */
function noticesOf(tokens: Tokens, outputs: CliOutputs, config: Config): string[] {
  const notices: string[] = [];
  if (!outputs.htmlTables) {
    const attributes = [
      ['-x', outputs.tableAttributes],
      ['-y', outputs.rowAttributes],
      ['--td-attributes', outputs.cellAttributes],
    ] as const;
    const given = attributes.filter(([, v]) => v !== null).map(([flag]) => flag);
    // ab ignores them silently; saying so once spares a search for where the attributes went.
    if (given.length > 0)
      notices.push(`gb: ${given.join(', ')} ${given.length === 1 ? 'applies' : 'apply'} only to -w's HTML tables; ignored`);
  }
  const { startAtMs } = config;
  if (startAtMs !== null && startAtMs < Date.now()) {
    notices.push(
      `gb: --start-at ${tokens.values.get('startAt')?.at(-1) ?? ''} is ${((Date.now() - startAtMs) / 1000).toFixed(1)} s in the past: starting now (the result records how late)`,
    );
  }
  const bufferSize = tokens.values.get('bufferSize')?.at(-1);
  if (bufferSize !== undefined) {
    notices.push(
      `gb: -b ${bufferSize} ignored: Node cannot set a TCP socket's send and receive buffer sizes, so the system's defaults apply`,
    );
  }
  return notices;
}
