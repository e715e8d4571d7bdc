// The opening handshake (RFC 6455 §4): the upgrade request a connection sends, and the check of the server's answer.

import { createHash, randomBytes } from 'node:crypto';
import type { Config } from '../config/config.js';
import { basic, USER_AGENT_PREFIX } from './request.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** An upgrade answer is a status line and a few headers; past this it is not one. */
const MAX_ANSWER_BYTES = 16 * 1024;
const STATUS_LINE = /^HTTP\/1\.1 (\d{3})(?: ([^\r\n]*))?$/;

/** The request around its per-connection key: built once per run, so a handshake costs one concatenation. */
export interface UpgradeTemplate {
  readonly before: Buffer;
  readonly after: Buffer;
}

/**
 * The upgrade request's bytes but the key: the URL's path (or a journey's `path`) and Host, gb's
 * User-Agent, and the -H, -C and -A headers; `cookie` adds a user's cookies to -C's.
 */
export function upgradeTemplate(config: Config, version: string, path = config.target.path, cookie: string | null = null): UpgradeTemplate {
  const { target } = config;
  const overridden = new Set(config.headers.map((h) => h.name.toLowerCase()));
  const lines: string[] = [`GET ${path} HTTP/1.1`];
  if (!overridden.has('host')) lines.push(`Host: ${target.hostHeader}`);
  if (!overridden.has('user-agent')) lines.push(`User-Agent: ${USER_AGENT_PREFIX}${version}`);
  lines.push('Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13');
  const cookies = cookie === null ? config.cookies : [...config.cookies, cookie];
  if (cookies.length > 0) lines.push(`Cookie: ${cookies.join('; ')}`);
  if (config.basicAuth !== null) lines.push(`Authorization: ${basic(config.basicAuth)}`);
  for (const h of config.headers) lines.push(`${h.name}: ${h.value}`);
  return { before: Buffer.from(`${lines.join('\r\n')}\r\nSec-WebSocket-Key: `, 'latin1'), after: Buffer.from('\r\n\r\n', 'latin1') };
}

/** A fresh Sec-WebSocket-Key (16 random bytes, §4.1) and the Sec-WebSocket-Accept the server must answer with. */
export function newKey(): { readonly key: string; readonly accept: string } {
  const key = randomBytes(16).toString('base64');
  return { key, accept: acceptFor(key) };
}

export function acceptFor(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}

export function upgradeRequest(template: UpgradeTemplate, key: string): Buffer {
  return Buffer.concat([template.before, Buffer.from(key, 'latin1'), template.after]);
}

export type HandshakeCode = 'WS_HANDSHAKE_STATUS' | 'WS_BAD_ACCEPT' | 'WS_BAD_HANDSHAKE';

/** Reading the answer: not done yet, done (with where the frames begin), or refused with a code and why. */
export type HandshakeOutcome =
  | { readonly kind: 'more' }
  | { readonly kind: 'open'; readonly framesAt: number; readonly chunk: Uint8Array; readonly end: number; readonly server: string | null }
  | { readonly kind: 'refused'; readonly code: HandshakeCode; readonly message: string };

const MORE: HandshakeOutcome = { kind: 'more' };

/** Collects one connection's upgrade answer across chunks and judges it once its head is complete. */
export class HandshakeReader {
  #held: Buffer | null = null;

  reset(): void {
    this.#held = null;
  }

  /** Bytes of the answer: `open` hands back the chunk (perhaps joined with earlier bytes) and where its frames start. */
  add(chunk: Uint8Array, end: number, expectedAccept: string): HandshakeOutcome {
    const bytes = this.#held === null ? Buffer.from(chunk.subarray(0, end)) : Buffer.concat([this.#held, chunk.subarray(0, end)]);
    const headEnd = bytes.indexOf('\r\n\r\n', 0, 'latin1');
    if (headEnd < 0) {
      if (bytes.length > MAX_ANSWER_BYTES)
        return {
          kind: 'refused',
          code: 'WS_BAD_HANDSHAKE',
          message: `no end to the upgrade answer's head within ${MAX_ANSWER_BYTES} bytes`,
        };
      this.#held = bytes;
      return MORE;
    }
    this.#held = null;
    const headers = new Map<string, string>();
    const problem = judge(bytes.toString('latin1', 0, headEnd), expectedAccept, headers);
    if (problem !== null) return problem;
    return { kind: 'open', framesAt: headEnd + 4, chunk: bytes, end: bytes.length, server: headers.get('server') ?? null };
  }
}

/** Why the answer's head does not open a WebSocket (RFC 6455 §4.1's client checks), or null when it does; fills `headers`. */
function judge(head: string, expectedAccept: string, headers: Map<string, string>): HandshakeOutcome | null {
  const lines = head.split('\r\n');
  const status = STATUS_LINE.exec(lines[0] ?? '');
  if (status === null) return { kind: 'refused', code: 'WS_BAD_HANDSHAKE', message: 'the upgrade answer is not HTTP/1.1' };
  if (status[1] !== '101') {
    const reason = status[2] === undefined || status[2] === '' ? '' : ` ${status[2]}`;
    return { kind: 'refused', code: 'WS_HANDSHAKE_STATUS', message: `WebSocket handshake answered ${status[1]!}${reason}, not 101` };
  }
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return { kind: 'refused', code: 'WS_BAD_HANDSHAKE', message: 'a malformed header line in the upgrade answer' };
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.set(name, headers.has(name) ? `${headers.get(name)!}, ${value}` : value);
  }
  if (headers.get('upgrade')?.toLowerCase() !== 'websocket')
    return { kind: 'refused', code: 'WS_BAD_HANDSHAKE', message: 'the 101 answer lacks Upgrade: websocket' };
  const connection = (headers.get('connection') ?? '').toLowerCase().split(',');
  if (!connection.some((token) => token.trim() === 'upgrade'))
    return { kind: 'refused', code: 'WS_BAD_HANDSHAKE', message: 'the 101 answer lacks Connection: Upgrade' };
  const accept = headers.get('sec-websocket-accept');
  if (accept !== expectedAccept)
    return {
      kind: 'refused',
      code: 'WS_BAD_ACCEPT',
      message: accept === undefined ? 'the 101 answer has no Sec-WebSocket-Accept' : 'the 101 answer has the wrong Sec-WebSocket-Accept',
    };
  if (headers.has('sec-websocket-extensions'))
    return { kind: 'refused', code: 'WS_BAD_HANDSHAKE', message: 'the server agreed to an extension gb did not offer' };
  return null;
}
