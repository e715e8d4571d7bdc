// gb grpc's lines of the text report: the method, the calls by grpc-status (as ghz lists them) and the messages.

import type { Summary } from '../metrics/summary.js';
import { formatFixed, padLabel, padLeft } from './format.js';

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

/** gb compare: each grpc-status of either gRPC run, its share of the answered calls in A and in B; a note when the runs differ in method or kind of run. */
export function grpcComparison(a: Summary, b: Summary): string[] {
  const ga = a.grpc;
  const gb = b.grpc;
  if (ga === null && gb === null) return [];
  if (ga === null || gb === null)
    return ['', `note: only ${ga === null ? 'B' : 'A'} is a gRPC run (gb grpc), so its statuses are not compared`];
  const share = (statuses: Readonly<Record<string, number>>, name: string): number | null => {
    const answered = Object.values(statuses).reduce((x, y) => x + y, 0);
    return answered === 0 ? null : (100 * (statuses[name] ?? 0)) / answered;
  };
  const pct = (v: number | null): string => (v === null ? '-' : `${formatFixed(v, 2)} %`);
  const names = [...new Set([...Object.keys(ga.statuses), ...Object.keys(gb.statuses)])].sort();
  const cells = names.map((name) => {
    const pa = share(ga.statuses, name);
    const pb = share(gb.statuses, name);
    const points = pa === null || pb === null ? '-' : `${pb - pa >= 0 ? '+' : ''}${formatFixed(pb - pa, 2)} pt`;
    return [name, pct(pa), pct(pb), points];
  });
  const header = ['grpc-status', 'A', 'B', 'Change'];
  const widths = header.map((h, col) => Math.max(h.length, ...cells.map((c) => (c[col] ?? '').length)));
  const line = (c: readonly string[]): string =>
    c
      .map((text, col) => (col === 0 ? text.padEnd(widths[col] ?? 0) : padLeft(text, widths[col] ?? 0)))
      .join('  ')
      .trimEnd();
  const note = ga.method === gb.method ? [] : [`note: the gRPC method differs: A ${ga.method}, B ${gb.method}`];
  return ['', 'gRPC statuses (share of the answered calls):', line(header), ...cells.map(line), ...note];
}
