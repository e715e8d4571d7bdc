// Owns parsing -X proxy[:port] and -P user:password into the run's Proxy, with messages that name what is wrong.

import { splitAuthority } from './authority.js';
import { DEFAULT_PROXY_PORT, type Proxy } from './config.js';
import type { Parse } from './option-spec.js';
import { err, ok, type Result } from '../result.js';
import { shown } from './target.js';

const LINE_BREAK = /[\r\n\0]/;

/**
 * ab takes `-X host:port`; an `http://` in front and a `/` behind are what a proxy URL from an
 * environment variable looks like, so they are accepted too rather than read as part of the host.
 */
export function parseProxy(text: string, auth: string | null): Result<Proxy, string> {
  const usage = '(expected -X host[:port])';
  if (/^https:\/\//i.test(text)) return err(`-X ${shown(text)}: gb speaks plain HTTP to the proxy; give it as host[:port]`);
  const bare = text.replace(/^http:\/\//i, '').replace(/\/$/, '');
  if (bare === '') return err(`-X needs a proxy host, got ${shown(text)} ${usage}`);
  if (/[\s\0-\x1f\x7f/?#@]/.test(bare)) return err(`invalid proxy -X ${shown(text)} ${usage}`);

  const parts = splitAuthority(bare);
  if (!parts.ok) {
    return err(
      parts.problem === 'bad-ipv6'
        ? `invalid IPv6 proxy address -X ${shown(text)} (expected [address] or [address]:port)`
        : `IPv6 proxy address -X ${shown(text)} needs brackets, e.g. -X [::1]:3128`,
    );
  }
  const { host: hostText, port: portText } = parts;
  if (hostText === '' || hostText === '[]') return err(`-X ${shown(text)} has no proxy host ${usage}`);

  let port = DEFAULT_PROXY_PORT;
  if (portText !== undefined) {
    if (!/^\d+$/.test(portText)) return err(`invalid proxy port ${shown(portText)} in -X ${shown(text)} (must be a number 1..65535)`);
    port = Number(portText);
    if (port < 1 || port > 65_535) return err(`invalid proxy port ${portText} in -X ${shown(text)} (must be 1..65535)`);
  }

  let hostname: string;
  try {
    hostname = new URL(`http://${hostText}/`).hostname;
  } catch {
    return err(`invalid proxy -X ${shown(text)} (bad host name ${shown(hostText)})`);
  }
  const connectHost = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  return ok({ host: hostText, connectHost, port, auth });
}

/** -X's parse; -P's credentials are added by the rules (validate.ts), which also say when -P lacks -X. */
export const proxy: Parse<string, Proxy> = (text, c) => {
  const parsed = parseProxy(text, null);
  if (parsed.ok) return parsed.value;
  c.problems.push(parsed.error);
  return null;
};

/** user:password for a Basic authorization header (-A, -P), or null with the problem pushed. */
export function credentialsFrom(flag: string, text: string, problems: string[]): string | null {
  if (!text.includes(':')) {
    problems.push(`${flag} needs user:password, got ${shown(text)} (no colon)`);
    return null;
  }
  if (LINE_BREAK.test(text)) {
    problems.push(`${flag} credentials contain a line break or NUL`);
    return null;
  }
  return text;
}
