// `gb demo` (npm start): benchmarks gb's built-in target, so gb can be tried with no setup.

import { startTargetThread } from '../server/target-thread.js';
import { benchCommand } from './bench-command.js';
import type { CliIo } from './io.js';

export async function demoCommand(argv: readonly string[], io: CliIo): Promise<number> {
  // The target gets its own thread: sharing gb's event loop, it would make gb look saturated.
  // With --http2 the target speaks h2c, so the demo shows HTTP/2 too.
  const server = await startTargetThread(argv.includes('--http2') ? { http2: 'h2c' } : {});
  const args = argv.length > 0 ? argv : ['-k', '-n', '20000', '-c', '50'];
  const url = `${server.url}/10k.dat`;
  io.err.write(`gb demo: built-in target on ${server.url} (in a worker thread); running gb ${args.join(' ')} ${url}\n\n`);
  try {
    return await benchCommand([...args, url], io);
  } finally {
    await server.close();
  }
}
