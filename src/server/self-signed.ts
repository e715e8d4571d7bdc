// A throwaway self-signed certificate for `gb serve --tls`, made by the openssl command (Node has no API that makes one).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The key and certificate (CN=localhost, valid for a day), or why there are none. */
export function selfSignedCertificate(): { readonly key: Buffer; readonly cert: Buffer } | string {
  const dir = mkdtempSync(join(tmpdir(), 'gb-serve-cert-'));
  try {
    const made = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-days',
        '1',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 },
    );
    if (made.error !== undefined) return `cannot make a certificate: openssl is not available (${made.error.message})`;
    if (made.status !== 0) return `cannot make a certificate: openssl failed: ${made.stderr.toString().trim().split('\n')[0] ?? ''}`;
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
