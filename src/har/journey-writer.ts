// Prints the journey script of a recording: its replayed requests in order, with think time, and each value an
// earlier response gave read from the replay's response of it.

import { Correlator, type Hole, type Part } from './correlate.js';
import { headerValue, replayHeaders, type RecordedRequest, type Recording, type Selection, type Step } from './har-file.js';
import { commentText, objectKey, propertyAccess, stringLiteral, templateText } from './ts-literals.js';

/** Gaps shorter than this are the browser's own pace, not a user's think time. */
const MIN_SLEEP_MS = 50;
const WIDTH = 120;
const INDENT = '    ';
/** How many left-out static paths one comment line lists. */
const LISTED_STATIC = 6;

export interface JourneyInfo {
  /** The HAR file as the user named it, for the first comment line. */
  readonly file: string;
}

export interface WrittenJourney {
  readonly source: string;
  /** How many recorded values the script reads from earlier responses instead. */
  readonly correlated: number;
}

/** Source code, as a tree, so that long objects break over lines and short ones stay on one. */
type Code = string | { readonly entries: readonly (readonly [string, Code])[] } | { readonly items: readonly Code[] };

function flat(code: Code): string {
  if (typeof code === 'string') return code;
  if ('entries' in code)
    return code.entries.length === 0 ? '{}' : `{ ${code.entries.map(([k, v]) => `${objectKey(k)}: ${flat(v)}`).join(', ')} }`;
  return `[${code.items.map(flat).join(', ')}]`;
}

/** `code` starting at `column`, its inner lines at `indent` spaces and deeper. */
function render(code: Code, indent: number, column: number): string {
  const line = flat(code);
  if (typeof code === 'string' || column + line.length <= WIDTH) return line;
  const pad = ' '.repeat(indent + 2);
  const inner =
    'entries' in code
      ? code.entries.map(([k, v]) => `${pad}${objectKey(k)}: ${render(v, indent + 2, indent + 4 + objectKey(k).length)},\n`)
      : code.items.map((v) => `${pad}${render(v, indent + 2, indent + 2)},\n`);
  return 'entries' in code ? `{\n${inner.join('')}${' '.repeat(indent)}}` : `[\n${inner.join('')}${' '.repeat(indent)}]`;
}

/** Writes one request's code, noting which responses its holes read. */
class StepWriter {
  readonly used = new Set<number>();
  holes = 0;
  #usesPathOf = false;

  constructor(readonly correlator: Correlator) {}

  get usesPathOf(): boolean {
    return this.#usesPathOf;
  }

  expression(h: Hole): string {
    this.used.add(h.ref.response);
    this.holes++;
    const r = `r${h.ref.response + 1}`;
    switch (h.ref.kind) {
      case 'json':
        return `${r}.json()${h.ref.path.map((p) => (typeof p === 'number' ? `[${p}]` : propertyAccess(p))).join('')}`;
      case 'header':
        return `${r}.headers${propertyAccess(h.ref.name)}`;
      case 'location':
        this.#usesPathOf = true;
        return `pathOf(${r}.headers.location, ${stringLiteral(h.ref.from)})`;
    }
  }

  /** A hole inside text: encoded as the recording had it (a header's value may be a list, hence String()). */
  #inText(h: Hole): string {
    const e = this.expression(h);
    return h.encode ? `encodeURIComponent(${h.ref.kind === 'header' ? `String(${e})` : e})` : e;
  }

  /** Text with holes as a string expression: a literal, a value on its own, or a template literal. */
  text(parts: readonly Part[]): string {
    const merged: Part[] = [];
    for (const p of parts) {
      const last = merged[merged.length - 1];
      if (typeof p === 'string' && typeof last === 'string') merged[merged.length - 1] = last + p;
      else if (p !== '') merged.push(p);
    }
    const only = merged[0];
    if (merged.length <= 1 && (only === undefined || typeof only === 'string')) return stringLiteral(only ?? '');
    if (merged.length === 1 && only !== undefined && typeof only !== 'string') {
      const e = this.#inText(only);
      return only.encode || only.ref.kind === 'location' ? e : `String(${e})`;
    }
    return `\`${merged.map((p) => (typeof p === 'string' ? templateText(p) : `\${${this.#inText(p)}}`)).join('')}\``;
  }

  /** A JSON body as an object literal, with values from earlier responses in it. */
  json(at: number, value: unknown, key: string | null): Code {
    if (Array.isArray(value)) return { items: value.map((v) => this.json(at, v, key)) };
    if (typeof value === 'object' && value !== null)
      return { entries: Object.entries(value).map(([k, v]) => [k, this.json(at, v, k)] as const) };
    if (typeof value === 'string') return this.text(this.correlator.text(at, value, key));
    if (typeof value === 'number') {
      const hole = this.correlator.number(at, value, key);
      if (hole === null) return JSON.stringify(value);
      const e = this.expression(hole);
      return hole.numeric ? e : `Number(${e})`;
    }
    return String(value);
  }
}

/** Whether JSON.parse keeps every number of `text` exactly (ids past 2^53 it would round, changing the body). */
export function keepsNumbers(text: string): boolean {
  for (const [token] of text.matchAll(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g)) {
    if (token.startsWith('"')) continue;
    const value = Number(token);
    if (/^-?\d+$/.test(token) ? !Number.isSafeInteger(value) : !Number.isFinite(value) || significantDigits(token) > 15) return false;
  }
  return true;
}

/** Past 15 significant digits a decimal may not survive the round trip through a double. */
function significantDigits(decimal: string): number {
  return decimal
    .replace(/[eE].*$/, '')
    .replace(/\D/g, '')
    .replace(/^0+/, '').length;
}

function parsedJsonBody(r: RecordedRequest): { value: unknown } | null {
  if (r.body === null) return null;
  const mime = r.body.mimeType === '' ? (headerValue(r.headers, 'content-type') ?? '') : r.body.mimeType;
  if (!/\bjson\b|\+json/i.test(mime) || !keepsNumbers(r.body.text)) return null;
  try {
    return { value: JSON.parse(r.body.text) as unknown };
  } catch {
    return null;
  }
}

const METHODS: Readonly<Record<string, string>> = { GET: 'get', POST: 'post', PUT: 'put', PATCH: 'patch', DELETE: 'delete' };

/** "METHOD /path/:label" when the path holds values from responses; null when the default name (METHOD path) fits. */
function endpointName(method: string, path: readonly Part[]): string | null {
  let name = '';
  let holes = false;
  for (const p of path) {
    if (typeof p !== 'string') {
      name += p.label;
      holes = true;
      continue;
    }
    const query = p.indexOf('?');
    name += query < 0 ? p : p.slice(0, query);
    if (query >= 0) break;
  }
  return holes ? `${method} ${name}` : null;
}

/** The call that sends replayed request `at` ("vu.get(...)"), written to start at `column`. */
function stepCall(writer: StepWriter, at: number, r: RecordedRequest, column: number): string {
  const path = writer.correlator.path(at);
  const options: [string, Code][] = [];
  const headers = replayHeaders(r).map(({ name, value }) => [name, writer.text(writer.correlator.text(at, value))] as const);
  if (headers.length > 0) options.push(['headers', { entries: headers }]);
  const json = parsedJsonBody(r);
  if (json !== null) options.push(['json', writer.json(at, json.value, null)]);
  else if (r.body !== null && r.body.text !== '') {
    const form = /x-www-form-urlencoded/i.test(r.body.mimeType || (headerValue(r.headers, 'content-type') ?? ''));
    options.push(['body', writer.text(form ? writer.correlator.form(at, r.body.text) : writer.correlator.text(at, r.body.text))]);
  }
  const name = endpointName(r.method, path);
  if (name !== null) options.push(['name', stringLiteral(name)]);
  const method = METHODS[r.method];
  if (method === undefined) {
    const request: Code = { entries: [['method', stringLiteral(r.method)], ['path', writer.text(path)], ...options] };
    return `vu.request(${render(request, INDENT.length, column + 11)})`;
  }
  const first = `vu.${method}(${writer.text(path)}`;
  return options.length === 0 ? `${first})` : `${first}, ${render({ entries: options }, INDENT.length, column + first.length + 2)})`;
}

/** The comment lines for requests left out between two replayed ones: statics listed together, the others one a line. */
function droppedComments(dropped: readonly Step[]): string[] {
  const lines: string[] = [];
  const statics = dropped.filter((s) => s.kind === 'drop' && s.reason === 'static').map((s) => s.request.url.pathname);
  if (statics.length > 0) {
    const more = statics.length > LISTED_STATIC ? ` and ${statics.length - LISTED_STATIC} more` : '';
    lines.push(`// static, left out (--include-static keeps them): ${statics.slice(0, LISTED_STATIC).join(', ')}${more}`);
  }
  for (const s of dropped) {
    if (s.kind === 'drop' && s.reason !== 'static') {
      const url = s.request.url.href.length > 160 ? `${s.request.url.href.slice(0, 160)}...` : s.request.url.href;
      lines.push(`// dropped: ${s.request.method} ${url} (${s.reason})`);
    }
  }
  return lines.map((l) => INDENT + commentText(l));
}

const PATH_OF = `
/** The path a Location header sends the user to, resolved as the browser did against the request that got it. */
function pathOf(location: string | undefined, from: string): string {
  if (location === undefined) throw new Error(\`no Location header in the response to \${from}\`);
  const url = new URL(location, new URL(from, 'http://replay.invalid'));
  return url.pathname + url.search;
}
`;

/** The body of iteration(): one statement a request, sleeps and comments between; rN named only where read later. */
function iterationBody(selection: Selection, writer: StepWriter): string[] {
  const lines: (string | { readonly response: number; readonly call: string })[] = [];
  let pending: Step[] = [];
  let busyUntil: number | null = null;
  for (const step of selection.steps) {
    if (step.kind === 'drop') {
      pending.push(step);
      continue;
    }
    lines.push(...droppedComments(pending));
    pending = [];
    const gap = busyUntil === null ? 0 : Math.round(step.request.startMs - busyUntil);
    if (gap >= MIN_SLEEP_MS) lines.push(`${INDENT}await vu.sleep(${gap});`);
    busyUntil = Math.max(busyUntil ?? step.request.endMs, step.request.endMs);
    const response = lines.filter((l) => typeof l !== 'string').length;
    // Whether a later request reads this response is known only at the end; the width is reckoned as if it did.
    const column = INDENT.length + `const r${response + 1} = await `.length;
    lines.push({ response, call: stepCall(writer, response, step.request, column) });
  }
  lines.push(...droppedComments(pending));
  return lines.map((l) =>
    typeof l === 'string' ? l : `${INDENT}${writer.used.has(l.response) ? `const r${l.response + 1} = ` : ''}await ${l.call};`,
  );
}

/** The journey script for the selected requests of a recording. */
export function writeJourney(recording: Recording, selection: Selection, info: JourneyInfo): WrittenJourney {
  const writer = new StepWriter(new Correlator(recording.requests, selection.replayed, selection.origin));
  const body = iterationBody(selection, writer);
  const by = recording.creator === '' ? '' : ` (recorded by ${recording.creator})`;
  const head = [
    `// A journey replaying ${info.file}${by}: ${selection.replayed.length} of its ${recording.requests.length} requests, to ${selection.origin}.`,
    `// Written by gb har. Values the recording got from a response (rN) are read from the replay's response.`,
    `// Run it with: gb --script journey.ts --users 10 --iterations 5 ${selection.origin}/`,
  ].map(commentText);
  const source = [
    ...head,
    "import type { Journey } from 'gb-bench';",
    ...(writer.usesPathOf ? [PATH_OF.trimEnd()] : []),
    '',
    'export default {',
    '  async iteration(vu) {',
    ...body,
    '  },',
    '} satisfies Journey;',
    '',
  ].join('\n');
  return { source, correlated: writer.holes };
}
