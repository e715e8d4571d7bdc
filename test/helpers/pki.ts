// A throwaway CA with a server and a client certificate, made by openssl, for tests of gb's TLS options.

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pki {
  readonly dir: string;
  /** The CA's certificate (what --ca and nginx's ssl_client_certificate take). */
  readonly caFile: string;
  /** The server's certificate, signed by the CA, for localhost and 127.0.0.1, and its key. */
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  /** The client's certificate, signed by the CA, and its key in one PEM file (what -E takes). */
  readonly clientFile: string;
  /** The client's certificate alone, and its key alone: -E must refuse each. */
  readonly clientCertOnlyFile: string;
  readonly clientKeyOnlyFile: string;
  read(file: string): Buffer;
  remove(): void;
}

/** The PKI, or why there is none (no usable openssl here). */
export function makePki(): Pki | string {
  const dir = mkdtempSync(join(tmpdir(), 'gb-pki-'));
  // nginx's workers run as nobody when the tests run as root.
  chmodSync(dir, 0o755);
  const at = (name: string): string => join(dir, name);
  const openssl = (args: readonly string[]): string | null => {
    const run = spawnSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
    if (run.error !== undefined) return `openssl is not available: ${run.error.message}`;
    return run.status === 0 ? null : `openssl ${args[0] ?? ''} failed: ${run.stderr.toString().trim()}`;
  };
  writeFileSync(at('server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  const steps: readonly (readonly string[])[] = [
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=gb test CA',
      '-days',
      '2',
      '-keyout',
      at('ca.key'),
      '-out',
      at('ca.pem'),
    ],
    ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', at('server.key'), '-out', at('server.csr')],
    [
      'x509',
      '-req',
      '-in',
      at('server.csr'),
      '-CA',
      at('ca.pem'),
      '-CAkey',
      at('ca.key'),
      '-set_serial',
      '1',
      '-days',
      '2',
      '-extfile',
      at('server.ext'),
      '-out',
      at('server.pem'),
    ],
    ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=gb test client', '-keyout', at('client.key'), '-out', at('client.csr')],
    [
      'x509',
      '-req',
      '-in',
      at('client.csr'),
      '-CA',
      at('ca.pem'),
      '-CAkey',
      at('ca.key'),
      '-set_serial',
      '2',
      '-days',
      '2',
      '-out',
      at('client.crt'),
    ],
  ];
  for (const step of steps) {
    const problem = openssl(step);
    if (problem !== null) {
      rmSync(dir, { recursive: true, force: true });
      return problem;
    }
  }
  writeFileSync(at('client.pem'), Buffer.concat([readFileSync(at('client.crt')), readFileSync(at('client.key'))]));
  for (const name of ['ca.pem', 'server.pem', 'server.key', 'client.pem', 'client.crt', 'client.key']) chmodSync(at(name), 0o644);
  return {
    dir,
    caFile: at('ca.pem'),
    serverCertFile: at('server.pem'),
    serverKeyFile: at('server.key'),
    clientFile: at('client.pem'),
    clientCertOnlyFile: at('client.crt'),
    clientKeyOnlyFile: at('client.key'),
    read: (file) => readFileSync(file),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
