// The gRPC row's peer client (bench/grpc-unary.ts): @grpc/grpc-js making the unary calls gb makes. --connections
// channels of their own, --streams calls in flight on each, --count calls in all.
// usage: node grpc-client.js --port P -c 10 -m 10 -n 100000 [--message NAME]

import { credentials, type Client, type ServiceError } from '@grpc/grpc-js';
import { clientArgs, printReport } from './common.js';
import { greeterService } from './grpc.js';

type SayHello = (request: { name: string }, done: (error: ServiceError | null, reply?: { message?: string }) => void) => void;

const args = clientArgs(process.argv.slice(2));
const Greeter = greeterService();
const request = { name: args.message };
const expected = `Hello ${args.message}`;
let started = 0;
let completed = 0;
let failed = 0;
let running = 0;
const clients: Client[] = [];
const startedMs = performance.now();

function finish(): void {
  printReport(completed, failed, performance.now() - startedMs);
  for (const client of clients) client.close();
  process.exit(failed > 0 || completed < args.count ? 1 : 0);
}

/** One of a channel's loops: a call, and on its answer the next, until the shared count is all started. */
function loop(sayHello: SayHello): void {
  if (started >= args.count) {
    if (--running === 0) finish();
    return;
  }
  started++;
  sayHello(request, (error, reply) => {
    if (error === null && reply?.message === expected) completed++;
    else failed++;
    loop(sayHello);
  });
}

for (let i = 0; i < args.connections; i++) {
  // Without a local pool, grpc-js would share one subchannel (one TCP connection) among clients of the same target.
  const client = new Greeter(`127.0.0.1:${args.port}`, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  clients.push(client);
  const sayHello = (client as unknown as { SayHello: SayHello }).SayHello.bind(client);
  for (let s = 0; s < args.streams; s++) {
    running++;
    loop(sayHello);
  }
}
