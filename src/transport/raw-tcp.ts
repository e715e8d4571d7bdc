// Plain TCP on libuv's handle directly, skipping net.Socket's streams: a third of the CPU per
// request with keep-alive and half of it with a connection per request (see docs/performance.md).
//
// This uses Node's internal tcp_wrap binding, the layer under net.Socket. It is not a public API,
// so it is probed once at load time; where it is missing or differs, gb uses net.Socket instead.
// process.binding() is DEP0111: calling it under --pending-deprecation prints a warning, which a
// benchmark must never add to someone's output, so in that case gb uses net.Socket as well.

import { getSystemErrorName } from 'node:util';
import { socketFailureCode } from '../failures.js';
import type { ClientSocket, SocketHandler, TlsInfo } from './client-socket.js';

interface TcpHandle {
  onread: (this: TcpHandle, buffer: ArrayBuffer | undefined) => void;
  connect(req: object, address: string, port: number): number;
  connect6(req: object, address: string, port: number): number;
  bind(address: string, port: number): number;
  bind6(address: string, port: number, flags: number): number;
  setNoDelay(on: boolean): number;
  readStart(): number;
  useUserBuffer(buffer: Uint8Array): void;
  writeBuffer(req: object, data: Uint8Array): number;
  close(callback: () => void): void;
  owner: RawTcpSocket | null;
}
interface WriteReq {
  handle: TcpHandle;
  oncomplete: (status: number) => void;
  async: boolean;
}
interface ConnectReq {
  oncomplete: (status: number, handle: TcpHandle) => void;
}
interface Bindings {
  readonly TCP: new (type: number) => TcpHandle;
  readonly TCPConnectWrap: new () => ConnectReq;
  readonly WriteWrap: new () => WriteReq;
  readonly socketType: number;
  readonly state: Int32Array;
  readonly kReadBytesOrError: number;
  /** Index in `state` saying whether the last write is still in progress; -1 where this Node does not say. */
  readonly kLastWriteWasAsync: number;
}

const UV_EOF = -4095;

/**
 * Whether calling process.binding() would print DEP0111. Node turns it into a wrapper named
 * 'deprecated' when the deprecation is active, so only the plain function (named 'binding', as in
 * Node 20 to 26) is trusted; the flags are checked too in case a later Node wraps it differently.
 */
export function bindingWouldWarn(
  binding: unknown,
  execArgv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  if (typeof binding !== 'function' || binding.name !== 'binding') return true;
  if (env['NODE_PENDING_DEPRECATION'] === '1') return true;
  // NODE_OPTIONS is split on whitespace, as Node does; a quoted value holding this exact word would be a false alarm, which only costs speed.
  const nodeOptions = (env['NODE_OPTIONS'] ?? '').split(/\s+/);
  return [...execArgv, ...nodeOptions].some((arg) => arg === '--pending-deprecation' || arg === '--pending_deprecation');
}

function loadBindings(): Bindings | null {
  try {
    // Taken off `process` on purpose: its identity says whether calling it would warn.
    // eslint-disable-next-line @typescript-eslint/unbound-method -- process.binding does not use `this`
    const binding = (process as unknown as { binding(name: string): Record<string, unknown> }).binding;
    if (bindingWouldWarn(binding, process.execArgv, process.env)) return null;
    const tcp = binding('tcp_wrap') as { TCP?: unknown; TCPConnectWrap?: unknown; constants?: { SOCKET?: number } };
    const stream = binding('stream_wrap') as {
      WriteWrap?: unknown;
      streamBaseState?: unknown;
      kReadBytesOrError?: number;
      kLastWriteWasAsync?: number;
    };
    if (
      typeof tcp.TCP !== 'function' ||
      typeof tcp.TCPConnectWrap !== 'function' ||
      typeof stream.WriteWrap !== 'function' ||
      !(stream.streamBaseState instanceof Int32Array) ||
      typeof stream.kReadBytesOrError !== 'number' ||
      typeof tcp.constants?.SOCKET !== 'number'
    ) {
      return null;
    }
    const proto = (tcp.TCP as { prototype: Record<string, unknown> }).prototype;
    for (const m of ['connect', 'connect6', 'readStart', 'useUserBuffer', 'writeBuffer', 'close', 'setNoDelay']) {
      if (typeof proto[m] !== 'function') return null;
    }
    return {
      TCP: tcp.TCP as Bindings['TCP'],
      TCPConnectWrap: tcp.TCPConnectWrap as Bindings['TCPConnectWrap'],
      WriteWrap: stream.WriteWrap as Bindings['WriteWrap'],
      socketType: tcp.constants.SOCKET,
      state: stream.streamBaseState,
      kReadBytesOrError: stream.kReadBytesOrError,
      kLastWriteWasAsync: typeof stream.kLastWriteWasAsync === 'number' ? stream.kLastWriteWasAsync : -1,
    };
  } catch {
    return null;
  }
}

const B = process.env['GB_NO_RAW_TCP'] === '1' ? null : loadBindings();

/** Whether this Node offers the raw handle gb can use. */
export const rawTcpAvailable = B !== null;

/** Every raw socket of the thread reads into this buffer: each read is handled before the next. */
const RECEIVE_BUFFER = new Uint8Array(64 * 1024);

function onRead(this: TcpHandle): void {
  const socket = this.owner;
  if (socket === null || B === null) return;
  const n = B.state[B.kReadBytesOrError]!;
  if (n > 0) socket.handler.onData(socket, RECEIVE_BUFFER, n);
  else if (n < 0) socket.ended(n);
}

function ignoreRead(): void {}

function onConnected(this: ConnectReq & { socket: RawTcpSocket }, status: number): void {
  this.socket.connected(status);
}

function onWritten(this: WriteReq, status: number): void {
  const socket = this.handle.owner;
  if (socket === null) return;
  socket.writeEnded(status >= 0);
  if (status < 0) socket.failed(status, true);
}

export class RawTcpSocket implements ClientSocket {
  handler: SocketHandler;
  readonly #handle: TcpHandle;
  #closed = false;
  /** Writes the kernel has not taken in full yet: an error while one waits means that write failed. */
  #pendingWrites = 0;
  /** The request object of the last write, when that write finished at once: free for the next. */
  #spareWrite: WriteReq | null = null;

  /** Opens a connection; the handler hears of it (or of its failure) asynchronously. */
  constructor(address: string, port: number, ipv6: boolean, localAddress: string | null, handler: SocketHandler) {
    if (B === null) throw new Error('raw TCP is not available');
    this.handler = handler;
    const h = new B.TCP(B.socketType);
    this.#handle = h;
    h.owner = this;
    h.onread = onRead;
    const req = new B.TCPConnectWrap() as ConnectReq & { socket: RawTcpSocket };
    req.socket = this;
    req.oncomplete = onConnected;
    let err = 0;
    if (localAddress !== null) err = ipv6 ? h.bind6(localAddress, 0, 0) : h.bind(localAddress, 0);
    if (err === 0) err = ipv6 ? h.connect6(req, address, port) : h.connect(req, address, port);
    // A synchronous failure is still reported asynchronously, as net.Socket does.
    if (err !== 0) queueMicrotask(() => this.failed(err));
  }

  /** Part of the binding's callbacks; not for callers. */
  connected(status: number): void {
    if (this.#closed) return;
    if (status < 0) {
      this.failed(status);
      return;
    }
    const h = this.#handle;
    h.setNoDelay(true);
    h.useUserBuffer(RECEIVE_BUFFER);
    const err = h.readStart();
    if (err < 0) {
      this.failed(err);
      return;
    }
    this.handler.onConnect(this);
  }

  /** Part of the binding's callbacks: a negative read result, EOF or an error. */
  ended(status: number): void {
    if (this.#closed) return;
    // After the peer's FIN there is nothing left to read: close, and onClose tells the handler.
    if (status === UV_EOF) {
      this.destroy();
    } else {
      this.failed(status);
    }
  }

  /**
   * Part of the binding's callbacks. libuv reads before it writes, so a reset usually surfaces as a
   * read error first; a write still waiting then failed with it (ab's Write errors).
   */
  failed(status: number, inWrite = false): void {
    if (this.#closed) return;
    const name = getSystemErrorName(status);
    this.handler.onError(this, socketFailureCode(name), inWrite || this.#pendingWrites > 0, name);
    this.destroy();
  }

  /** Part of the binding's callbacks: an asynchronous write finished, well or not. */
  writeEnded(ok: boolean): void {
    this.#pendingWrites--;
    if (ok && this.#pendingWrites === 0 && !this.#closed) this.handler.onWritten?.(this);
  }

  get backlogged(): boolean {
    return this.#pendingWrites > 0;
  }

  write(bytes: Buffer): boolean {
    if (this.#closed || B === null) return true;
    let req = this.#spareWrite;
    if (req === null) {
      req = new B.WriteWrap();
      req.handle = this.#handle;
      req.oncomplete = onWritten;
    } else {
      this.#spareWrite = null;
    }
    req.async = false;
    const err = this.#handle.writeBuffer(req, bytes);
    if (err < 0) {
      queueMicrotask(() => this.failed(err, true));
      return false;
    }
    // A Node that does not say whether the write finished at once is assumed to hold the bytes.
    if (B.kLastWriteWasAsync < 0) return false;
    if (B.state[B.kLastWriteWasAsync] === 0) {
      // Written at once: Node returns before it ties a native write to the request object, so the
      // next write may use it again (one object per write was most of what remained per request).
      this.#spareWrite = req;
      return true;
    }
    this.#pendingWrites++;
    return false;
  }

  destroy(): void {
    if (this.#closed) return;
    this.#closed = true;
    const h = this.#handle;
    h.onread = ignoreRead; // the binding insists on a function here
    h.close(() => {
      h.owner = null;
      this.handler.onClose(this);
    });
  }

  alpnProtocol(): string | null {
    return null;
  }

  tlsInfo(): TlsInfo | null {
    return null;
  }
}
