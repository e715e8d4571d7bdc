// Serializes a run's requests — request line, headers, body — into bytes, once per run: the URL's one, or each target's (--targets).

import type { Config, RequestTarget } from '../config/config.js';
import { requestParts, type RequestParts } from './request-parts.js';

export const USER_AGENT_PREFIX = 'gb/';

/** A header gb adds unless a -H header has its name; null: not sent. */
type Default = readonly [name: string, value: string | null];

/**
 * Builds the exact bytes every request of the run writes, or with `one` every request of that target
 * of a targets file (requestParts says which headers it carries). HTTP/1.1 by default: without -k each
 * request says `Connection: close`, which is what ab's HTTP/1.0 requests mean. --http1.0 sends ab
 * 2.3's request instead (checked against the real ab): its request line, and its header order and
 * spelling. Defaults give way to a user header of the same name, as in ab.
 */
export function buildRequest(config: Config, version: string, one?: RequestTarget): Buffer {
  const parts = requestParts(config, one);
  const { target } = parts;
  // Through a proxy, plain HTTP names the whole URL (RFC 9112 §3.2.2, absolute form) so the proxy
  // knows where to forward it; HTTPS goes through a CONNECT tunnel, where the origin reads the path.
  // In a tunnel the proxy's credentials belong to the CONNECT alone: sent inside, they would reach the origin.
  const forwarded = config.proxy !== null && !target.tls;
  const requestTarget = forwarded ? `http://${target.hostHeader}${target.path}` : target.path;
  const proxyAuthorization = forwarded && config.proxy.auth !== null ? basic(config.proxy.auth) : null;
  const userAgent = `${USER_AGENT_PREFIX}${version}`;
  const cookie = config.cookies.length > 0 ? config.cookies.join('; ') : null;
  const authorization = config.basicAuth === null ? null : basic(config.basicAuth);
  const gzip = config.acceptGzip ? 'gzip' : null;
  const length = parts.body === null ? null : String(parts.body.byteLength);
  const type = parts.body === null ? null : config.contentType;
  if (config.http10) {
    // ab's order: these, the -H headers, then Host, User-Agent and Accept. Two differences, on purpose:
    // the User-Agent names gb, so the server's logs say who sent the load (-H 'User-Agent:
    // ApacheBench/2.3' makes the bytes identical), and all -C cookies go in one Cookie header
    // (ab keeps only the last).
    return assemble(
      parts,
      `${parts.method} ${requestTarget} HTTP/1.0`,
      [
        ['Connection', config.keepAlive ? 'Keep-Alive' : null],
        ['Cookie', cookie],
        ['Authorization', authorization],
        ['Proxy-Authorization', proxyAuthorization],
        ['Content-length', length],
        ['Content-type', type],
      ],
      [
        ['Host', target.hostHeader],
        ['User-Agent', userAgent],
        ['Accept', '*/*'],
        ['Accept-Encoding', gzip],
      ],
    );
  }
  return assemble(
    parts,
    `${parts.method} ${requestTarget} HTTP/1.1`,
    [
      ['Host', target.hostHeader],
      ['User-Agent', userAgent],
      ['Accept', '*/*'],
      ['Connection', config.keepAlive ? null : 'close'],
      ['Accept-Encoding', gzip],
      ['Cookie', cookie],
      ['Authorization', authorization],
      ['Proxy-Authorization', proxyAuthorization],
      ['Content-Type', type],
      ['Content-Length', length],
    ],
    [],
  );
}

/** One target's bytes: buildRequest with the target. */
export const buildTargetRequest: (config: Config, version: string, one: RequestTarget) => Buffer = buildRequest;

/** The request line, the defaults before the -H headers, the -H headers, the defaults after them, and the body. */
function assemble(parts: RequestParts, requestLine: string, before: readonly Default[], after: readonly Default[]): Buffer {
  const userNames = new Set(parts.headers.map((h) => h.name.toLowerCase()));
  const lines = [requestLine];
  const add = (defaults: readonly Default[]): void => {
    for (const [name, value] of defaults) if (value !== null && !userNames.has(name.toLowerCase())) lines.push(`${name}: ${value}`);
  };
  add(before);
  for (const h of parts.headers) lines.push(`${h.name}: ${h.value}`);
  add(after);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
  return parts.body === null ? head : Buffer.concat([head, parts.body]);
}

/** A Basic credentials value (RFC 7617) from "user:password". */
export function basic(userColonPassword: string): string {
  return `Basic ${Buffer.from(userColonPassword, 'utf8').toString('base64')}`;
}

/** bursts[k] for k = 0…pipeline: k requests back to back, views into one buffer built once per run. */
export function buildBursts(request: Buffer, pipeline: number): Buffer[] {
  const all = Buffer.concat(Array.from({ length: pipeline }, () => request));
  return Array.from({ length: pipeline + 1 }, (_, k) => all.subarray(0, k * request.length));
}
