// Label names and values of the live series: the run's own labels, --tag checks, and Prometheus's sort order.

import type { LiveRunLabels } from './model.js';

/** Labels gb itself sets on some series: a tag may not take their names. */
export const RESERVED_LABELS = ['run_id', 'shard', 'endpoint', 'status', 'result', 'kind', 'phase', 'le', 'job', 'instance'] as const;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Why `name` cannot be a --tag label (Prometheus's label-name rules, and gb's own names), or null when it can. */
export function checkTagName(name: string): string | null {
  if (!LABEL_NAME.test(name)) return `--tag ${name}: a label name is letters, digits and _, not starting with a digit`;
  if (name.startsWith('__')) return `--tag ${name}: names starting with __ are Prometheus's own`;
  if ((RESERVED_LABELS as readonly string[]).includes(name)) return `--tag ${name}: gb sets that label itself`;
  return null;
}

/** "NAME=VALUE" of one --tag into its pair, or an error message. */
export function parseTag(text: string): readonly [string, string] | string {
  const at = text.indexOf('=');
  if (at <= 0) return `--tag ${text}: expected NAME=VALUE`;
  const name = text.slice(0, at);
  const problem = checkTagName(name);
  return problem ?? [name, text.slice(at + 1)];
}

export type Label = readonly [name: string, value: string];

/** run_id, shard ("I/N") and the tags: the labels of every series (a tag with an empty value is left out, as Prometheus would drop it). */
export function runLabels(run: LiveRunLabels): Label[] {
  const labels: Label[] = [
    ['run_id', run.runId],
    ['shard', `${run.shard.index}/${run.shard.count}`],
  ];
  for (const [name, value] of run.tags) if (value !== '') labels.push([name, value]);
  return labels;
}

/**
 * Sorted by name in byte order, as the remote-write spec requires of a series (label names are
 * ASCII, so JavaScript's code-unit order is byte order; `__name__` comes first unless a tag's name
 * starts with a capital, which sorts below '_'). Empty values are dropped: to Prometheus an empty
 * label is no label.
 */
export function sortLabels(labels: readonly Label[]): Label[] {
  return labels.filter(([, value]) => value !== '').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
