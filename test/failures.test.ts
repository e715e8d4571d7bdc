// The one union of failure codes: how the socket layers' codes map onto it, and that every member stands for itself.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CERTIFICATE_ERROR_CODES,
  FAILURE_CODES,
  SOCKET_ERROR_CODES,
  currentFailureCode,
  isFailureCode,
  isTlsAlert,
  socketFailureCode,
} from '../src/failures.js';

describe('failure codes', () => {
  it('lists each code once, and each is written as it is named', () => {
    assert.equal(new Set(FAILURE_CODES).size, FAILURE_CODES.length);
    for (const code of FAILURE_CODES) {
      assert.match(code, /^[A-Z0-9_]+$/);
      assert.equal(currentFailureCode(code), code, code);
    }
  });

  it("keeps Node's errno names and certificate verification codes as they are", () => {
    for (const code of [...SOCKET_ERROR_CODES, ...CERTIFICATE_ERROR_CODES]) assert.equal(socketFailureCode(code), code);
  });

  it("names a TLS alert by the registry's name, whichever OpenSSL prefix it came with", () => {
    assert.equal(socketFailureCode('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'), 'TLS_ALERT_HANDSHAKE_FAILURE');
    // The same alert as Node 24's OpenSSL spells it.
    assert.equal(socketFailureCode('ERR_SSL_SSL/TLS_ALERT_HANDSHAKE_FAILURE'), 'TLS_ALERT_HANDSHAKE_FAILURE');
    assert.equal(socketFailureCode('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'), 'TLS_ALERT_CERTIFICATE_REQUIRED');
    assert.equal(socketFailureCode('ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL'), 'TLS_ALERT_NO_APPLICATION_PROTOCOL');
    assert.equal(socketFailureCode('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'), 'TLS_ALERT_UNKNOWN_CA');
    assert.equal(socketFailureCode('ERR_SSL_TLSV1_UNRECOGNIZED_NAME'), 'TLS_ALERT_UNRECOGNIZED_NAME');
    assert.equal(socketFailureCode('ERR_SSL_TLSV1_ALERT_SOMETHING_NEW'), 'TLS_ALERT');
    for (const code of ['ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'ERR_SSL_TLSV1_UNRECOGNIZED_NAME', 'ERR_SSL_TLSV1_ALERT_SOMETHING_NEW']) {
      assert.ok(isTlsAlert(socketFailureCode(code)), code);
    }
    assert.ok(!isTlsAlert('ECONNRESET'));
    assert.ok(!isTlsAlert('TLS_ERROR'));
  });

  it('puts every other TLS code under TLS_ERROR and every other socket code under SOCKET_ERROR, never throwing', () => {
    for (const code of ['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_TLS_HANDSHAKE_TIMEOUT', 'UNSPECIFIED']) {
      assert.equal(socketFailureCode(code), 'TLS_ERROR', code);
    }
    for (const code of ['EWHATEVER', 'Unknown system error -9999', '']) assert.equal(socketFailureCode(code), 'SOCKET_ERROR', code);
    assert.equal(socketFailureCode(null), 'SOCKET_ERROR');
    assert.ok(!isFailureCode('ERR_SSL_WRONG_VERSION_NUMBER'));
  });

  it("reads an older result's codes as gb names them now", () => {
    assert.equal(currentFailureCode('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'), 'TLS_ALERT_HANDSHAKE_FAILURE');
    assert.equal(currentFailureCode('ERR_SSL_WRONG_VERSION_NUMBER'), 'TLS_ERROR');
    assert.equal(currentFailureCode('EWHATEVER'), 'SOCKET_ERROR');
    assert.equal(currentFailureCode('TIMEOUT'), 'TIMEOUT');
  });
});
