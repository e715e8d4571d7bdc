// Resolves the target's host once per run, so no request pays for a name lookup.

import { lookup } from 'node:dns/promises';
import { isIP, isIPv6 } from 'node:net';
import type { Config } from '../config/config.js';
import type { Endpoint } from '../transport/connection.js';
import { err, ok, type Result } from '../result.js';

export async function resolveEndpoint(config: Config): Promise<Result<Endpoint, string>> {
  const { target } = config;
  let address = target.connectHost;
  if (isIP(address) === 0) {
    try {
      address = (await lookup(address)).address;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'lookup failed';
      return err(`cannot resolve ${target.connectHost}: ${code}`);
    }
  }
  return ok({
    address,
    ipv6: isIPv6(address),
    port: target.port,
    tls: target.tls,
    servername: isIP(target.connectHost) === 0 ? target.connectHost : null,
    verifyTls: config.verifyTls,
    localAddress: config.localAddress,
  });
}
