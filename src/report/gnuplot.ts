// Writes ab's -g file (one TSV row per response, ascending Total time) with memory that does not grow with the request count.

/*
 * Row order. ab sorts its sample array by Total time for the percentile table and then writes this file
 * from it, so rows come out by ascending ttime, and the usual recipe (`plot "f.tsv" using 9 smooth
 * sbezier`, the row index on the x axis) draws a latency-by-rank curve. gb keeps that order without
 * holding rows in memory:
 *
 *   - record() packs each row as 32 binary bytes into one reusable 64 KiB buffer, flushed with
 *     fs.writeSync to a spill file in the OS temp folder, and counts rows per ttime millisecond;
 *   - close() counting-sorts the spill file into the real file: the per-millisecond counts give every row
 *     its slot, in passes of at most `passRows` rows (32 MiB by default, so one pass up to ~1M rows; each
 *     further pass re-reads the spill file). Rows with equal ttime keep completion order (ab's qsort leaves
 *     their order unspecified), and a single ttime with more rows than a pass holds is streamed unsorted.
 *
 * Sort keys stop at one hour (the histograms' range too): slower rows keep completion order among themselves.
 */

import { mkdtempSync, openSync, closeSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { roundUsToMs } from './format.js';

export const GNUPLOT_HEADER = 'starttime\tseconds\tctime\tdtime\tttime\twait\n';

/** With per-endpoint rows (--targets, a script) each line also names its endpoint; ab's columns stay first and unchanged. */
const GNUPLOT_ENDPOINT_HEADER = GNUPLOT_HEADER.replace('\n', '\tendpoint\n');

/** One row: start time as a float64 (ms since the epoch), then four int32 ms values and the endpoint row (one int32 of padding). */
const ROW_BYTES = 32;
const ROW_FLOATS = ROW_BYTES / 8;
const ROW_INTS = ROW_BYTES / 4;
const CHUNK_ROWS = Math.floor(65536 / ROW_BYTES);
const DEFAULT_PASS_ROWS = 1 << 20;
const MAX_SORT_KEY_MS = 3_600_000;
const INITIAL_KEYS = 4096;
const TEXT_FLUSH_CHARS = 65536;

export interface GnuplotOptions {
  /** Rows sorted in memory per pass over the spill file (32 bytes each); smaller values only make close() slower. */
  readonly passRows?: number;
  /** Folder in which the spill folder is made (default: the OS temp folder); 32 bytes per row land there until close(). */
  readonly spillParent?: string;
  /** Add an endpoint column (--targets, a script); the names are given to close(). */
  readonly endpoints?: boolean;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** APR's apr_ctime in local time: "Wed Jun 05 12:34:56 2024" (day of month zero-padded, unlike C's ctime). */
export function aprCtime(epochMs: number): string {
  const d = new Date(epochMs);
  return (
    `${DAYS[d.getDay()] ?? '???'} ${MONTHS[d.getMonth()] ?? '???'} ${two(d.getDate())} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${d.getFullYear()}`
  );
}

export class GnuplotWriter {
  readonly #path: string;
  readonly #passRows: number;
  readonly #spillDir: string;
  readonly #spillPath: string;
  readonly #spillFd: number;
  readonly #chunk = new ArrayBuffer(CHUNK_ROWS * ROW_BYTES);
  readonly #chunkFloats = new Float64Array(this.#chunk);
  readonly #chunkInts = new Int32Array(this.#chunk);
  readonly #chunkBytes = new Uint8Array(this.#chunk);
  #chunkRows = 0;
  #rows = 0;
  #rowsByTotalMs = new Float64Array(INITIAL_KEYS);
  #maxKey = 0;
  #error: Error | null = null;
  #closing: Promise<void> | null = null;
  readonly #endpoints: boolean;
  #endpointNames: readonly string[] = [];

  /** Creates (truncates) the file and writes the header now, so a bad path fails before the run starts. */
  constructor(path: string, options: GnuplotOptions = {}) {
    this.#path = path;
    this.#passRows = Math.max(1, Math.floor(options.passRows ?? DEFAULT_PASS_ROWS));
    this.#endpoints = options.endpoints === true;
    writeFileSync(path, this.#endpoints ? GNUPLOT_ENDPOINT_HEADER : GNUPLOT_HEADER);
    this.#spillDir = mkdtempSync(join(options.spillParent ?? tmpdir(), 'gb-gnuplot-'));
    this.#spillPath = join(this.#spillDir, 'rows.bin');
    this.#spillFd = openSync(this.#spillPath, 'w');
  }

  /** Rows recorded so far. */
  get rows(): number {
    return this.#rows;
  }

  /** The hot-path call, once per response: a few typed-array stores, and a disk write every 2730 rows. */
  record(startEpochMs: number, connectUs: number, processingUs: number, totalUs: number, waitUs: number, endpointRow = 0): void {
    if (this.#error !== null || this.#closing !== null) return;
    const row = this.#chunkRows;
    const totalMs = roundUsToMs(totalUs);
    this.#chunkFloats[row * ROW_FLOATS] = startEpochMs;
    const at = row * ROW_INTS + 2;
    this.#chunkInts[at] = roundUsToMs(connectUs);
    this.#chunkInts[at + 1] = roundUsToMs(processingUs);
    this.#chunkInts[at + 2] = totalMs;
    this.#chunkInts[at + 3] = roundUsToMs(waitUs);
    this.#chunkInts[at + 4] = endpointRow;
    const key = sortKey(totalMs);
    if (key >= this.#rowsByTotalMs.length) this.#growKeys(key);
    this.#rowsByTotalMs[key]! += 1; // key < length after growing
    if (key > this.#maxKey) this.#maxKey = key;
    this.#rows++;
    this.#chunkRows = row + 1;
    if (this.#chunkRows === CHUNK_ROWS) this.#flushChunk();
  }

  /** Writes the sorted rows after the header and removes the spill file; rejects with the first I/O error. endpointNames: the endpoint rows' names, in row order. */
  close(endpointNames: readonly string[] = []): Promise<void> {
    this.#endpointNames = endpointNames;
    this.#closing ??= this.#finish();
    return this.#closing;
  }

  #growKeys(key: number): void {
    let size = this.#rowsByTotalMs.length;
    while (size <= key) size *= 2;
    const grown = new Float64Array(Math.min(size, MAX_SORT_KEY_MS + 1));
    grown.set(this.#rowsByTotalMs);
    this.#rowsByTotalMs = grown;
  }

  #flushChunk(): void {
    const length = this.#chunkRows * ROW_BYTES;
    this.#chunkRows = 0;
    try {
      // A failed write (disk full) must not throw into the engine: keep the error for close() and stop recording.
      let written = 0;
      while (written < length) written += writeSync(this.#spillFd, this.#chunkBytes, written, length - written);
    } catch (error) {
      this.#error = error instanceof Error ? error : new Error(String(error));
    }
  }

  async #finish(): Promise<void> {
    try {
      if (this.#error === null && this.#chunkRows > 0) this.#flushChunk();
      closeSync(this.#spillFd);
      if (this.#error !== null) throw this.#error;
      if (this.#rows > 0) await this.#writeSorted();
    } finally {
      rmSync(this.#spillDir, { recursive: true, force: true });
    }
  }

  async #writeSorted(): Promise<void> {
    const spill = await open(this.#spillPath, 'r');
    const out = await open(this.#path, 'a');
    try {
      const text = new TextSink(out, this.#endpoints ? this.#endpointNames : null);
      for (const [lo, hi] of planPasses(this.#rowsByTotalMs, this.#maxKey, this.#passRows)) {
        if (lo === hi) await this.#streamKey(spill, lo, text);
        else await this.#sortRange(spill, lo, hi, text);
      }
      await text.flush();
    } finally {
      await spill.close();
      await out.close();
    }
  }

  /** Every row of one ttime, in completion order: no buffer needed however many there are. */
  async #streamKey(spill: SpillFile, key: number, text: TextSink): Promise<void> {
    await forEachSpilledRow(spill, this.#rows, text, (floats, ints, row) => {
      if (sortKey(ints[row * ROW_INTS + 4]!) === key) text.row(floats, ints, row);
    });
  }

  /** Counting sort of the rows whose key is in [lo, hi]: prefix sums give each row its slot. */
  async #sortRange(spill: SpillFile, lo: number, hi: number, text: TextSink): Promise<void> {
    const slots = new Float64Array(hi - lo + 1);
    let rowsInRange = 0;
    for (let k = lo; k <= hi; k++) {
      slots[k - lo] = rowsInRange;
      rowsInRange += this.#rowsByTotalMs[k]!; // k <= maxKey < length
    }
    const sorted = new ArrayBuffer(rowsInRange * ROW_BYTES);
    const sortedFloats = new Float64Array(sorted);
    const sortedInts = new Int32Array(sorted);
    await forEachSpilledRow(spill, this.#rows, null, (floats, ints, row) => {
      const key = sortKey(ints[row * ROW_INTS + 4]!);
      if (key < lo || key > hi) return;
      const slot = slots[key - lo]!; // lo <= key <= hi
      slots[key - lo] = slot + 1;
      sortedFloats[slot * ROW_FLOATS] = floats[row * ROW_FLOATS]!;
      sortedInts.set(ints.subarray(row * ROW_INTS + 2, row * ROW_INTS + ROW_INTS), slot * ROW_INTS + 2);
    });
    for (let row = 0; row < rowsInRange; row++) {
      text.row(sortedFloats, sortedInts, row);
      if (text.full) await text.flush();
    }
  }
}

function sortKey(totalMs: number): number {
  return totalMs <= 0 ? 0 : totalMs >= MAX_SORT_KEY_MS ? MAX_SORT_KEY_MS : totalMs;
}

/** Consecutive key ranges of at most passRows rows; a key holding more than that alone becomes its own range. */
export function planPasses(rowsByKey: Float64Array, maxKey: number, passRows: number): [number, number][] {
  const passes: [number, number][] = [];
  let lo = -1;
  let last = -1;
  let rows = 0;
  for (let k = 0; k <= maxKey; k++) {
    const count = rowsByKey[k] ?? 0;
    if (count === 0) continue;
    if (lo >= 0 && rows + count > passRows) {
      passes.push([lo, last]);
      lo = -1;
      rows = 0;
    }
    if (lo < 0) lo = k;
    last = k;
    rows += count;
  }
  if (lo >= 0) passes.push([lo, last]);
  return passes;
}

type SpillFile = Awaited<ReturnType<typeof open>>;

type RowVisitor = (floats: Float64Array, ints: Int32Array, row: number) => void;

/** Reads the spill file in 1 MiB pieces; the visitor is synchronous so a row costs no promise, and text is flushed between pieces. */
async function forEachSpilledRow(spill: SpillFile, rows: number, text: TextSink | null, visit: RowVisitor): Promise<void> {
  const buffer = new ArrayBuffer(CHUNK_ROWS * ROW_BYTES * 16);
  const bytes = new Uint8Array(buffer);
  const floats = new Float64Array(buffer);
  const ints = new Int32Array(buffer);
  const rowsPerRead = buffer.byteLength / ROW_BYTES;
  for (let first = 0; first < rows; first += rowsPerRead) {
    const count = Math.min(rowsPerRead, rows - first);
    let filled = 0;
    while (filled < count * ROW_BYTES) {
      const { bytesRead } = await spill.read(bytes, filled, count * ROW_BYTES - filled, first * ROW_BYTES + filled);
      if (bytesRead === 0) throw new Error('gnuplot spill file is shorter than the rows recorded');
      filled += bytesRead;
    }
    for (let row = 0; row < count; row++) visit(floats, ints, row);
    if (text !== null) await text.flush();
  }
}

/** Formats rows as ab's TSV and writes them in ~64 KiB pieces; consecutive rows of one second share the date text. */
class TextSink {
  readonly #out: SpillFile;
  #text = '';
  #second = Number.NaN;
  #prefix = '';
  readonly #names: readonly string[] | null;

  constructor(out: SpillFile, names: readonly string[] | null) {
    this.#out = out;
    this.#names = names;
  }

  get full(): boolean {
    return this.#text.length >= TEXT_FLUSH_CHARS;
  }

  row(floats: Float64Array, ints: Int32Array, row: number): void {
    const startMs = floats[row * ROW_FLOATS]!;
    const second = Math.floor(startMs / 1000);
    if (second !== this.#second) {
      this.#second = second;
      this.#prefix = `${aprCtime(second * 1000)}\t${second}\t`;
    }
    const at = row * ROW_INTS + 2;
    const endpoint = this.#names === null ? '' : `\t${this.#names[ints[at + 4]!] ?? ''}`;
    this.#text += `${this.#prefix}${ints[at]!}\t${ints[at + 1]!}\t${ints[at + 2]!}\t${ints[at + 3]!}${endpoint}\n`;
  }

  async flush(): Promise<void> {
    if (this.#text === '') return;
    const text = this.#text;
    this.#text = '';
    await this.#out.write(text);
  }
}
