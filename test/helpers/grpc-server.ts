// A real gRPC server for gb grpc's tests: @grpc/grpc-js serving test/grpc/echo.proto on 127.0.0.1 in clear text
// (h2c), counting every call it received and every message, so a test can hold gb's counts to the server's.

import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** build/test/helpers/ → the repository's test/grpc/. */
export const ECHO_PROTO = fileURLToPath(new URL('../../../test/grpc/echo.proto', import.meta.url));
export const PROTO_INCLUDE = fileURLToPath(new URL('../../../test/grpc/include', import.meta.url));

export interface EchoServer {
  readonly port: number;
  /** Calls by method name, and request messages received in all. */
  readonly calls: Map<string, number>;
  readonly messagesIn: { count: number };
  /** The metadata of the last call (gb's -H). */
  readonly lastMetadata: { value: grpc.Metadata | null };
  close(): Promise<void>;
}

interface EchoRequest {
  text: string;
  repeat?: number;
  status?: number;
}

export async function startEchoServer(options: { reflection?: boolean } = {}): Promise<EchoServer> {
  const definition = protoLoader.loadSync(ECHO_PROTO, { includeDirs: [PROTO_INCLUDE] });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as { gbtest: { Echo: grpc.ServiceClientConstructor } };
  const server = new grpc.Server();
  const calls = new Map<string, number>();
  const messagesIn = { count: 0 };
  const lastMetadata: { value: grpc.Metadata | null } = { value: null };
  const count = (name: string, md: grpc.Metadata): void => {
    calls.set(name, (calls.get(name) ?? 0) + 1);
    lastMetadata.value = md;
  };
  server.addService(pkg.gbtest.Echo.service, {
    Say: (call: grpc.ServerUnaryCall<EchoRequest, unknown>, done: grpc.sendUnaryData<unknown>) => {
      count('Say', call.metadata);
      messagesIn.count++;
      done(null, { text: call.request.text });
    },
    Fail: (call: grpc.ServerUnaryCall<EchoRequest, unknown>, done: grpc.sendUnaryData<unknown>) => {
      count('Fail', call.metadata);
      messagesIn.count++;
      // proto-loader leaves a field at its default out of the object: no status is OK.
      const code = call.request.status ?? 0;
      if (code === 0) done(null, { text: 'ok' });
      else done({ code, details: `asked for ${code}` }, null);
    },
    Slow: (call: grpc.ServerUnaryCall<EchoRequest, unknown>, done: grpc.sendUnaryData<unknown>) => {
      count('Slow', call.metadata);
      messagesIn.count++;
      setTimeout(() => done(null, { text: 'late' }), call.request.repeat ?? 0);
    },
    Expand: (call: grpc.ServerWritableStream<EchoRequest, unknown>) => {
      count('Expand', call.metadata);
      messagesIn.count++;
      for (let k = 0; k < (call.request.repeat ?? 0); k++) call.write({ text: `${call.request.text}${k}` });
      call.end();
    },
    Collect: (call: grpc.ServerReadableStream<EchoRequest, unknown>, done: grpc.sendUnaryData<unknown>) => {
      count('Collect', call.metadata);
      let n = 0;
      call.on('data', () => {
        n++;
        messagesIn.count++;
      });
      call.on('end', () => done(null, { text: String(n) }));
    },
    Chat: (call: grpc.ServerDuplexStream<EchoRequest, unknown>) => {
      count('Chat', call.metadata);
      call.on('data', (m: EchoRequest) => {
        messagesIn.count++;
        call.write({ text: m.text });
      });
      call.on('end', () => call.end());
    },
  });
  if (options.reflection === true) {
    const { ReflectionService } = await import('@grpc/reflection');
    new ReflectionService(definition).addToServer(server);
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e === null ? resolve(p) : reject(e))),
  );
  return {
    port,
    calls,
    messagesIn,
    lastMetadata,
    close: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}
