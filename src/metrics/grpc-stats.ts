// What a gRPC run (gb grpc) counts beside its calls: each call's grpc-status, and the messages the calls' answers held.

import { GRPC_STATUS_NAMES, grpcStatusName } from '../failures.js';

/** gRPC's 17 codes, then one slot for any other number a server sent. */
const SLOTS = GRPC_STATUS_NAMES.length + 1;
const OTHER = SLOTS - 1;

export interface GrpcSnapshot {
  /** Calls by grpc-status, one slot per code and the last for any other. */
  readonly statuses: Float64Array;
  readonly messagesReceived: number;
  /** A number outside the 17 codes, by its digits; kept so the report can name it. */
  readonly others: Readonly<Record<string, number>>;
}

export class GrpcStats {
  readonly statuses = new Float64Array(SLOTS);
  readonly #others = new Map<string, number>();
  messagesReceived = 0;

  /** One answered call: its grpc-status (-1: none, HTTP said no before gRPC could) and the messages its body held. */
  record(status: number, messages: number): void {
    this.messagesReceived += messages;
    if (status < 0) return;
    if (status < OTHER) {
      this.statuses[status]! += 1;
      return;
    }
    this.statuses[OTHER]! += 1;
    const name = String(status);
    this.#others.set(name, (this.#others.get(name) ?? 0) + 1);
  }

  /** Non-OK calls: each a failure of the gRPC class. */
  get failed(): number {
    let n = 0;
    for (let i = 1; i < SLOTS; i++) n += this.statuses[i]!;
    return n;
  }

  snapshot(): GrpcSnapshot {
    return { statuses: this.statuses.slice(), messagesReceived: this.messagesReceived, others: Object.fromEntries(this.#others) };
  }

  merge(s: GrpcSnapshot): void {
    for (let i = 0; i < SLOTS; i++) this.statuses[i]! += s.statuses[i]!;
    this.messagesReceived += s.messagesReceived;
    for (const [k, v] of Object.entries(s.others)) this.#others.set(k, (this.#others.get(k) ?? 0) + v);
  }

  /** Calls by status name, as ghz lists them: only the statuses seen. */
  byName(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let i = 0; i < OTHER; i++) if (this.statuses[i]! > 0) out[grpcStatusName(i)] = this.statuses[i]!;
    for (const [k, v] of this.#others) out[k] = v;
    return out;
  }
}
