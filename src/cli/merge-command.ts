// `gb merge A.json B.json ...`: adds up results of runs made side by side (or the shards of one run) into one result.

import { writeFile } from 'node:fs/promises';
import { mergeSummaries } from '../metrics/merge.js';
import type { Summary } from '../metrics/summary.js';
import { checkThresholds, parseThreshold, THRESHOLD_METRICS } from '../metrics/thresholds.js';
import { renderAbReport } from '../report/ab-text.js';
import { renderGbExtras } from '../report/gb-extras.js';
import { renderJson } from '../report/json.js';
import { brokenThresholdLine, renderThresholds } from '../report/threshold-text.js';
import { EXIT, type CliIo } from './io.js';
import { oneLine, parseRules, parseSubcommand, readResultFile } from './subcommand.js';

const USAGE = `Usage: gb merge RESULT.json RESULT.json ... [--fail-if RULE]... > merged.json
       gb merge RESULT.json ... --report [--json merged.json]
  Adds up gb --json results of one URL run at the same time from several processes or machines:
  counts, bytes and latency histograms add (percentiles are exact), the elapsed time runs from the
  earliest start to the latest end, and per-second timelines line up by wall clock. Shards of one
  run (--shard I/N) must all be there, once each, from the same run.
  --report         print the merged report (ab's, gb's lines, each shard's start and client) instead
                   of the JSON on stdout
  --json FILE      with --report, also write the merged JSON to FILE
  --fail-if RULE   exit 1 when the merged result breaks RULE (repeatable; as gb URL --fail-if:
                   ${THRESHOLD_METRICS.join(', ')}; a journey run's also iteration_p50 ... iteration_max,
                   iteration_mean, iterations, iterations_failed, checks), e.g. --fail-if 'p99>250ms'
  --partial        merge the shards given even when some of the run's shards are missing
  --mixed-protocols  allow adding results of different HTTP versions (HTTP/1.1 and HTTP/2)
  -h, --help       show this help
Exit status: 0 merged; 1 a rule broken, a shard stopped at an error or was interrupted, or no request
succeeded (as for a run); 2 bad input (unreadable files, results of different runs, URLs or protocols).
`;

export async function mergeCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseSubcommand(
    'merge',
    args,
    {
      'fail-if': { type: 'string', multiple: true },
      partial: { type: 'boolean' },
      'mixed-protocols': { type: 'boolean' },
      report: { type: 'boolean' },
      json: { type: 'string' },
    },
    USAGE,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const rules = parseRules(parsed.values['fail-if'], parseThreshold, io);
  if (typeof rules === 'number') return rules;
  const report = parsed.values.report === true;
  const jsonFile = parsed.values.json ?? null;
  if (jsonFile !== null && !report) {
    io.err.write(`gb: merge --json FILE goes with --report (without it the JSON goes to stdout; see 'gb merge -h')\n`);
    return EXIT.usage;
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
  const merged = mergeSummaries(summaries, {
    names: parsed.positionals,
    partial: parsed.values.partial === true,
    mixedProtocols: parsed.values['mixed-protocols'] === true,
  });
  if (!merged.ok) {
    io.err.write(`gb: ${oneLine(merged.error)}\n`);
    return EXIT.usage;
  }
  const summary = merged.value;
  const outcomes = checkThresholds(summary, rules);
  if (report) {
    io.out.write(renderAbReport(summary, {}));
    io.out.write(renderGbExtras(summary));
    io.out.write(renderThresholds(outcomes));
  } else {
    io.out.write(renderJson(summary));
    // The JSON has every shard's health; on the terminal, at least name the machine that limited the numbers.
    for (const m of summary.shards?.members ?? []) {
      if (m.client.saturated)
        io.err.write(`gb: shard ${m.index}/${summary.shards?.count ?? 0}'s client was saturated: ${m.client.warnings[0] ?? ''}\n`);
    }
  }
  if (jsonFile !== null) {
    try {
      await writeFile(jsonFile, renderJson(summary));
    } catch (e) {
      io.err.write(`gb: cannot write ${jsonFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
      return EXIT.runError;
    }
  }
  for (const broken of outcomes.filter((o) => o.broken)) io.err.write(brokenThresholdLine(broken));
  return mergedExit(
    summary,
    outcomes.some((o) => o.broken),
    io,
  );
}

/** A run's exit rules, applied to the merged result: a broken rule, a stop at an error or no success is 1. */
function mergedExit(summary: Summary, anyBroken: boolean, io: CliIo): number {
  if (summary.stopReason === 'error' || summary.stopReason === 'interrupted') {
    io.err.write(
      `gb: a merged run ${summary.stopReason === 'error' ? 'stopped at an error' : 'was interrupted'}: the merged numbers cover only what was done\n`,
    );
    return EXIT.runError;
  }
  if (summary.succeeded === 0) {
    io.err.write('gb: no request succeeded in the merged runs\n');
    return EXIT.runError;
  }
  return anyBroken ? EXIT.runError : EXIT.ok;
}
