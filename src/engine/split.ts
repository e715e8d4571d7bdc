// Exact division of work among workers and shards: every remainder is handed out, none dropped.

import type { Config, ScheduleConfig } from '../config/config.js';
import { splitEvenly } from '../config/even-split.js';

/**
 * The schedule with its rate and each stage's rate passed through `scale`: a part's share of the
 * load keeps the whole's shape. A function rather than a factor: a shard's rate is the whole's
 * divided by N, which is not always the same float as multiplied by 1/N, and shards' rates must
 * add up to the whole.
 */
export function scaleSchedule(schedule: ScheduleConfig, scale: (requestsPerSecond: number) => number): ScheduleConfig {
  if (schedule.kind !== 'rate') return schedule;
  const requestsPerSecond = scale(schedule.requestsPerSecond);
  if (schedule.stages === undefined) return { kind: 'rate', requestsPerSecond };
  return {
    kind: 'rate',
    requestsPerSecond,
    stages: schedule.stages.map((s) => ({ durationMs: s.durationMs, requestsPerSecond: scale(s.requestsPerSecond) })),
  };
}

/**
 * Without -n, how far apart in the sequence the parts of a split begin: a worker's stretch (2^32
 * places, ~4 billion requests) times the most workers fits within a shard's, so shard I's workers
 * never start where shard I+1 or its workers do.
 */
export const WORKER_STRETCH = 2 ** 32;
export const SHARD_STRETCH = 2 ** 40;

/**
 * `parts` Configs whose requests, connections, connection limits, rate (each stage's too) and a
 * journey's iterations sum
 * exactly to the given one's; everything else is unchanged. Workers (-G) and shards (--shard)
 * both split this way, so N shards of a run add up to the run made on one machine.
 */
export function splitConfig(config: Config, parts: number, stretch: number = WORKER_STRETCH): Config[] {
  const connections = splitEvenly(config.concurrency, parts);
  const requests = config.requests === null ? null : splitEvenly(config.requests, parts);
  const maxima = config.maxConnections === null ? null : splitEvenly(config.maxConnections, parts);
  // Each part is its own stretch of the run's request sequence (--targets): with -n the stretches
  // follow each other, so per-target counts stay exact across shards and workers; without, they
  // start far apart so that parts do not send the same order.
  const starts =
    requests === null ? connections.map((_, i) => i * stretch) : requests.map((_, i) => requests.slice(0, i).reduce((a, b) => a + b, 0));
  const journey = config.journey;
  const iterations = journey?.iterations == null ? null : splitEvenly(journey.iterations, parts);
  // Each part's users take the ids after the earlier parts' (their most, with --max-users), so vu.id is unique in the whole run.
  const users = maxima ?? connections;
  return connections.map((concurrency, i) => ({
    ...config,
    journey:
      journey === null
        ? null
        : {
            ...journey,
            iterations: iterations === null ? null : iterations[i]!,
            firstUser: journey.firstUser + users.slice(0, i).reduce((a, b) => a + b, 0),
          },
    sequenceStart: config.sequenceStart + starts[i]!,
    concurrency,
    maxConnections: maxima === null ? null : maxima[i]!,
    requests: requests === null ? null : requests[i]!,
    schedule: scaleSchedule(config.schedule, (rate) => rate / parts),
  }));
}

/** With --shard I/N, this process's part of the run: part I of the N the whole splits into (workers unchanged, so -G splits it further). */
export function shardShare(config: Config): Config {
  if (config.shard === null) return config;
  return splitConfig(config, config.shard.count, SHARD_STRETCH)[config.shard.index - 1] ?? config;
}
