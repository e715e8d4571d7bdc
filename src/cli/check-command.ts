// `gb check RESULT.json --fail-if RULE...`: the absolute --fail-if limits of a run, judged on a saved or merged result.

import { checkThresholds, THRESHOLD_METRICS, parseThreshold } from '../metrics/thresholds.js';
import { brokenThresholdLine, renderThresholds } from '../report/threshold-text.js';
import { EXIT, type CliIo } from './io.js';
import { oneLine, parseRules, parseSubcommand, readResultFile } from './subcommand.js';

const USAGE = `Usage: gb check RESULT.json --fail-if RULE [--fail-if RULE]...
  Checks a gb --json result (one run's, or gb merge's) against absolute limits, as
  'gb URL --fail-if RULE' does at the end of a run.
  --fail-if RULE   exit with status 1 when RULE is broken (repeatable, at least one). RULE is
                   METRIC<LIMIT or METRIC>LIMIT (also <=, >=), broken when it holds; METRIC is one
                   of ${THRESHOLD_METRICS.join(', ')}. Latency (of Total) takes a unit: 250ms, 0.25s,
                   250000us; rps a plain number; errors and non2xx a percent of the complete
                   requests (errors>1%) or a count (errors>10). A journey run's: iteration_p50,
                   iteration_p90, iteration_p95, iteration_p99, iteration_p999, iteration_max and
                   iteration_mean (with a unit), iterations (complete, a count), iterations_failed
                   (a percent of those that ended, or a count) and checks (percent passed: checks<99%).
                   e.g. --fail-if 'p99>250ms' --fail-if 'errors>1%' --fail-if 'rps<1000'
                   (gb compare's rules are relative and carry a sign and %: 'p99>+10%')
  -h, --help       show this help
Exit status: 0 no rule broken, 1 a rule broken, 2 bad input.
`;

export async function checkCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseSubcommand('check', args, { 'fail-if': { type: 'string', multiple: true } }, USAGE, io);
  if (typeof parsed === 'number') return parsed;
  const rules = parseRules(parsed.values['fail-if'], parseThreshold, io);
  if (typeof rules === 'number') return rules;
  const [path, ...extra] = parsed.positionals;
  if (path === undefined || extra.length > 0) {
    io.err.write(`gb: check needs exactly one result file, got ${parsed.positionals.length} (see 'gb check -h')\n`);
    return EXIT.usage;
  }
  // Without a rule nothing could break, and a CI step that always passes hides a typo in its script.
  if (rules.length === 0) {
    io.err.write(`gb: check needs at least one --fail-if rule (see 'gb check -h')\n`);
    return EXIT.usage;
  }
  const result = await readResultFile(path);
  if (!result.ok) {
    io.err.write(`gb: ${oneLine(result.error)}\n`);
    return EXIT.usage;
  }
  const outcomes = checkThresholds(result.value, rules);
  io.out.write(renderThresholds(outcomes).trimStart());
  const broken = outcomes.filter((o) => o.broken);
  for (const o of broken) io.err.write(brokenThresholdLine(o));
  return broken.length === 0 ? EXIT.ok : EXIT.runError;
}
