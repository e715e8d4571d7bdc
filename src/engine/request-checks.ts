// What a script's request (request()'s, or a journey's step) must be: checked the same way for both, with the same words.

import type { Header } from '../config/config.js';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const LINE_BREAK = /[\r\n\0]/;
const BAD_PATH = /[\s\0-\x1f\x7f]/;

/** A method as sent (upper case), or what is wrong with it. */
export function checkedMethod(given: unknown): { readonly method: string } | string {
  const method = String(given).toUpperCase();
  return TOKEN.test(method) ? { method } : `method ${JSON.stringify(given)} is not a single word`;
}

/** What is wrong with a path, or null. */
export function pathProblem(path: unknown): string | null {
  return typeof path === 'string' && path.startsWith('/') && !BAD_PATH.test(path)
    ? null
    : `path ${JSON.stringify(path)} must start with "/" and have no spaces or control characters`;
}

/** The headers of `{ "Name": "value" }` (none for undefined), or what is wrong with them. */
export function checkedHeaders(given: unknown): Header[] | string {
  const headers: Header[] = [];
  if (given === undefined) return headers;
  if (typeof given !== 'object' || given === null) return 'headers must be an object of "Name": "value"';
  for (const [name, value] of Object.entries(given)) {
    if (!TOKEN.test(name) || typeof value !== 'string' || LINE_BREAK.test(value))
      return `header ${JSON.stringify(name)} is not a valid name with a string value on one line`;
    headers.push({ name, value });
  }
  return headers;
}

/** A body given as a string (sent as UTF-8) or bytes, or what is wrong with it. */
export function checkedBody(given: unknown): { readonly body: Uint8Array } | string {
  if (typeof given === 'string') return { body: Buffer.from(given, 'utf8') };
  if (given instanceof Uint8Array) return { body: given };
  return 'body must be a string or a Uint8Array';
}
