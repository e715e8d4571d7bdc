// The WebSocket row's echo server (bench/ws-echo.ts): the `ws` package's server sending back every message as it came.
// usage: node ws-echo-server.js  (prints "listening on PORT"; on SIGTERM, the count of messages it echoed)

import { WebSocketServer } from 'ws';
import { serveUntilSignal } from './common.js';

let echoed = 0;
// No compression, as neither client asks for it: the row measures framing, not deflate.
const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: false });
server.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => {
    echoed++;
    socket.send(data, { binary: isBinary });
  });
  // A client closing mid-send must not take the server down with it.
  socket.on('error', () => socket.terminate());
});
server.on('listening', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error(`unexpected address ${String(address)}`);
  serveUntilSignal(
    address.port,
    () => echoed,
    () => server.close(),
  );
});
