// The loading step: reads every file the run options name (by each entry's `load`), so that validation in config/ stays pure.

import type { Config } from '../config/config.js';
import type { Loaded, LoadKind, LoadValues } from '../config/option-spec.js';
import { ENTRIES, flagName, rawName, type LoadedFiles, type RawOptions } from '../config/options.js';
import { configFrom } from '../config/validate.js';
import { err, ok, type Result } from '../result.js';
import { readBodyFile, readPemFile, scriptFile, socketFile } from './files.js';
import { readTargetsFile } from './targets-file.js';
import { loadDataFile } from './data-file.js';

type Loader<L extends LoadKind> = (flag: string, path: string) => Result<LoadValues[L], readonly string[]>;

const one =
  <T>(read: (flag: string, path: string) => Result<T, string>) =>
  (flag: string, path: string): Result<T, readonly string[]> => {
    const result = read(flag, path);
    return result.ok ? result : err([result.error]);
  };

/** One reader per kind of file; a new kind in LoadValues does not build until it has one. */
const LOADERS: { readonly [L in LoadKind]: Loader<L> } = {
  body: one(readBodyFile),
  pem: one(readPemFile),
  script: one(scriptFile),
  socket: one(socketFile),
  data: one((_flag, path) => loadDataFile(path)),
  // TEXT is the payload itself; only @FILE names a file.
  message: one((flag, value) => (value.startsWith('@') ? readBodyFile(flag, value.slice(1)) : ok(Buffer.from(value, 'utf8')))),
  targets: (_flag, path) => {
    const problems: string[] = [];
    const list = readTargetsFile(path, problems);
    return list === null ? err(problems) : ok(list);
  },
};

/**
 * Reads each file an option names, whatever the other options say: the rules decide which of them
 * matter (a -p file beside --targets is never reported), so the reading needs no rules of its own.
 */
export function loadFiles(raw: RawOptions): LoadedFiles {
  const files: Record<string, Loaded> = {};
  const given = raw as Readonly<Record<string, unknown>>;
  for (const [key, entry] of ENTRIES) {
    if (!('load' in entry) || entry.load === undefined) continue;
    const path = given[rawName(key)];
    if (typeof path === 'string') files[key] = LOADERS[entry.load](flagName(entry), path);
  }
  return files;
}

/** The options' Config: their files read, then every rule checked, every problem reported at once. */
export function validate(raw: RawOptions): Result<Config, readonly string[]> {
  return configFrom(raw, loadFiles(raw));
}
