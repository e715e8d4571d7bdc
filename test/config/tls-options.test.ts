// ab's TLS options as validate() takes them (-f, -Z, -E, --ca), the SNI name a run sends, and the cipher bits of the SSL/TLS line.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../src/config/config.js';
import type { RawOptions } from '../../src/config/validate.js';
import { validate } from '../../src/inputs/load.js';
import { serverName } from '../../src/engine/endpoint.js';
import { cipherSecretBits } from '../../src/transport/stream-socket.js';
import { makePki } from '../helpers/pki.js';
import { requireTool } from '../helpers/tools.js';

const HTTPS: RawOptions = { urls: ['https://127.0.0.1:8443/'] };

function configOf(raw: Partial<RawOptions>): Config {
  const result = validate({ ...HTTPS, ...raw });
  if (!result.ok) assert.fail(`expected a config, got: ${result.error.join(' | ')}`);
  return result.value;
}

function problemOf(raw: Partial<RawOptions>): string {
  const result = validate({ ...HTTPS, ...raw });
  if (result.ok) assert.fail('expected a problem, got a config');
  assert.equal(result.error.length, 1, result.error.join(' | '));
  return result.error[0] ?? '';
}

const scratch = mkdtempSync(join(tmpdir(), 'gb-tls-options-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const fileWith = (name: string, text: string): string => {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
};

describe('-f: ab protocol names pin one TLS version', () => {
  it('maps each name to node:tls bounds, ignoring case as ab does; none given keeps Node defaults', () => {
    const bounds = (protocol: string | undefined): [unknown, unknown] => {
      const { minVersion, maxVersion } = configOf({ protocol }).tlsOptions;
      return [minVersion, maxVersion];
    };
    assert.deepEqual(bounds('TLS1'), ['TLSv1', 'TLSv1']);
    assert.deepEqual(bounds('TLS1.1'), ['TLSv1.1', 'TLSv1.1']);
    assert.deepEqual(bounds('TLS1.2'), ['TLSv1.2', 'TLSv1.2']);
    assert.deepEqual(bounds('tls1.3'), ['TLSv1.3', 'TLSv1.3']);
    assert.deepEqual(bounds('ALL'), ['TLSv1', 'TLSv1.3']);
    assert.deepEqual(bounds(undefined), [null, null]);
  });

  it('lowers the security level for TLS 1.0 and 1.1 only when -Z does not choose the ciphers', () => {
    assert.equal(configOf({ protocol: 'TLS1' }).tlsOptions.ciphers, 'DEFAULT:@SECLEVEL=0');
    assert.equal(configOf({ protocol: 'TLS1.2' }).tlsOptions.ciphers, null);
    assert.equal(configOf({ protocol: 'TLS1.1', ciphers: 'AES128-SHA' }).tlsOptions.ciphers, 'AES128-SHA');
  });

  it('SSL2 and SSL3 are refused with the reason, other names with the list of valid ones', () => {
    assert.match(problemOf({ protocol: 'SSL3' }), /^-f SSL3: Node's TLS .* cannot speak SSL 2 or 3/);
    assert.match(problemOf({ protocol: 'ssl2' }), /cannot speak SSL 2 or 3/);
    assert.equal(problemOf({ protocol: 'TLS2' }), 'invalid protocol: -f TLS2 (expected TLS1, TLS1.1, TLS1.2, TLS1.3 or ALL)');
  });
});

describe('-Z: the cipher list is checked by OpenSSL up front', () => {
  it('keeps a list OpenSSL accepts, TLS 1.3 suite names included', () => {
    assert.equal(configOf({ ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' }).tlsOptions.ciphers, 'ECDHE-RSA-AES128-GCM-SHA256');
    assert.equal(configOf({ ciphers: 'TLS_AES_128_GCM_SHA256' }).tlsOptions.ciphers, 'TLS_AES_128_GCM_SHA256');
  });

  it("reports a list OpenSSL rejects in one line with OpenSSL's reason", () => {
    assert.match(problemOf({ ciphers: 'NO-SUCH-CIPHER' }), /^invalid cipher list: -Z NO-SUCH-CIPHER \(OpenSSL: .*no cipher match.*\)$/i);
    assert.equal(problemOf({ ciphers: ' ' }), 'invalid cipher list: -Z is empty');
  });
});

describe('-E and --ca: files that cannot serve', () => {
  it('names a missing file, a directory, and a PEM without a key or a certificate', () => {
    assert.equal(problemOf({ clientCertFile: join(scratch, 'absent.pem') }), `-E file ${join(scratch, 'absent.pem')} does not exist`);
    assert.equal(problemOf({ clientCertFile: scratch }), `-E file ${scratch} is a directory`);
    const text = fileWith('text.pem', 'not a pem\n');
    assert.equal(problemOf({ clientCertFile: text }), `-E file ${text} has no certificate and no private key (it must hold both, in PEM)`);
    assert.equal(problemOf({ verifyTls: true, caFile: text }), `--ca file ${text} holds no PEM certificate`);
  });

  it('--ca without --verify is refused: nothing would be checked against it', () => {
    const ca = fileWith('ca.pem', '-----BEGIN CERTIFICATE-----\n');
    assert.match(problemOf({ caFile: ca }), /^--ca \S+ needs --verify/);
  });

  it('an encrypted key is refused (gb cannot ask for a passphrase)', () => {
    const pem = fileWith(
      'encrypted.pem',
      '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n-----BEGIN ENCRYPTED PRIVATE KEY-----\nx\n-----END ENCRYPTED PRIVATE KEY-----\n',
    );
    assert.match(problemOf({ clientCertFile: pem }), /has an encrypted private key; gb cannot ask for its passphrase/);
  });
});

const pki = makePki();
describe('-E and --ca with real certificates', { skip: requireTool('openssl', typeof pki === 'string' ? pki : null) }, () => {
  after(() => {
    if (typeof pki !== 'string') pki.remove();
  });
  const files = (): Exclude<typeof pki, string> => {
    if (typeof pki === 'string') throw new Error(pki);
    return pki;
  };

  it('reads a certificate-and-key PEM and a CA file whole', () => {
    const p = files();
    const { clientPem, caPem } = configOf({ clientCertFile: p.clientFile, verifyTls: true, caFile: p.caFile }).tlsOptions;
    assert.equal(clientPem, p.read(p.clientFile).toString('latin1'));
    assert.equal(caPem, p.read(p.caFile).toString('latin1'));
  });

  it('refuses a certificate without its key, a key without a certificate, and a key that is not the certificate’s', () => {
    const p = files();
    assert.equal(
      problemOf({ clientCertFile: p.clientCertOnlyFile }),
      `-E file ${p.clientCertOnlyFile} has no private key (it must hold both, in PEM)`,
    );
    assert.equal(
      problemOf({ clientCertFile: p.clientKeyOnlyFile }),
      `-E file ${p.clientKeyOnlyFile} has no certificate (it must hold both, in PEM)`,
    );
    const mismatched = fileWith(
      'mismatched.pem',
      Buffer.concat([p.read(p.clientCertOnlyFile), p.read(p.serverKeyFile)]).toString('latin1'),
    );
    assert.match(
      problemOf({ clientCertFile: mismatched }),
      /^-E file \S+ cannot be used as a client certificate \(OpenSSL: .*key values mismatch.*\)$/,
    );
  });
});

describe('SNI: the name a run sends', () => {
  const nameFor = (url: string, headers: readonly string[] = []): string | null => serverName(configOf({ urls: [url], headers }));

  it("follows a -H 'Host:' override (the last one, without its port), as ab", () => {
    assert.equal(nameFor('https://[::1]:8443/', ['Host: localhost']), 'localhost');
    assert.equal(nameFor('https://127.0.0.1:8443/', ['host: example.test:8443']), 'example.test');
    assert.equal(nameFor('https://127.0.0.1:8443/', ['Host: a.test', 'Host: b.test']), 'b.test');
    assert.equal(nameFor('https://localhost:8443/', ['X-Host: other.test']), 'localhost');
  });

  it('sends none for an IP literal, from the URL or from the Host override', () => {
    assert.equal(nameFor('https://127.0.0.1:8443/'), null);
    assert.equal(nameFor('https://localhost:8443/', ['Host: 10.0.0.1:8443']), null);
    assert.equal(nameFor('https://localhost:8443/', ['Host: [::1]:8443']), null);
    assert.equal(nameFor('https://localhost:8443/', ['Host: ::1']), null);
  });
});

describe("the SSL/TLS line's cipher bits: the cipher's, as OpenSSL counts them", () => {
  it('reads the cipher from the suite name, never the digest', () => {
    assert.equal(cipherSecretBits('ECDHE-RSA-AES128-GCM-SHA256'), 128);
    assert.equal(cipherSecretBits('ECDHE-RSA-AES256-GCM-SHA384'), 256);
    assert.equal(cipherSecretBits('AES128-SHA256'), 128);
    assert.equal(cipherSecretBits('TLS_AES_128_GCM_SHA256'), 128);
    assert.equal(cipherSecretBits('TLS_AES_256_GCM_SHA384'), 256);
    assert.equal(cipherSecretBits('TLS_AES_128_CCM_8_SHA256'), 128);
    assert.equal(cipherSecretBits('TLS_CHACHA20_POLY1305_SHA256'), 256);
    assert.equal(cipherSecretBits('ECDHE-ECDSA-CHACHA20-POLY1305'), 256);
    assert.equal(cipherSecretBits('DHE-RSA-CAMELLIA128-SHA256'), 128);
    assert.equal(cipherSecretBits('ECDHE-ARIA256-GCM-SHA384'), 256);
    assert.equal(cipherSecretBits('DES-CBC3-SHA'), 112);
    assert.equal(cipherSecretBits('DES-CBC-SHA'), 56);
    assert.equal(cipherSecretBits('RC4-SHA'), 128);
    assert.equal(cipherSecretBits('ECDHE-RSA-NULL-SHA'), 0);
  });
});
