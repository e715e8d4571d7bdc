// The `gb serve` subcommand: runs the built-in target server in the foreground until its signal aborts.

import { parseArgs } from 'node:util';
import { selfSignedCertificate } from '../server/self-signed.js';
import { startTargetServer, TARGET_ROUTES, type TargetOptions, type TargetServer } from '../server/target.js';
import { EXIT } from './io.js';

const DEFAULT_PORT = 8080;
const DEFAULT_HOST = '127.0.0.1';
const USAGE = `Usage: gb serve [--port N] [--host H] [--unix-socket PATH] [--http2 [--tls]]
  --port N              TCP port to listen on (default ${DEFAULT_PORT}; 0 picks a free port)
  --host H              address to bind (default ${DEFAULT_HOST}; other addresses expose the server beyond this machine)
  --unix-socket PATH    listen on a unix domain socket instead (a stale socket file there is replaced)
  --http2               speak HTTP/2 in clear text (h2c, prior knowledge: gb --http2 http://...)
  --tls                 with --http2: HTTP/2 over TLS (h2 by ALPN, HTTP/1.1 too) with a generated self-signed certificate
Routes: ${TARGET_ROUTES}
`;

/** One line, so a parser's multi-sentence message still fits the "gb: …" convention. */
function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

function parsePort(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port <= 65535 ? port : null;
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

export async function serveCommand(
  args: string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  signal: AbortSignal,
): Promise<number> {
  let values: {
    port?: string | undefined;
    host?: string | undefined;
    'unix-socket'?: string | undefined;
    http2?: boolean | undefined;
    tls?: boolean | undefined;
    help?: boolean | undefined;
  };
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'unix-socket': { type: 'string' },
        http2: { type: 'boolean' },
        tls: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    err.write(`gb: ${oneLine(error instanceof Error ? error.message : String(error))}\n`);
    return EXIT.usage;
  }
  if (values.help === true) {
    out.write(USAGE);
    return EXIT.ok;
  }
  if (values.tls === true && values.http2 !== true) {
    err.write('gb: serve --tls needs --http2 (the HTTP/1.1 target speaks clear text only)\n');
    return EXIT.usage;
  }
  if (values.http2 === true && values['unix-socket'] !== undefined) {
    err.write('gb: serve --http2 listens on TCP only, not on --unix-socket\n');
    return EXIT.usage;
  }
  const unixSocket = values['unix-socket'];
  if (unixSocket !== undefined) return serveUnix(unixSocket, values.port !== undefined || values.host !== undefined, out, err, signal);
  const port = values.port === undefined ? DEFAULT_PORT : parsePort(values.port);
  if (port === null) {
    err.write(`gb: invalid --port ${JSON.stringify(values.port)}: expected an integer from 0 to 65535\n`);
    return EXIT.usage;
  }
  const host = values.host ?? DEFAULT_HOST;
  if (host === '') {
    err.write('gb: invalid --host "": expected an address or host name\n');
    return EXIT.usage;
  }

  const options = targetOptions(port, host, values.http2 === true, values.tls === true);
  if (typeof options === 'string') {
    err.write(`gb: ${options}\n`);
    return EXIT.runError;
  }
  let server;
  try {
    server = await startTargetServer(options);
  } catch (error) {
    err.write(`gb: cannot listen on ${host}:${port}: ${oneLine(error instanceof Error ? error.message : String(error))}\n`);
    return EXIT.runError;
  }
  const speaks =
    options.http2 === 'h2' ? ' (HTTP/2 over TLS, self-signed; HTTP/1.1 too)' : options.http2 === 'h2c' ? ' (HTTP/2, h2c: gb --http2)' : '';
  out.write(`gb target listening on ${server.url}${speaks} (routes: ${TARGET_ROUTES})\n`);
  return serveUntilAborted(server, out, signal);
}

/** The server to start: HTTP/1.1, h2c, or h2 with a certificate made now; a string says why none could be made. */
function targetOptions(port: number, host: string, http2: boolean, tls: boolean): TargetOptions | string {
  if (!http2) return { port, host };
  if (!tls) return { port, host, http2: 'h2c' };
  const certificate = selfSignedCertificate();
  return typeof certificate === 'string' ? certificate : { port, host, http2: 'h2', tls: certificate };
}

async function serveUnix(
  path: string,
  tcpGiven: boolean,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  signal: AbortSignal,
): Promise<number> {
  if (tcpGiven) {
    err.write('gb: --unix-socket cannot be used with --port or --host: the server listens on one or the other\n');
    return EXIT.usage;
  }
  if (path === '') {
    err.write('gb: invalid --unix-socket "": expected a path\n');
    return EXIT.usage;
  }
  let server;
  try {
    server = await startTargetServer({ unixSocket: path });
  } catch (error) {
    err.write(`gb: cannot listen on ${path}: ${oneLine(error instanceof Error ? error.message : String(error))}\n`);
    return EXIT.runError;
  }
  out.write(`gb target listening on unix socket ${path} (try: gb --unix-socket ${path} http://localhost/; routes: ${TARGET_ROUTES})\n`);
  return serveUntilAborted(server, out, signal);
}

async function serveUntilAborted(server: TargetServer, out: NodeJS.WritableStream, signal: AbortSignal): Promise<number> {
  await waitForAbort(signal);
  const served = server.stats().requests;
  await server.close();
  out.write(`gb target stopped after serving ${served} request${served === 1 ? '' : 's'}\n`);
  return EXIT.ok;
}
