// What gb reports beyond ab, printed after ab's report so ab's fields stay where scripts expect them.

import {
  REQUEST_PHASES,
  type EndpointResult,
  type PhaseStats,
  type RequestPhase,
  type RequestPhases,
  type ShardSet,
  type Summary,
} from '../metrics/summary.js';
import { formatFixed, formatFixedWidth, padLabel, padLeft } from './format.js';
import { renderJourneys } from './journey-text.js';
import { renderWebSocket } from './ws-text.js';
import { renderGrpcLines } from './grpc-text.js';

export interface GbExtrasOptions {
  /** Rate mode: also print latency measured from the actual send (what a closed-loop tool shows). */
  readonly uncorrected?: boolean;
}

const COLUMNS = ['p50', 'p90', 'p99', 'p99.9', 'p99.99', 'max'] as const;

function latencyRow(label: string, s: PhaseStats): string {
  const values = [s.p50Us, s.p90Us, s.p99Us, s.p999Us, s.p9999Us, s.maxUs];
  // Width 9 with no separator ran 10 s and more into the next column ("10512.59710515.045"): one
  // space always, then width 8, keeps the columns where the numbers fit and apart where they do not.
  return `  ${label.padEnd(20)}${values.map((us) => ` ${formatFixedWidth(us / 1000, 3, 8)}`).join('')}\n`;
}

function countList(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ×${n}`)
    .join(', ');
}

export function renderGbExtras(s: Summary, options: GbExtrasOptions = {}): string {
  let out = '\n';
  const f = s.failures;
  if (s.protocol === 'h2' || s.protocol === 'h2c') out += http2Lines(s);
  // Every request in exactly one bucket, added up from ab's Complete requests: those are the
  // responses read to the end plus the reads that failed (receive, exceptions).
  // Script failures that never left (request() threw) are in no ab bucket: they close the sum.
  const unsent = s.issued - s.completed - f.connect - s.cutOff;
  const scriptPart = f.script > 0 ? ` + ${unsent} script failures before sending` : '';
  out += `${padLabel('Requests issued:')}${s.issued} = ${s.completed} complete + ${f.connect} connect failures${scriptPart} + ${s.cutOff} cut off\n`;
  out += `${padLabel('Of the complete:')}${s.responses} responses read to the end (${s.succeeded} succeeded), ${f.receive + f.exceptions} reads failed\n`;
  if (f.script > 0)
    out += `${padLabel('Script failures:')}${f.script} (${unsent} before sending, ${f.script - unsent} responses rejected by response()); in Failed requests, not in ab's breakdown\n`;
  out += renderGrpcLines(s);
  if (s.resent > 0) {
    const why =
      s.http2 === null ? 'the server closed with them unanswered' : 'the server left them unprocessed (GOAWAY, REFUSED_STREAM or a close)';
    out += `${padLabel('Re-sent:')}${s.resent} (${why}; sent again on a new connection, counted once)\n`;
  }
  if (s.documentLengthConflict !== null) {
    out += `${padLabel('Document lengths:')}${s.documentLengthConflict.join(', ')} bytes in the merged runs; each judged its Length failures by its own\n`;
  }
  if (s.timeouts > 0) out += `${padLabel('Timed out:')}${s.timeouts} (within the Receive failures, or Connect when no connection opened)\n`;
  if (Object.keys(s.statusCodes).length > 0) out += `${padLabel('Status codes:')}${countList(s.statusCodes)}\n`;
  if (Object.keys(s.errors).length > 0) out += `${padLabel('Errors:')}${countList(s.errors)}\n`;
  if (s.rate !== null) {
    const r = s.rate;
    out += `${padLabel('Rate:')}${formatFixed(r.targetPerSecond, 2)} [#/sec] target, ${formatFixed(r.achievedPerSecond, 2)} sent`;
    if (r.late === 0) out += '; none sent late\n';
    else {
      out += `; ${r.late} sent late (max ${formatFixed(r.maxLateUs / 1000, 1)} ms, mean ${formatFixed(r.meanLateUs / 1000, 1)} ms): `;
      const waited = s.journeys === null ? 'a connection (every one busy on the server)' : 'a user (every one busy, at --max-users)';
      out += `${r.lateServer} waited for ${waited}, ${r.lateClient} late by gb itself\n`;
    }
  }
  if (s.connections !== null) {
    const p = s.connections;
    const grew = p.grewAtSeconds === null ? 'never grew' : `grew to ${p.peak} (first at ${formatFixed(p.grewAtSeconds, 1)} s)`;
    out += `${padLabel('Connections:')}${p.initial} at the start, ${grew}\n`;
  }
  if (s.successTotal !== null || s.successWaiting !== null) {
    const what = s.rate === null ? 'successful responses' : 'successful responses, from the intended send time';
    out += `\nLatency of ${what} (ms)\n${' '.repeat(22)}${COLUMNS.map((c) => padLeft(c, 9)).join('')}\n`;
    if (s.successTotal !== null) out += latencyRow('Total:', s.successTotal);
    if (s.successWaiting !== null) out += latencyRow('Waiting (TTFB):', s.successWaiting);
    if (s.rate?.uncorrectedTotal != null && options.uncorrected === true) {
      out += latencyRow('Total, uncorrected:', s.rate.uncorrectedTotal);
    }
  }
  if (s.phases !== null) out += phaseLines(s.phases);
  if (s.shards !== null) out += `\n${shardLines(s.shards)}`;
  if (s.endpoints !== null && s.endpoints.length > 0) out += renderEndpoints(s.endpoints);
  if (s.journeys !== null) out += renderJourneys(s.journeys);
  if (s.websocket != null) out += renderWebSocket(s.websocket);
  for (const w of s.client.warnings) out += `\nWARNING: ${w}\n`;
  return out;
}

export const PHASE_NAMES: Readonly<Record<RequestPhase, string>> = {
  dns: 'DNS lookup',
  tcp: 'TCP connect',
  tls: 'TLS handshake',
  blocked: 'Blocked',
  sending: 'Sending',
  waiting: 'Waiting',
  receiving: 'Receiving',
};

const PHASE_COLUMNS = ['count', 'p50', 'p99', 'max'] as const;

/**
 * Where the responses' time went, in the latency table's columns, with a count: DNS has one sample
 * per lookup and TCP and TLS one per connection, the others one per response. Phases the run never
 * had (TLS over http, DNS for an IP) are left out, as a table of zeros would claim they were timed.
 */
function phaseLines(phases: RequestPhases): string {
  const rows = REQUEST_PHASES.flatMap((key) => {
    const p = phases[key];
    if (p === null) return [];
    const values = [p.p50Us, p.p99Us, p.maxUs].map((us) => ` ${formatFixedWidth(us / 1000, 3, 8)}`).join('');
    return [`  ${`${PHASE_NAMES[key]}:`.padEnd(20)} ${padLeft(String(p.count), 8)}${values}\n`];
  });
  if (rows.length === 0) return '';
  return `\nPhases of the responses (ms): DNS once per lookup, TCP and TLS once per connection\n${' '.repeat(22)}${PHASE_COLUMNS.map((c) => padLeft(c, 9)).join('')}\n${rows.join('')}`;
}

/** The protocol, the streams per connection (and the server's cap on them), and where the received bytes went. */
function http2Lines(s: Summary): string {
  const name = s.protocol === 'h2' ? 'h2 (HTTP/2 over TLS)' : 'h2c (HTTP/2 in clear text)';
  const h = s.http2;
  const streams = s.settings.pipeline;
  let out = `${padLabel('Protocol:')}${name}, ${streams} stream${streams === 1 ? '' : 's'} per connection`;
  if (h !== null && h.streamLimit !== null) out += ` (the server allowed ${h.streamLimit}: SETTINGS_MAX_CONCURRENT_STREAMS)`;
  out += '\n';
  if (h !== null) {
    const saved = h.headerBytesDecoded > 0 ? `, ${formatFixed((1 - h.headerBytes / h.headerBytesDecoded) * 100, 1)} % saved by HPACK` : '';
    out += `${padLabel('Header bytes:')}${h.headerBytes} received, ${h.headerBytesDecoded} decoded${saved}\n`;
    out += `${padLabel('Data bytes:')}${s.bytes.body} (bodies); the rest of Total transferred is framing\n`;
  }
  return out;
}

function offsetText(ms: number | null): string {
  if (ms === null) return 'no --start-at';
  return ms >= 0 ? `began ${formatFixed(ms, 1)} ms after --start-at` : `began ${formatFixed(-ms, 1)} ms before --start-at`;
}

/** Which run and shard(s) this is, when each began against --start-at, and which one's client was saturated. */
function shardLines(set: ShardSet): string {
  const w = set.whole;
  const whole = [
    `-c ${w.concurrency}`,
    w.requests === null ? '' : `-n ${w.requests}`,
    w.requestsPerSecond === null ? '' : `--rate ${formatFixed(w.requestsPerSecond, 2)}`,
  ]
    .filter((p) => p !== '')
    .join(' ');
  const [only] = set.members;
  if (set.members.length === 1 && only !== undefined) {
    const saturated = only.client.saturated ? '; client saturated (see WARNING)' : '';
    return `${padLabel('Shard:')}${only.index}/${set.count} of run ${set.runId} (whole run ${whole}), ${offsetText(only.startOffsetMs)}${saturated}\n`;
  }
  let out = `${padLabel('Shards:')}${set.members.length} of ${set.count} of run ${set.runId} (whole run ${whole})${set.startAt === null ? '' : `, --start-at ${set.startAt}`}\n`;
  const offsets = set.members.flatMap((m) => (m.startOffsetMs === null ? [] : [m.startOffsetMs]));
  if (offsets.length > 1)
    out += `${padLabel('Start spread:')}${formatFixed(Math.max(...offsets) - Math.min(...offsets), 1)} ms between the first and the last shard\n`;
  for (const m of set.members) {
    const saturated = m.client.saturated ? `; CLIENT SATURATED: ${m.client.warnings[0] ?? ''}` : '';
    out += `${padLabel(`  shard ${m.index}/${set.count}:`)}${offsetText(m.startOffsetMs)}, ${m.completed} complete${saturated}\n`;
  }
  const missing = Array.from({ length: set.count }, (_, k) => k + 1).filter((i) => !set.members.some((m) => m.index === i));
  if (missing.length > 0)
    out += `${padLabel('Missing shards:')}${missing.join(', ')} (merged with --partial: the numbers cover only the shards above)\n`;
  return out;
}

const ENDPOINT_HEADINGS = ['requests', 'failures', 'non-2xx', 'req/s', 'p50', 'p90', 'p99', 'max'] as const;

/** One row per endpoint: its counts, its share of the throughput, and its Total latency (ms). */
function renderEndpoints(rows: readonly EndpointResult[]): string {
  const nameWidth = Math.max(20, ...rows.map((r) => r.name.length + 2));
  let out = `\nPer endpoint (latency of Total, ms)\n${' '.repeat(nameWidth + 2)}${ENDPOINT_HEADINGS.map((h) => padLeft(h, h.startsWith('p') || h === 'max' ? 9 : 10)).join('')}\n`;
  for (const r of rows) {
    const counts = [r.requests, r.failures, r.non2xx].map((n) => padLeft(String(n), 10)).join('');
    const latency = [r.p50Us, r.p90Us, r.p99Us, r.maxUs].map((us) => ` ${formatFixedWidth(us / 1000, 3, 8)}`).join('');
    out += `  ${r.name.padEnd(nameWidth)}${counts}${padLeft(formatFixed(r.requestsPerSecond, 2), 10)}${latency}\n`;
  }
  return out;
}
