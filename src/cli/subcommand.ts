// What gb's subcommands share: their argument parsing (with -h) and reading result files.

import { readFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseSummaryJson } from '../metrics/result-json.js';
import type { Summary } from '../metrics/summary.js';
import { err, ok, type Result } from '../result.js';
import { EXIT, type CliIo } from './io.js';

type Options = NonNullable<ParseArgsConfig['options']>;
const HELP = { help: { type: 'boolean', short: 'h' } } as const;
type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; strict: true; allowPositionals: true; options: O & typeof HELP }>
>;

/** One line, so a parser's multi-sentence message still fits the "gb: …" convention. */
export function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * Parses `gb <command>`'s arguments. With -h it prints `usage`; on bad input it prints one line;
 * either way it returns the exit status instead of the parsed arguments.
 */
export function parseSubcommand<O extends Options>(
  command: string,
  args: readonly string[],
  options: O,
  usage: string,
  io: CliIo,
): Parsed<O> | number {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args: [...args], strict: true, allowPositionals: true, options: { ...options, ...HELP } });
  } catch (e) {
    io.err.write(`gb: ${oneLine(e instanceof Error ? e.message : String(e))} (see 'gb ${command} -h')\n`);
    return EXIT.usage;
  }
  if ((parsed.values as { help?: boolean }).help === true) {
    io.out.write(usage);
    return EXIT.ok;
  }
  return parsed;
}

/** Parses each --fail-if rule with `parse`; on the first that does not parse, prints why and returns exit 2. */
export function parseRules<T>(texts: readonly string[] | undefined, parse: (text: string) => Result<T, string>, io: CliIo): T[] | number {
  const rules: T[] = [];
  for (const text of texts ?? []) {
    const rule = parse(text);
    if (!rule.ok) {
      io.err.write(`gb: ${rule.error}\n`);
      return EXIT.usage;
    }
    rules.push(rule.value);
  }
  return rules;
}

/** Reads and checks one gb JSON result; the error names the file. */
export async function readResultFile(path: string): Promise<Result<Summary, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = e instanceof Error && 'code' in e ? String(e.code) : '';
    return err(`cannot read ${path}${code === '' ? '' : `: ${code}`}`);
  }
  const parsed = parseSummaryJson(text);
  return parsed.ok ? ok(parsed.value) : err(`${path}: ${parsed.error}`);
}
