// The "WebSocket" block of gb's text report: connections, the upgrade handshake's times, messages, payload bytes, close codes, pings.

import type { WebSocketResults } from '../metrics/summary.js';
import { formatFixedWidth, padLabel, padLeft } from './format.js';

const COLUMNS = ['p50', 'p90', 'p99', 'p99.9', 'max'] as const;

function closeCodeList(codes: Readonly<Record<string, number>>): string {
  const entries = Object.entries(codes);
  return entries.length === 0 ? 'none' : entries.map(([code, n]) => `${code} ×${n}`).join(', ');
}

export function renderWebSocket(w: WebSocketResults): string {
  let out = '\nWebSocket\n';
  out += `${padLabel('Connections:')}${w.connections.opened} opened, ${w.connections.failed} failed to open\n`;
  out += `${padLabel('Messages:')}${w.messages.sent} sent, ${w.messages.received} received\n`;
  out += `${padLabel('Payload bytes:')}${w.bytes.sent} sent, ${w.bytes.received} received\n`;
  out += `${padLabel('Close codes:')}${closeCodeList(w.closeCodes)}\n`;
  out += `${padLabel('Pings answered:')}${w.pingsAnswered}\n`;
  const h = w.handshake;
  if (h !== null) {
    const values = [h.p50Us, h.p90Us, h.p99Us, h.p999Us, h.maxUs];
    out += `\nWebSocket handshake, the upgrade request to its 101 (ms)\n${' '.repeat(22)}${COLUMNS.map((c) => padLeft(c, 9)).join('')}\n`;
    out += `  ${'Handshake:'.padEnd(20)}${values.map((us) => ` ${formatFixedWidth(us / 1000, 3, 8)}`).join('')}\n`;
  }
  return out;
}
