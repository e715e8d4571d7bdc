// Medians and the plain-text tables of the bench's report.

export function median(values: ReadonlyArray<number | null>): number | null {
  const sorted = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}

export const fmtInt = (value: number | null): string => (value === null ? 'n/a' : Math.round(value).toLocaleString('en-US'));
export const fmtFixed = (value: number | null, digits: number): string => (value === null ? 'n/a' : value.toFixed(digits));
export const fmtRatio = (a: number | null, b: number | null): string =>
  a === null || b === null || b === 0 ? 'n/a' : `${(a / b).toFixed(2)}x`;

export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, leftColumns: number): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column < leftColumns ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n') + '\n';
}
