// Dispatches gb's subcommands; a plain `gb [options] URL` is the benchmark.

import type { CliIo } from './io.js';

// Each command loads only its own modules, so `gb URL` starts fast and small.

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  switch (argv[0]) {
    case 'serve':
      return (await import('./serve.js')).serveCommand(argv.slice(1), io.out, io.err, io.signal);
    case 'demo':
      return (await import('./demo.js')).demoCommand(argv.slice(1), io);
    case 'compare':
      return (await import('./compare-command.js')).compareCommand(argv.slice(1), io);
    case 'check':
      return (await import('./check-command.js')).checkCommand(argv.slice(1), io);
    case 'capacity':
      return (await import('./capacity-command.js')).capacityCommand(argv.slice(1), io);
    case 'merge':
      return (await import('./merge-command.js')).mergeCommand(argv.slice(1), io);
    case 'grpc':
      return (await import('./grpc-command.js')).grpcCommand(argv.slice(1), io);
    case 'har':
      return (await import('./har-command.js')).harCommand(argv.slice(1), io);
    default:
      return (await import('./bench-command.js')).benchCommand(argv, io);
  }
}
