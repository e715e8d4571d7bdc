// The option table reaches everything derived from it: the parser (every name and form), the rules and the Config,
// run() (a key per flag, the same messages), `gb -h`, docs/options.md, and README's ab-flag and long-option tables.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { validateRunOptions } from '../../src/api/run.js';
import { OPTIONS, parseCommandLine, tokenize } from '../../src/cli/flags.js';
import { renderOptionsDoc } from '../../src/cli/options-doc.js';
import { usageText } from '../../src/cli/usage.js';
import type { ApiTag, Entry } from '../../src/config/option-spec.js';
import { OptionValues } from '../../src/config/option-values.js';
import { ENTRIES, rawName, type OptionKey, type RawOptions } from '../../src/config/options.js';
import { validateOptions } from '../../src/config/validate.js';

/** build/test/cli/ → the repository root. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const URL_ = 'http://127.0.0.1:9/';

/** What every command-line name of every option is: `-n`, `--requests`, and aliases such as `--duration`. */
const NAMES = new Map<string, OptionKey>(
  ENTRIES.flatMap(([key, e]) =>
    [
      e.short === undefined ? null : `-${e.short}`,
      e.long === undefined ? null : `--${e.long}`,
      e.alias === undefined ? null : `--${e.alias}`,
    ]
      .filter((n) => n !== null)
      .map((n) => [n, key] as const),
  ),
);

/** Results as comparable data: the run id and seed a run derives from the clock and chance are left out. */
const comparable = (value: unknown): unknown =>
  JSON.parse(
    JSON.stringify(value, (k: string, v: unknown) => (k === 'runId' || k === 'seed' ? '<derived>' : v instanceof Uint8Array ? [...v] : v)),
  ) as unknown;

describe('every option reaches the parser', () => {
  it('no two options share a name', () => {
    const names = OPTIONS.flatMap((o) =>
      [o.short === undefined ? [] : [`-${o.short}`], o.long === undefined ? [] : [`--${o.long}`]].flat(),
    );
    assert.deepEqual(
      names.filter((n, i) => names.indexOf(n) !== i),
      [],
    );
  });

  for (const spec of OPTIONS) {
    const forms: string[][] = [];
    const v = spec.arity === 'list' ? 'X-A: 1' : 'v1';
    if (spec.arity === 'switch') {
      if (spec.long !== undefined) forms.push([`--${spec.long}`], [`--${spec.long}=true`]);
      if (spec.short !== undefined) forms.push([`-${spec.short}`], [`-${spec.short}=1`]);
    } else if (spec.arity === 'optional') {
      forms.push([`--${spec.long ?? ''}=${v}`]);
    } else {
      if (spec.long !== undefined) forms.push([`--${spec.long}`, v], [`--${spec.long}=${v}`]);
      if (spec.short !== undefined)
        forms.push([`-${spec.short}`, v], [`-${spec.short}${v}`], [`-${spec.short}=${v}`], [`-k${spec.short}${v}`]);
    }
    it(`${spec.short === undefined ? '' : `-${spec.short} `}${spec.long === undefined ? '' : `--${spec.long}`}: ${forms.length} forms reach '${spec.id}'`, () => {
      assert.ok(forms.length > 0);
      for (const argv of forms) {
        const tokens = tokenize(argv);
        assert.deepEqual(tokens.problems, [], argv.join(' '));
        if (spec.arity === 'switch') assert.equal(tokens.switches.get(spec.id), true, argv.join(' '));
        else assert.deepEqual(tokens.values.get(spec.id), [v], argv.join(' '));
      }
      if (spec.arity === 'list' || spec.arity === 'value') {
        const name = spec.long === undefined ? `-${spec.short ?? ''}` : `--${spec.long}`;
        const twice = tokenize([name, 'a', name, 'b']).values.get(spec.id);
        assert.deepEqual(twice, spec.arity === 'list' ? ['a', 'b'] : ['b'], 'a list repeats; a value is the last one given');
      }
    });
  }
});

/** A value the option's parser takes or refuses: either way it must show in the outcome. */
const sample = (entry: Entry): string => (entry.arity === 'list' ? 'nocolon' : 'x');

describe('every option reaches what the command line makes of it', () => {
  const bare = comparable(parseCommandLine([URL_]));
  for (const [key, entry] of ENTRIES) {
    it(`${key}: given, the outcome is not that of the URL alone`, () => {
      const name = entry.long === undefined ? `-${entry.short ?? ''}` : `--${entry.long}`;
      const argv = entry.arity === 'switch' ? [name] : [name, sample(entry)];
      assert.notDeepEqual(comparable(parseCommandLine([...argv, URL_])), bare, argv.join(' '));
    });
  }

  it('every run option is read by a cross-flag rule or fills a Config field of its own', () => {
    const consulted = new Set<string>();
    const given: Record<string, unknown> = { urls: [URL_] };
    for (const [key, entry] of ENTRIES) given[rawName(key)] = entry.arity === 'switch' ? true : entry.arity === 'list' ? ['x'] : 'x';
    for (const raw of [given as RawOptions, { urls: [URL_] }, { urls: [] }]) {
      const values = new OptionValues(raw, {});
      validateOptions(values);
      for (const key of values.consulted) consulted.add(key);
    }
    const unread = ENTRIES.filter(([key, e]) => e.scope === 'run' && e.field === undefined && !consulted.has(key)).map(([key]) => key);
    assert.deepEqual(unread, []);
    const fields = ENTRIES.flatMap(([, e]) => (e.scope === 'run' && e.field !== undefined ? [e.field] : []));
    assert.deepEqual(
      fields.filter((f, i) => fields.indexOf(f) !== i),
      [],
      'one option per Config field',
    );
  });
});

const SOON = new Date(Date.now() + 60_000);
/** Values of each kind as a program gives them, and as the command line spells the same. */
const API_SAMPLES: { readonly [T in ApiTag]: readonly (readonly [api: unknown, cli: string | true])[] } = {
  count: [
    [3, '3'],
    ['2k', '2k'],
    [0, '0'],
    ['x', 'x'],
  ],
  rate: [
    [5, '5'],
    ['0', '0'],
  ],
  duration: [
    [1500, '1500ms'],
    ['2s', '2s'],
    ['0', '0'],
  ],
  seed: [
    [5, '5'],
    ['x', 'x'],
  ],
  text: [
    ['', ''],
    ['x', 'x'],
  ],
  time: [
    [SOON, SOON.toISOString()],
    ['x', 'x'],
  ],
  switch: [[true, true]],
  list: [
    ['a=b', 'a=b'],
    [['x'], 'x'],
  ],
  headers: [
    [{ 'X-A': '1' }, 'X-A: 1'],
    [['bad'], 'bad'],
  ],
  credentials: [
    [{ user: 'u', password: 'p:w' }, 'u:p:w'],
    ['u', 'u'],
  ],
  stages: [
    [[[1000, 5]], '1000ms:5'],
    ['x', 'x'],
  ],
};

describe('every flag option is a run() key, validated with the messages of the command line', () => {
  for (const [key, entry] of ENTRIES) {
    const flag = entry.long === undefined ? `-${entry.short ?? ''}` : `--${entry.long}`;
    if (!('api' in entry) || typeof entry.api !== 'string') {
      it(`${key} (${flag}) is not a run() option`, () => {
        const checked = validateRunOptions({ url: URL_, [key]: true });
        assert.ok(!checked.ok && checked.error.some((p) => p.startsWith(`unknown option '${key}'`)), JSON.stringify(checked));
      });
      continue;
    }
    const samples = API_SAMPLES[entry.api];
    it(`${key} takes what ${flag} takes: ${samples.length} values give the same Config or the same problems`, () => {
      for (const [api, cli] of samples) {
        const fromApi = validateRunOptions({ url: URL_, [key]: api });
        const fromCli = parseCommandLine(cli === true ? [flag, URL_] : [`${flag}=${cli}`, URL_]);
        const cliOutcome =
          fromCli.ok && fromCli.value.kind === 'run'
            ? { ok: true, value: { config: fromCli.value.options.config, thresholds: fromCli.value.options.thresholds } }
            : fromCli;
        assert.deepEqual(comparable(fromApi), comparable(cliOutcome), `${key}: ${JSON.stringify(api)} against ${flag} ${String(cli)}`);
      }
    });
  }
});

describe('gb -h lists every option', () => {
  const usage = usageText();
  for (const spec of OPTIONS) {
    it(`${spec.long ?? spec.short ?? ''}: its names and help on one line`, () => {
      const names = [spec.short === undefined ? null : `-${spec.short}`, spec.long === undefined ? null : `--${spec.long}`]
        .filter((n) => n !== null)
        .join(', ');
      const line = usage.split('\n').findIndex((l) => l.trimStart().startsWith(names));
      assert.ok(line >= 0, names);
      assert.ok(`${usage.split('\n')[line]}\n${usage.split('\n')[line + 1]}`.includes(spec.help), spec.help);
    });
  }
});

describe('docs/options.md', () => {
  const committed = readFileSync(join(ROOT, 'docs', 'options.md'), 'utf8');
  it('is what the option table renders (run `npm run docs:options` after changing the table)', () => {
    assert.equal(committed, renderOptionsDoc());
  });
  it('has a section with the names, run() key, default and meaning of every option', () => {
    for (const [key, entry] of ENTRIES) {
      const section = committed.slice(committed.indexOf(`<a id="${key}"></a>`)).split('<a id=')[1] ?? '';
      for (const name of NAMES.keys()) if (NAMES.get(name) === key) assert.ok(section.includes(`\`${name}`), `${key}: ${name}`);
      assert.ok(section.includes(entry.doc), `${key}: its paragraph`);
      assert.match(section, /\n- run\(\): .+\n- default: .+\n/, key);
    }
  });
});

/** The option names in one cell of a README table: the first word of each `code` span that starts with a dash. */
const cellNames = (cell: string): string[] =>
  [...cell.matchAll(/`([^`]*)`/g)].map((m) => (m[1] ?? '').split(' ')[0] ?? '').filter((n) => n.startsWith('-'));
/** A cell that names options and nothing else: `-n N`, `--requests`, joined by commas or slashes (or empty). */
const namesOnly = (cell: string): boolean =>
  cell.replace(/`[^`]*`/g, '').replace(/[\s,/]/g, '') === '' && (cell.trim() === '' || cellNames(cell).length > 0);

/** Every markdown table of `text` as rows of cells, header and separator left out. */
function tables(text: string): { header: string[]; rows: string[][] }[] {
  const found: { header: string[]; rows: string[][] }[] = [];
  const split = (line: string): string[] =>
    line
      .trim()
      .replace(/^\||\|$/g, '')
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    if (!lines[i]?.startsWith('|') || !/^\|[\s|:-]+\|$/.test(lines[i + 1]?.trim() ?? '')) continue;
    const table = { header: split(lines[i] ?? ''), rows: [] as string[][] };
    for (i += 2; lines[i]?.startsWith('|') === true; i += 1) table.rows.push(split(lines[i] ?? ''));
    found.push(table);
  }
  return found;
}

/**
 * Long options README's two tables may leave out, each with where it is documented instead. An
 * entry that a table does name is refused, so the list only ever holds what it must.
 */
/** Long options that README's tables leave to another page, each with where it is documented (none today). */
const DOCUMENTED_ELSEWHERE: Readonly<Record<string, string>> = {};

describe("README's ab-flag and long-option tables", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  // Told apart by their rows, not their headings: the ab table is | `-n N` | `--requests` | meaning |,
  // the long-option table | `--rate R` | meaning ([docs](...)) |; either may come in several parts.
  const named = tables(readme).filter((t) => t.rows.length > 0);
  const abTables = named.filter(
    (t) =>
      t.header.length === 3 &&
      t.rows.every((r) => namesOnly(r[0] ?? '') && namesOnly(r[1] ?? '')) &&
      t.rows.some((r) => /^`-[^-]/.test(r[0] ?? '')),
  );
  const longTables = named.filter(
    (t) => t.header.length === 2 && t.rows.every((r) => namesOnly(r[0] ?? '') && cellNames(r[0] ?? '').length > 0),
  );
  const abNames = abTables.flatMap((t) => t.rows.flatMap((r) => [...cellNames(r[0] ?? ''), ...cellNames(r[1] ?? '')]));
  const longNames = longTables.flatMap((t) => t.rows.flatMap((r) => cellNames(r[0] ?? '')));

  it('has both', () => {
    assert.ok(abTables.length > 0, 'a table | ab flag | long option | meaning | whose first two columns name options');
    assert.ok(longTables.length > 0, 'a table | option | meaning | whose first column names options');
  });
  it('lists every ab flag in the ab table', () => {
    const missing = ENTRIES.flatMap(([, e]) => (e.short === undefined || abNames.includes(`-${e.short}`) ? [] : [`-${e.short}`]));
    assert.deepEqual(missing, []);
  });
  it('lists every long option in one of the two tables, or says where else it is documented', () => {
    const longs = [...NAMES.keys()].filter((n) => n.startsWith('--'));
    const missing = longs.filter((n) => !abNames.includes(n) && !longNames.includes(n) && DOCUMENTED_ELSEWHERE[n] === undefined);
    assert.deepEqual(missing, []);
    const needless = Object.keys(DOCUMENTED_ELSEWHERE).filter((n) => !NAMES.has(n) || abNames.includes(n) || longNames.includes(n));
    assert.deepEqual(needless, [], 'DOCUMENTED_ELSEWHERE names only options that exist and that no table lists');
  });
  it('names no option that does not exist', () => {
    assert.deepEqual(
      [...abNames, ...longNames].filter((n) => !NAMES.has(n)),
      [],
    );
  });
});
