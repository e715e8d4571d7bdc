// Dispatches gb's subcommands; a plain `gb [options] URL` is the benchmark.

import { benchCommand } from './bench-command.js';
import { compareCommand } from './compare-command.js';
import { demoCommand } from './demo.js';
import type { CliIo } from './io.js';
import { mergeCommand } from './merge-command.js';
import { serveCommand } from './serve.js';

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  switch (argv[0]) {
    case 'serve':
      return serveCommand(argv.slice(1), io.out, io.err, io.signal);
    case 'demo':
      return demoCommand(argv.slice(1), io);
    case 'compare':
      return compareCommand(argv.slice(1), io);
    case 'merge':
      return mergeCommand(argv.slice(1), io);
    default:
      return benchCommand(argv, io);
  }
}
