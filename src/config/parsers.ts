// Per-flag parsers: one option's text to its value, or a message naming what is wrong with it. Rules between options live in validate.ts.

import { isIP } from 'node:net';
import type { Header } from './config.js';
import type { LoadKind, LoadValues, Parse, ParseContext } from './option-spec.js';
import { credentialsFrom } from './proxy.js';
import { shown } from './target.js';
import { parseCount, parseDurationMs } from './units.js';

// RFC 9110 §5.6.2 token: the only characters allowed in a header name or a method.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// CR/LF/NUL would let a value end the header line early and inject headers of its own.
const LINE_BREAK = /[\r\n\0]/;

/** Integer in [min, max]; "1k"-style counts allowed. Zero and negatives parse here only to get the "at least" message. */
export function boundedInteger(problems: string[], what: string, flag: string, text: string, min: number, max: number): number | null {
  const value = parseCount(text) ?? (/^-?\d+$/.test(text) ? Number(text) : null);
  if (value === null) {
    problems.push(`invalid ${what}: ${flag} ${shown(text)} (not a whole number)`);
    return null;
  }
  if (value < min || value > max) {
    const bound = value < min ? `at least ${min}` : `at most ${max}`;
    problems.push(`invalid ${what}: ${flag} ${shown(text)} (must be ${bound})`);
    return null;
  }
  return value;
}

/** A count option (-n, -c, -G, ...): `what` completes "invalid ...". */
export const count =
  (what: string, min: number, max: number): Parse<string, number> =>
  (text, c) =>
    boundedInteger(c.problems, what, c.flag, text, min, max);

/** A duration above zero (-t, -s): plain seconds, or with a unit. */
export const positiveDuration =
  (what: string): Parse<string, number> =>
  (text, c) => {
    const valueMs = parseDurationMs(text);
    if (valueMs === null || valueMs <= 0) {
      const why = valueMs === null ? 'expected seconds, or a number with ms, s, m or h' : 'must be more than 0';
      c.problems.push(`invalid ${what}: ${c.flag} ${shown(text)} (${why})`);
      return null;
    }
    return valueMs;
  };

export const warmupMs: Parse<string, number> = (text, c) => {
  const valueMs = parseDurationMs(text);
  if (valueMs === null) c.problems.push(`invalid warm-up: ${c.flag} ${shown(text)} (expected seconds, or a number with ms, s, m or h)`);
  return valueMs;
};

/** --rate: requests per second, a decimal or a count ("2k"). */
export const requestsPerSecond: Parse<string, number> = (text, c) => {
  const rate = /^(\d+(\.\d+)?|\.\d+)$/.test(text) ? Number(text) : parseCount(text);
  if (rate === null || rate <= 0) {
    c.problems.push(`invalid rate: ${c.flag} ${shown(text)} (must be a number of requests per second above 0)`);
    return null;
  }
  return rate;
};

export const method: Parse<string, string> = (text, c) => {
  const upper = text.toUpperCase();
  if (TOKEN.test(upper)) return upper;
  c.problems.push(`invalid method: ${c.flag} ${shown(text)} (must be a single word such as GET or PATCH)`);
  return null;
};

function headerFrom(text: string, problems: string[]): Header[] {
  const colon = text.indexOf(':');
  if (colon < 0) {
    problems.push(`header without a colon: ${shown(text)} (expected -H 'Name: value')`);
    return [];
  }
  const name = text.slice(0, colon);
  // Whitespace before the colon is not trimmed: RFC 9112 §5.1 forbids it, so it makes the name invalid.
  const value = text.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
  if (name === '') {
    problems.push(`header with an empty name: ${shown(text)} (expected -H 'Name: value')`);
    return [];
  }
  if (!TOKEN.test(name)) {
    problems.push(`invalid header name ${shown(name)} in -H ${shown(text)}`);
    return [];
  }
  if (LINE_BREAK.test(value)) {
    problems.push(`header value contains a line break or NUL: -H ${shown(text)}`);
    return [];
  }
  return [{ name, value }];
}

/** -H, in order; every bad line is reported, the good ones kept. */
export const headers: Parse<readonly string[], readonly Header[]> = (texts, c) =>
  Object.freeze(texts.flatMap((text) => headerFrom(text, c.problems)));

function cookieIsValid(text: string, problems: string[]): boolean {
  const equals = text.indexOf('=');
  if (equals < 0) problems.push(`cookie without '=': -C ${shown(text)} (expected name=value)`);
  else if (equals === 0) problems.push(`cookie with an empty name: -C ${shown(text)}`);
  else if (LINE_BREAK.test(text)) problems.push(`cookie contains a line break or NUL: -C ${shown(text)}`);
  else return true;
  return false;
}

export const cookies: Parse<readonly string[], readonly string[]> = (texts, c) =>
  Object.freeze(texts.filter((text) => cookieIsValid(text, c.problems)));

/** -A and -P: "user:password", kept whole (it is split at the first colon when sent). */
export const credentials: Parse<string, string> = (text, c) => credentialsFrom(c.flag, text, c.problems);

/** Splits -A's "user:password" at the first colon (passwords may contain colons); null without a colon. */
export function parseBasicAuth(text: string): { readonly user: string; readonly password: string } | null {
  const colon = text.indexOf(':');
  return colon < 0 ? null : { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

export const contentType: Parse<string, string> = (text, c) => {
  if (text.trim() === '') c.problems.push(`invalid content type: ${c.flag} is empty`);
  else if (LINE_BREAK.test(text)) c.problems.push(`invalid content type: ${c.flag} ${shown(text)} contains a line break or NUL`);
  return text;
};

/** -B: an IP address; brackets are how IPv6 is written in URLs, so "[::1]" is accepted too. */
export const localAddress: Parse<string, string> = (text, c) => {
  const address = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (isIP(address) !== 0) return address;
  c.problems.push(`invalid local address: ${c.flag} ${shown(text)} (must be an IPv4 or IPv6 address)`);
  return null;
};

export const seed: Parse<string, number> = (text, c) => {
  if (/^\d+$/.test(text) && Number(text) <= 2 ** 32 - 1) return Number(text);
  c.problems.push(`invalid seed: ${c.flag} ${shown(text)} (must be a whole number 0..4294967295)`);
  return null;
};

/** Any text; the rules that use it (--run-id's, -x's) are elsewhere or none. */
export const text: Parse<string, string> = (value) => value;

/**
 * The value of an option whose file the loading step read: `check` may refuse the text itself
 * first (an empty name, a wrong extension), and reads the file's problems only when it asks for it.
 */
export function fromFile<L extends LoadKind, T>(
  load: L,
  check: (text: string, c: ParseContext, file: () => LoadValues[L] | null) => T | null,
) {
  const parse: Parse<string, T> = (text, c) =>
    check(text, c, () => {
      if (c.file === undefined) {
        c.problems.push(`${c.flag} ${shown(text)} was not read`);
        return null;
      }
      if (!c.file.ok) {
        c.problems.push(...c.file.error);
        return null;
      }
      // The loading step reads each option's file by its kind (src/inputs/load.ts), so this one is `load`'s.
      return c.file.value as LoadValues[L];
    });
  return { load, parse };
}

/** --script FILE: the module's name is checked here, its existence by the loading step; the CLI loads it before the run. */
export const script = fromFile('script', (path, c, file) => {
  if (/\.(ts|mts|js|mjs)$/.test(path)) return file();
  c.problems.push(`${c.flag} ${shown(path)}: expected a .ts, .mts, .js or .mjs module`);
  return null;
});

/**
 * Checked up front so that a typo gives one line naming the path, rather than every request failing
 * with the ENOENT or ECONNREFUSED the connect would get (and a regular file would give ENOTSOCK).
 */
export const unixSocket = fromFile('socket', (path, c, file) => {
  if (path !== '') return file();
  c.problems.push(`invalid ${c.flag} "" (expected the path of a unix domain socket)`);
  return null;
});

export const targets = fromFile('targets', (path, c, file) => {
  if (path !== '') return file();
  c.problems.push(`option '${c.flag}' needs a file name, got an empty one`);
  return null;
});

/** --data FILE: its rows were read by the loading step (CSV or JSON Lines, by the name's ending). */
export const data = fromFile('data', (path, c, file) => {
  if (path !== '') return file();
  c.problems.push(`option '${c.flag}' needs a file name, got an empty one`);
  return null;
});

/** --message TEXT or @FILE: the loading step made the payload of either. */
export const message = fromFile('message', (_text, _c, file) => file());

/** -p and -u: the file's bytes are the body. */
export const body = fromFile('body', (_path, _c, file) => file());
