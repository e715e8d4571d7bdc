// The files a run reads (-p/-u bodies, -E/--ca PEMs, --script, --unix-socket) and writes (--json, --html, -e, -g, --profile), checked before it starts.

import { accessSync, constants as fsConstants, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { shown } from '../config/target.js';
import { err, ok, type Result } from '../result.js';

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

/** The body of -p or -u. A FIFO or device is refused before it is opened: reading one could wait forever. */
export function readBodyFile(flag: string, path: string): Result<Uint8Array, string> {
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) return err(`${flag} file ${shown(path)} is a directory, not a file`);
    if (!stats.isFile()) return err(`${flag} file ${shown(path)} is not a regular file`);
    return ok(readFileSync(path));
  } catch (error: unknown) {
    const code = errnoCode(error);
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'is not readable (permission denied)'
          : `cannot be read (${String(error)})`;
    return err(`${flag} file ${shown(path)} ${why}`);
  }
}

/** A PEM file of -E or --ca, as text: latin1 keeps every byte, which is what OpenSSL reads. */
export function readPemFile(flag: string, path: string): Result<string, string> {
  try {
    return ok(readFileSync(path, 'latin1'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'is not readable (permission denied)'
          : code === 'EISDIR'
            ? 'is a directory'
            : `cannot be read (${code ?? String(error)})`;
    return err(`${flag} file ${shown(path)} ${why}`);
  }
}

/** --script FILE exists and is a file; loading the module is the command line's, just before the run. */
export function scriptFile(flag: string, path: string): Result<string, string> {
  try {
    return statSync(path).isFile() ? ok(path) : err(`${flag} ${shown(path)} is not a file`);
  } catch {
    return err(`${flag} ${shown(path)}: no such file`);
  }
}

/** --unix-socket PATH is a socket: a typo is one line naming the path rather than a Connect failure per request. */
export function socketFile(flag: string, path: string): Result<string, string> {
  let stats;
  try {
    stats = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unknown error';
    return err(
      code === 'ENOENT'
        ? `${flag} ${shown(path)}: no such file (is the server listening there?)`
        : `cannot use ${flag} ${shown(path)}: ${code}`,
    );
  }
  if (stats.isSocket()) return ok(path);
  const kind = stats.isDirectory() ? 'a directory' : stats.isFile() ? 'a regular file' : 'some other kind of file';
  return err(`${flag} ${shown(path)} is not a unix domain socket (it is ${kind})`);
}
