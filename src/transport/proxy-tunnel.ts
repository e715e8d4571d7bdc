// The CONNECT handshake that opens a tunnel through an HTTP proxy, before TLS starts on the same socket.

import type net from 'node:net';
import type { GbFailureCode } from '../failures.js';

/** Where the proxy is asked to open a tunnel to, and with which credentials. */
export interface Tunnel {
  /** The origin as `host:port`, IPv6 in brackets: CONNECT's request target and Host (RFC 9110 §9.3.6). */
  readonly authority: string;
  /** The Proxy-Authorization value (`Basic ...`), or null. */
  readonly proxyAuthorization: string | null;
}

export interface TunnelFailure {
  readonly code: Extract<GbFailureCode, `PROXY_${string}`>;
  readonly message: string;
}

/** A proxy's answer to CONNECT is a status line and a few headers; more means it is not answering CONNECT. */
const MAX_ANSWER_BYTES = 64 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})(?: ([^\r\n]*))?$/;

// Every connection of a run sends the same CONNECT: build its bytes once, not once per handshake.
const requests = new WeakMap<Tunnel, Buffer>();

export function connectRequest(tunnel: Tunnel): Buffer {
  let bytes = requests.get(tunnel);
  if (bytes === undefined) {
    const auth = tunnel.proxyAuthorization === null ? '' : `Proxy-Authorization: ${tunnel.proxyAuthorization}\r\n`;
    bytes = Buffer.from(`CONNECT ${tunnel.authority} HTTP/1.1\r\nHost: ${tunnel.authority}\r\n${auth}\r\n`, 'latin1');
    requests.set(tunnel, bytes);
  }
  return bytes;
}

/**
 * Sends CONNECT on `socket` (connected to the proxy) and reads the answer. `done` is called once:
 * with null when the tunnel is open, the socket then carrying the origin's bytes (any read past the
 * answer are put back), or with why the proxy did not open it. Socket errors are left to the caller.
 */
export function openTunnel(socket: net.Socket, tunnel: Tunnel, done: (failure: TunnelFailure | null) => void): void {
  let received: Buffer = Buffer.alloc(0);
  const finish = (failure: TunnelFailure | null, rest: Buffer | null): void => {
    socket.off('data', onData);
    socket.off('end', onEnd);
    if (rest !== null && rest.length > 0) socket.unshift(rest);
    done(failure);
  };
  const onEnd = (): void => finish({ code: 'PROXY_CLOSED', message: 'proxy closed the connection before answering CONNECT' }, null);
  const onData = (chunk: Buffer): void => {
    received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
    const end = received.indexOf(HEAD_END);
    if (end < 0) {
      if (received.length > MAX_ANSWER_BYTES)
        finish({ code: 'PROXY_BAD_ANSWER', message: 'proxy answered CONNECT with more than 64 KiB of headers' }, null);
      return;
    }
    const statusLine = received.toString('latin1', 0, received.indexOf('\r\n'));
    const match = STATUS_LINE.exec(statusLine);
    if (match === null) {
      finish(
        { code: 'PROXY_BAD_ANSWER', message: `proxy answered CONNECT with something that is not HTTP/1.x: ${printable(statusLine)}` },
        null,
      );
      return;
    }
    const status = Number(match[1]);
    // Any 2xx opens the tunnel (RFC 9110 §9.3.6); a 1xx before it is not something proxies send.
    if (status >= 200 && status < 300) {
      finish(null, received.subarray(end + HEAD_END.length));
      return;
    }
    const reason = printable(match[2] ?? '');
    finish({ code: 'PROXY_REFUSED', message: `proxy answered CONNECT with ${status}${reason === '' ? '' : ` ${reason}`}` }, null);
  };
  socket.on('data', onData);
  socket.on('end', onEnd);
  socket.write(connectRequest(tunnel));
}

/** The proxy's words, fit for one line of a report: no control characters, not too long. */
function printable(text: string): string {
  const clean = text.replace(/[\0-\x1f\x7f-\xff]/g, '?').trim();
  return clean.length > 80 ? `${clean.slice(0, 80)}...` : clean;
}
