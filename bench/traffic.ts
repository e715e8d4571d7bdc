// Rows of `npm run bench` for many requests: a 3-target round-robin file and a script's request() hook, against the single-URL run.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median } from './table.js';

/** What a measured gb run gave: its client CPU per request, its req/s, and whether it ran cleanly. */
export interface TrafficRun {
  readonly cpuUsPerRequest: number | null;
  readonly requestsPerSec: number | null;
  readonly ok: boolean;
}

export interface TrafficOptions {
  readonly baseUrl: string;
  /** The same nginx's h2c listener: adds --http2 rows (single URL and the targets file, 10 streams per connection). */
  readonly h2cUrl?: string;
  readonly gbMain: string;
  readonly scratchDir: string;
  readonly connections: number;
  readonly requests: number;
  readonly rounds: number;
  /** Runs gb with these arguments (pinned like the other rows) under `label`. */
  readonly measure: (label: string, argv: readonly string[]) => Promise<TrafficRun>;
}

export interface TrafficResult {
  readonly lines: readonly string[];
  readonly json: Record<string, unknown>;
}

/**
 * The three kinds interleaved round by round, so a slow spell of the machine hits all alike. The
 * targets are the same nginx location with three query strings: nginx does the same work for each,
 * so a difference is gb's. Targets: the file ≤ 1.1× and the hook ≤ 1.5× the single URL's CPU per request.
 */
export async function runTraffic(o: TrafficOptions): Promise<TrafficResult> {
  const targets = join(o.scratchDir, 'targets.txt');
  writeFileSync(targets, ['a', 'b', 'c'].map((q) => `GET ${o.baseUrl}/small?${q}=1\n`).join('\n'));
  const script = join(o.scratchDir, 'fixed-request.mjs');
  writeFileSync(script, "const fixed = { path: '/small?s=1', name: 'GET /small' };\nexport function request() { return fixed; }\n");
  const common = ['-q', '-k', '-c', String(o.connections), '-n', String(o.requests)];
  const kinds: { readonly id: string; readonly title: string; readonly argv: readonly string[]; readonly base: string }[] = [
    { id: 'single', title: 'single URL', argv: [o.gbMain, ...common, `${o.baseUrl}/small`], base: 'single' },
    { id: 'targets', title: '--targets, 3 targets round-robin', argv: [o.gbMain, ...common, '--targets', targets], base: 'single' },
    {
      id: 'script',
      title: '--script, request() returns a fixed object',
      argv: [o.gbMain, ...common, '--script', script, `${o.baseUrl}/small`],
      base: 'single',
    },
  ];
  if (o.h2cUrl !== undefined) {
    const h2Targets = join(o.scratchDir, 'targets-h2c.txt');
    writeFileSync(h2Targets, ['a', 'b', 'c'].map((q) => `GET ${o.h2cUrl}/small?${q}=1\n`).join('\n'));
    const h2 = ['--http2', '--streams', '10'];
    kinds.push(
      { id: 'h2-single', title: 'h2c single URL, 10 streams', argv: [o.gbMain, ...common, ...h2, `${o.h2cUrl}/small`], base: 'h2-single' },
      {
        id: 'h2-targets',
        title: 'h2c --targets, 3 round-robin, 10 streams',
        argv: [o.gbMain, ...common, ...h2, '--targets', h2Targets],
        base: 'h2-single',
      },
    );
  }
  const runs = new Map<string, TrafficRun[]>(kinds.map((k) => [k.id, []]));
  for (let round = 1; round <= o.rounds; round++) {
    for (const kind of kinds) runs.get(kind.id)!.push(await o.measure(`traffic-${kind.id}`, kind.argv));
  }
  const cpuOf = (id: string): number | null =>
    median(
      runs
        .get(id)!
        .filter((r) => r.ok)
        .map((r) => r.cpuUsPerRequest),
    );
  const rpsOf = (id: string): number | null =>
    median(
      runs
        .get(id)!
        .filter((r) => r.ok)
        .map((r) => r.requestsPerSec),
    );
  const ratioOf = (id: string, base: string): number | null => {
    const cpu = cpuOf(id);
    const single = cpuOf(base);
    return cpu === null || single === null || single === 0 ? null : cpu / single;
  };
  const ratio = (id: string, base: string): string => {
    const r = ratioOf(id, base);
    return r === null ? 'n/a' : `${r.toFixed(2)}x`;
  };
  const lines = [
    `Many requests (gb -k -c ${o.connections} -n ${o.requests.toLocaleString('en-US')}, same nginx, medians of ${o.rounds}; target: targets ≤ 1.10x, script ≤ 1.50x):`,
    ...kinds.map((k) => {
      const cpu = cpuOf(k.id);
      const rps = rpsOf(k.id);
      const ok = runs.get(k.id)!.filter((r) => r.ok).length;
      return `  ${k.title.padEnd(44)} ${(rps === null ? 'n/a' : Math.round(rps).toLocaleString('en-US')).padStart(9)} req/s  ${(cpu === null ? 'n/a' : cpu.toFixed(2)).padStart(6)} CPU us/req  ${k.id === k.base ? '' : `${ratio(k.id, k.base)} of ${k.base}`}  (${ok}/${o.rounds} runs)`;
    }),
    '',
  ];
  return {
    lines,
    json: Object.fromEntries(
      kinds.map((k) => [k.id, { cpuUsPerRequest: cpuOf(k.id), requestsPerSec: rpsOf(k.id), ratioToSingle: ratioOf(k.id, k.base) }]),
    ),
  };
}
