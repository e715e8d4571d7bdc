// Resolves where sockets go (the target, the proxy in front of it, or a unix socket) once per run, so no request pays for a name lookup.

import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Config } from '../config/config.js';
import type { Endpoint } from '../transport/connection.js';
import { basic } from '../transport/request.js';
import { err, ok, type Result } from '../result.js';

export interface ResolvedEndpoint {
  readonly endpoint: Endpoint;
  /** How long the name lookup took, in µs (the run's DNS phase); null when there was none: an IP literal, a unix socket. */
  readonly lookupUs: number | null;
}

export async function resolveEndpoint(config: Config): Promise<Result<ResolvedEndpoint, string>> {
  const { target, proxy } = config;
  // Through a proxy only the proxy's name is looked up here: the proxy resolves the target's, which
  // this machine may not even be able to.
  const host = proxy?.connectHost ?? target.connectHost;
  let address = host;
  let lookupUs: number | null = null;
  // Over a unix socket the host only names the target (Host, SNI): nothing to look up.
  if (config.unixSocket === null && isIP(address) === 0) {
    try {
      // Loaded only for a name: an IP literal needs no resolver (and no start-up time for one).
      const { lookup } = await import('node:dns/promises');
      const startMs = performance.now();
      address = (await lookup(address)).address;
      lookupUs = Math.round((performance.now() - startMs) * 1000);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'lookup failed';
      return err(`cannot resolve ${proxy === null ? '' : 'proxy '}${host}: ${code}`);
    }
  }
  const endpoint: Endpoint = {
    address,
    // isIP tries IPv4 first, so an IPv4 address never compiles the long IPv6 pattern.
    ipv6: isIP(address) === 6,
    port: proxy?.port ?? target.port,
    tls: target.tls
      ? { ...config.tlsOptions, servername: serverName(config), verify: config.verifyTls, alpn: config.http2 ? ['h2'] : null }
      : null,
    localAddress: config.localAddress,
    tunnel:
      // A WebSocket goes through a tunnel too (RFC 6455 §4.1): a proxy forwarding requests would not forward the upgrade.
      proxy !== null && (target.tls || config.websocket !== null)
        ? {
            authority: `${isIP(target.connectHost) === 6 ? `[${target.connectHost}]` : target.connectHost}:${target.port}`,
            proxyAuthorization: proxy.auth === null ? null : basic(proxy.auth),
          }
        : null,
    unixPath: config.unixSocket,
  };
  return ok({ endpoint, lookupUs });
}

/**
 * The SNI name: the host of a -H 'Host: ...' override when there is one (the last, as ab), since
 * the server picks its certificate and virtual host by it, else the URL's host; none for an IP
 * literal, which TLS forbids there. Unlike ab, the override's port is left out: SNI is a bare name.
 */
export function serverName(config: Config): string | null {
  const override = config.headers.filter((h) => h.name.toLowerCase() === 'host').at(-1);
  const host = override === undefined ? config.target.connectHost : hostOf(override.value);
  return host === '' || isIP(host) !== 0 ? null : host;
}

/** "name:port" → name, "[::1]:443" → ::1; a bare IPv6 address (several colons) is kept whole. */
function hostOf(value: string): string {
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    return close < 0 ? value.slice(1) : value.slice(1, close);
  }
  const colon = value.indexOf(':');
  return colon >= 0 && colon === value.lastIndexOf(':') ? value.slice(0, colon) : value;
}
