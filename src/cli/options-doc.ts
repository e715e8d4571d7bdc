// docs/options.md, rendered from the option table (`npm run docs:options` writes it; a test fails when the committed file is stale).

import { API_KINDS } from '../api/options.js';
import type { Entry } from '../config/option-spec.js';
import { ENTRIES } from '../config/options.js';

const names = (entry: Entry): string[] => {
  const value = entry.valueName === undefined ? '' : ` ${entry.valueName}`;
  const main = [entry.short === undefined ? null : `-${entry.short}${value}`, entry.long === undefined ? null : `--${entry.long}${value}`];
  const alias = entry.alias === undefined ? null : `--${entry.alias} ${entry.aliasLine?.valueName ?? entry.valueName ?? ''}`.trimEnd();
  return [...main, alias].filter((n) => n !== null).map((n) => `\`${n}\``);
};

/** The key a program passes to run() for the option and the value it takes, or why there is none. */
function runKey(key: string, entry: Entry): { readonly key: string | null; readonly text: string } {
  if ('api' in entry) {
    if (typeof entry.api === 'string') return { key, text: `\`${key}\`, ${API_KINDS[entry.api].expected}` };
    return { key: null, text: `no key (${entry.api.none})` };
  }
  if (entry.scope === 'command') return { key: null, text: 'no key' };
  if (entry.runNote !== undefined) return { key: null, text: `no key (${entry.runNote})` };
  return {
    key: null,
    text: 'no key: the option only shapes what the command line prints or writes (render the Summary with `renderAbReport`, `renderJson` or `renderHtml`)',
  };
}

function defaultOf(entry: Entry): string {
  if (entry.defaultText !== undefined) return entry.defaultText;
  if ('default' in entry && entry.default !== undefined) return `\`${entry.default}\``;
  return entry.arity === 'switch' ? 'off' : 'none';
}

export function renderOptionsDoc(): string {
  const index = ENTRIES.map(([key, entry]) => {
    const run = runKey(key, entry).key;
    return `| [${names(entry).join(', ')}](#${key}) | ${run === null ? '—' : `\`${run}\``} |`;
  });
  const sections = ENTRIES.flatMap(([key, entry]) => [
    `<a id="${key}"></a>`,
    `### ${names(entry).join(', ')}`,
    '',
    `- run(): ${runKey(key, entry).text}`,
    `- default: ${defaultOf(entry)}`,
    '',
    entry.doc,
    '',
  ]);
  return [
    '# gb options',
    '',
    '<!-- Generated from src/config/option-table.ts by `npm run docs:options`: edit the table, not this file. -->',
    '',
    'Every option of `gb [options] URL`, in the order `gb -h` lists them. A value may be written',
    '`-n 100`, `-n100`, `-n=100`, `--requests 100` or `--requests=100`, and switches may be grouped',
    '(`-kq`). The last of a repeated option wins, except the repeatable ones (`-H`, `-C`, `--fail-if`).',
    'The run() name is the key a program gives `run(options)` for the same option, checked by the same',
    'rules with the same messages.',
    '',
    '| option | run() |',
    '| --- | --- |',
    ...index,
    '',
    ...sections,
  ].join('\n');
}
