// Owns parsing the benchmark URL into a Target, with messages that name what is wrong with the authority, scheme or port.

import { splitAuthority } from './authority.js';
import type { Target } from './config.js';
import { err, ok } from '../result.js';
import type { Result } from '../result.js';

/** Quotes a value in a message when it would otherwise be invisible or ambiguous. */
export function shown(text: string): string {
  return /^[^\s'"]+$/.test(text) ? text : JSON.stringify(text);
}

const DEFAULT_PORT: Readonly<Record<string, number>> = { http: 80, https: 443, ws: 80, wss: 443 };

/** A URL of a WebSocket run: ws:// or wss://, in any case. */
export function isWebSocketUrl(text: string | undefined): boolean {
  return text !== undefined && /^wss?:\/\//i.test(text);
}

/**
 * WHATWG URL does the final parse (IDN, IPv6 normalisation, percent-encoding), but it is lenient
 * in ways that hide mistakes (it drops an empty port, mis-reads "::1:8080", reports only "Invalid URL"),
 * so the authority is checked on the raw text first to give a message that names the problem.
 */
export function parseTarget(text: string, allowWebSocket = false): Result<Target, string> {
  const quoted = shown(text);
  if (text === '') return err("invalid URL '' (empty)");
  if (/[\s\0-\x1f\x7f]/.test(text)) return err(`invalid URL ${quoted} (contains whitespace or control characters)`);
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(text);
  if (schemeMatch === null && /^https?:/i.test(text)) return err(`invalid URL ${quoted} (expected http://host/path)`);
  const typedScheme = schemeMatch?.[1] ?? 'http';
  const scheme = typedScheme.toLowerCase();
  // A targets file's requests are HTTP: only the command line's URL may open a WebSocket run.
  const defaultPort = allowWebSocket || !scheme.startsWith('ws') ? DEFAULT_PORT[scheme] : undefined;
  if (defaultPort === undefined)
    return err(
      `unsupported scheme '${typedScheme}:' in URL ${quoted} (use http:// or https://${allowWebSocket ? ', or ws:// or wss://' : ''})`,
    );
  const url = schemeMatch === null ? `http://${text}` : text;

  const afterScheme = url.slice(scheme.length + 3);
  const authority = afterScheme.slice(0, afterScheme.search(/[/?#\\]|$/));
  if (authority.includes('@')) return err(`credentials in URL ${quoted} are not supported; use -A user:password`);
  const parts = splitAuthority(authority);
  if (!parts.ok) {
    return err(
      parts.problem === 'bad-ipv6'
        ? `invalid IPv6 address in URL ${quoted} (expected [address] or [address]:port)`
        : `IPv6 address in URL ${quoted} needs brackets, e.g. http://[::1]:8080/`,
    );
  }
  const { host: hostText, port: portText } = parts;
  if (hostText === '' || hostText === '[]') return err(`invalid URL ${quoted} (no host name)`);

  let port = defaultPort;
  if (portText !== undefined && portText !== '') {
    if (!/^\d+$/.test(portText)) return err(`invalid port ${shown(portText)} in URL ${quoted} (must be a number 1..65535)`);
    port = Number(portText);
    if (port < 1 || port > 65_535) return err(`invalid port ${portText} in URL ${quoted} (must be 1..65535)`);
  }

  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return err(`invalid URL ${quoted} (bad host name ${shown(hostText)})`);
  }
  // URL.hostname keeps IPv6 brackets, which the Host header needs and a socket does not.
  const hostname = parsed.hostname;
  const connectHost = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  // The Host header and the request target go out as typed, as ab sends them: a benchmark of how a
  // server handles "/a/../b" or "Host: 127.1" must not be quietly turned into one of "/b" and
  // "127.0.0.1". Only a name that cannot go on the wire as typed (an IDN) takes URL's ASCII form.
  const hostHeaderName = /^[\x21-\x7e]+$/.test(hostText) ? hostText : hostname;
  return ok({
    url,
    tls: scheme === 'https' || scheme === 'wss',
    host: hostText,
    connectHost,
    port,
    path: requestTarget(afterScheme.slice(authority.length)),
    hostHeader: port === defaultPort ? hostHeaderName : `${hostHeaderName}:${port}`,
  });
}

/**
 * The path and query exactly as typed; "/" when there is no path. The fragment is dropped, since
 * it names a part of the response for the client and a "#" in a request line is invalid (RFC 9112
 * §3.2). Non-ASCII characters are percent-encoded as UTF-8, which keeps the request line ASCII.
 */
function requestTarget(rest: string): string {
  const hash = rest.indexOf('#');
  const typed = hash < 0 ? rest : rest.slice(0, hash);
  const target = typed.startsWith('/') ? typed : `/${typed}`;
  return target.replace(/[^\x00-\x7f]+/gu, (text) => encodeURIComponent(text));
}
