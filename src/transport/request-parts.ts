// What varies between the requests of a run, whichever wire format writes them (HTTP/1.x bytes in request.ts,
// HTTP/2 HEADERS in h2-request.ts): the URL's request, or a target's with the headers it carries.

import type { Config, Header, RequestTarget, Target } from '../config/config.js';

/** The rest (-C, -A, -k, -i, a proxy, ...) is the Config's, and each wire format applies it its own way. */
export interface RequestParts {
  readonly target: Target;
  readonly method: string;
  readonly body: Uint8Array | null;
  readonly headers: readonly Header[];
}

/**
 * The URL's request (no `one`: the method, body and -H headers of the command line), or one target's
 * (of a targets file, or a script's request): its own method, URL and body, and its own headers after
 * every -H whose name it does not set itself. -C and -A give way the same way, as each wire format
 * lets a user header override a default of its name.
 */
export function requestParts(config: Config, one?: RequestTarget): RequestParts {
  if (one === undefined) return { target: config.target, method: config.method, body: config.body, headers: config.headers };
  const own = new Set(one.headers.map((h) => h.name.toLowerCase()));
  const headers = [...config.headers.filter((h) => !own.has(h.name.toLowerCase())), ...one.headers];
  return { target: one.target, method: one.method, body: one.body, headers };
}
