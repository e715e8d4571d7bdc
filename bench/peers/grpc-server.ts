// The gRPC row's server (bench/grpc-unary.ts): @grpc/grpc-js serving bench.Greeter/SayHello on h2c.
// usage: node grpc-server.js  (prints "listening on PORT"; on SIGTERM, the count of calls it answered)

import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { greeterService } from './grpc.js';
import { serveUntilSignal } from './common.js';

let answered = 0;
const server = new Server();
server.addService(greeterService().service, {
  SayHello: (call: ServerUnaryCall<{ name?: string }, { message: string }>, reply: sendUnaryData<{ message: string }>) => {
    answered++;
    reply(null, { message: `Hello ${call.request.name ?? ''}` });
  },
});
server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
  if (error !== null) throw error;
  serveUntilSignal(
    port,
    () => answered,
    () => server.forceShutdown(),
  );
});
