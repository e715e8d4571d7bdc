// The built-in target server and scratch directories as tests set them up: one for a whole test file, or one for a single test, always cleaned up.

import { after, before, beforeEach } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTargetServer, type TargetOptions, type TargetServer, type TargetStats } from '../../src/server/target.js';

export interface FileTargetOptions extends TargetOptions {
  /** Clear the server's counters before each test, so each test counts only its own requests. Default true. */
  readonly resetStats?: boolean;
}

/**
 * A target server for a whole test file: started before its first test and closed after its last.
 * Call it at the file's top level; the server it stands for is read inside tests (before that, it throws).
 */
export function fileTarget(options: FileTargetOptions = {}): TargetServer {
  let server: TargetServer | null = null;
  const started = (): TargetServer => server ?? assertNeverStarted();
  before(async () => {
    server = await startTargetServer(options);
  });
  after(async () => {
    await server?.close();
  });
  if (options.resetStats !== false) beforeEach(() => started().resetStats());
  return {
    get url(): string {
      return started().url;
    },
    get host(): string {
      return started().host;
    },
    get port(): number {
      return started().port;
    },
    get unixSocket(): string | null {
      return started().unixSocket;
    },
    stats: (): TargetStats => started().stats(),
    resetStats: (): void => started().resetStats(),
    close: (): Promise<void> => started().close(),
  };
}

function assertNeverStarted(): never {
  throw new Error('the file target is read outside a test: it starts before the first one');
}

/**
 * A scratch directory for a whole test file, made before its first test and removed after its last.
 * Returns the path of a file in it (`inDir('run.json')`), or with no names the directory itself.
 */
export function fileScratchDir(prefix: string): (...names: string[]) => string {
  let dir: string | null = null;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  after(() => {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  });
  return (...names) => {
    if (dir === null) throw new Error(`the scratch directory ${prefix}* is read outside a test: it is made before the first one`);
    return join(dir, ...names);
  };
}

/** Runs `body` with a target server of its own, closed afterwards however `body` ends. */
export async function withTarget<T>(body: (server: TargetServer) => Promise<T>, options: TargetOptions = {}): Promise<T> {
  const server = await startTargetServer(options);
  try {
    return await body(server);
  } finally {
    await server.close();
  }
}

/** Runs `body` with a scratch directory of its own (named from `prefix`), removed afterwards however `body` ends. */
export async function withScratchDir<T>(prefix: string, body: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    return await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `body` with a target server and a scratch directory of its own, both gone afterwards. */
export function withTargetAndDir<T>(
  prefix: string,
  body: (server: TargetServer, dir: string) => Promise<T>,
  options: TargetOptions = {},
): Promise<T> {
  return withTarget((server) => withScratchDir(prefix, (dir) => body(server, dir)), options);
}
