// The fixed settings of `npm run bench`, its command line, and the scenarios every tool runs.

import { parseArgs } from 'node:util';
import type { Scenario } from './tools.js';

/** nginx gets CPU 0 and every pinned client CPU 1, so server and client never share a core. */
export const SERVER_CPUS = '0';
export const CLIENT_CPUS = '1';
export const CONNECTIONS = 50;

export interface Options {
  readonly rounds: number;
  readonly quick: boolean;
  readonly jsonPath: string | null;
  readonly timeoutMs: number;
  /** Only the scenarios whose id starts with this (and no extras): a short smoke run; 'traffic', 'extras', 'journeys', 'ws' or 'grpc': only those rows. */
  readonly only: string | null;
}

export function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rounds: { type: 'string' },
      quick: { type: 'boolean' },
      json: { type: 'string' },
      timeout: { type: 'string' },
      only: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(
      'usage: npm run bench -- [--rounds N (default 3)] [--quick] [--json FILE] [--timeout SECONDS (per run, default 60)] [--only SCENARIO-PREFIX, e.g. h2 (no extras), or traffic, extras, journeys, ws (WebSocket echo) or grpc (gRPC unary)]\n',
    );
    process.exit(0);
  }
  const quick = values.quick === true;
  const rounds = values.rounds === undefined ? (quick ? 1 : 3) : Number(values.rounds);
  const timeoutSec = values.timeout === undefined ? 60 : Number(values.timeout);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, not ${values.rounds ?? ''}`);
  if (!Number.isFinite(timeoutSec) || timeoutSec <= 0) throw new Error(`--timeout must be positive seconds, not ${values.timeout ?? ''}`);
  return { rounds, quick, jsonPath: values.json ?? null, timeoutMs: timeoutSec * 1000, only: values.only ?? null };
}

/** Counts sized on a 2-core box so each run takes about 2–5 s; --quick divides them by 4. */
export function scenarios(quick: boolean): Scenario[] {
  const scale = quick ? 0.25 : 1;
  const wrkSeconds = quick ? 1 : 3;
  const make = (
    s: Omit<Scenario, 'connections' | 'wrkSeconds' | 'tls' | 'http2'> & Partial<Pick<Scenario, 'connections' | 'tls' | 'http2'>>,
  ): Scenario => ({
    connections: CONNECTIONS,
    tls: false,
    http2: false,
    ...s,
    wrkSeconds,
    requests: Math.round(s.requests * scale),
    autocannonRequests: Math.round(s.autocannonRequests * scale),
  });
  return [
    make({
      id: 'ka-small',
      title: 'keep-alive 13 B',
      path: '/small',
      keepAlive: true,
      pipeline: 1,
      requests: 400_000,
      autocannonRequests: 150_000,
    }),
    make({
      id: 'ka-10k',
      title: 'keep-alive 10 KiB',
      path: '/10k.dat',
      keepAlive: true,
      pipeline: 1,
      requests: 150_000,
      autocannonRequests: 60_000,
    }),
    make({
      id: 'close',
      title: 'new conn/request',
      path: '/small',
      keepAlive: false,
      pipeline: 1,
      requests: 50_000,
      autocannonRequests: 20_000,
    }),
    make({
      id: 'pipeline',
      title: 'pipelined x10',
      path: '/small',
      keepAlive: true,
      pipeline: 10,
      requests: 500_000,
      autocannonRequests: 300_000,
    }),
    // A TLS handshake per request costs the server far more than the client, so few connections keep nginx from being the limit.
    make({
      id: 'https-close',
      title: 'HTTPS new conn, c=4',
      path: '/small',
      keepAlive: false,
      tls: true,
      connections: 4,
      pipeline: 1,
      requests: 8_000,
      autocannonRequests: 0,
    }),
    // HTTP/2: gb --http2 against h2load, 10 connections x 10 streams (h2load's -m), h2c and h2 over TLS.
    make({
      id: 'h2c-small',
      title: 'h2c 13 B, c=10 x10',
      path: '/small',
      keepAlive: true,
      http2: true,
      connections: 10,
      pipeline: 10,
      requests: 200_000,
      autocannonRequests: 0,
    }),
    make({
      id: 'h2c-10k',
      title: 'h2c 10 KiB, c=10 x10',
      path: '/10k.dat',
      keepAlive: true,
      http2: true,
      connections: 10,
      pipeline: 10,
      requests: 100_000,
      autocannonRequests: 0,
    }),
    make({
      id: 'h2-small',
      title: 'h2 TLS 13 B, c=10 x10',
      path: '/small',
      keepAlive: true,
      http2: true,
      tls: true,
      connections: 10,
      pipeline: 10,
      requests: 200_000,
      autocannonRequests: 0,
    }),
    make({
      id: 'h2-10k',
      title: 'h2 TLS 10 KiB, c=10 x10',
      path: '/10k.dat',
      keepAlive: true,
      http2: true,
      tls: true,
      connections: 10,
      pipeline: 10,
      requests: 100_000,
      autocannonRequests: 0,
    }),
  ];
}
