// `gb [options] URL`: parse, run, and print ab's report of whatever was done.

import { runConfig } from '../index.js';
import { heartbeatStep, renderAbReport, renderBanner, renderBenchmarking, renderFinished, renderHeartbeat } from '../report/ab-text.js';
import { renderGbExtras } from '../report/gb-extras.js';
import { VERSION } from '../version.js';
import { parseCommandLine } from './flags.js';
import { EXIT, type CliIo } from './io.js';
import { startProfiler } from './profile.js';
import { usageText } from './usage.js';

/** In-flight requests get this long to finish after Ctrl-C before they are cut off. */
const INTERRUPT_GRACE_MS = 500;

export async function benchCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(argv);
  if (!parsed.ok) {
    io.err.write(`gb: ${parsed.error[0] ?? 'invalid command line'} (see 'gb -h')\n`);
    return EXIT.usage;
  }
  const command = parsed.value;
  if (command.kind === 'help') {
    io.out.write(usageText());
    return EXIT.ok;
  }
  if (command.kind === 'version') {
    io.out.write(renderBanner(VERSION));
    return EXIT.ok;
  }
  const { config, quiet, profileDir } = command.options;
  const profiler = profileDir === null ? null : await startProfiler(profileDir);
  const step = quiet ? 0 : heartbeatStep(config.requests);
  io.out.write(renderBanner(VERSION));
  io.out.write(renderBenchmarking(config.target.host, step > 0));
  const outcome = await runConfig(config, {
    signal: io.signal,
    graceMs: INTERRUPT_GRACE_MS,
    progressEvery: step,
    onProgress: (settled) => io.err.write(renderHeartbeat(settled)),
  });
  if (!outcome.ok) {
    io.out.write('\n');
    io.err.write(`gb: ${outcome.error}\n`);
    return EXIT.runError;
  }
  const { summary, firstError } = outcome.value;
  if (profiler !== null) {
    const files = await profiler.finish();
    io.err.write(`gb: profile written: ${files.join(', ')}\n`);
  }
  if (step === 0) io.out.write('..done\n');
  else if (summary.stopReason === 'requests') io.err.write(renderFinished(summary.complete));
  if (summary.stopReason === 'error') {
    io.err.write(`gb: stopped at the first error: ${firstError ?? 'unknown'} (use -r to go on after errors)\n`);
  }
  io.out.write(renderAbReport(summary, { noPercentiles: command.options.noPercentiles, noSd: command.options.noSd }));
  io.out.write(renderGbExtras(summary, { uncorrected: command.options.uncorrected }));
  if (summary.stopReason === 'interrupted') return EXIT.interrupted;
  return summary.stopReason === 'error' ? EXIT.runError : EXIT.ok;
}
