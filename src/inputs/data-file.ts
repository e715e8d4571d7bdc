// Reads a --data file (CSV or JSON Lines) once, into shared memory from which every worker thread takes its virtual users' rows.

import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import type { DataRows } from '../config/data-rows.js';
import { shown } from '../config/target.js';
import { err, ok, type Result } from '../result.js';

export { dataRow, dataRowIndex, type DataOrder, type DataRows } from '../config/data-rows.js';

const EXTENSIONS: Readonly<Record<string, 'csv' | 'jsonl'>> = { '.csv': 'csv', '.jsonl': 'jsonl', '.ndjson': 'jsonl' };

/** Reads and checks the whole file; every problem is one line naming the file (and the line, when there is one). */
export function loadDataFile(path: string): Result<DataRows, string> {
  const name = shown(path);
  const ext = extname(path).toLowerCase();
  const format = Object.hasOwn(EXTENSIONS, ext) ? EXTENSIONS[ext] : undefined;
  if (format === undefined) {
    const given = ext === '' ? 'it has no extension' : `${JSON.stringify(ext)} is not one gb reads`;
    return err(`--data ${name}: ${given}; expected a .csv, .jsonl or .ndjson file`);
  }
  const text = readText(path, name);
  if (!text.ok) return text;
  const out = new RowText();
  const parsed = format === 'csv' ? parseCsv(text.value, out) : parseJsonLines(text.value, out);
  if (!parsed.ok) return err(`--data ${name}${parsed.error}`);
  if (out.count === 0) return err(`--data ${name}: no data rows`);
  const { text: bytes, offsets } = out.finish();
  return ok({ file: path, columns: parsed.value, count: out.count, text: bytes, offsets });
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
};

function readText(path: string, name: string): Result<string, string> {
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) return err(`--data ${name}: it is a directory, not a file`);
    // A FIFO or a device could keep the read waiting forever.
    if (!stats.isFile()) return err(`--data ${name}: not a regular file`);
    const text = readFileSync(path, 'utf8');
    return ok(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error: unknown) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    const reason = Object.hasOwn(REASONS, code) ? `${code}: ${REASONS[code]}` : code || String(error).split('\n')[0];
    return err(`--data ${name}: ${reason}`);
  }
}

/** Names for a one-line message: a name with a comma, a quote or a line break inside is quoted. */
const nameList = (names: readonly string[]): string => names.map((n) => (/[\x00-\x1f,"]/.test(n) ? JSON.stringify(n) : n)).join(', ');

const CHUNK_BYTES = 1 << 20;
const MAX_BYTES = 0x7fffffff;

/**
 * The rows' JSON text as it is made: UTF-8 in 1 MiB chunks (no doubling copies of a growing buffer),
 * copied once into the SharedArrayBuffer at the end. Offsets are Int32, so the text stops at 2 GiB.
 */
class RowText {
  count = 0;
  readonly #encoder = new TextEncoder();
  readonly #chunks: Uint8Array[] = [];
  #chunk = new Uint8Array(CHUNK_BYTES);
  #used = 0;
  #bytes = 0;
  #offsets = new Int32Array(1024);

  /** False when the text would pass 2 GiB. */
  add(json: string): boolean {
    let done = this.#encoder.encodeInto(json, this.#chunk.subarray(this.#used));
    if (done.read < json.length) {
      this.#chunks.push(this.#chunk.subarray(0, this.#used));
      // Three bytes of UTF-8 at most for each UTF-16 unit: the row fits a new chunk whole.
      this.#chunk = new Uint8Array(Math.max(CHUNK_BYTES, json.length * 3));
      this.#used = 0;
      done = this.#encoder.encodeInto(json, this.#chunk);
    }
    if (this.#bytes + done.written > MAX_BYTES) return false;
    if (this.count + 1 >= this.#offsets.length) {
      const grown = new Int32Array(this.#offsets.length * 2);
      grown.set(this.#offsets);
      this.#offsets = grown;
    }
    this.#used += done.written;
    this.#bytes += done.written;
    this.#offsets[++this.count] = this.#bytes;
    return true;
  }

  finish(): { text: Uint8Array<SharedArrayBuffer>; offsets: Int32Array<SharedArrayBuffer> } {
    const text = new Uint8Array(new SharedArrayBuffer(this.#bytes));
    let at = 0;
    for (const chunk of [...this.#chunks, this.#chunk.subarray(0, this.#used)]) {
      text.set(chunk, at);
      at += chunk.length;
    }
    const offsets = new Int32Array(new SharedArrayBuffer(4 * (this.count + 1)));
    offsets.set(this.#offsets.subarray(0, this.count + 1));
    return { text, offsets };
  }
}

const TOO_LARGE = ': too large (its rows need more than 2 GiB)';

/**
 * JSON Lines: one object a line. The first row's keys are the columns every later row must have
 * (a row may add others). The line is kept as written: it was valid JSON, so there is nothing to redo.
 * Errors are returned as the text after the file's name (":LINE: ...").
 */
function parseJsonLines(text: string, out: RowText): Result<string[], string> {
  let columns: string[] | null = null;
  let line = 0;
  let at = 0;
  while (at < text.length) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    line++;
    const raw = text.slice(at, end).trim();
    at = end + 1;
    if (raw === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error: unknown) {
      return err(`:${line}: not a JSON object: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      const kind = value === null ? 'JSON null' : Array.isArray(value) ? 'a JSON array' : `a JSON ${typeof value}`;
      return err(`:${line}: ${kind}, expected an object`);
    }
    if (columns === null) columns = Object.keys(value);
    else {
      const missing = columns.find((column) => !Object.hasOwn(value, column));
      if (missing !== undefined) return err(`:${line}: missing field ${JSON.stringify(missing)} (the first row has ${nameList(columns)})`);
    }
    if (!out.add(raw)) return err(TOO_LARGE);
  }
  return ok(columns ?? []);
}

/** CSV (RFC 4180): the first record that is not blank names the columns; every later one has exactly that many fields. */
function parseCsv(text: string, out: RowText): Result<string[], string> {
  const scan = new CsvScanner(text);
  if (!scan.skipBlank()) return ok([]);
  const headerLine = scan.line;
  const header = scan.record();
  if (header === null) return err(scan.problem);
  const columns = header.map((name) => name.trim());
  const seen = new Map<string, number>();
  for (const [i, name] of columns.entries()) {
    if (name === '') return err(`:${headerLine}: column ${i + 1} of the header has no name`);
    const first = seen.get(name);
    if (first !== undefined)
      return err(`:${headerLine}: the header names ${JSON.stringify(name)} twice (columns ${first + 1} and ${i + 1})`);
    seen.set(name, i);
  }
  while (scan.skipBlank()) {
    const line = scan.line;
    const fields = scan.record();
    if (fields === null) return err(scan.problem);
    if (fields.length !== columns.length) {
      const got = `${fields.length} field${fields.length === 1 ? '' : 's'}`;
      return err(`:${line}: ${got}, but the header has ${columns.length} (${nameList(columns)})`);
    }
    if (!out.add(JSON.stringify(fields))) return err(TOO_LARGE);
  }
  return ok(columns);
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

/**
 * One pass over the text, a record at a time, counting lines (those inside quoted fields too) so
 * that a message can name the line a record starts on. Scans characters and slices fields out whole:
 * no regex and no per-character string building, which a 100 MB file would feel.
 */
class CsvScanner {
  line = 1;
  /** Why record() returned null: ":LINE: ...". */
  problem = '';
  #at = 0;
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  /** Steps over lines that are empty or only spaces and tabs; false at the end of the text. */
  skipBlank(): boolean {
    const text = this.#text;
    for (;;) {
      let j = this.#at;
      while (text.charCodeAt(j) === SPACE || text.charCodeAt(j) === TAB) j++;
      if (j >= text.length) {
        this.#at = text.length;
        return false;
      }
      const c = text.charCodeAt(j);
      if (c === LF) this.#at = j + 1;
      else if (c === CR && text.charCodeAt(j + 1) === LF) this.#at = j + 2;
      else return true;
      this.line++;
    }
  }

  /** The fields of the record at the current place, which ends at a line break or the end of the text. */
  record(): string[] | null {
    const text = this.#text;
    const fields: string[] = [];
    for (;;) {
      const field = text.charCodeAt(this.#at) === QUOTE ? this.#quoted() : this.#plain();
      if (field === null) return null;
      fields.push(field);
      if (text.charCodeAt(this.#at) !== COMMA) break;
      this.#at++;
    }
    // At a line break (CRLF or LF) or the end: #plain and #quoted stop nowhere else.
    if (this.#at < text.length) {
      this.#at += text.charCodeAt(this.#at) === CR ? 2 : 1;
      this.line++;
    }
    return fields;
  }

  #plain(): string {
    const text = this.#text;
    const start = this.#at;
    let i = start;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === COMMA || c === LF || (c === CR && text.charCodeAt(i + 1) === LF)) break;
    }
    this.#at = i;
    return text.slice(start, i);
  }

  #quoted(): string | null {
    const text = this.#text;
    const opened = this.line;
    let value = '';
    let from = this.#at + 1;
    for (;;) {
      const close = text.indexOf('"', from);
      if (close < 0) {
        this.problem = `:${opened}: a quoted field never ends`;
        return null;
      }
      for (let i = from; i < close; i++) if (text.charCodeAt(i) === LF) this.line++;
      if (text.charCodeAt(close + 1) !== QUOTE) {
        value += text.slice(from, close);
        this.#at = close + 1;
        break;
      }
      // "" is one quote in the value.
      value += text.slice(from, close + 1);
      from = close + 2;
    }
    const c = text.charCodeAt(this.#at);
    if (this.#at < text.length && c !== COMMA && c !== LF && !(c === CR && text.charCodeAt(this.#at + 1) === LF)) {
      this.problem = `:${this.line}: text after a quoted field's closing quote (quote the whole field, and double the quotes inside)`;
      return null;
    }
    return value;
  }
}
