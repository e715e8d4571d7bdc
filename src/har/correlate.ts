// Finds the values a recorded request sent that an earlier response had given it (a token, an id, a redirect), so a
// journey reads each from the replay's own response instead of sending the recorded one, which the server no longer knows.

import { headerValue, type RecordedRequest } from './har-file.js';

/** Where a replay reads a value; `response` is the replayed request's place among the replayed ones, from 0. */
export type Reference =
  | { readonly kind: 'json'; readonly response: number; readonly path: readonly (string | number)[] }
  | { readonly kind: 'header'; readonly response: number; readonly name: string }
  /** The Location a response redirected to, as a path resolved against `from`, the path of the request that got it. */
  | { readonly kind: 'location'; readonly response: number; readonly from: string };

/** A recorded value, replaced by a value read from an earlier response. */
export interface Hole {
  readonly ref: Reference;
  /** The response had it as a JSON number. */
  readonly numeric: boolean;
  /** The request had it percent-encoded (in a URL or a form). */
  readonly encode: boolean;
  /** What an endpoint name shows in its place (":id"). */
  readonly label: string;
}

/** Text in order: literal strings and holes. */
export type Part = string | Hole;

/** Values at least this long are found inside a longer text too ("Bearer <token>"); shorter ones only as a whole. */
const LONG = 8;
const MIN_STRING = 4;
/** Numbers with fewer digits are too likely to match by chance, unless named like an id on both sides. */
const MIN_DIGITS = 3;
const MAX_VALUE = 4096;
/** How many boundaries ahead a value inside a text may end: bounds the work on long texts. */
const SPAN_ENDS = 48;
const MAX_TEXT = 16_384;
const MAX_JSON = 4 << 20;
const MAX_LEAVES = 20_000;
const MAX_DEPTH = 32;
/** startedDateTime and time come from different clocks; a request this close to a response's end may still follow it. */
const CLOCK_SLACK_MS = 5;

/** Response headers that describe the response, not the application's state; Location has its own handling. */
const DESCRIPTIVE_HEADER =
  /^(set-cookie|date|expires|last-modified|age|server|vary|via|connection|keep-alive|transfer-encoding|cache-control|pragma|accept-ranges|strict-transport-security|alt-svc|location|link|nel|report-to|reporting-endpoints|referrer-policy|permissions-policy|timing-allow-origin|x-content-type-options|x-frame-options|x-xss-protection|x-powered-by|content-.*|access-control-.*|cross-origin-.*)$/;

/** Where a value sits in a request: decides whether short ids may match there. */
interface Slot {
  readonly key: string | null;
  readonly segment: boolean;
}

interface Source {
  readonly response: number;
  readonly ref: Reference;
  readonly numeric: boolean;
  /** A number of fewer than MIN_DIGITS digits, taken because its field is named like an id. */
  readonly small: boolean;
  readonly label: string;
}

interface LocationSource {
  readonly response: number;
  readonly from: string;
  readonly pathname: string;
  readonly search: string;
  readonly label: string;
}

const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

export function isIdKey(key: string | null): boolean {
  if (key === null) return false;
  return /^(id|uuid|guid|key)$/i.test(key) || /[a-z0-9](Id|ID|Uuid|UUID)$/.test(key) || /[_-](id|uuid|guid)$/i.test(key);
}

function safeDecode(raw: string, form: boolean): string {
  try {
    return decodeURIComponent(form ? raw.replace(/\+/g, ' ') : raw);
  } catch {
    return raw;
  }
}

/** Positions where a value may start or end: the ends, and each side of a character that is not a letter or digit. */
function boundaries(text: string): number[] {
  const at = [0];
  for (let i = 1; i < text.length; i++) {
    if (!isAlnum(text.charCodeAt(i - 1)) || !isAlnum(text.charCodeAt(i))) at.push(i);
  }
  if (text.length > 0) at.push(text.length);
  return at;
}

/**
 * Calls visit(start, ends) for each start where one of the LONG values may begin (its first LONG characters are in
 * `heads`), with the ends a value from there may have, farthest first.
 */
function spans(text: string, heads: ReadonlySet<string>, visit: (start: number, ends: readonly number[]) => void): void {
  if (text.length > MAX_TEXT || heads.size === 0) return;
  const at = boundaries(text);
  for (let i = 0; i < at.length; i++) {
    const start = at[i] ?? 0;
    if (!heads.has(text.slice(start, start + LONG))) continue;
    const ends: number[] = [];
    for (let j = Math.min(at.length - 1, i + SPAN_ENDS); j > i; j--) {
      const end = at[j] ?? 0;
      if (end - start >= LONG && end - start <= MAX_VALUE) ends.push(end);
    }
    if (ends.length > 0) visit(start, ends);
  }
}

/** Each leaf of a JSON value with its path and the name of the field it is in, up to MAX_LEAVES of them. */
export function jsonLeaves(value: unknown, visit: (path: readonly (string | number)[], key: string | null, leaf: unknown) => void): void {
  let budget = MAX_LEAVES;
  const walk = (v: unknown, path: (string | number)[], key: string | null): void => {
    if (budget <= 0 || path.length > MAX_DEPTH) return;
    if (Array.isArray(v)) v.forEach((item, n) => walk(item, [...path, n], key));
    else if (typeof v === 'object' && v !== null) for (const [k, item] of Object.entries(v)) walk(item, [...path, k], k);
    else {
      budget--;
      visit(path, key, v);
    }
  };
  walk(value, [], null);
}

function parseJson(text: string | null): unknown {
  if (text === null || text.length > MAX_JSON) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The text a value is matched by, or null when it is too short, too common or of no kind a request would carry. */
function candidate(leaf: unknown, key: string | null): { text: string; small: boolean } | null {
  const text = typeof leaf === 'number' && Number.isSafeInteger(leaf) ? String(leaf) : typeof leaf === 'string' ? leaf : null;
  if (text === null || text.length > MAX_VALUE) return null;
  if (/^-?\d+$/.test(text)) {
    const small = text.replace('-', '').length < MIN_DIGITS;
    return small && !isIdKey(key) ? null : { text, small };
  }
  // A short plain word ("active", "admin") is more likely an enum both sides share than a value handed over.
  if (text.length < MIN_STRING || (/^[A-Za-z]+$/.test(text) && text.length < 12)) return null;
  return { text, small: false };
}

function labelOf(path: readonly (string | number)[]): string {
  const key = [...path].reverse().find((p): p is string => typeof p === 'string') ?? 'value';
  return `:${/^[\w-]+$/.test(key) ? key : 'value'}`;
}

/** A path's segments that look like ids (digits, hex, UUIDs) as ":id", for an endpoint name. */
function genericPath(pathname: string): string {
  return pathname
    .split('/')
    .map((s) => (/^\d+$/.test(s) || (/\d/.test(s) && /^[\w-]{8,}$/.test(s)) ? ':id' : s))
    .join('/');
}

export class Correlator {
  readonly #all: readonly RecordedRequest[];
  readonly #replayed: readonly RecordedRequest[];
  /** Each value's sources, in the order of the responses (one a response). */
  readonly #sources = new Map<string, Source[]>();
  /** The first LONG characters of each value that long: where a value inside a text may start. */
  readonly #heads = new Set<string>();
  readonly #locations: LocationSource[] = [];
  /** The first recorded request (its index) that sent each source's value. */
  readonly #firstSent = new Map<string, number>();
  readonly #firstPath = new Map<string, number>();

  /** `all`: every recorded request, replayed or not, in order; `replayed`: those the journey sends, in order. */
  constructor(all: readonly RecordedRequest[], replayed: readonly RecordedRequest[], origin: string) {
    this.#all = all;
    this.#replayed = replayed;
    replayed.forEach((r, response) => this.#collect(r, response, origin));
    for (const r of all) this.#noteSent(r);
  }

  #add(text: string, source: Source): void {
    const list = this.#sources.get(text);
    if (list === undefined) {
      this.#sources.set(text, [source]);
      if (text.length >= LONG) this.#heads.add(text.slice(0, LONG));
    } else if (list[list.length - 1]?.response !== source.response) list.push(source);
  }

  #collect(r: RecordedRequest, response: number, origin: string): void {
    // Shallow fields first: of one response's fields with the same value, the shortest path is the one kept.
    const leaves: { path: readonly (string | number)[]; key: string | null; leaf: unknown }[] = [];
    jsonLeaves(parseJson(r.responseText), (path, key, leaf) => leaves.push({ path, key, leaf }));
    leaves.sort((a, b) => a.path.length - b.path.length);
    for (const { path, key, leaf } of leaves) {
      const c = candidate(leaf, key);
      if (c !== null) {
        const ref = { kind: 'json', response, path } as const;
        this.#add(c.text, { response, ref, numeric: typeof leaf === 'number', small: c.small, label: labelOf(path) });
      }
    }
    const joined = new Map<string, string>();
    for (const h of r.responseHeaders) {
      const name = h.name.toLowerCase();
      joined.set(name, joined.has(name) ? `${joined.get(name)}, ${h.value}` : h.value);
    }
    for (const [name, value] of joined) {
      const c = DESCRIPTIVE_HEADER.test(name) ? null : candidate(value, null);
      if (c !== null)
        this.#add(c.text, { response, ref: { kind: 'header', response, name }, numeric: false, small: false, label: `:${name}` });
    }
    const location = headerValue(r.responseHeaders, 'location');
    if (location === null) return;
    try {
      const to = new URL(location, r.url);
      if (to.origin !== origin) return;
      const from = r.url.pathname + r.url.search;
      this.#locations.push({ response, from, pathname: to.pathname, search: to.search, label: genericPath(to.pathname) });
    } catch {
      // Not a URL: nothing to follow.
    }
  }

  /** Notes the first request that sent each source value (anywhere: URL, any header, body) and each path, for #fromResponse. */
  #noteSent(r: RecordedRequest): void {
    const note = (text: string): void => {
      if (this.#sources.has(text) && !this.#firstSent.has(text)) this.#firstSent.set(text, r.index);
    };
    const scan = (text: string, url: boolean, form = false): void => {
      note(text);
      if (url) note(safeDecode(text, form));
      spans(text, this.#heads, (start, ends) => ends.forEach((end) => note(text.slice(start, end))));
    };
    const path = r.url.pathname + r.url.search;
    for (const prefix of [path, ...r.url.pathname.split('/').map((_, n, all) => all.slice(0, n + 1).join('/'))]) {
      if (!this.#firstPath.has(prefix)) this.#firstPath.set(prefix, r.index);
    }
    for (const segment of r.url.pathname.split('/')) scan(segment, true);
    for (const [, value] of queryPairs(r.url.search.slice(1))) if (value !== null) scan(value, true, true);
    for (const h of r.headers) scan(h.value, false);
    if (r.body === null) return;
    const json = parseJson(r.body.text);
    if (json === undefined) {
      scan(r.body.text, false);
      for (const [, value] of queryPairs(r.body.text)) if (value !== null) scan(value, true, true);
    } else
      jsonLeaves(json, (_, __, leaf) => (typeof leaf === 'string' || typeof leaf === 'number' ? scan(String(leaf), false) : undefined));
  }

  /** Whether a value that response `response` had was the browser's to know only from it: sent by no request before it ended. */
  #fromResponse(first: number | undefined, response: number): boolean {
    const source = this.#replayed[response];
    const sent = first === undefined ? undefined : this.#all[first];
    if (source === undefined || sent === undefined) return false;
    return sent.index > source.index && sent.startMs >= source.endMs - CLOCK_SLACK_MS;
  }

  /** The latest response before replayed request `at` that gave `text`, as a hole; null when none did. */
  #lookup(at: number, text: string, slot: Slot, encode: boolean): Hole | null {
    const list = this.#sources.get(text);
    if (list === undefined) return null;
    // A value many responses carry has a long list: find the last response before `at` by halving, then go back.
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((list[mid]?.response ?? at) < at) low = mid + 1;
      else high = mid;
    }
    const first = this.#firstSent.get(text);
    for (let n = low - 1; n >= 0; n--) {
      const s = list[n];
      if (s === undefined || (s.small && !(slot.segment || isIdKey(slot.key)))) continue;
      if (this.#fromResponse(first, s.response)) return { ref: s.ref, numeric: s.numeric, encode, label: s.label };
    }
    return null;
  }

  /** A text with the values found in it as holes: the whole of it, else values of at least LONG characters inside it. */
  #text(at: number, text: string, slot: Slot, url: 'path' | 'form' | null): Part[] {
    const whole = this.#lookup(at, text, slot, false);
    if (whole !== null) return [whole];
    if (url !== null) {
      const decoded = safeDecode(text, url === 'form');
      const hole = decoded === text ? null : this.#lookup(at, decoded, slot, true);
      if (hole !== null) return [hole];
    }
    const parts: Part[] = [];
    let done = 0;
    spans(text, this.#heads, (start, ends) => {
      if (start < done) return;
      for (const end of ends) {
        const hole = this.#lookup(at, text.slice(start, end), { key: null, segment: false }, false);
        if (hole === null) continue;
        if (start > done) parts.push(text.slice(done, start));
        parts.push(hole);
        done = end;
        break;
      }
    });
    if (done < text.length) parts.push(text.slice(done));
    return parts;
  }

  /** The path and query of replayed request `at`: a redirect's Location, ids in segments, values in the query. */
  path(at: number): Part[] {
    const r = this.#replayed[at];
    if (r === undefined) return [];
    let rest = r.url.pathname;
    const parts: Part[] = [];
    const location = this.#location(at, r.url.pathname, r.url.search);
    if (location !== null) {
      parts.push(location.hole);
      if (location.whole) return parts;
      rest = rest.slice(location.length);
    }
    rest.split('/').forEach((segment, n) => {
      if (n > 0) parts.push('/');
      parts.push(...(segment === '' ? [] : this.#text(at, segment, { key: null, segment: true }, 'path')));
    });
    return r.url.search === '' ? parts : [...parts, '?', ...this.form(at, r.url.search.slice(1))];
  }

  #location(at: number, pathname: string, search: string): { hole: Hole; whole: boolean; length: number } | null {
    for (let n = this.#locations.length - 1; n >= 0; n--) {
      const l = this.#locations[n];
      if (l === undefined || l.response >= at) continue;
      const whole = l.pathname === pathname && l.search === search;
      // The same path with a query of its own, or a path under it (/orders/8412/lines), starts with the Location.
      const under = pathname === l.pathname || pathname.startsWith(`${l.pathname.replace(/\/$/, '')}/`);
      const prefix = !whole && l.search === '' && l.pathname !== '/' && under;
      if (!whole && !prefix) continue;
      const base = whole ? pathname + search : pathname === l.pathname ? pathname : l.pathname.replace(/\/$/, '');
      if (!this.#fromResponse(this.#firstPath.get(base), l.response)) continue;
      const hole: Hole = { ref: { kind: 'location', response: l.response, from: l.from }, numeric: false, encode: false, label: l.label };
      return { hole, whole, length: base.length };
    }
    return null;
  }

  /** A header's value, a text body, or a string in a JSON body (under field `key`). */
  text(at: number, value: string, key: string | null = null): Part[] {
    return this.#text(at, value, { key, segment: false }, null);
  }

  /** A query, or a form body (application/x-www-form-urlencoded): each value on its own, under its key's name. */
  form(at: number, body: string): Part[] {
    const parts: Part[] = [];
    queryPairs(body).forEach(([key, value, raw], n) => {
      if (n > 0) parts.push('&');
      if (value === null) parts.push(raw);
      else parts.push(`${key}=`, ...this.#text(at, value, { key: safeDecode(key, true), segment: false }, 'form'));
    });
    return parts;
  }

  /** A number in a JSON body (under field `key`) that an earlier response gave, or null. */
  number(at: number, value: number, key: string | null): Hole | null {
    return Number.isSafeInteger(value) ? this.#lookup(at, String(value), { key, segment: false }, false) : null;
  }
}

/** A query's (or form's) pairs as written: raw key, raw value (null without "="), the raw pair. */
function queryPairs(query: string): [string, string | null, string][] {
  if (query === '') return [];
  return query.split('&').map((raw) => {
    const eq = raw.indexOf('=');
    return eq < 0 ? [raw, null, raw] : [raw.slice(0, eq), raw.slice(eq + 1), raw];
  });
}
