// Streams the server did not process go out again on a new connection, once: those above a GOAWAY's last
// stream id, one refused with REFUSED_STREAM, those a clean close left without a frame; a second time they fail.

import type { StreamReport } from './h2-stream-report.js';
import { OPEN, type StreamTable } from './h2-stream-table.js';

const UNANSWERED = 'server closed the connection twice with the stream unanswered';

/** GOAWAY: the open streams above `lastStreamId` were not processed (§6.8). */
export function requeueAbove(table: StreamTable, report: StreamReport, lastStreamId: number, nowMs: number): void {
  const unprocessed: number[] = [];
  for (let i = 0; i < table.size; i++) {
    if (table.state[i] === OPEN && table.streamId[i]! > lastStreamId) unprocessed.push(i);
  }
  requeue(table, report, unprocessed, nowMs);
}

/**
 * The socket closed under its open streams. A clean close (no error, no GOAWAY to say what was
 * processed) before any frame of a stream's answer is like an HTTP/1.1 server ending an idle
 * connection: that stream goes out again. The others fail, timed; their count is returned for the
 * caller to report.
 */
export function requeueUnanswered(table: StreamTable, report: StreamReport, clean: boolean, nowMs: number): number {
  const unanswered: number[] = [];
  let lost = 0;
  for (let i = 0; i < table.size; i++) {
    if (table.state[i] !== OPEN) continue;
    if (clean && table.firstFrameMs[i] === 0 && table.resent[i] === 0) {
      unanswered.push(i);
      continue;
    }
    report.loseRead(i, nowMs);
    lost++;
  }
  requeue(table, report, unanswered, nowMs);
  return lost;
}

/**
 * Open streams the server did not process go back to the queue's front, in the order they were
 * sent, so they keep their place in the run; those already sent again fail.
 */
export function requeue(table: StreamTable, report: StreamReport, slots: number[], nowMs: number): void {
  if (slots.length > 1) slots.sort((a, b) => table.streamId[a]! - table.streamId[b]!);
  const again: number[] = [];
  let lost = 0;
  for (const i of slots) {
    if (table.resent[i] === 1) {
      report.loseRead(i, nowMs);
      lost++;
      continue;
    }
    table.requeue(i);
    again.push(i);
  }
  if (again.length > 0) {
    for (let j = again.length - 1; j >= 0; j--) table.queue.unshift(again[j]!);
    report.resent(again.length);
  }
  if (lost > 0) report.failed('receive', lost, 'UNANSWERED', UNANSWERED, nowMs);
}
