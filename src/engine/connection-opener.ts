// How an engine opens its connections: the transport's settings for HTTP/1.x or HTTP/2, built once per run from the config.

import type { Config } from '../config/config.js';
import { Connection, type ConnectionIo, type Endpoint } from '../transport/connection.js';
import type { ConnectionOwner, LoadConnection } from '../transport/exchange.js';
import { buildH2Request } from '../transport/h2-request.js';
import { Http2Connection } from '../transport/http2-connection.js';
import { buildBursts, buildRequest } from '../transport/request.js';
import type { ScriptRunner } from './script-runner.js';
import type { TargetSequence } from './target-sequence.js';
import { WsConnection, type WsObserver } from '../transport/ws-connection.js';
import { upgradeTemplate } from '../transport/ws-handshake.js';

/** Where an engine's requests come from, and what its connections keep of each response. */
export interface RequestParts {
  /** --targets: which request each send carries; null when every request is the URL's. */
  readonly sequence: TargetSequence | null;
  /** --script, already set up: its request() (when exported) builds each request instead. */
  readonly script: ScriptRunner | null;
  /** -v 2 and up with someone to hand each response's status and header block to. */
  readonly headsWanted: boolean;
  /** A WebSocket run: where its connections count handshakes, messages and closes now (the engine's current recorder). */
  readonly websocket: () => WsObserver | null;
}

/** Counts nothing: the recorder of a run that is not a WebSocket one has no WsStats. */
const UNCOUNTED: WsObserver = { opened() {}, openFailed() {}, sent() {}, received() {}, closed() {}, pingAnswered() {} };

/** A function that opens one more connection with the run's settings, shared by every connection. */
export function connectionOpener(
  config: Config,
  version: string,
  endpoint: Endpoint,
  owner: ConnectionOwner<LoadConnection>,
  io: ConnectionIo,
  parts: RequestParts,
): () => LoadConnection {
  const { script } = parts;
  const scripted = script?.makesRequests === true;
  // With --targets or a script, each request (or stream) is taken from there, over HTTP/1.1 and HTTP/2 alike.
  const source = scripted ? script : parts.sequence;
  const isHead = config.method === 'HEAD';
  const measureUncorrected = config.schedule.kind === 'rate';
  const captureHead = parts.headsWanted || script?.checksResponses === true;
  const captureBodyBytes = script?.bodyBytes ?? -1;
  const ws = config.websocket;
  if (ws !== null) {
    const observed = parts.websocket;
    const settings = {
      upgrade: upgradeTemplate(config, version),
      message: ws.message,
      binary: ws.binary,
      slots: config.pipeline,
      measureUncorrected,
      observer: () => observed() ?? UNCOUNTED,
    };
    return () => new WsConnection(endpoint, owner, settings, io);
  }
  if (config.http2) {
    const request = buildH2Request(config, version).frames;
    const bodies = request.body !== null || config.targets?.list.some((t) => t.body !== null && t.body.byteLength > 0) === true || scripted;
    const grpc = config.grpc !== null;
    const h2 = { request, source, bodies, streams: config.pipeline, isHead, measureUncorrected, captureHead, captureBodyBytes, grpc };
    return () => new Http2Connection(endpoint, owner, h2, io);
  }
  const bursts = buildBursts(buildRequest(config, version), config.pipeline);
  const settings = {
    source,
    bursts,
    pipeline: config.pipeline,
    isHead,
    keepAlive: config.keepAlive,
    measureUncorrected,
    captureHead,
    captureBodyBytes,
  };
  return () => new Connection(endpoint, owner, settings, io);
}
