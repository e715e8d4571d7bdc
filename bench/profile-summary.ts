// Prints where a .cpuprofile's time went: self time per function, the top entries first.
// Usage: node build/bench/profile-summary.js FILE.cpuprofile [TOP]

import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [file, topText] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: profile-summary FILE.cpuprofile [TOP]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<string, number>();
let totalUs = 0;
profile.samples.forEach((id, i) => {
  const node = byId.get(id);
  const dt = profile.timeDeltas[i] ?? 0;
  if (node === undefined) return;
  const f = node.callFrame;
  const where = f.url === '' ? '' : ` ${f.url.replace(/^.*\/(dist|build|node:)/, '$1')}:${f.lineNumber + 1}`;
  const key = `${f.functionName || '(anonymous)'}${where}`;
  selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
  totalUs += dt;
});
const top = [...selfUs.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(topText ?? 20));
for (const [key, us] of top) {
  process.stdout.write(`${((us / totalUs) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}\n`);
}
