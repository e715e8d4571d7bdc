// Resolves where sockets go (the target, or the proxy in front of it) once per run, so no request pays for a name lookup.

import { isIP } from 'node:net';
import type { Config } from '../config/config.js';
import type { Endpoint } from '../transport/connection.js';
import { basic } from '../transport/request.js';
import { err, ok, type Result } from '../result.js';

export async function resolveEndpoint(config: Config): Promise<Result<Endpoint, string>> {
  const { target, proxy } = config;
  // Through a proxy only the proxy's name is looked up here: the proxy resolves the target's, which
  // this machine may not even be able to.
  const host = proxy?.connectHost ?? target.connectHost;
  let address = host;
  if (isIP(address) === 0) {
    try {
      // Loaded only for a name: an IP literal needs no resolver (and no start-up time for one).
      const { lookup } = await import('node:dns/promises');
      address = (await lookup(address)).address;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'lookup failed';
      return err(`cannot resolve ${proxy === null ? '' : 'proxy '}${host}: ${code}`);
    }
  }
  const targetIsName = isIP(target.connectHost) === 0;
  return ok({
    address,
    // isIP tries IPv4 first, so an IPv4 address never compiles the long IPv6 pattern.
    ipv6: isIP(address) === 6,
    port: proxy?.port ?? target.port,
    tls: target.tls,
    servername: targetIsName ? target.connectHost : null,
    verifyTls: config.verifyTls,
    localAddress: config.localAddress,
    tunnel:
      proxy !== null && target.tls
        ? {
            authority: `${isIP(target.connectHost) === 6 ? `[${target.connectHost}]` : target.connectHost}:${target.port}`,
            proxyAuthorization: proxy.auth === null ? null : basic(proxy.auth),
          }
        : null,
  });
}
