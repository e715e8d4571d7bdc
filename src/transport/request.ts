// Serializes the run's one request — request line, headers, body — into bytes, once per run.

import type { Config } from '../config/config.js';

export const USER_AGENT_PREFIX = 'gb/';

/**
 * Builds the exact bytes every request of the run writes. HTTP/1.1 throughout; without -k each
 * request says `Connection: close`, which is what ab's HTTP/1.0 requests mean.
 * Defaults (Host, User-Agent, Accept) give way to a user header of the same name, as in ab.
 */
export function buildRequest(config: Config, version: string): Buffer {
  const { target, headers } = config;
  const userNames = new Set(headers.map((h) => h.name.toLowerCase()));
  // Through a proxy, plain HTTP names the whole URL (RFC 9112 §3.2.2, absolute form) so the proxy
  // knows where to forward it; HTTPS goes through a CONNECT tunnel, where the origin reads the path.
  const forwarded = config.proxy !== null && !target.tls;
  const requestTarget = forwarded ? `http://${target.hostHeader}${target.path}` : target.path;
  const lines: string[] = [`${config.method} ${requestTarget} HTTP/1.1`];
  const addDefault = (name: string, value: string): void => {
    if (!userNames.has(name.toLowerCase())) lines.push(`${name}: ${value}`);
  };
  addDefault('Host', target.hostHeader);
  addDefault('User-Agent', `${USER_AGENT_PREFIX}${version}`);
  addDefault('Accept', '*/*');
  if (!config.keepAlive) addDefault('Connection', 'close');
  if (config.acceptGzip) addDefault('Accept-Encoding', 'gzip');
  if (config.cookies.length > 0) addDefault('Cookie', config.cookies.join('; '));
  if (config.basicAuth !== null) {
    addDefault('Authorization', basic(config.basicAuth));
  }
  // In a tunnel the credentials belong to the CONNECT alone: sent inside, they would reach the origin.
  if (forwarded && config.proxy.auth !== null) addDefault('Proxy-Authorization', basic(config.proxy.auth));
  if (config.body !== null) {
    addDefault('Content-Type', config.contentType);
    addDefault('Content-Length', String(config.body.byteLength));
  }
  for (const h of headers) lines.push(`${h.name}: ${h.value}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
  return config.body === null ? head : Buffer.concat([head, config.body]);
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
