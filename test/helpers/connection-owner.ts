// A ConnectionOwner for tests that drive one connection by hand: every hook does nothing unless the test gives its own.

import type { ConnectionOwner, LoadConnection } from '../../src/transport/exchange.js';

export function quietOwner(hooks: Partial<ConnectionOwner<LoadConnection>>): ConnectionOwner<LoadConnection> {
  return {
    onResponse: () => {},
    onRowFailed: () => {},
    onFailedRead: () => {},
    onFailure: () => {},
    onBytesRead: () => {},
    onBytesWritten: () => {},
    onWriteErrors: () => {},
    onResent: () => {},
    wantsTlsInfo: false,
    onTlsInfo: () => {},
    onStreamLimit: () => {},
    ...hooks,
  };
}
