// The run's one HTTP/2 request as an HPACK header block, encoded once per run: every stream sends the same bytes.

import type { Config } from '../config/config.js';
import { STATIC_TABLE } from './hpack-decoder.js';
import { USER_AGENT_PREFIX, basic } from './request.js';

/** Headers HTTP/2 forbids (RFC 9113 §8.2.2) or carries otherwise (Host becomes :authority). */
const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host', 'te']);

export interface H2Request {
  /** The HPACK block of every stream's HEADERS frame. */
  readonly headerBlock: Buffer;
  /** The request body, sent as DATA; null for none. */
  readonly body: Uint8Array | null;
  /** The fields as name/value pairs, for -v's request print. */
  readonly fields: readonly (readonly [string, string])[];
}

export function buildH2Request(config: Config, version: string): H2Request {
  const { target } = config;
  const userNames = new Set(config.headers.map((h) => h.name.toLowerCase()));
  const hostOverride = config.headers.filter((h) => h.name.toLowerCase() === 'host').at(-1);
  const fields: [string, string][] = [
    [':method', config.method],
    [':scheme', target.tls ? 'https' : 'http'],
    [':authority', hostOverride?.value ?? target.hostHeader],
    [':path', target.path],
  ];
  const defaults: [string, string | null][] = [
    ['user-agent', `${USER_AGENT_PREFIX}${version}`],
    ['accept', '*/*'],
    ['accept-encoding', config.acceptGzip ? 'gzip' : null],
    ['cookie', config.cookies.length > 0 ? config.cookies.join('; ') : null],
    ['authorization', config.basicAuth === null ? null : basic(config.basicAuth)],
    ['content-type', config.body === null ? null : config.contentType],
    ['content-length', config.body === null ? null : String(config.body.byteLength)],
  ];
  for (const [name, value] of defaults) if (value !== null && !userNames.has(name)) fields.push([name, value]);
  for (const h of config.headers) {
    const name = h.name.toLowerCase();
    if (!CONNECTION_SPECIFIC.has(name)) fields.push([name, h.value]);
  }
  const body = config.body === null || config.body.byteLength === 0 ? null : config.body;
  return { headerBlock: encodeHeaderBlock(fields), body, fields };
}

/** Literal fields without indexing (RFC 7541 §6.2.2), no Huffman: a name in the static table goes by its index. */
export function encodeHeaderBlock(fields: readonly (readonly [string, string])[]): Buffer {
  const out: number[] = [];
  for (const [name, value] of fields) {
    const exact = STATIC_TABLE.findIndex(([n, v]) => n === name && v === value);
    if (exact >= 0) {
      writeInteger(out, 0x80, 7, exact + 1);
      continue;
    }
    const index = STATIC_TABLE.findIndex(([n]) => n === name);
    if (index >= 0) {
      writeInteger(out, 0x00, 4, index + 1);
    } else {
      out.push(0x00);
      writeString(out, name);
    }
    writeString(out, value);
  }
  return Buffer.from(out);
}

function writeString(out: number[], text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  writeInteger(out, 0x00, 7, bytes.length);
  for (const b of bytes) out.push(b);
}

/** RFC 7541 §5.1: an integer with an n-bit prefix after the first byte's `high` bits. */
export function writeInteger(out: number[], high: number, n: number, value: number): void {
  const max = (1 << n) - 1;
  if (value < max) {
    out.push(high | value);
    return;
  }
  out.push(high | max);
  let rest = value - max;
  while (rest >= 128) {
    out.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
}
