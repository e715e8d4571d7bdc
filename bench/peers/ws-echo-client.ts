// The WebSocket row's peer client (bench/ws-echo.ts): the `ws` package doing what gb's echo load does. Each of
// --connections WebSockets sends --message and waits for its echo before the next, --count round trips in all.
// usage: node ws-echo-client.js --port P -c 50 -n 100000 [--message hello]

import WebSocket from 'ws';
import { clientArgs, printReport } from './common.js';

const args = clientArgs(process.argv.slice(2));
const url = `ws://127.0.0.1:${args.port}/`;
const expectedBytes = Buffer.byteLength(args.message);
let sent = 0;
let completed = 0;
let failed = 0;
let open = 0;
const startedMs = performance.now();

const finish = (): void => {
  printReport(completed, failed, performance.now() - startedMs);
  process.exit(failed > 0 || completed < args.count ? 1 : 0);
};

/** Sends the next message of the shared count, or closes this socket when the count is all sent. */
function next(socket: WebSocket): void {
  if (sent >= args.count) {
    socket.close();
    return;
  }
  sent++;
  socket.send(args.message);
}

for (let i = 0; i < Math.min(args.connections, args.count); i++) {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  open++;
  socket.on('open', () => next(socket));
  socket.on('message', (data) => {
    // Only its length is checked: decoding it to a string would cost more than the echo itself.
    if (Buffer.isBuffer(data) && data.length === expectedBytes) completed++;
    else failed++;
    next(socket);
  });
  socket.on('error', () => {
    failed++;
    socket.terminate();
  });
  socket.on('close', () => {
    if (--open === 0) finish();
  });
}
