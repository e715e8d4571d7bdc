// --data FILE: CSV and JSON Lines read to the exact rows, one line per bad file, rows shared with worker threads, and each user's row.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { pick } from '../../src/engine/target-sequence.js';
import { dataRow, dataRowIndex, loadDataFile, type DataRows } from '../../src/inputs/data-file.js';

const dir = mkdtempSync(join(tmpdir(), 'gb-data-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
function file(content: string | Uint8Array, ext = '.csv'): string {
  const path = join(dir, `d${files++}${ext}`);
  writeFileSync(path, content);
  return path;
}

function load(path: string): DataRows {
  const result = loadDataFile(path);
  if (!result.ok) assert.fail(`expected rows, got: ${result.error}`);
  return result.value;
}

function problem(path: string): string {
  const result = loadDataFile(path);
  if (result.ok) assert.fail(`expected an error, got ${result.value.count} rows`);
  return result.error;
}

const allRows = (rows: DataRows): Record<string, unknown>[] => Array.from({ length: rows.count }, (_, i) => dataRow(rows, i));

describe('CSV', () => {
  it('reads quoted commas, quotes, line breaks, CRLF, a BOM, blank lines and trimmed header names', () => {
    const text =
      '\uFEFF user , password,note\r\n' +
      '\r\n' +
      'alice,"s3,cr""et","two\r\nlines"\r\n' +
      '   \r\n' +
      'bob,,"""quoted"""\r\n' +
      '"carol", pw ,plain "mid" quote';
    const rows = load(file(text));
    assert.deepEqual(rows.columns, ['user', 'password', 'note']);
    assert.equal(rows.count, 3);
    assert.deepEqual(allRows(rows), [
      { user: 'alice', password: 's3,cr"et', note: 'two\r\nlines' },
      { user: 'bob', password: '', note: '"quoted"' },
      { user: 'carol', password: ' pw ', note: 'plain "mid" quote' },
    ]);
  });

  it('reads LF files, a trailing line break, empty last fields and multi-byte UTF-8 values', () => {
    const rows = load(file('name,city,\u00e9t\u00e9\nJos\u00e9,M\u00fcnchen,\nZo\u00eb,\u6771\u4eac,\u{1f600}\n\n'));
    assert.deepEqual(rows.columns, ['name', 'city', '\u00e9t\u00e9']);
    assert.deepEqual(allRows(rows), [
      { name: 'Jos\u00e9', city: 'M\u00fcnchen', '\u00e9t\u00e9': '' },
      { name: 'Zo\u00eb', city: '\u6771\u4eac', '\u00e9t\u00e9': '\u{1f600}' },
    ]);
  });

  it('keeps a column named __proto__ as a value', () => {
    const row = dataRow(load(file('__proto__,b\nx,y\n')), 0);
    assert.deepEqual(Object.keys(row), ['__proto__', 'b']);
    assert.equal(Object.getOwnPropertyDescriptor(row, '__proto__')?.value, 'x');
    assert.equal(Object.getPrototypeOf(row), Object.prototype);
  });

  it('refuses a header with an empty or a repeated name', () => {
    const empty = file('\n\nuser,,id\na,b,c\n');
    assert.equal(problem(empty), `--data ${empty}:3: column 2 of the header has no name`);
    const blank = file('user,  \na,b\n');
    assert.equal(problem(blank), `--data ${blank}:1: column 2 of the header has no name`);
    const twice = file('id,user, id\n1,a,2\n');
    assert.equal(problem(twice), `--data ${twice}:1: the header names "id" twice (columns 1 and 3)`);
  });

  it('names the line a short or long record starts on', () => {
    const short = file('user,password,id\nalice,pw,1\nbob,pw\n');
    assert.equal(problem(short), `--data ${short}:3: 2 fields, but the header has 3 (user, password, id)`);
    const long = file('user,password,id\r\n\r\nalice,pw,1,extra\r\n');
    assert.equal(problem(long), `--data ${long}:3: 4 fields, but the header has 3 (user, password, id)`);
    const one = file('user,password\nalice\n');
    assert.equal(problem(one), `--data ${one}:2: 1 field, but the header has 2 (user, password)`);
  });

  it('counts the lines inside quoted fields, in the header and in records', () => {
    const spans = file('user,password,id\nalice,"two\nlines",1\nbob,pw\n');
    assert.equal(problem(spans), `--data ${spans}:4: 2 fields, but the header has 3 (user, password, id)`);
    const crlf = file('"us\r\ner",password,id\r\nalice,"a\r\nb\r\nc",1\r\n\r\nbob,pw\r\n');
    assert.equal(problem(crlf), `--data ${crlf}:7: 2 fields, but the header has 3 ("us\\r\\ner", password, id)`);
    // The line a record starts on, not the one it ends on.
    const starts = file('a,b,c\n1,2,3\n"x\ny",2\n');
    assert.equal(problem(starts), `--data ${starts}:3: 2 fields, but the header has 3 (a, b, c)`);
  });

  it('reports a quoted field that never ends, at the line its quote opens', () => {
    const open = file('user,password\nalice,pw\nbob,"pw\nmore\n');
    assert.equal(problem(open), `--data ${open}:3: a quoted field never ends`);
    const inHeader = file('"user,password\nalice,pw\n');
    assert.equal(problem(inHeader), `--data ${inHeader}:1: a quoted field never ends`);
  });

  it('refuses text after a closing quote', () => {
    const after = file('a,b\n"x"y,2\n');
    const expected = `--data ${after}:2: text after a quoted field's closing quote (quote the whole field, and double the quotes inside)`;
    assert.equal(problem(after), expected);
  });

  it('has no rows when the file is empty, blank or only a header', () => {
    for (const text of ['', '\n\r\n  \n', 'user,password\n', '\uFEFF']) {
      const path = file(text);
      assert.equal(problem(path), `--data ${path}: no data rows`, JSON.stringify(text));
    }
  });

  it('decodes rows on both sides of its 1 MiB chunks, and a row larger than a chunk', () => {
    const big = 'x'.repeat(1_500_000) + '\u00e9';
    const lines = ['id,value'];
    for (let i = 0; i < 200_000; i++) lines.push(i === 30_000 ? `${i},${big}` : `${i},"v""${i}\u00fc"`);
    const rows = load(file(lines.join('\n')));
    assert.equal(rows.count, 200_000);
    assert.ok(rows.text.length > 3 * (1 << 20), 'the rows span several chunks');
    for (let i = 0; i < 200_000; i++) {
      const expected = i === 30_000 ? big : `v"${i}\u00fc`;
      const row = dataRow(rows, i);
      if (row.id !== String(i) || row.value !== expected) assert.fail(`row ${i}: ${JSON.stringify(row).slice(0, 80)}`);
    }
  });
});

describe('JSON Lines', () => {
  it('keeps each object as it is (more fields than the first row’s too), skipping blank lines, with CRLF and a BOM', () => {
    const text =
      '\uFEFF{"user":"alice","n":1}\r\n\r\n  {"n":2.5,"user":"bob","tags":["a"],"ok":true,"extra":null}  \n{"user":"\u00e9","n":-3}';
    for (const ext of ['.jsonl', '.ndjson', '.JSONL']) {
      const rows = load(file(text, ext));
      assert.deepEqual(rows.columns, ['user', 'n']);
      assert.deepEqual(allRows(rows), [
        { user: 'alice', n: 1 },
        { n: 2.5, user: 'bob', tags: ['a'], ok: true, extra: null },
        { user: '\u00e9', n: -3 },
      ]);
    }
  });

  it('names a line that is not JSON, with JSON.parse’s reason', () => {
    const bad = '{"user": "bob",}';
    const path = file(`{"user":"alice"}\n\n${bad}\n`, '.jsonl');
    let reason = '';
    try {
      JSON.parse(bad);
    } catch (error) {
      reason = (error as Error).message;
    }
    assert.notEqual(reason, '');
    assert.equal(problem(path), `--data ${path}:3: not a JSON object: ${reason}`);
  });

  it('names a line that is JSON but not an object', () => {
    const cases: [string, string][] = [
      ['[1,2]', 'a JSON array'],
      ['42', 'a JSON number'],
      ['"text"', 'a JSON string'],
      ['true', 'a JSON boolean'],
      ['null', 'JSON null'],
    ];
    for (const [line, kind] of cases) {
      const path = file(`{"a":1}\r\n${line}\r\n`, '.jsonl');
      assert.equal(problem(path), `--data ${path}:2: ${kind}, expected an object`);
    }
    const first = file('\n[{"a":1}]\n', '.ndjson');
    assert.equal(problem(first), `--data ${first}:2: a JSON array, expected an object`);
  });

  it('refuses a row without one of the first row’s fields', () => {
    const path = file('{"user":"a","password":"x"}\n{"user":"b","password":"y","more":1}\n\n{"user":"c"}\n', '.jsonl');
    assert.equal(problem(path), `--data ${path}:4: missing field "password" (the first row has user, password)`);
  });

  it('has no rows when the file is empty or blank', () => {
    for (const text of ['', '\n  \r\n\n']) {
      const path = file(text, '.jsonl');
      assert.equal(problem(path), `--data ${path}: no data rows`);
    }
  });
});

describe('the file itself', () => {
  it('refuses an extension it does not read, before reading', () => {
    const txt = join(dir, 'absent.txt');
    assert.equal(problem(txt), `--data ${txt}: ".txt" is not one gb reads; expected a .csv, .jsonl or .ndjson file`);
    const none = file('a\n1\n', '');
    assert.equal(problem(none), `--data ${none}: it has no extension; expected a .csv, .jsonl or .ndjson file`);
  });

  it('says why a file cannot be read', () => {
    const missing = join(dir, 'nope', 'users.csv');
    assert.equal(problem(missing), `--data ${missing}: ENOENT: no such file`);
    const folder = join(dir, 'folder.csv');
    mkdirSync(folder);
    assert.equal(problem(folder), `--data ${folder}: it is a directory, not a file`);
  });

  it('keeps the path as given, quoting one with a space so the message stays one clear line', () => {
    const path = join(dir, 'my users.csv');
    writeFileSync(path, 'a\n');
    assert.equal(problem(path), `--data ${JSON.stringify(path)}: no data rows`);
    const plain = file('a\n1\n');
    assert.equal(load(plain).file, plain);
  });

  it('refuses an out-of-range row', () => {
    const rows = load(file('a\n1\n2\n'));
    assert.throws(() => dataRow(rows, 2), RangeError);
    assert.throws(() => dataRow(rows, -1), RangeError);
    assert.deepEqual(dataRow(rows, 1), { a: '2' });
  });
});

describe('shared with worker threads', () => {
  it('survives structuredClone with the same memory', () => {
    const rows = load(file('user,id\nalice,1\nbob,2\n'));
    const copy = structuredClone(rows);
    assert.ok(copy.text.buffer instanceof SharedArrayBuffer);
    assert.ok(copy.offsets.buffer instanceof SharedArrayBuffer);
    assert.deepEqual(allRows(copy), allRows(rows));
    assert.deepEqual(copy.columns, ['user', 'id']);
    rows.text[rows.text.indexOf(0x62 /* b */, rows.offsets[1])] = 0x42; // B
    assert.deepEqual(dataRow(copy, 1), { user: 'Bob', id: '2' });
  });

  it('reaches a worker through workerData as one buffer both threads see', async () => {
    const rows = load(file('user,id\nalice,1\nbob,2\ncarol,3\n'));
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
      import(workerData.module).then(({ dataRow }) => {
        const rows = workerData.rows;
        const shared = rows.text.buffer instanceof SharedArrayBuffer && rows.offsets.buffer instanceof SharedArrayBuffer;
        parentPort.postMessage({ shared, row: dataRow(rows, 2) });
        parentPort.once('message', () => { parentPort.postMessage({ row: dataRow(rows, 2) }); parentPort.close(); });
      });`,
      { eval: true, workerData: { rows, module: new URL('../../src/inputs/data-file.js', import.meta.url).href } },
    );
    try {
      const messages: unknown[] = [];
      const next = (): Promise<unknown> =>
        new Promise((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
        });
      messages.push(await next());
      assert.deepEqual(messages[0], { shared: true, row: { user: 'carol', id: '3' } });
      // Written here after the worker has its copy of workerData: it sees the byte only if the memory is shared.
      rows.text[rows.text.indexOf(0x63 /* c */, rows.offsets[2])] = 0x43; // C
      const reply = next();
      worker.postMessage('again');
      messages.push(await reply);
      assert.deepEqual(messages[1], { row: { user: 'Carol', id: '3' } });
    } finally {
      await worker.terminate();
    }
  });
});

describe('dataRowIndex', () => {
  it('deals the rows out in order, round-robin', () => {
    assert.deepEqual(
      Array.from({ length: 8 }, (_, user) => dataRowIndex(3, user, 'round-robin', 99)),
      [0, 1, 2, 0, 1, 2, 0, 1],
    );
    assert.equal(dataRowIndex(5, 2 ** 40 + 3, 'round-robin', 0), (2 ** 40 + 3) % 5);
  });

  it('picks a seeded random row: the same for a seed, different for another, every row reached', () => {
    const users = (seed: number): number[] => Array.from({ length: 200 }, (_, user) => dataRowIndex(10, user, 'random', seed));
    assert.deepEqual(users(7), users(7));
    assert.notDeepEqual(users(7), users(8));
    assert.notDeepEqual(
      users(7),
      Array.from({ length: 200 }, (_, user) => user % 10),
      'not round-robin in disguise',
    );
    const counts = new Array<number>(7).fill(0);
    for (let user = 0; user < 7000; user++) counts[dataRowIndex(7, user, 'random', 3)]! += 1;
    assert.ok(
      counts.every((n) => n > 800 && n < 1200),
      `every row reached about as often: ${counts.join(' ')}`,
    );
  });

  it('uses the hash of --random targets', () => {
    for (let user = 0; user < 100; user++) assert.equal(dataRowIndex(13, user, 'random', 42), pick(42, user, 13));
  });

  it('refuses a count of zero and a user that is not a whole number', () => {
    assert.throws(() => dataRowIndex(0, 1, 'round-robin', 1), RangeError);
    assert.throws(() => dataRowIndex(3, -1, 'random', 1), RangeError);
    assert.throws(() => dataRowIndex(3, 1.5, 'round-robin', 1), RangeError);
  });
});
