// What the bench's peer servers and clients share: their command line, the ab-style lines the bench
// parses (parseAbReport), and a server's "listening on" and final count lines (bench/peer-server.ts).

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** bench/peers/hello.proto in the checkout: tsc copies no .proto into build/, so this is found from build/bench/peers/. */
export const HELLO_PROTO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bench', 'peers', 'hello.proto');

export interface ClientArgs {
  readonly port: number;
  /** Connections (WebSockets, or HTTP/2 channels). */
  readonly connections: number;
  /** Calls in flight on each connection (gRPC only; a WebSocket echo has one). */
  readonly streams: number;
  /** Round trips in all, shared by the connections. */
  readonly count: number;
  readonly message: string;
}

export function clientArgs(argv: readonly string[]): ClientArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      connections: { type: 'string', short: 'c' },
      streams: { type: 'string', short: 'm' },
      count: { type: 'string', short: 'n' },
      message: { type: 'string' },
    },
    strict: true,
  });
  const positive = (name: string, text: string | undefined, fallback?: number): number => {
    const value = text === undefined ? fallback : Number(text);
    if (value === undefined || !Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
    return value;
  };
  return {
    port: positive('port', values.port),
    connections: positive('connections', values.connections),
    streams: positive('streams', values.streams, 1),
    count: positive('count', values.count),
    message: values.message ?? 'hello',
  };
}

/** The lines of ab's report the bench reads, so a peer's run is measured and parsed as gb's and ab's are. */
export function printReport(completed: number, failed: number, elapsedMs: number): void {
  const perSec = elapsedMs > 0 ? (completed * 1000) / elapsedMs : 0;
  process.stdout.write(
    `Time taken for tests:   ${(elapsedMs / 1000).toFixed(3)} seconds\n` +
      `Complete requests:      ${completed}\n` +
      `Failed requests:        ${failed}\n` +
      `Requests per second:    ${perSec.toFixed(2)} [#/sec] (mean)\n`,
  );
}

/** A server's side of the bench's contract: its port once bound, and its count when told to stop. */
export function serveUntilSignal(port: number, countOf: () => number, close: () => void): void {
  process.stdout.write(`listening on ${port}\n`);
  const stop = (): void => {
    process.stdout.write(`stopped after serving ${countOf()} round trips\n`);
    close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
