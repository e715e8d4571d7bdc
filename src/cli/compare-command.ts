// `gb compare A.json B.json [--fail-if RULE]...`: prints how B differs from A and fails on regressions beyond the given limits.

import { checkRules, compareSummaries, METRIC_NAMES, parseFailRule } from '../metrics/compare.js';
import { renderComparison, ruleMessage } from '../report/compare-text.js';
import { EXIT, type CliIo } from './io.js';
import { oneLine, parseRules, parseSubcommand, readResultFile } from './subcommand.js';

/** Exit code when a --fail-if rule is broken (2 stays "bad input", as everywhere in gb). */
const EXIT_RULE_FAILED = 1;

const USAGE = `Usage: gb compare A.json B.json [--fail-if RULE]... [--strict]
  Prints throughput and latency of two gb --json results side by side, the change from A to B, and
  whether each change is beyond the runs' noise (95 % bootstrap interval): second to second, or,
  when a run has under 5 whole seconds, request to request (resampled from its histograms).
  --fail-if RULE   exit with status 1 when RULE is broken (repeatable). RULE is METRIC>+N% (broken
                   when METRIC rose by more than N % and the rise is beyond noise) or METRIC<-N%
                   (fell by more than N %, beyond noise); METRIC is one of ${METRIC_NAMES.join(', ')}.
                   Judged on requests, the whole interval must lie past the limit.
                   e.g. --fail-if 'p99>+10%' --fail-if 'rps<-5%'
                   When noise cannot be judged a change past the limit passes with a "noise not
                   judged" note: rps and max in runs under 5 whole seconds, a percentile with fewer
                   than 10 requests above it there, TTFB and the request phases in longer runs, A's
                   figure 0.
  --strict         break such rules instead: only a change within the limit passes unjudged
  -h, --help       show this help
Exit status: 0 no rule broken, 1 a rule broken, 2 bad input.
`;

export async function compareCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseSubcommand(
    'compare',
    args,
    { strict: { type: 'boolean' }, 'fail-if': { type: 'string', multiple: true } },
    USAGE,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const rules = parseRules(parsed.values['fail-if'], parseFailRule, io);
  if (typeof rules === 'number') return rules;
  const [pathA, pathB, ...extra] = parsed.positionals;
  if (pathA === undefined || pathB === undefined || extra.length > 0) {
    io.err.write(`gb: compare needs exactly two result files, got ${parsed.positionals.length} (see 'gb compare -h')\n`);
    return EXIT.usage;
  }
  const a = await readResultFile(pathA);
  if (!a.ok) {
    io.err.write(`gb: ${oneLine(a.error)}\n`);
    return EXIT.usage;
  }
  const b = await readResultFile(pathB);
  if (!b.ok) {
    io.err.write(`gb: ${oneLine(b.error)}\n`);
    return EXIT.usage;
  }
  const rows = compareSummaries(a.value, b.value);
  io.out.write(renderComparison(a.value, b.value, rows, { a: pathA, b: pathB }));
  if (rules.length === 0) return EXIT.ok;
  const outcomes = checkRules(rows, rules, { strict: parsed.values.strict === true });
  io.out.write(`\n${outcomes.map(ruleMessage).join('\n')}\n`);
  const failed = outcomes.filter((o) => o.violated).length;
  if (failed === 0) return EXIT.ok;
  io.err.write(`gb: ${failed} of ${rules.length} --fail-if rule${rules.length === 1 ? '' : 's'} broken\n`);
  return EXIT_RULE_FAILED;
}
