// The files a run reads (-p/-u bodies) and writes (--json, --html, -e, -g, --profile), checked before it starts.

import { accessSync, constants as fsConstants, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { shown } from './target.js';

const errnoCode = (error: unknown): string => (typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '');

/**
 * Why an output file (kind 'file': --json, --html, -e, -g) or directory (kind 'dir': --profile, which
 * gb creates) could not be written, or null. Checked before the first request, so that a typo does
 * not cost a whole run; nothing is created or opened here, so a failed check leaves no empty file.
 */
export function outputPathProblem(flag: string, path: string, kind: 'file' | 'dir'): string | null {
  const cannot = `cannot write ${flag} ${shown(path)}`;
  const writable = (at: string): boolean => {
    try {
      accessSync(at, fsConstants.W_OK | (statSync(at).isDirectory() ? fsConstants.X_OK : 0));
      return true;
    } catch {
      return false;
    }
  };
  // The nearest part of the path that exists decides: --profile creates the directories below it.
  let at = resolve(path);
  let wanted = kind;
  for (;;) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(at).isDirectory();
    } catch (error: unknown) {
      const parent = dirname(at);
      const code = errnoCode(error);
      if (code === 'ENOTDIR') return `${cannot}: a part of the path is not a directory`;
      if (code !== 'ENOENT' || parent === at) return `${cannot}: ${shown(at)} cannot be read (${code || String(error)})`;
      if (kind === 'file' && wanted === 'file') {
        wanted = 'dir';
        at = parent;
        continue;
      }
      if (kind === 'file') return `${cannot}: directory ${shown(at)} does not exist`;
      at = parent;
      continue;
    }
    if (wanted === 'file' && isDirectory) return `${cannot}: it is a directory`;
    if (wanted === 'dir' && !isDirectory) return `${cannot}: ${shown(at)} is not a directory`;
    if (!writable(at)) return `${cannot}: ${shown(at)} is not writable (permission denied)`;
    return null;
  }
}

/** The body of -p or -u, or null with a problem pushed. */
export function readBodyFile(flag: string, path: string, problems: string[]): Uint8Array | null {
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) {
      problems.push(`${flag} file ${shown(path)} is a directory, not a file`);
      return null;
    }
    if (!stats.isFile()) {
      problems.push(`${flag} file ${shown(path)} is not a regular file`);
      return null;
    }
    return readFileSync(path);
  } catch (error: unknown) {
    const code = errnoCode(error);
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable (permission denied)' : `cannot be read (${String(error)})`;
    problems.push(`${flag} file ${shown(path)} ${why}`);
    return null;
  }
}
