// gb grpc's lines of the text report: the method, the calls by grpc-status (as ghz lists them) and the messages.

import type { Summary } from '../metrics/summary.js';
import { padLabel } from './format.js';

export function renderGrpcLines(s: Summary): string {
  const g = s.grpc;
  if (g === null) return '';
  const statuses = Object.entries(g.statuses)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ×${n}`)
    .join(', ');
  let out = `${padLabel('gRPC method:')}${g.method} (${g.kind})\n`;
  out += `${padLabel('gRPC statuses:')}${statuses === '' ? 'none (no call was answered with a grpc-status)' : statuses}\n`;
  if (s.failures.grpc > 0)
    out += `${padLabel('gRPC failures:')}${s.failures.grpc} calls answered with a status other than OK; in Failed requests, not in ab's breakdown\n`;
  out += `${padLabel('gRPC messages:')}${g.messagesSent} sent, ${g.messagesReceived} received\n`;
  return out;
}
