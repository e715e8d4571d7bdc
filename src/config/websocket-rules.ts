// The rules of a WebSocket run (a ws:// or wss:// URL): the flags that shape its messages, those it cannot go with, and its WebSocketConfig.

import { DEFAULT_WS_IN_FLIGHT, DEFAULT_WS_MESSAGE, MAX_WS_MESSAGE_BYTES, type WebSocketConfig } from './config.js';
import type { OptionValues } from './option-values.js';
import { isWebSocketUrl, shown } from './target.js';

/** Flags that make no sense over a WebSocket, and why: each is one line of the refusal. */
const NOT_WITH_WEBSOCKET = [
  ['--http2', 'http2', 'a WebSocket is opened over HTTP/1.1'],
  ['--http1.0', 'http10', 'a WebSocket is opened over HTTP/1.1'],
  ['-p', 'postFile', 'messages carry the payload: use --message @FILE'],
  ['-u', 'putFile', 'messages carry the payload: use --message @FILE'],
  ['-i', 'head', 'the handshake is a GET'],
  ['-m', 'method', 'the handshake is a GET'],
  ['-T', 'contentType', 'messages have no content type'],
  ['--targets', 'targets', 'a WebSocket run has one URL'],
  ['--script', 'script', 'scripts shape HTTP requests'],
  ['--users', 'users', 'journeys are HTTP'],
  ['--streams', 'streams', 'streams are HTTP/2'],
] as const;

/** Whether the run is a WebSocket one: its URL's scheme says so. */
export function isWebSocketRun(o: OptionValues): boolean {
  return isWebSocketUrl(o.urls[0]);
}

/** The WebSocket part of the Config; the flags that only mean something with a ws:// URL are refused without one. */
export function websocketFrom(o: OptionValues): WebSocketConfig | null {
  const { problems } = o;
  const messageText = o.text('message');
  if (!isWebSocketRun(o)) {
    const orphans = (
      [
        ['--message', 'message'],
        ['--binary', 'binary'],
        ['--echo', 'echo'],
      ] as const
    ).filter(([, key]) => o.given(key));
    if (orphans.length > 0) problems.push(`${orphans.map(([flag]) => flag).join(', ')} needs a ws:// or wss:// URL (a WebSocket run)`);
    return null;
  }
  for (const [flag, key, why] of NOT_WITH_WEBSOCKET)
    if (o.given(key)) problems.push(`${flag} cannot be used with a ws:// or wss:// URL: ${why}`);
  const binary = o.on('binary');
  if (binary && messageText?.startsWith('@') !== true)
    problems.push('--binary needs --message @FILE (the bytes to send as binary messages)');
  const rated = o.given('rate') || o.given('stages');
  if (o.on('echo') && rated)
    problems.push('--echo cannot be used with --rate or --stages: --echo waits for each reply, a rate sends on a schedule');
  const message = messageText === undefined ? Buffer.from(DEFAULT_WS_MESSAGE, 'utf8') : o.value('message');
  if (message !== null && message.byteLength > MAX_WS_MESSAGE_BYTES)
    problems.push(`--message ${shown(messageText ?? '')} is ${message.byteLength} bytes; a WebSocket message is at most 16 MiB`);
  if (message === null) return null;
  return { message, binary, mode: rated ? 'rate' : 'echo' };
}

/** Messages in flight per connection: one in echo mode; with a rate, --pipeline's, else a default. */
export function websocketInFlight(o: OptionValues, pipeline: number | null): number | null {
  const rated = o.given('rate') || o.given('stages');
  if (!rated) {
    if (o.given('pipeline'))
      o.problems.push(`--pipeline ${shown(o.text('pipeline') ?? '')} needs --rate with a ws:// URL: --echo has one message in flight`);
    return 1;
  }
  return o.given('pipeline') ? pipeline : DEFAULT_WS_IN_FLIGHT;
}
