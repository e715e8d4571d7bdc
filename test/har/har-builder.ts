// Small handmade HAR files for the tests: each entry says only what its test is about, the rest takes Chromium's shape.

export interface EntrySpec {
  readonly method?: string;
  readonly url: string;
  /** Start, in ms after the recording's start. */
  readonly at: number;
  /** The entry's duration (HAR `time`); default 10 ms. */
  readonly time?: number;
  readonly headers?: Readonly<Record<string, string>> | readonly (readonly [string, string])[];
  readonly body?: { readonly mimeType: string; readonly text: string };
  readonly status?: number;
  readonly responseHeaders?: Readonly<Record<string, string>> | readonly (readonly [string, string])[];
  /** The response's mime type; default application/json when `json` is given, else text/plain. */
  readonly mime?: string;
  readonly json?: unknown;
  readonly text?: string;
  readonly resourceType?: string;
}

const START = Date.parse('2026-01-02T03:04:05.000Z');

const pairs = (h: EntrySpec['headers']): { name: string; value: string }[] =>
  (Array.isArray(h) ? h : Object.entries(h ?? {})).map(([name, value]: readonly [string, string]) => ({ name, value }));

export function harEntry(e: EntrySpec): Record<string, unknown> {
  const mime = e.mime ?? (e.json === undefined ? 'text/plain' : 'application/json');
  const text = e.json === undefined ? (e.text ?? '') : JSON.stringify(e.json);
  return {
    startedDateTime: new Date(START + e.at).toISOString(),
    time: e.time ?? 10,
    request: {
      method: e.method ?? 'GET',
      url: e.url,
      httpVersion: 'HTTP/1.1',
      headers: pairs(e.headers),
      queryString: [],
      cookies: [],
      headersSize: -1,
      bodySize: e.body?.text.length ?? 0,
      ...(e.body === undefined ? {} : { postData: e.body }),
    },
    response: {
      status: e.status ?? 200,
      statusText: '',
      httpVersion: 'HTTP/1.1',
      headers: [{ name: 'Content-Type', value: mime }, ...pairs(e.responseHeaders)],
      cookies: [],
      content: { size: text.length, mimeType: mime, text },
      redirectURL: '',
      headersSize: -1,
      bodySize: text.length,
    },
    cache: {},
    timings: { send: 0, wait: e.time ?? 10, receive: 0 },
    ...(e.resourceType === undefined ? {} : { _resourceType: e.resourceType }),
  };
}

/** A HAR file's text with these entries, in the order given (recorders write them as they finish, not as they start). */
export function harText(entries: readonly EntrySpec[]): string {
  return JSON.stringify({
    log: { version: '1.2', creator: { name: 'handmade', version: '1' }, pages: [], entries: entries.map(harEntry) },
  });
}
