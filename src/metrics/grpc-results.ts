// gb grpc's part of a result: the method, how it streams, the calls by grpc-status, and the messages sent and
// received; built from a run's GrpcStats, and added up when gb merge joins shards.

import type { GrpcStats } from './grpc-stats.js';
import { err, ok, type Result } from '../result.js';

export interface GrpcResults {
  /** pkg.Service/Method. */
  readonly method: string;
  readonly kind: 'unary' | 'server' | 'client' | 'bidi';
  /** Answered calls by grpc-status name (OK, UNAVAILABLE, ...), only the statuses seen; a call without one is not here. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Messages in the calls gb sent on a connection (each call's body holds messagesPerCall), and whole messages in the answers read. */
  readonly messagesSent: number;
  readonly messagesReceived: number;
}

export interface GrpcRun {
  readonly method: string;
  readonly kind: GrpcResults['kind'];
  readonly messagesPerCall: number;
}

/** A run's gRPC results: `sentCalls` calls went out (issued, less those that found no connection), each with the run's messages. */
export function grpcResults(run: GrpcRun, stats: GrpcStats, sentCalls: number): GrpcResults {
  return {
    method: run.method,
    kind: run.kind,
    statuses: stats.byName(),
    messagesSent: sentCalls * run.messagesPerCall,
    messagesReceived: stats.messagesReceived,
  };
}

/** Shards of one gRPC run, added up; runs of different methods do not merge, and neither do gRPC and HTTP runs. */
export function mergeGrpc(parts: readonly (GrpcResults | null)[]): Result<GrpcResults | null, string> {
  const first = parts[0] ?? null;
  if (first === null) return parts.every((p) => p === null) ? ok(null) : err('cannot merge a gRPC result with an HTTP one');
  const statuses: Record<string, number> = {};
  let messagesSent = 0;
  let messagesReceived = 0;
  for (const p of parts) {
    if (p === null) return err('cannot merge a gRPC result with an HTTP one');
    if (p.method !== first.method) return err(`cannot merge gRPC results of different methods (${first.method}, ${p.method})`);
    for (const [name, n] of Object.entries(p.statuses)) statuses[name] = (statuses[name] ?? 0) + n;
    messagesSent += p.messagesSent;
    messagesReceived += p.messagesReceived;
  }
  return ok({ method: first.method, kind: first.kind, statuses, messagesSent, messagesReceived });
}
