// `gb merge A.json B.json ...`: adds up results of runs made side by side and writes one result as JSON.

import { mergeSummaries } from '../metrics/merge.js';
import type { Summary } from '../metrics/summary.js';
import { renderJson } from '../report/json.js';
import { EXIT, type CliIo } from './io.js';
import { oneLine, parseSubcommand, readResultFile } from './subcommand.js';

const USAGE = `Usage: gb merge RESULT.json RESULT.json ... > merged.json
  Adds up gb --json results of one URL run at the same time from several processes or machines:
  counts, bytes and latency histograms add (percentiles are exact), the elapsed time runs from the
  earliest start to the latest end, and per-second timelines line up by wall clock.
  --mixed-protocols  allow adding results of different HTTP versions (HTTP/1.1 and HTTP/2)
  -h, --help   show this help
`;

export async function mergeCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseSubcommand('merge', args, { 'mixed-protocols': { type: 'boolean' } }, USAGE, io);
  if (typeof parsed === 'number') return parsed;
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
  const merged = mergeSummaries(summaries, { mixedProtocols: parsed.values['mixed-protocols'] === true });
  if (!merged.ok) {
    io.err.write(`gb: ${oneLine(merged.error)}\n`);
    return EXIT.usage;
  }
  io.out.write(renderJson(merged.value));
  return EXIT.ok;
}
