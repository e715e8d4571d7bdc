// The rows of a --data file as the worker threads share them, and which row each virtual user gets.

import { pick } from './seeded-hash.js';

/**
 * A data file's rows. Both arrays are views of SharedArrayBuffers, so the structured clone that
 * carries a Config to each worker shares their memory instead of copying it: -G 8 holds the file once.
 * Row i is the UTF-8 JSON text in bytes [offsets[i], offsets[i + 1]) of `text`: for CSV an array of
 * the row's values (the names are in `columns`, once, not repeated in every row), for JSON Lines the
 * line's object as it was written.
 */
export interface DataRows {
  /** The path as given on the command line, for messages. */
  readonly file: string;
  /** CSV: the header's names; JSON Lines: the first row's keys. */
  readonly columns: readonly string[];
  readonly count: number;
  readonly text: Uint8Array<SharedArrayBuffer>;
  /** count + 1 byte offsets into `text`. */
  readonly offsets: Int32Array<SharedArrayBuffer>;
}

export type DataOrder = 'round-robin' | 'random';

/** Row `index` as an object: CSV values are strings, JSON Lines values as the file has them. Decodes only that row's bytes. */
export function dataRow(rows: DataRows, index: number): Record<string, unknown> {
  if (!Number.isInteger(index) || index < 0 || index >= rows.count) {
    throw new RangeError(`data row ${index} does not exist: ${rows.file} has ${rows.count} rows`);
  }
  const start = rows.offsets[index]!;
  const end = rows.offsets[index + 1]!;
  const json = Buffer.from(rows.text.buffer, rows.text.byteOffset + start, end - start).toString('utf8');
  const value: unknown = JSON.parse(json);
  if (!Array.isArray(value)) return value as Record<string, unknown>;
  // fromEntries defines each name as an own property, so a column called "__proto__" stays a value.
  return Object.fromEntries(rows.columns.map((column, k): [string, unknown] => [column, value[k]]));
}

/**
 * The row of virtual user `user` (its run-wide id). Round-robin deals the rows out in order; random
 * takes the same seeded hash as --random's targets, so a user's row depends on nothing but (seed, user):
 * the same in every worker and shard, and again in a rerun with the same seed.
 */
export function dataRowIndex(count: number, user: number, order: DataOrder, seed: number): number {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`no rows to choose from (count ${count})`);
  if (!Number.isInteger(user) || user < 0) throw new RangeError(`a user id is a whole number from 0 (got ${user})`);
  return order === 'random' ? pick(seed >>> 0, user, count) : user % count;
}
