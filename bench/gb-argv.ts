// gb's half of the WebSocket and gRPC rows: the one place their command lines are built, and where their
// --json result is read, so the rows follow gb's ws:// and grpc commands if those change.

import { readFileSync } from 'node:fs';

/** What a WebSocket echo run needs. */
export interface WsEchoLoad {
  readonly gbMain: string;
  readonly port: number;
  readonly connections: number;
  readonly messages: number;
  readonly message: string;
  /** Where gb writes its JSON result (its `completed` counts round trips). */
  readonly jsonPath: string;
}

/** `gb ws://127.0.0.1:P/ -c C -n N --echo --message M`: each connection sends M and waits for its echo before the next. */
export function gbWsEchoArgv(load: WsEchoLoad): string[] {
  return [
    load.gbMain,
    '-q',
    '-c',
    String(load.connections),
    '-n',
    String(load.messages),
    '--echo',
    '--message',
    load.message,
    '--json',
    load.jsonPath,
    `ws://127.0.0.1:${load.port}/`,
  ];
}

/** What a gRPC unary run needs. */
export interface GrpcUnaryLoad {
  readonly gbMain: string;
  readonly port: number;
  readonly protoPath: string;
  /** pkg.Service/Method */
  readonly call: string;
  /** The request message as JSON. */
  readonly data: string;
  readonly connections: number;
  readonly streams: number;
  readonly calls: number;
  /** Where gb writes its JSON result (its `completed` counts calls). */
  readonly jsonPath: string;
}

/** `gb grpc http://127.0.0.1:P --proto F --call pkg.Service/Method --data JSON -n N -c C --streams M`, over gb's own h2c. */
export function gbGrpcUnaryArgv(load: GrpcUnaryLoad): string[] {
  return [
    load.gbMain,
    'grpc',
    `http://127.0.0.1:${load.port}`,
    '-q',
    '--proto',
    load.protoPath,
    '--call',
    load.call,
    '--data',
    load.data,
    '-n',
    String(load.calls),
    '-c',
    String(load.connections),
    '--streams',
    String(load.streams),
    '--json',
    load.jsonPath,
  ];
}

export interface GbJsonCounts {
  /** Round trips or calls (its `completed`). */
  readonly completed: number | null;
  readonly failed: number | null;
  readonly elapsedSeconds: number | null;
}

/** gb's own counts from its --json file; null where it wrote none. */
export function gbJsonCounts(jsonPath: string): GbJsonCounts {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(jsonPath, 'utf8'));
  } catch {
    return { completed: null, failed: null, elapsedSeconds: null };
  }
  const field = (name: string): number | null => {
    const value = typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[name] : undefined;
    return typeof value === 'number' && Number.isFinite(value) ? value : null;
  };
  return { completed: field('completed'), failed: field('failed'), elapsedSeconds: field('elapsedSeconds') };
}
