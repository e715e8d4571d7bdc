// ab's TLS options (-f, -Z, -E) and --ca, checked up front: a cipher list OpenSSL rejects or a PEM it cannot use is one line here, not a Connect failure per request.

import type { TlsOptions, TlsVersion } from './config.js';
import type { Parse } from './option-spec.js';
import { fromFile } from './parsers.js';
import { shown } from './target.js';

/** ab's -f names (matched without regard to case, as ab does), each pinning one version; ALL allows any. */
const PROTOCOLS: Readonly<Record<string, readonly [TlsVersion, TlsVersion]>> = {
  TLS1: ['TLSv1', 'TLSv1'],
  'TLS1.1': ['TLSv1.1', 'TLSv1.1'],
  'TLS1.2': ['TLSv1.2', 'TLSv1.2'],
  'TLS1.3': ['TLSv1.3', 'TLSv1.3'],
  ALL: ['TLSv1', 'TLSv1.3'],
};

/**
 * OpenSSL 3 refuses TLS 1.0 and 1.1 at its default security level (their handshakes sign with
 * SHA-1), so pinning one of them with the default ciphers could never connect: the level is
 * lowered then, unless -Z says otherwise.
 */
const OLD_PROTOCOL_CIPHERS = 'DEFAULT:@SECLEVEL=0';

const CERTIFICATE = /-----BEGIN CERTIFICATE-----/;
const PRIVATE_KEY = /-----BEGIN (?:(RSA|EC|DSA|ENCRYPTED) )?PRIVATE KEY-----/;

type Versions = readonly [TlsVersion, TlsVersion];

/** -f: the lowest and highest version it allows. */
export const protocolVersions: Parse<string, Versions> = (text, c) => {
  const name = text.toUpperCase();
  const versions = PROTOCOLS[name] ?? null;
  if (name === 'SSL2' || name === 'SSL3') {
    c.problems.push(`${c.flag} ${text}: Node's TLS (OpenSSL 3) cannot speak SSL 2 or 3; use TLS1, TLS1.1, TLS1.2, TLS1.3 or ALL`);
  } else if (versions === null) {
    c.problems.push(`invalid protocol: ${c.flag} ${shown(text)} (expected TLS1, TLS1.1, TLS1.2, TLS1.3 or ALL)`);
  }
  return versions;
};

/** The four TLS options as one; `ciphers` is undefined when -Z was not given. */
export function tlsOptionsOf(
  versions: Versions | null,
  ciphers: string | null | undefined,
  clientPem: string | null,
  caPem: string | null,
): TlsOptions {
  const oldPinned = versions !== null && (versions[1] === 'TLSv1' || versions[1] === 'TLSv1.1');
  const cipherList = ciphers !== undefined ? ciphers : oldPinned ? OLD_PROTOCOL_CIPHERS : null;
  return Object.freeze({ minVersion: versions?.[0] ?? null, maxVersion: versions?.[1] ?? null, ciphers: cipherList, clientPem, caPem });
}

/** Builds a throwaway context the way a run will, so OpenSSL judges the input now; its complaint, or null. */
function openSslRejects(options: { ciphers?: string; cert?: string; key?: string; ca?: string }): string | null {
  try {
    // Loaded only when a TLS option is given, like every other use of node:tls in gb.
    process.getBuiltinModule('node:tls').createSecureContext(options);
    return null;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    // OpenSSL's text reads "error:0A0000B9:SSL routines::no cipher match": its last part is the reason.
    const reason = e.message.split(':').at(-1)?.trim() ?? '';
    return reason === '' ? (e.code ?? 'rejected') : reason;
  }
}

/** -Z: OpenSSL judges the list now, not at the first connect. */
export const ciphers: Parse<string, string> = (text, c) => {
  if (text.trim() === '') {
    c.problems.push(`invalid cipher list: ${c.flag} is empty`);
    return null;
  }
  const why = openSslRejects({ ciphers: text });
  if (why === null) return text;
  c.problems.push(`invalid cipher list: ${c.flag} ${shown(text)} (OpenSSL: ${why})`);
  return null;
};

/** -E: one PEM file with the client certificate and its unencrypted private key, as ab reads it. */
export const clientPem = fromFile('pem', (path, c, file) => {
  const pem = file();
  if (pem === null) return null;
  const key = PRIVATE_KEY.exec(pem);
  const missing = [CERTIFICATE.test(pem) ? null : 'certificate', key === null ? 'private key' : null].filter((m) => m !== null);
  if (missing.length > 0) {
    c.problems.push(`${c.flag} file ${shown(path)} has no ${missing.join(' and no ')} (it must hold both, in PEM)`);
    return null;
  }
  if (key?.[1] === 'ENCRYPTED') {
    c.problems.push(
      `${c.flag} file ${shown(path)} has an encrypted private key; gb cannot ask for its passphrase (decrypt it with openssl pkey)`,
    );
    return null;
  }
  const why = openSslRejects({ cert: pem, key: pem });
  if (why === null) return pem;
  c.problems.push(`${c.flag} file ${shown(path)} cannot be used as a client certificate (OpenSSL: ${why})`);
  return null;
});

/** --ca: the certificates --verify trusts instead of Node's bundled roots. */
export const caPem = fromFile('pem', (path, c, file) => {
  const pem = file();
  if (pem === null) return null;
  if (!CERTIFICATE.test(pem)) {
    c.problems.push(`${c.flag} file ${shown(path)} holds no PEM certificate`);
    return null;
  }
  const why = openSslRejects({ ca: pem });
  if (why === null) return pem;
  c.problems.push(`${c.flag} file ${shown(path)} cannot be read as certificates (OpenSSL: ${why})`);
  return null;
});
