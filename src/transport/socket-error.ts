// The error that ends a socket, as both connection kinds (HTTP/1.x and HTTP/2) keep it.

import type { FailureCode } from '../failures.js';

export class SocketError {
  /** The first error's failure code (ECONNRESET, TLS_ALERT_HANDSHAKE_FAILURE, PROXY_REFUSED, ...); null while there is none. */
  code: FailureCode | null = null;
  /** What to report for `code`: the socket layer's own code (ECONNRESET, ERR_SSL_...), or more when its layer said more. */
  message: string | null = null;
  /** A write on this socket failed: the requests that fail with it are ab's Write errors too. */
  inWrite = false;

  /** Keeps the first error's code and message (later ones follow from it); any error in a write marks the write. */
  note(code: FailureCode, inWrite: boolean, message: string): void {
    if (inWrite) this.inWrite = true;
    if (this.code !== null) return;
    this.code = code;
    this.message = message;
  }

  /** A new socket starts with no error. */
  clear(): void {
    this.code = null;
    this.message = null;
    this.inWrite = false;
  }
}
