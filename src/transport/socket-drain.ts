// Sockets a connection has let go of: those it discards, and those it leaves for the server to close.

import type { ClientSocket, SocketHandler } from './client-socket.js';

function ignore(): void {}

/** Gets the events of a socket its connection gave up on: there is nothing left to hear. */
const DISCARDED: SocketHandler = { onConnect: ignore, onData: ignore, onError: ignore, onClose: ignore };

// A socket the server is about to close (Connection: close) is left to close itself, so the
// TIME_WAIT state lands on the server as with ab. Each is kept with the time it was released.
const draining = new Map<ClientSocket, number>();
const DRAINING: SocketHandler = {
  onConnect: ignore,
  onData: ignore,
  onError: ignore,
  onClose: (socket) => draining.delete(socket),
};

/**
 * How long a server that announced its close may take to make it. One that never does would
 * otherwise hold a socket per response until the run ends, and a long run would run out of them.
 */
export const DRAIN_TIMEOUT_MS = 1000;

/** Closes `socket` now; none of its events reach anyone after this. */
export function discardSocket(socket: ClientSocket): void {
  socket.handler = DISCARDED;
  socket.destroy();
}

/** Leaves `socket` for its server to close, released at `nowMs`. */
export function releaseSocket(socket: ClientSocket, nowMs: number): void {
  socket.handler = DRAINING;
  draining.set(socket, nowMs);
}

/**
 * Destroys sockets released before `nowMs − DRAIN_TIMEOUT_MS` (all of them with Infinity, when a
 * run ends). The engine's timeout sweep calls it: a timer per socket would cost more than the socket.
 */
export function destroyDrainingSockets(nowMs = Number.POSITIVE_INFINITY): void {
  for (const [socket, releasedMs] of draining) {
    // The Map keeps insertion order, so the first socket still young ends the sweep.
    if (nowMs - releasedMs < DRAIN_TIMEOUT_MS) break;
    discardSocket(socket);
    draining.delete(socket);
  }
}
