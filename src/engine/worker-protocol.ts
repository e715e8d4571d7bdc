// The messages between the main thread and its engine workers.

import type { Config } from '../config/config.js';
import type { ThreadHealth } from '../metrics/client-monitor.js';
import type { ThreadLive } from '../metrics/live-totals.js';
import type { RecorderSnapshot } from '../metrics/recorder.js';
import type { StopReason } from '../metrics/summary.js';
import type { Endpoint } from '../transport/connection.js';
import type { LiveSample } from './run.js';

export interface WorkerInput {
  /** This worker's share: its requests, connections and rate. */
  readonly config: Config;
  readonly endpoint: Endpoint;
  readonly version: string;
  readonly progressEvery: number;
  /** Post live samples (the main thread has a live view). */
  readonly sample: boolean;
  /** Post the worker's part of the live outputs this often (--out, --dashboard); 0: not at all. */
  readonly liveEveryMs: number;
  /** Post each response's head (-v 2 and up). */
  readonly heads: boolean;
  /** The run's document length cell, shared by every worker (see SharedLength). */
  readonly runLength: SharedArrayBuffer;
  /** This worker's index (a script's ctx.worker). */
  readonly worker: number;
}

/** 'go' starts every worker at once, after all have loaded, so their schedules line up. */
export type ToWorker = { readonly type: 'go' } | { readonly type: 'stop'; readonly reason: StopReason; readonly graceMs: number };

export type FromWorker =
  | { readonly type: 'ready' }
  /** --script: it did not load, or its setup() threw; the worker ends without sending. */
  | { readonly type: 'script-error'; readonly message: string }
  /** Another origin of the targets file did not resolve; the worker ends without sending. */
  | { readonly type: 'start-error'; readonly message: string }
  | { readonly type: 'progress'; readonly settled: number }
  | { readonly type: 'error-stop' }
  | { readonly type: 'sample'; readonly sample: LiveSample }
  | { readonly type: 'live'; readonly live: ThreadLive }
  | { readonly type: 'head'; readonly status: number; readonly head: string }
  | {
      readonly type: 'done';
      readonly recorder: RecorderSnapshot;
      readonly startedAtMs: number;
      readonly elapsedMs: number;
      readonly stopReason: StopReason;
      readonly firstError: string | null;
      readonly thread: ThreadHealth;
      /** --script: what this worker's teardown() threw, or null. */
      readonly scriptError: string | null;
    };
