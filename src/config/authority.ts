// Splits a `host[:port]` authority (a URL's, or -X's) into its host and port texts, IPv6 in brackets.

export type Authority =
  | { readonly ok: true; readonly host: string; readonly port: string | undefined }
  /** `[` without its `]`, or something other than `:port` after it. */
  | { readonly ok: false; readonly problem: 'bad-ipv6' }
  /** More than one colon outside brackets: an IPv6 address that needs them. */
  | { readonly ok: false; readonly problem: 'unbracketed-ipv6' };

/** The host keeps its brackets (a Host header needs them); the port is undefined when none was given. */
export function splitAuthority(authority: string): Authority {
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    const rest = authority.slice(close + 1);
    if (close < 0 || (rest !== '' && !rest.startsWith(':'))) return { ok: false, problem: 'bad-ipv6' };
    return { ok: true, host: authority.slice(0, close + 1), port: rest === '' ? undefined : rest.slice(1) };
  }
  if (authority.split(':').length > 2) return { ok: false, problem: 'unbracketed-ipv6' };
  const colon = authority.indexOf(':');
  return colon < 0
    ? { ok: true, host: authority, port: undefined }
    : { ok: true, host: authority.slice(0, colon), port: authority.slice(colon + 1) };
}
