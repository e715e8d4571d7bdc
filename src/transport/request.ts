// Serializes the run's one request — request line, headers, body — into bytes, once per run.

import type { Config } from '../config/config.js';

export const USER_AGENT_PREFIX = 'gb/';

/**
 * Builds the exact bytes every request of the run writes. HTTP/1.1 throughout; without -k each
 * request says `Connection: close`, which is what ab's HTTP/1.0 requests mean.
 * Defaults (Host, User-Agent, Accept) give way to a user header of the same name, as in ab.
 */
export function buildRequest(config: Config, version: string): Buffer {
  return config.http10 ? buildAbRequest(config, version) : buildHttp11Request(config, version);
}

function buildHttp11Request(config: Config, version: string): Buffer {
  const { target, headers } = config;
  const userNames = new Set(headers.map((h) => h.name.toLowerCase()));
  const lines: string[] = [`${config.method} ${target.path} HTTP/1.1`];
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
    addDefault('Authorization', `Basic ${Buffer.from(config.basicAuth, 'utf8').toString('base64')}`);
  }
  if (config.body !== null) {
    addDefault('Content-Type', config.contentType);
    addDefault('Content-Length', String(config.body.byteLength));
  }
  for (const h of headers) lines.push(`${h.name}: ${h.value}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
  return config.body === null ? head : Buffer.concat([head, config.body]);
}

/**
 * --http1.0: the bytes ab 2.3 sends, in its order and spelling (checked against the real ab):
 * request line, Connection: Keep-Alive (-k), Cookie, Authorization, Content-length and
 * Content-type (with a body), the -H headers as given, then Host, User-Agent and Accept unless a
 * -H header has that name. Two differences, on purpose: the User-Agent names gb, so the server's
 * logs say who sent the load (-H 'User-Agent: ApacheBench/2.3' makes the bytes identical), and
 * several -C cookies are all sent, in one Cookie header (ab keeps only the last -C).
 */
function buildAbRequest(config: Config, version: string): Buffer {
  const { target, headers } = config;
  const userNames = new Set(headers.map((h) => h.name.toLowerCase()));
  const lines: string[] = [`${config.method} ${target.path} HTTP/1.0`];
  const addDefault = (name: string, value: string): void => {
    if (!userNames.has(name.toLowerCase())) lines.push(`${name}: ${value}`);
  };
  if (config.keepAlive) addDefault('Connection', 'Keep-Alive');
  if (config.cookies.length > 0) addDefault('Cookie', config.cookies.join('; '));
  if (config.basicAuth !== null) {
    addDefault('Authorization', `Basic ${Buffer.from(config.basicAuth, 'utf8').toString('base64')}`);
  }
  if (config.body !== null) {
    addDefault('Content-length', String(config.body.byteLength));
    addDefault('Content-type', config.contentType);
  }
  for (const h of headers) lines.push(`${h.name}: ${h.value}`);
  addDefault('Host', target.hostHeader);
  addDefault('User-Agent', `${USER_AGENT_PREFIX}${version}`);
  addDefault('Accept', '*/*');
  if (config.acceptGzip) addDefault('Accept-Encoding', 'gzip');
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
  return config.body === null ? head : Buffer.concat([head, config.body]);
}

/** bursts[k] for k = 0…pipeline: k requests back to back, views into one buffer built once per run. */
export function buildBursts(request: Buffer, pipeline: number): Buffer[] {
  const all = Buffer.concat(Array.from({ length: pipeline }, () => request));
  return Array.from({ length: pipeline + 1 }, (_, k) => all.subarray(0, k * request.length));
}
