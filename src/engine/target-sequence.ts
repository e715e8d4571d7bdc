// The order of a targets file's requests: round-robin or seeded random, by each request's place in the run's one sequence.

import type { Config, TargetsConfig } from '../config/config.js';
import { pick } from '../config/seeded-hash.js';
import type { RequestSource } from '../transport/exchange.js';
import { buildH2TargetRequest, type H2Frames } from '../transport/h2-request.js';
import type { H2RequestSource } from '../transport/http2-connection.js';
import { buildTargetRequest } from '../transport/request.js';
import { ReturnedRequests } from './returned-requests.js';

// The hash lives in config so that src/inputs (--data's rows) can share it; tests still reach it here.
export { pick };

/**
 * Request k of the run (k counted from 0 over the whole run, across workers) goes to target
 * k mod T in round-robin, or to hash(seed, k) mod T with --random. A worker's share is a range of
 * k (Config.sequenceStart), so the split of the run changes nothing about which request goes where:
 * `-n 30000` over 3 targets sends exactly 10 000 to each, with any -c, -k, --pipeline or -G, and
 * through a take-over of stuck connects (their drawn requests come back here and are drawn again).
 */
export class TargetSequence implements RequestSource, H2RequestSource {
  row = 0;
  isHead = false;
  /** HTTP/1.x: each target's bytes; HTTP/2: its HEADERS frames and body (the other list is empty). */
  readonly #buffers: readonly Buffer[];
  readonly #frames: readonly H2Frames[];
  readonly #count: number;
  readonly #rows: Int32Array;
  readonly #heads: Uint8Array;
  readonly #random: boolean;
  readonly #seed: number;
  readonly #start: number;
  /** 1 for the targets this engine sends (one origin's); null: all of them. */
  readonly #members: Uint8Array | null;
  #next: number;
  /** Requests a connection drew but gave back unsent (a take-over): drawn again before any new place. */
  readonly #returned: ReturnedRequests<Buffer>;
  readonly #returnedH2: ReturnedRequests<H2Frames>;

  constructor(
    requests: { readonly buffers: readonly Buffer[]; readonly frames: readonly H2Frames[] },
    rows: Int32Array,
    heads: Uint8Array,
    targets: Pick<TargetsConfig, 'order' | 'seed' | 'members'>,
    start: number,
    slots: number,
  ) {
    this.#buffers = requests.buffers;
    this.#frames = requests.frames;
    this.#count = rows.length;
    this.#rows = rows;
    this.#heads = heads;
    this.#random = targets.order === 'random';
    this.#seed = targets.seed >>> 0;
    this.#start = start;
    this.#next = start;
    this.#members = targets.members === null ? null : membership(targets.members, this.#count);
    // Only the protocol the run speaks gets slots (the other list of requests is empty).
    this.#returned = new ReturnedRequests(requests.buffers.length > 0 ? slots : 0);
    this.#returnedH2 = new ReturnedRequests(requests.frames.length > 0 ? slots : 0);
  }

  /** Back to this share's first place: the measured run starts the sequence afresh after a warm-up. */
  restart(): void {
    this.#next = this.#start;
    this.#returned.clear();
    this.#returnedH2.clear();
  }

  next(): Buffer {
    const returned = this.#returned;
    if (!returned.empty) {
      const bytes = returned.take();
      this.row = returned.row;
      this.isHead = returned.isHead;
      return bytes;
    }
    return this.#buffers[this.#take()]!;
  }

  nextH2(): H2Frames {
    const returned = this.#returnedH2;
    if (!returned.empty) {
      const frames = returned.take();
      this.row = returned.row;
      return frames;
    }
    return this.#frames[this.#take()]!;
  }

  giveBack(request: Buffer, row: number, isHead: boolean): void {
    this.#returned.put(request, row, isHead);
  }

  giveBackH2(frames: H2Frames, row: number): void {
    this.#returnedH2.put(frames, row, false);
  }

  /** The target of the next place, with its row and HEAD-ness noted. */
  #take(): number {
    let t = this.#at(this.#next++);
    // Another origin's places are another engine's: skip them (a few steps; this origin's share of them).
    if (this.#members !== null) while (this.#members[t] === 0) t = this.#at(this.#next++);
    this.row = this.#rows[t]!;
    this.isHead = this.#heads[t] === 1;
    return t;
  }

  #at(k: number): number {
    return this.#random ? pick(this.#seed, k, this.#count) : k % this.#count;
  }
}

function membership(members: readonly number[], count: number): Uint8Array {
  const mask = new Uint8Array(count);
  for (const i of members) mask[i] = 1;
  return mask;
}

/**
 * How many of the places [start, start + count) go to `members`: the exact request count of one
 * origin's engine. Round-robin counts each member's residue class; random has to look at each place.
 */
export function placesOf(
  targets: Pick<TargetsConfig, 'order' | 'seed' | 'list'>,
  members: readonly number[],
  start: number,
  count: number,
): number {
  const t = targets.list.length;
  if (targets.order === 'round-robin') {
    const upTo = (x: number, i: number): number => Math.max(0, Math.ceil((x - i) / t));
    return members.reduce((sum, i) => sum + upTo(start + count, i) - upTo(start, i), 0);
  }
  const mask = membership(members, t);
  let n = 0;
  for (let k = start; k < start + count; k++) n += mask[pick(targets.seed >>> 0, k, t)]!;
  return n;
}

/** The sequence of a targets run: every target built to bytes (HTTP/1.x) or HEADERS frames (HTTP/2) once, mapped to its endpoint row. */
export function targetSequence(config: Config, version: string, rowOf: (name: string) => number): TargetSequence | null {
  const targets = config.targets;
  if (targets === null) return null;
  const list = targets.list;
  // Each target is encoded once per run, for the protocol the run speaks.
  const buffers = config.http2 ? [] : list.map((t) => buildTargetRequest(config, version, t));
  const frames = config.http2 ? list.map((t) => buildH2TargetRequest(config, version, t).frames) : [];
  const rows = Int32Array.from(list, (t) => rowOf(t.name));
  const heads = Uint8Array.from(list, (t) => (t.method === 'HEAD' ? 1 : 0));
  return new TargetSequence({ buffers, frames }, rows, heads, targets, config.sequenceStart, config.pipeline);
}
