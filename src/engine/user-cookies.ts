// One virtual user's cookies, kept by RFC 6265's rules (tough-cookie), and the Cookie header they make for each request.

import { CookieJar } from 'tough-cookie';

/**
 * Why a library: RFC 6265's domain, path, expiry, Secure and host-only rules, and its public-suffix
 * checks, are easy to get subtly wrong, and tough-cookie (with tldts for the suffix list) is the jar
 * Node's HTTP clients use. A jar's lookup costs a few µs, so the last Cookie header is kept per path
 * until a Set-Cookie changes the jar or a second passes (a cookie may expire meanwhile); a user that
 * never got a cookie has no jar at all.
 */
export class UserCookies {
  readonly #origin: string;
  #jar: CookieJar | null = null;
  #path: string | null = null;
  #header = '';
  #headerAtMs = 0;

  /** `origin`: scheme://host:port of the run's URL; every step's path is on it. */
  constructor(origin: string) {
    this.#origin = origin;
  }

  /** The Cookie header's value for a request to `path` ('' for none). */
  headerFor(path: string, nowMs: number): string {
    if (this.#jar === null) return '';
    if (path === this.#path && nowMs - this.#headerAtMs < 1000) return this.#header;
    this.#header = this.#jar.getCookieStringSync(this.#origin + path);
    this.#path = path;
    this.#headerAtMs = nowMs;
    return this.#header;
  }

  /** The Set-Cookie values of the response to a request for `path`; a cookie the rules refuse is ignored, as a browser does. */
  store(setCookies: readonly string[], path: string): void {
    const jar = (this.#jar ??= new CookieJar());
    const url = this.#origin + path;
    for (const value of setCookies) jar.setCookieSync(value, url, { ignoreError: true });
    this.#path = null;
  }

  /** Forgets every cookie (the user starts afresh). */
  clear(): void {
    this.#jar = null;
    this.#path = null;
  }
}
