// The recorders an engine records into (one for the warm-up, a fresh one when measuring begins that keeps what the warm-up learnt) and the endpoint rows they start with.

import { performance } from 'node:perf_hooks';
import type { Config } from '../config/config.js';
import type { ScriptRunner } from './script-runner.js';
import { EndpointStats } from '../metrics/endpoints.js';
import { GrpcStats } from '../metrics/grpc-stats.js';
import { Recorder, type ExchangeSink } from '../metrics/recorder.js';
import type { SharedLength } from '../metrics/shared-length.js';
import { Timeline } from '../metrics/timeline.js';
import { WsStats } from '../metrics/ws-stats.js';
import { transportFor, type TlsInfo } from '../transport/client-socket.js';

export interface RecorderSetting {
  readonly config: Config;
  /** The run's endpoint rows, whose names each new recorder starts with; null for a single URL. */
  readonly rows: EndpointStats | null;
  /** Live outputs are on (--out, --dashboard). */
  readonly live: boolean;
}

/** A fresh recorder whose timeline counts seconds from `nowMs` (workers' timelines align by wall clock). */
export function newRecorder(s: RecorderSetting, nowMs: number, sink: ExchangeSink | null, runLength: SharedLength | null): Recorder {
  const { config } = s;
  const endpoints = s.rows === null ? null : new EndpointStats(config.maxEndpoints, s.rows.names);
  const recorder = new Recorder(new Timeline(performance.timeOrigin + nowMs, nowMs), {
    sink,
    runLength,
    variableLength: config.variableLength,
    endpoints,
    live: s.live,
    websocket: config.websocket === null ? null : new WsStats(),
    grpc: config.grpc === null ? null : new GrpcStats(),
  });
  recorder.first.transport = transportFor(config.target.tls, config.unixSocket !== null);
  return recorder;
}

/**
 * The measured run's recorder. The server's name and TLS details were learnt in the warm-up, perhaps
 * on connections that will not reconnect, so they carry over; the document length is learnt afresh.
 */
export function measuringRecorder(
  warm: Recorder,
  s: RecorderSetting,
  nowMs: number,
  sink: ExchangeSink | null,
  runLength: SharedLength | null,
): Recorder {
  const recorder = newRecorder(s, nowMs, sink, runLength);
  const first = recorder.first;
  first.serverSoftware = warm.first.serverSoftware;
  first.tlsProtocol = warm.first.tlsProtocol;
  first.tlsTempKey = warm.first.tlsTempKey;
  first.tlsServerName = warm.first.tlsServerName;
  return recorder;
}

/** The endpoint rows of a run (--targets, a script), or null: without either, every request is the URL's and there are none. */
export function endpointRows(config: Config, script: ScriptRunner | null): EndpointStats | null {
  if (config.targets !== null)
    return new EndpointStats(
      config.maxEndpoints,
      config.targets.list.map((t) => t.name),
    );
  if (script === null) return null;
  // A script's request() names its rows as it goes.
  return new EndpointStats(config.maxEndpoints, script.makesRequests ? [] : [`${config.method} ${config.target.path}`]);
}

/** The first TLS session's details, which ab reports once (a connection reports them while the recorder has none). */
export function noteTlsInfo(recorder: Recorder, info: TlsInfo, serverName: string | null): void {
  const first = recorder.first;
  first.tlsProtocol = info.protocol;
  first.tlsTempKey = info.tempKey;
  first.tlsServerName = serverName;
}
