// The WebSocket and gRPC rows (issue 23's cost targets): gb's client CPU per echoed message against a `ws`-package
// client, and per unary call against an @grpc/grpc-js client and h2load, each on a peer server pinned to the server CPU.

import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { gbGrpcUnaryArgv, gbWsEchoArgv } from './gb-argv.js';
import { runPeerRow, type PeerRowSpec, type RowClient, type RowResult } from './peer-rows.js';
import { HELLO_PROTO } from './peers/common.js';
import type { RunRecord } from './record.js';
import { CONNECTIONS, type Options } from './settings.js';

const PEERS = join(dirname(fileURLToPath(import.meta.url)), 'peers');
const versionOf = (pkg: string): string => (createRequire(import.meta.url)(`${pkg}/package.json`) as { version: string }).version;

/** The WebSocket row's load: the text message of issue 23's example, one in flight per connection. */
const WS_MESSAGE = 'hello';
/** The gRPC row's load: 10 connections x 10 streams, as the h2c scenario rows. */
const GRPC = { connections: 10, streams: 10, call: 'bench.Greeter/SayHello', request: { name: 'bench' } } as const;

/**
 * Counts sized for a few seconds a run on a 2-core box; --quick divides them by 4 or so. gb's start-up
 * (Node, the bundle, protobufjs and the .proto: about 0.14 s of CPU, against h2load's 0) is in its
 * figure, so its calls are enough for that to be a small part of it: about 0.5 µs a call at 300 000.
 */
function counts(quick: boolean): { wsMessages: number; grpcCalls: number; grpcJsCalls: number } {
  // grpc-js spends about 25x h2load's CPU a call: its own count keeps its runs as short as the others', and its start-up is small beside it.
  return quick
    ? { wsMessages: 50_000, grpcCalls: 25_000, grpcJsCalls: 10_000 }
    : { wsMessages: 200_000, grpcCalls: 300_000, grpcJsCalls: 30_000 };
}

interface RowInputs {
  readonly options: Options;
  readonly gbMain: string;
  readonly h2load: string | null;
  readonly scratchDir: string;
}

function wsRow(x: RowInputs): PeerRowSpec {
  const messages = counts(x.options.quick).wsMessages;
  const peer = (count: number, port: number): RowClient => ({
    key: 'ws',
    tool: 'ws',
    title: `ws ${versionOf('ws')} client, -c ${CONNECTIONS}, ${count.toLocaleString('en-US')} messages`,
    count,
    command: {
      argv: [process.execPath, join(PEERS, 'ws-echo-client.js'), '--port', String(port), '-c', String(CONNECTIONS), '-n', String(count)],
      jsonPath: null,
    },
  });
  return {
    id: 'ws',
    title: `WebSocket echo ("${WS_MESSAGE}", each of ${CONNECTIONS} connections awaits its echo before the next)`,
    unit: 'msg',
    serverScript: join(PEERS, 'ws-echo-server.js'),
    serverName: 'ws echo server',
    versions: `ws ${versionOf('ws')}`,
    plan: (port) => {
      const jsonPath = join(x.scratchDir, 'gb-ws.json');
      const load = { gbMain: x.gbMain, port, connections: CONNECTIONS, messages, message: WS_MESSAGE, jsonPath };
      const gb: RowClient = {
        key: 'gb',
        tool: 'gb',
        title: `gb ws:// --echo, -c ${CONNECTIONS}, ${messages.toLocaleString('en-US')} messages`,
        count: messages,
        command: { argv: gbWsEchoArgv(load), jsonPath },
      };
      return { clients: [gb, peer(messages, port)], warmup: peer(20_000, port), comparisons: [{ a: 'gb', b: 'ws', target: '0.5x' }] };
    },
  };
}

/** The length-prefixed gRPC message h2load sends as its body: flag 0, 4-byte big-endian length, the protobuf bytes. */
function writeGrpcRequest(path: string): void {
  const type = protobuf.loadSync(HELLO_PROTO).lookupType('bench.HelloRequest');
  const message = type.encode(type.fromObject(GRPC.request)).finish();
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  writeFileSync(path, frame);
}

function grpcRow(x: RowInputs): PeerRowSpec {
  const n = counts(x.options.quick);
  const { connections, streams } = GRPC;
  const shape = `-c ${connections} x${streams}`;
  const grpcJs = (count: number, port: number): RowClient => ({
    key: 'grpc-js',
    tool: 'grpc-js',
    title: `@grpc/grpc-js client, ${shape}, ${count.toLocaleString('en-US')} calls`,
    count,
    command: {
      argv: [
        process.execPath,
        join(PEERS, 'grpc-client.js'),
        '--port',
        String(port),
        '-c',
        String(connections),
        '-m',
        String(streams),
      ].concat(['-n', String(count), '--message', GRPC.request.name]),
      jsonPath: null,
    },
  });
  const requestFile = join(x.scratchDir, 'grpc-request.bin');
  return {
    id: 'grpc',
    title: `gRPC unary (${GRPC.call}, ${JSON.stringify(GRPC.request)}, h2c, ${connections} connections x ${streams} streams)`,
    unit: 'call',
    serverScript: join(PEERS, 'grpc-server.js'),
    serverName: '@grpc/grpc-js server',
    versions: `@grpc/grpc-js ${versionOf('@grpc/grpc-js')}, @grpc/proto-loader ${versionOf('@grpc/proto-loader')}`,
    plan: (port) => {
      writeGrpcRequest(requestFile);
      const jsonPath = join(x.scratchDir, 'gb-grpc.json');
      const load = {
        gbMain: x.gbMain,
        port,
        protoPath: HELLO_PROTO,
        call: GRPC.call,
        data: JSON.stringify(GRPC.request),
        connections,
        streams,
        calls: n.grpcCalls,
        jsonPath,
      };
      const gb: RowClient = {
        key: 'gb',
        tool: 'gb',
        title: `gb grpc, ${shape}, ${n.grpcCalls.toLocaleString('en-US')} calls`,
        count: n.grpcCalls,
        command: { argv: gbGrpcUnaryArgv(load), jsonPath },
      };
      const h2load: RowClient = {
        key: 'h2load',
        tool: 'h2load',
        title: `h2load -d (the same request), ${shape}, ${n.grpcCalls.toLocaleString('en-US')} calls`,
        count: n.grpcCalls,
        command:
          x.h2load === null
            ? null
            : {
                argv: [
                  x.h2load,
                  '-d',
                  requestFile,
                  '-H',
                  'content-type: application/grpc',
                  '-H',
                  'te: trailers',
                  '-c',
                  String(connections),
                ].concat(['-m', String(streams), '-n', String(n.grpcCalls), `http://127.0.0.1:${port}/${GRPC.call}`]),
                jsonPath: null,
              },
      };
      return {
        clients: [grpcJs(n.grpcJsCalls, port), gb, h2load],
        warmup: grpcJs(5_000, port),
        comparisons: [
          { a: 'gb', b: 'grpc-js', target: '0.3x' },
          { a: 'gb', b: 'h2load', target: '1.3x' },
        ],
      };
    },
  };
}

/** --only ws, --only grpc, or (a full run) both. */
export async function runWsGrpc(x: RowInputs, records: RunRecord[]): Promise<RowResult> {
  const only = x.options.only;
  const specs = [wsRow(x), grpcRow(x)].filter((spec) => only === null || only === spec.id);
  const lines: string[] = [];
  const json: Record<string, unknown> = {};
  for (const spec of specs) {
    const row = await runPeerRow(spec, x.options, x.scratchDir, records);
    lines.push(...row.lines);
    json[spec.id] = row.json;
  }
  return { lines, json };
}
