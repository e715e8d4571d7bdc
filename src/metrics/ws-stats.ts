// What a WebSocket run counts beside its round trips: connections opened and failed, handshake times, messages and payload bytes each way, close codes, pings answered.

import { Histogram, type HistogramSnapshot } from './histogram.js';
import { phaseStats } from './phase-stats.js';
import { mergePhases } from './phase-merge.js';
import type { Summary, WebSocketResults } from './summary.js';
import { err, ok, type Result } from '../result.js';

export interface WsSnapshot {
  readonly opened: number;
  readonly failed: number;
  readonly handshake: HistogramSnapshot;
  readonly messagesSent: number;
  readonly messagesReceived: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly closeCodes: Readonly<Record<string, number>>;
  readonly pingsAnswered: number;
}

/** Counts one thread's WebSocket connections; the transport's WsObserver has its shape, so connections record here directly. */
export class WsStats {
  readonly handshake = new Histogram();
  openedCount = 0;
  failedCount = 0;
  messagesSent = 0;
  messagesReceived = 0;
  bytesSent = 0;
  bytesReceived = 0;
  readonly closeCodes = new Map<number, number>();
  pingsAnsweredCount = 0;

  opened(handshakeUs: number): void {
    this.openedCount += 1;
    this.handshake.record(handshakeUs);
  }

  openFailed(): void {
    this.failedCount += 1;
  }

  sent(messages: number, payloadBytes: number): void {
    this.messagesSent += messages;
    this.bytesSent += payloadBytes;
  }

  received(payloadBytes: number): void {
    this.messagesReceived += 1;
    this.bytesReceived += payloadBytes;
  }

  closed(code: number, count = 1): void {
    this.closeCodes.set(code, (this.closeCodes.get(code) ?? 0) + count);
  }

  pingAnswered(): void {
    this.pingsAnsweredCount += 1;
  }

  snapshot(): WsSnapshot {
    return {
      opened: this.openedCount,
      failed: this.failedCount,
      handshake: this.handshake.toSnapshot(),
      messagesSent: this.messagesSent,
      messagesReceived: this.messagesReceived,
      bytesSent: this.bytesSent,
      bytesReceived: this.bytesReceived,
      closeCodes: Object.fromEntries([...this.closeCodes].map(([code, n]) => [String(code), n])),
      pingsAnswered: this.pingsAnsweredCount,
    };
  }

  /** Adds another thread's counts: exact, by addition. */
  merge(s: WsSnapshot): void {
    this.openedCount += s.opened;
    this.failedCount += s.failed;
    this.handshake.add(Histogram.fromSnapshot(s.handshake));
    this.messagesSent += s.messagesSent;
    this.messagesReceived += s.messagesReceived;
    this.bytesSent += s.bytesSent;
    this.bytesReceived += s.bytesReceived;
    for (const [code, n] of Object.entries(s.closeCodes)) this.closed(Number(code), n);
    this.pingsAnsweredCount += s.pingsAnswered;
  }

  results(): WebSocketResults {
    return {
      connections: { opened: this.openedCount, failed: this.failedCount },
      handshake: phaseStats(this.handshake),
      messages: { sent: this.messagesSent, received: this.messagesReceived },
      bytes: { sent: this.bytesSent, received: this.bytesReceived },
      closeCodes: Object.fromEntries([...this.closeCodes].sort(([a], [b]) => a - b).map(([code, n]) => [String(code), n])),
      pingsAnswered: this.pingsAnsweredCount,
    };
  }
}

/** The WebSocket results of runs made side by side (gb merge): counts add, handshake histograms add exactly; null when none has any. */
export function mergeWebSocket(summaries: readonly Summary[]): Result<WebSocketResults | null, string> {
  const present = summaries.flatMap((s) => (s.websocket === null || s.websocket === undefined ? [] : [s.websocket]));
  if (present.length === 0) return ok(null);
  const handshake = mergePhases(present.map((w) => w.handshake));
  if (!handshake.ok) return err(`websocket.handshake: ${handshake.error}`);
  const sum = (pick: (w: WebSocketResults) => number): number => present.reduce((total, w) => total + pick(w), 0);
  const closeCodes = new Map<number, number>();
  for (const w of present)
    for (const [code, n] of Object.entries(w.closeCodes)) closeCodes.set(Number(code), (closeCodes.get(Number(code)) ?? 0) + n);
  return ok({
    connections: { opened: sum((w) => w.connections.opened), failed: sum((w) => w.connections.failed) },
    handshake: handshake.value,
    messages: { sent: sum((w) => w.messages.sent), received: sum((w) => w.messages.received) },
    bytes: { sent: sum((w) => w.bytes.sent), received: sum((w) => w.bytes.received) },
    closeCodes: Object.fromEntries([...closeCodes].sort(([a], [b]) => a - b).map(([code, n]) => [String(code), n])),
    pingsAnswered: sum((w) => w.pingsAnswered),
  });
}
