// `gb merge A.json B.json ...`: adds up results of runs made side by side and writes one result as JSON.

import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Summary } from '../metrics/summary.js';
import { parseSummaryJson } from '../metrics/result-json.js';
import { renderJson } from '../report/json.js';
import { mergeSummaries } from '../metrics/merge.js';
import { err, ok, type Result } from '../result.js';
import { EXIT, type CliIo } from './io.js';

const USAGE = `Usage: gb merge RESULT.json RESULT.json ... > merged.json
  Adds up gb --json results of one URL run at the same time from several processes or machines:
  counts, bytes and latency histograms add (percentiles are exact), the elapsed time runs from the
  earliest start to the latest end, and per-second timelines line up by wall clock.
  -h, --help   show this help
`;

/** One line, so a parser's multi-sentence message still fits the "gb: …" convention. */
export function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
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

export async function mergeCommand(args: readonly string[], io: CliIo): Promise<number> {
  let parsed: { values: { help?: boolean | undefined }; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...args], strict: true, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    io.err.write(`gb: ${oneLine(e instanceof Error ? e.message : String(e))} (see 'gb merge -h')\n`);
    return EXIT.usage;
  }
  if (parsed.values.help === true) {
    io.out.write(USAGE);
    return EXIT.ok;
  }
  if (parsed.positionals.length === 0) {
    io.err.write(`gb: merge needs at least one result file (see 'gb merge -h')\n`);
    return EXIT.usage;
  }
  const summaries: Summary[] = [];
  for (const path of parsed.positionals) {
    const read = await readResultFile(path);
    if (!read.ok) {
      io.err.write(`gb: ${oneLine(read.error)}\n`);
      return EXIT.usage;
    }
    summaries.push(read.value);
  }
  const merged = mergeSummaries(summaries);
  if (!merged.ok) {
    io.err.write(`gb: ${oneLine(merged.error)}\n`);
    return EXIT.usage;
  }
  io.out.write(renderJson(merged.value));
  return EXIT.ok;
}
