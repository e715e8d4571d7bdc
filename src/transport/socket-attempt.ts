// One socket's attempt as both connection kinds (HTTP/1.x and HTTP/2) keep it: when its connect began, when
// TCP came up under TLS, and the error that ends it.

import { SocketError } from './socket-error.js';

export class SocketAttempt {
  /** When the socket was opened: Connect counts from here. */
  startMs = 0;
  /** TLS: when TCP connected and the handshake began; NaN before, and without TLS. */
  tcpConnectedMs = Number.NaN;
  /** The error that ends this socket, once there is one. */
  readonly error = new SocketError();

  /** A new socket, opened at `nowMs`: nothing of the last one's carries over. */
  begin(nowMs: number): void {
    this.startMs = nowMs;
    this.tcpConnectedMs = Number.NaN;
    this.error.clear();
  }
}
