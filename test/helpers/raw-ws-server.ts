// A WebSocket server by hand on node:net, for the answers a real one never gives: wrong accept keys, odd statuses,
// frames split anywhere, frames too large, closes in the middle of a message.

import { createHash } from 'node:crypto';
import type net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { listenLoopback } from './loopback.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export function acceptOf(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}

/** The correct 101 for a client's key. */
export function switching(key: string): string {
  return `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptOf(key)}\r\n\r\n`;
}

/** An unmasked server frame. */
export function frame(opcode: number, payload: Uint8Array, fin = true): Buffer {
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0, n]) : n < 65_536 ? Buffer.from([0, 126, n >> 8, n & 0xff]) : Buffer.alloc(10);
  if (n >= 65_536) {
    head[1] = 127;
    head.writeUInt32BE(Math.floor(n / 2 ** 32), 2);
    head.writeUInt32BE(n >>> 0, 6);
  }
  head[0] = (fin ? 0x80 : 0) | opcode;
  return Buffer.concat([head, payload]);
}

export interface RawWsOptions {
  /** The handshake answer for the client's key; default the correct 101. */
  readonly answer?: (key: string) => string;
  /**
   * What to write for message `index` (0-based, over every connection) carrying `payload`: chunks
   * written one after another with a pause between, so each arrives on its own; 'destroy' after them
   * resets the connection. Default: the echo, in one write.
   */
  readonly reply?: (index: number, payload: Buffer) => readonly (Buffer | 'destroy')[];
}

export interface RawWsServer {
  readonly url: string;
  /** Upgrade requests seen. */
  handshakes(): number;
  /** Data messages received (Close frames are not counted). */
  messages(): number;
  /** The headers of the first upgrade request, lower-cased names. */
  firstRequest(): string;
  close(): Promise<void>;
}

/** Reads the client's masked frames from `pending`; returns the unread rest. */
function readFrames(pending: Buffer, onFrame: (opcode: number, payload: Buffer) => void): Buffer {
  let rest = pending;
  for (;;) {
    if (rest.length < 2) return rest;
    const len7 = rest[1]! & 0x7f;
    const at = len7 === 126 ? 4 : len7 === 127 ? 10 : 2;
    if (rest.length < at + 4) return rest;
    const length = len7 === 126 ? rest.readUInt16BE(2) : len7 === 127 ? rest.readUInt32BE(6) : len7;
    if (rest.length < at + 4 + length) return rest;
    const key = rest.subarray(at, at + 4);
    const payload = Buffer.from(rest.subarray(at + 4, at + 4 + length));
    for (let i = 0; i < payload.length; i++) payload[i]! ^= key[i % 4]!;
    onFrame(rest[0]! & 0x0f, payload);
    rest = rest.subarray(at + 4 + length);
  }
}

async function write(socket: net.Socket, chunks: readonly (Buffer | 'destroy')[]): Promise<void> {
  for (const [i, chunk] of chunks.entries()) {
    if (i > 0) await sleep(5);
    if (chunk === 'destroy') socket.destroy();
    else if (!socket.destroyed) socket.write(chunk);
  }
}

export async function startRawWsServer(options: RawWsOptions = {}): Promise<RawWsServer> {
  let handshakes = 0;
  let messages = 0;
  let first = '';
  const server = await listenLoopback((socket) => {
    socket.setNoDelay(true);
    let pending: Buffer = Buffer.alloc(0);
    let open = false;
    // Replies go out in order, each after the last one's pauses.
    let queue = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      if (!open) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = pending.toString('latin1', 0, end);
        pending = pending.subarray(end + 4);
        handshakes++;
        if (first === '') first = head;
        const key = /\r\nsec-websocket-key: *([^\r\n]*)/i.exec(head)?.[1] ?? '';
        socket.write((options.answer ?? switching)(key));
        open = true;
      }
      pending = readFrames(pending, (opcode, payload) => {
        if (opcode === 0x8) return;
        const index = messages++;
        const chunks = options.reply?.(index, payload) ?? [frame(opcode, payload)];
        queue = queue.then(() => write(socket, chunks));
      });
    });
  });
  return {
    url: `ws://127.0.0.1:${server.port}/`,
    handshakes: () => handshakes,
    messages: () => messages,
    firstRequest: () => first,
    close: () => server.close(),
  };
}
