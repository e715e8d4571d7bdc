// A targets file that names several origins: one engine per origin, each with its exact share of the requests, connections and rate.

import type { Config } from '../config/config.js';
import { originOf } from '../config/validate.js';
import { scaleSchedule } from './split.js';
import { placesOf } from './target-sequence.js';

/** The targets' origins in order of first appearance, each with the indices of its targets. */
function originsOf(config: Config): { readonly origin: string; readonly members: number[] }[] {
  const byOrigin = new Map<string, number[]>();
  (config.targets?.list ?? []).forEach((t, i) => {
    const key = originOf(t.target);
    const members = byOrigin.get(key) ?? [];
    members.push(i);
    byOrigin.set(key, members);
  });
  return [...byOrigin].map(([origin, members]) => ({ origin, members }));
}

/**
 * One Config per origin. Requests: the exact number of this share's places in the run's sequence
 * that fall on the origin's targets (so per-target counts stay exact). Connections (and
 * --max-connections): by the origin's share of the targets, remainders to the largest fractions and
 * at least one each, so they sum to -c exactly. Rate: by the same share.
 */
export function splitByOrigin(config: Config): Config[] {
  const targets = config.targets;
  const origins = originsOf(config);
  if (targets === null || origins.length <= 1) return [config];
  const total = targets.list.length;
  const weights = origins.map((o) => o.members.length / total);
  const connections = shareOut(config.concurrency, weights);
  const maxima = config.maxConnections === null ? null : shareOut(config.maxConnections, weights);
  return origins.map((o, i): Config => {
    const w = weights[i]!;
    return {
      ...config,
      target: targets.list[o.members[0]!]!.target,
      targets: { ...targets, members: o.members },
      requests: config.requests === null ? null : placesOf(targets, o.members, config.sequenceStart, config.requests),
      concurrency: connections[i]!,
      maxConnections: maxima === null ? null : maxima[i]!,
      schedule: scaleSchedule(config.schedule, (rate) => rate * w),
    };
  });
}

/**
 * `total` split by `weights` (summing to 1), like splitEvenly: whole shares first, the remainder one
 * each to the largest fractions; then an origin left with none takes one from the largest share.
 */
export function shareOut(total: number, weights: readonly number[]): number[] {
  const exact = weights.map((w) => total * w);
  const shares = exact.map((x) => Math.floor(x));
  let left = total - shares.reduce((a, b) => a + b, 0);
  const byFraction = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byFraction) {
    if (left <= 0) break;
    shares[i]! += 1;
    left -= 1;
  }
  for (let i = 0; i < shares.length; i++) {
    if (shares[i] !== 0) continue;
    const largest = shares.indexOf(Math.max(...shares));
    shares[largest]! -= 1;
    shares[i] = 1;
  }
  return shares;
}
