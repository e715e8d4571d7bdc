// The --out destinations: parsing `prometheus=URL` / `otlp=URL`, an exporter per destination, and the warning for pushes not delivered.

import { nativeSeries, prometheusSeries, remoteWriteBody } from './remote-write.js';
import { encodeOtlpMetrics } from './otlp.js';
import { Pusher, type DeliveryStats, type PushItem } from './pusher.js';
import type { LiveRunLabels, LiveSnapshot } from './model.js';
import { VERSION } from '../version.js';

export type OutKind = 'prometheus' | 'otlp';

export interface OutTarget {
  readonly kind: OutKind;
  readonly url: URL;
  /** As given, for messages. */
  readonly spec: string;
}

/** --out-period's default and smallest value, in ms. */
export const DEFAULT_PERIOD_MS = 5000;
export const MIN_PERIOD_MS = 1000;

/**
 * `prometheus=URL` or `otlp=URL` into a target, or an error message. A URL with no path gets the
 * receiver's usual one: /api/v1/write for Prometheus, /v1/metrics for OTLP (as OTLP's base
 * endpoint setting does); any other path is used as given (Mimir's /api/v1/push, say).
 */
export function parseOut(spec: string): OutTarget | string {
  const at = spec.indexOf('=');
  const kind = at < 0 ? '' : spec.slice(0, at);
  if (kind !== 'prometheus' && kind !== 'otlp') return `--out ${spec}: expected prometheus=URL or otlp=URL`;
  let url: URL;
  try {
    url = new URL(spec.slice(at + 1));
  } catch {
    return `--out ${spec}: not a URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `--out ${spec}: the URL must be http:// or https://`;
  if (url.pathname === '/' || url.pathname === '') url.pathname = kind === 'prometheus' ? '/api/v1/write' : '/v1/metrics';
  return { kind, url, spec };
}

export interface ExporterOptions {
  /** Per request; default 5 s. */
  readonly timeoutMs?: number;
  /** Pushes kept while the receiver is slow or down; default 16. */
  readonly queueLimit?: number;
  readonly maxEndpoints?: number;
  /**
   * Prometheus only: also send the latency histograms as native histograms, which Prometheus takes
   * only with --enable-feature=native-histograms. 'auto' sends them until the receiver says it has
   * them disabled, then sends that period again and the rest without them. Default false.
   */
  readonly nativeHistograms?: boolean | 'auto';
  /** Back-off of retries; defaults 250 ms to 5 s. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

/** One --out destination. push() encodes the snapshot there and then and returns at once; sending happens in the background. */
export interface LiveExporter {
  readonly target: OutTarget;
  push(snapshot: LiveSnapshot): void;
  /** Waits for what is queued, at most deadlineMs, then gives up on the rest. */
  close(deadlineMs?: number): Promise<DeliveryStats>;
  stats(): DeliveryStats;
}

const USER_AGENT = `gb/${VERSION}`;

/**
 * Prometheus answers 400 to samples it will never take (out of order, too old): only 5xx and 429
 * are worth another try, except the 500 of a Prometheus without --enable-feature=native-histograms
 * for a native histogram, which no retry changes.
 */
function prometheusRetryable(status: number, text: string): boolean {
  return (status === 429 || status >= 500) && !nativeDisabled(status, text);
}

function nativeDisabled(status: number, text: string): boolean {
  return status >= 400 && text.includes('native histograms are disabled');
}

/** OTLP/HTTP names the statuses a client should retry: 429, 502, 503, 504. */
function otlpRetryable(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

export function createExporter(target: OutTarget, run: LiveRunLabels, options: ExporterOptions = {}): LiveExporter {
  const headers: Record<string, string> =
    target.kind === 'prometheus'
      ? {
          'Content-Type': 'application/x-protobuf',
          'Content-Encoding': 'snappy',
          'X-Prometheus-Remote-Write-Version': '0.1.0',
          'User-Agent': USER_AGENT,
        }
      : { 'Content-Type': 'application/x-protobuf', 'User-Agent': USER_AGENT };
  const pusher = new Pusher({
    url: target.url,
    headers,
    retryable: target.kind === 'prometheus' ? prometheusRetryable : otlpRetryable,
    fallbackWhen: nativeDisabled,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.queueLimit === undefined ? {} : { queueLimit: options.queueLimit }),
    ...(options.initialBackoffMs === undefined ? {} : { initialBackoffMs: options.initialBackoffMs }),
    ...(options.maxBackoffMs === undefined ? {} : { maxBackoffMs: options.maxBackoffMs }),
  });
  const seriesOptions = options.maxEndpoints === undefined ? {} : { maxEndpoints: options.maxEndpoints };
  // 'auto' is undecided until the receiver takes or refuses a push that carries native histograms.
  const native = (): 'yes' | 'no' | 'unknown' => {
    if (options.nativeHistograms !== 'auto') return options.nativeHistograms === true ? 'yes' : 'no';
    const chosen = pusher.fallbackChosen;
    return chosen === null ? 'unknown' : chosen ? 'no' : 'yes';
  };
  let lastTimestampMs = -Infinity;
  let encodeError: string | null = null;
  let encodeFailures = 0;
  return {
    target,
    push(snapshot: LiveSnapshot): void {
      // A series takes one sample per millisecond, and a clock stepped back must not make the
      // next push out of order (Prometheus would refuse it): time only moves forward here.
      const timestampMs = Math.max(Math.round(snapshot.timestampMs), lastTimestampMs + 1);
      lastTimestampMs = timestampMs;
      const s = timestampMs === snapshot.timestampMs ? snapshot : { ...snapshot, timestampMs };
      let item: PushItem;
      try {
        if (target.kind === 'otlp') item = { body: encodeOtlpMetrics(run, s, seriesOptions), timestampMs };
        else {
          const floats = prometheusSeries(run, s, seriesOptions);
          const sendNative = native();
          const body = remoteWriteBody(floats, sendNative === 'no' ? [] : nativeSeries(run, s), timestampMs);
          item =
            sendNative === 'unknown' ? { body, timestampMs, fallback: remoteWriteBody(floats, [], timestampMs) } : { body, timestampMs };
        }
      } catch (err) {
        // A fault in gb's encoder must not end the run: the push counts as undelivered.
        encodeFailures++;
        encodeError = `encoding failed: ${err instanceof Error ? err.message : String(err)}`;
        return;
      }
      pusher.push(item);
    },
    async close(deadlineMs?: number): Promise<DeliveryStats> {
      return withEncodeFailures(await pusher.close(deadlineMs), encodeFailures, encodeError);
    },
    stats(): DeliveryStats {
      return withEncodeFailures(pusher.stats(), encodeFailures, encodeError);
    },
  };
}

function withEncodeFailures(stats: DeliveryStats, failures: number, error: string | null): DeliveryStats {
  if (failures === 0) return stats;
  return { ...stats, pushed: stats.pushed + failures, undelivered: stats.undelivered + failures, lastError: stats.lastError ?? error };
}

/** The one line to print after the report when some pushes never arrived, or null when all did. */
export function deliveryWarning(target: OutTarget, stats: DeliveryStats): string | null {
  if (stats.undelivered === 0) return null;
  const why = stats.lastError === null ? '' : ` (last error: ${stats.lastError})`;
  return `WARNING: ${stats.undelivered} of ${stats.pushed} pushes to --out ${target.spec} were not delivered${why}`;
}
