// gb grpc --reflect: the method's .proto descriptors asked of the server (grpc.reflection.v1.ServerReflection,
// else v1alpha), over node:http2 once before the run: the run itself goes over gb's own HTTP/2.

import type { IncomingHttpHeaders } from 'node:http';
import { connect, constants, type ClientHttp2Session } from 'node:http2';
import type * as Protobuf from 'protobufjs';
import { err, ok, type Result } from '../result.js';
import { lengthPrefixed } from './methods.js';
import { protobufjs } from './proto-files.js';

const SERVICES = ['grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection'];
const TIMEOUT_MS = 10_000;
const UNIMPLEMENTED = 12;

/** The reflection protocol's messages, as much of them as gb asks and reads (field numbers as reflection.proto gives them). */
const REFLECTION_JSON = {
  nested: {
    Request: {
      fields: {
        host: { type: 'string', id: 1 },
        fileByFilename: { type: 'string', id: 3 },
        fileContainingSymbol: { type: 'string', id: 4 },
      },
    },
    Response: {
      fields: { fileDescriptorResponse: { type: 'FileDescriptors', id: 4 }, errorResponse: { type: 'Error', id: 7 } },
    },
    FileDescriptors: { fields: { fileDescriptorProto: { rule: 'repeated', type: 'bytes', id: 1 } } },
    Error: { fields: { errorCode: { type: 'int32', id: 1 }, errorMessage: { type: 'string', id: 2 } } },
  },
};

interface DescriptorTypes {
  readonly FileDescriptorProto: Protobuf.Type;
}

interface Answer {
  readonly grpcStatus: number;
  readonly grpcMessage: string;
  readonly body: Buffer;
}

/** One reflection call with one request message: its answer's body and grpc-status. */
function ask(session: ClientHttp2Session, service: string, message: Uint8Array): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      [constants.HTTP2_HEADER_METHOD]: 'POST',
      [constants.HTTP2_HEADER_PATH]: `/${service}/ServerReflectionInfo`,
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    const chunks: Buffer[] = [];
    let headers: IncomingHttpHeaders = {};
    stream.on('response', (h) => (headers = { ...h }));
    stream.on('trailers', (t: IncomingHttpHeaders) => (headers = { ...headers, ...t }));
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', reject);
    stream.on('end', () =>
      resolve({
        grpcStatus: Number(headers['grpc-status'] ?? 2),
        grpcMessage: [headers['grpc-message'] ?? ''].flat().join(),
        body: Buffer.concat(chunks),
      }),
    );
    stream.end(lengthPrefixed([message]));
  });
}

/** The length-prefixed messages of a body. */
function messagesOf(body: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at + 5 <= body.length;) {
    const n = body.readUInt32BE(at + 1);
    out.push(body.subarray(at + 5, at + 5 + n));
    at += 5 + n;
  }
  return out;
}

/** Every file that defines `symbol` and the files it imports, as a protobufjs Root. */
export async function reflectService(url: string, symbol: string): Promise<Result<Protobuf.Root, string>> {
  const pb = await protobufjs();
  // Importing the extension is what gives Root its fromDescriptor().
  const ext = (await import('protobufjs/ext/descriptor.js')) as unknown as { default?: DescriptorTypes } & DescriptorTypes;
  const descriptor = ext.default ?? ext;
  const types = pb.Root.fromJSON(REFLECTION_JSON);
  const Request = types.lookupType('Request');
  const Response = types.lookupType('Response');
  const session = connect(url, { rejectUnauthorized: false });
  const timer = setTimeout(() => session.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
  try {
    let service: string | null = null;
    const files = new Map<string, Uint8Array>();
    const wanted: { fileContainingSymbol?: string; fileByFilename?: string }[] = [{ fileContainingSymbol: symbol }];
    while (wanted.length > 0) {
      const request = Request.encode(Request.fromObject(wanted.shift()!)).finish();
      let answer: Answer | null = null;
      const candidates: readonly string[] = service === null ? SERVICES : [service];
      for (const candidate of candidates) {
        answer = await ask(session, candidate, request);
        if (answer.grpcStatus !== UNIMPLEMENTED) {
          service = candidate;
          break;
        }
      }
      if (answer === null || answer.grpcStatus !== 0)
        return err(
          `--reflect: the server offers no reflection (${answer?.grpcStatus ?? '?'}: ${decodeURIComponent(answer?.grpcMessage ?? '')})`,
        );
      for (const m of messagesOf(answer.body)) {
        const r = Response.toObject(Response.decode(m), { bytes: Array }) as {
          fileDescriptorResponse?: { fileDescriptorProto?: number[][] };
          errorResponse?: { errorCode?: number; errorMessage?: string };
        };
        if (r.errorResponse !== undefined) return err(`--reflect: the server knows no ${symbol} (${r.errorResponse.errorMessage ?? ''})`);
        for (const bytes of r.fileDescriptorResponse?.fileDescriptorProto ?? []) {
          const file = descriptor.FileDescriptorProto.decode(Uint8Array.from(bytes)) as unknown as { name: string; dependency: string[] };
          files.set(file.name, Uint8Array.from(bytes));
          for (const dep of file.dependency)
            if (!files.has(dep) && !wanted.some((w) => w.fileByFilename === dep)) wanted.push({ fileByFilename: dep });
        }
      }
    }
    // A FileDescriptorSet is its files as field 1, each length-delimited: built from the bytes as they came.
    const set = Buffer.concat([...files.values()].map((f) => Buffer.concat([Buffer.from([0x0a]), varint(f.byteLength), f])));
    return ok(pb.Root.fromDescriptor(set, { keepCase: true }));
  } catch (e) {
    return err(`--reflect: cannot ask ${url}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  } finally {
    clearTimeout(timer);
    session.close();
  }
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}
