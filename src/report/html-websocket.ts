// The HTML report's WebSocket section: connections, messages and payload bytes each way, close codes, pings, the handshake's times.

import type { Summary, WebSocketResults } from '../metrics/summary.js';
import { formatFixed } from './format.js';
import { escapeHtml } from './html-escape.js';

const ms = (us: number): string => `${formatFixed(us / 1000, us < 10_000 ? 3 : 1)} ms`;

function rows(w: WebSocketResults): [string, string][] {
  const codes = Object.entries(w.closeCodes);
  const out: [string, string][] = [
    ['Connections', `${w.connections.opened} opened, ${w.connections.failed} failed to open`],
    ['Messages', `${w.messages.sent} sent, ${w.messages.received} received`],
    ['Payload bytes', `${w.bytes.sent} sent, ${w.bytes.received} received`],
    ['Close codes', codes.length === 0 ? 'none' : codes.map(([code, n]) => `${code} ×${n}`).join(', ')],
    ['Pings answered', String(w.pingsAnswered)],
  ];
  const h = w.handshake;
  if (h !== null)
    out.push(['Handshake (upgrade to 101)', `p50 ${ms(h.p50Us)}, p90 ${ms(h.p90Us)}, p99 ${ms(h.p99Us)}, max ${ms(h.maxUs)}`]);
  return out;
}

/** Empty for a run that is not a WebSocket one. */
export function websocketSection(summary: Summary): string {
  const w = summary.websocket;
  if (w == null) return '';
  const body = rows(w)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('\n');
  return `<section><h2>WebSocket</h2>
<p>Each message's round trip is one request in the figures above: Complete requests are messages answered, latency is from the send (the intended send with --rate) to the reply.</p>
<table class="kv websocket">
${body}
</table>
</section>
`;
}
