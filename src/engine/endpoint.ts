// Resolves the target's host once per run, so no request pays for a name lookup (none at all over a unix socket).

import { isIP } from 'node:net';
import type { Config } from '../config/config.js';
import type { Endpoint } from '../transport/connection.js';
import { err, ok, type Result } from '../result.js';

export async function resolveEndpoint(config: Config): Promise<Result<Endpoint, string>> {
  const { target } = config;
  let address = target.connectHost;
  // Over a unix socket the host only names the target (Host, SNI): nothing to look up.
  if (config.unixSocket === null && isIP(address) === 0) {
    try {
      // Loaded only for a name: an IP literal needs no resolver (and no start-up time for one).
      const { lookup } = await import('node:dns/promises');
      address = (await lookup(address)).address;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'lookup failed';
      return err(`cannot resolve ${target.connectHost}: ${code}`);
    }
  }
  return ok({
    address,
    // isIP tries IPv4 first, so an IPv4 address never compiles the long IPv6 pattern.
    ipv6: isIP(address) === 6,
    port: target.port,
    tls: target.tls,
    servername: isIP(target.connectHost) === 0 ? target.connectHost : null,
    verifyTls: config.verifyTls,
    localAddress: config.localAddress,
    unixPath: config.unixSocket,
  });
}
