// ab's TLS options (-f, -Z, -E) and --ca, checked up front: a cipher list OpenSSL rejects or a PEM it cannot use is one line here, not a Connect failure per request.

import { readFileSync } from 'node:fs';
import type { TlsOptions, TlsVersion } from './config.js';
import { shown } from './target.js';

export interface RawTlsOptions {
  /** -f: ab's protocol name. */
  readonly protocol?: string | undefined;
  /** -Z: an OpenSSL cipher list. */
  readonly ciphers?: string | undefined;
  /** -E: a PEM file holding the client certificate and its key. */
  readonly clientCertFile?: string | undefined;
  /** --ca: a PEM file of trusted certificates. */
  readonly caFile?: string | undefined;
}

/** ab's -f names (matched without regard to case, as ab does), each pinning one version; ALL allows any. */
const PROTOCOLS: Readonly<Record<string, readonly [TlsVersion, TlsVersion]>> = {
  'TLS1': ['TLSv1', 'TLSv1'],
  'TLS1.1': ['TLSv1.1', 'TLSv1.1'],
  'TLS1.2': ['TLSv1.2', 'TLSv1.2'],
  'TLS1.3': ['TLSv1.3', 'TLSv1.3'],
  'ALL': ['TLSv1', 'TLSv1.3'],
};

/**
 * OpenSSL 3 refuses TLS 1.0 and 1.1 at its default security level (their handshakes sign with
 * SHA-1), so pinning one of them with the default ciphers could never connect: the level is
 * lowered then, unless -Z says otherwise.
 */
const OLD_PROTOCOL_CIPHERS = 'DEFAULT:@SECLEVEL=0';

const CERTIFICATE = /-----BEGIN CERTIFICATE-----/;
const PRIVATE_KEY = /-----BEGIN (?:(RSA|EC|DSA|ENCRYPTED) )?PRIVATE KEY-----/;

export function tlsOptionsFrom(raw: RawTlsOptions, problems: string[]): TlsOptions {
  let versions: readonly [TlsVersion, TlsVersion] | null = null;
  if (raw.protocol !== undefined) {
    const name = raw.protocol.toUpperCase();
    versions = PROTOCOLS[name] ?? null;
    if (name === 'SSL2' || name === 'SSL3') {
      problems.push(`-f ${raw.protocol}: Node's TLS (OpenSSL 3) cannot speak SSL 2 or 3; use TLS1, TLS1.1, TLS1.2, TLS1.3 or ALL`);
    } else if (versions === null) {
      problems.push(`invalid protocol: -f ${shown(raw.protocol)} (expected TLS1, TLS1.1, TLS1.2, TLS1.3 or ALL)`);
    }
  }
  const oldPinned = versions !== null && (versions[1] === 'TLSv1' || versions[1] === 'TLSv1.1');
  const ciphers = raw.ciphers !== undefined ? checkedCiphers(raw.ciphers, problems) : oldPinned ? OLD_PROTOCOL_CIPHERS : null;
  const clientPem = raw.clientCertFile === undefined ? null : checkedClientPem(raw.clientCertFile, problems);
  const caPem = raw.caFile === undefined ? null : checkedCaPem(raw.caFile, problems);
  return Object.freeze({ minVersion: versions?.[0] ?? null, maxVersion: versions?.[1] ?? null, ciphers, clientPem, caPem });
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

function checkedCiphers(text: string, problems: string[]): string | null {
  if (text.trim() === '') {
    problems.push('invalid cipher list: -Z is empty');
    return null;
  }
  const why = openSslRejects({ ciphers: text });
  if (why === null) return text;
  problems.push(`invalid cipher list: -Z ${shown(text)} (OpenSSL: ${why})`);
  return null;
}

function readPem(flag: string, path: string, problems: string[]): string | null {
  try {
    return readFileSync(path, 'latin1');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable (permission denied)' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? String(error)})`;
    problems.push(`${flag} file ${shown(path)} ${why}`);
    return null;
  }
}

function checkedClientPem(path: string, problems: string[]): string | null {
  const pem = readPem('-E', path, problems);
  if (pem === null) return null;
  const key = PRIVATE_KEY.exec(pem);
  const missing = [CERTIFICATE.test(pem) ? null : 'certificate', key === null ? 'private key' : null].filter((m) => m !== null);
  if (missing.length > 0) {
    problems.push(`-E file ${shown(path)} has no ${missing.join(' and no ')} (it must hold both, in PEM)`);
    return null;
  }
  if (key?.[1] === 'ENCRYPTED') {
    problems.push(`-E file ${shown(path)} has an encrypted private key; gb cannot ask for its passphrase (decrypt it with openssl pkey)`);
    return null;
  }
  const why = openSslRejects({ cert: pem, key: pem });
  if (why === null) return pem;
  problems.push(`-E file ${shown(path)} cannot be used as a client certificate (OpenSSL: ${why})`);
  return null;
}

function checkedCaPem(path: string, problems: string[]): string | null {
  const pem = readPem('--ca', path, problems);
  if (pem === null) return null;
  if (!CERTIFICATE.test(pem)) {
    problems.push(`--ca file ${shown(path)} holds no PEM certificate`);
    return null;
  }
  const why = openSslRejects({ ca: pem });
  if (why === null) return pem;
  problems.push(`--ca file ${shown(path)} cannot be read as certificates (OpenSSL: ${why})`);
  return null;
}
