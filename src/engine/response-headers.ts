// A response's header block as the names and values a script reads: one parse, when a script first asks.

import type { ScriptResponseHeaders } from './script-api.js';

/**
 * The header block (status line first) as lower-case names; repeated headers joined with ", ",
 * except Set-Cookie, whose values (Expires=Wed, 21 Oct 2015 ...) hold commas: a list, one per line.
 */
export function headersOf(head: string | null): ScriptResponseHeaders {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  if (head === null) return headers;
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'set-cookie') cookies.push(value);
    else headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return cookies.length === 0 ? headers : { ...headers, 'set-cookie': cookies };
}
