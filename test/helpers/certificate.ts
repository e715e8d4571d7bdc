// A throwaway self-signed certificate made by openssl, for tests that need an HTTPS origin.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The key and certificate, or why there are none (a string: no openssl, or it failed). */
export function makeCertificate(): { readonly key: Buffer; readonly cert: Buffer } | string {
  const dir = mkdtempSync(join(tmpdir(), 'gb-cert-'));
  try {
    const made = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-days',
        '1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 },
    );
    if (made.error !== undefined) return `openssl is not available: ${made.error.message}`;
    if (made.status !== 0) return `openssl failed: ${made.stderr.toString().trim()}`;
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
