// A raw-socket HTTP/2 server for tests that need one to misbehave: it reads the client's frames and
// lets each test decide, stream by stream, what to answer (or not), counts what it saw, and keeps
// the frames gb sent, so a test can read gb's GOAWAY and RST_STREAM codes off the wire.

import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import {
  CLIENT_PREFACE,
  F_ACK,
  F_END_HEADERS,
  F_END_STREAM,
  FrameReader,
  SETTINGS_ACK,
  T_DATA,
  T_GOAWAY,
  T_HEADERS,
  T_RST_STREAM,
  T_SETTINGS,
  goawayFrame,
  readUint32,
  rstStreamFrame,
  settingsFrame,
  writeFrameHeader,
} from '../../src/transport/h2-frames.js';

export interface H2Peer {
  readonly socket: Socket;
  /** Streams whose HEADERS arrived on this connection. */
  streams: number;
  /** Answers with :status 200 (HPACK static index 8) and `body` as one DATA frame ending the stream. */
  respond(streamId: number, body?: string): void;
  reset(streamId: number, code: number): void;
  goaway(lastStreamId: number, code: number): void;
  /** Writes bytes as they are (frames built by the test, malformed on purpose). */
  send(...bytes: Buffer[]): void;
}

/** A frame gb sent, on the server's `connection`-th connection (from 1). DATA keeps no payload. */
export interface ReceivedFrame {
  readonly connection: number;
  readonly type: number;
  readonly flags: number;
  readonly streamId: number;
  readonly payload: Buffer;
}

export interface ReceivedGoaway {
  readonly connection: number;
  readonly lastStreamId: number;
  /** RFC 9113 §7's error code. */
  readonly code: number;
}

export interface ReceivedReset {
  readonly connection: number;
  readonly streamId: number;
  readonly code: number;
}

export interface H2ServerOptions {
  /** The server's SETTINGS (id, value). */
  readonly settings?: readonly (readonly [number, number])[];
  /** A stream's HEADERS arrived: `index` counts streams over every connection from 0. */
  readonly onStream: (peer: H2Peer, streamId: number, index: number) => void;
  /** Instead of HTTP/2: called with the socket when the preface arrives (e.g. to answer in HTTP/1.1). */
  readonly notHttp2?: (socket: Socket) => void;
  /** What the server says first instead of SETTINGS built from `settings` (a malformed SETTINGS, say). */
  readonly preface?: Buffer;
}

export interface H2RawServer {
  readonly url: string;
  /** HEADERS frames received (requests seen), DATA bytes received, RST_STREAM frames received, connections. */
  readonly seen: { requests: number; dataBytes: number; resets: number; connections: number; maxOpen: number; answered: number };
  /** Every frame gb sent after its preface, in order of arrival. */
  readonly received: readonly ReceivedFrame[];
  /** The GOAWAY frames gb sent, decoded. */
  goaways(): ReceivedGoaway[];
  /** The RST_STREAM frames gb sent, decoded. */
  resets(): ReceivedReset[];
  /** Resolves once every connection accepted so far has closed: all gb wrote on them has been read. */
  allClosed(): Promise<void>;
  close(): Promise<void>;
}

export async function startH2RawServer(options: H2ServerOptions): Promise<H2RawServer> {
  const seen = { requests: 0, dataBytes: 0, resets: 0, connections: 0, maxOpen: 0, answered: 0 };
  const received: ReceivedFrame[] = [];
  const sockets = new Set<Socket>();
  const whenAllClosed: (() => void)[] = [];
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0) for (const done of whenAllClosed.splice(0)) done();
    });
    socket.on('error', () => {});
    seen.connections++;
    const connection = seen.connections;
    const open = new Set<number>();
    const write = (bytes: Buffer): void => {
      if (!socket.destroyed) socket.write(bytes);
    };
    const peer: H2Peer = {
      socket,
      streams: 0,
      respond(streamId, body = 'ok') {
        open.delete(streamId);
        seen.answered++;
        const headers = Buffer.alloc(10);
        writeFrameHeader(headers, 0, 1, T_HEADERS, F_END_HEADERS, streamId);
        headers[9] = 0x88;
        const data = Buffer.alloc(9 + body.length);
        writeFrameHeader(data, 0, body.length, T_DATA, F_END_STREAM, streamId);
        data.write(body, 9, 'latin1');
        write(Buffer.concat([headers, data]));
      },
      reset(streamId, code) {
        open.delete(streamId);
        write(rstStreamFrame(streamId, code));
      },
      goaway(lastStreamId, code) {
        write(goawayFrame(lastStreamId, code));
      },
      send(...bytes) {
        write(Buffer.concat(bytes));
      },
    };
    const reader = new FrameReader({
      onFrame(type, flags, streamId, bytes, start, length) {
        received.push({ connection, type, flags, streamId, payload: Buffer.from(bytes.subarray(start, start + length)) });
        if (type === T_SETTINGS && (flags & F_ACK) === 0) write(SETTINGS_ACK);
        if (type === T_RST_STREAM) {
          seen.resets++;
          open.delete(streamId);
        }
        if (type === T_HEADERS) {
          seen.requests++;
          peer.streams++;
          open.add(streamId);
          seen.maxOpen = Math.max(seen.maxOpen, open.size);
          options.onStream(peer, streamId, seen.requests - 1);
        }
      },
      onDataFrame(streamId, flags, _length, dataLength) {
        received.push({ connection, type: T_DATA, flags, streamId, payload: Buffer.alloc(0) });
        seen.dataBytes += dataLength;
      },
      onFramingError(code, message) {
        throw new Error(`the client's frames did not parse: ${code} ${message}`);
      },
    });
    let preface = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      if (preface.length < CLIENT_PREFACE.length) {
        preface = Buffer.concat([preface, chunk]);
        if (preface.length < CLIENT_PREFACE.length) return;
        if (options.notHttp2 !== undefined) {
          options.notHttp2(socket);
          return;
        }
        write(options.preface ?? settingsFrame(options.settings ?? []));
        chunk = preface.subarray(CLIENT_PREFACE.length);
      }
      reader.feed(chunk, 0, chunk.length);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    received,
    goaways: () =>
      received
        .filter((f) => f.type === T_GOAWAY)
        .map((f) => ({ connection: f.connection, lastStreamId: readUint32(f.payload, 0) & 0x7fffffff, code: readUint32(f.payload, 4) })),
    resets: () =>
      received
        .filter((f) => f.type === T_RST_STREAM)
        .map((f) => ({ connection: f.connection, streamId: f.streamId, code: readUint32(f.payload, 0) })),
    allClosed: () => (sockets.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => whenAllClosed.push(resolve))),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
