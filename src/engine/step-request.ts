// A journey step as request bytes: its method, path, headers, body or JSON, and the user's cookies, on the run's origin.

import type { Config, Header, RequestTarget } from '../config/config.js';
import { buildH2TargetRequest, type H2Frames } from '../transport/h2-request.js';
import { buildTargetRequest } from '../transport/request.js';
import type { StepRequest } from './journey-api.js';
import { checkedBody, checkedHeaders, checkedMethod, pathProblem } from './request-checks.js';

/** Steps without headers or a body are the same bytes each time for the same cookies: kept, up to this many. */
const MAX_KEPT = 1000;

/** A built step: its bytes (HTTP/1.x) or HEADERS frames (--http2), its row's name, and whether it is HEAD (the parser expects no body). */
export interface BuiltStep {
  readonly bytes: Buffer | null;
  readonly frames: H2Frames | null;
  readonly name: string;
  readonly isHead: boolean;
}

/**
 * Builds each step's bytes (or HTTP/2 frames) as for a targets file, with the user's cookies
 * (and -C's) in one Cookie header. Steps with only a method and path are kept by (method, path,
 * cookies): a journey of fixed paths builds each distinct request once, not once per request.
 */
export class StepBuilder {
  readonly #config: Config;
  readonly #version: string;
  readonly #kept = new Map<string, BuiltStep>();

  constructor(config: Config, version: string) {
    this.#config = config;
    this.#version = version;
  }

  /** The step's request, or what is wrong with it (thrown to the journey as an Error by the caller). */
  build(step: StepRequest, jarCookies: string): BuiltStep | string {
    const path = step.path;
    const plain = step.headers === undefined && step.body === undefined && step.json === undefined && step.name === undefined;
    const key = plain ? `${step.method ?? 'GET'} ${path}\n${jarCookies}` : null;
    if (key !== null) {
      const kept = this.#kept.get(key);
      if (kept !== undefined) return kept;
    }
    const checked = checkedMethod(step.method ?? 'GET');
    if (typeof checked === 'string') return checked;
    const { method } = checked;
    const pathWrong = pathProblem(path);
    if (pathWrong !== null) return pathWrong;
    const headers = checkedHeaders(step.headers);
    if (typeof headers === 'string') return headers;
    const body = bodyOf(step, headers);
    if (typeof body === 'string') return body;
    const cookies = [jarCookies, ...this.#config.cookies].filter((c) => c !== '').join('; ');
    if (cookies !== '' && !headers.some((h) => h.name.toLowerCase() === 'cookie')) headers.push({ name: 'Cookie', value: cookies });
    const name = step.name === undefined ? `${method} ${path.replace(/\?.*$/, '')}` : String(step.name);
    const one: RequestTarget = { name, method, target: { ...this.#config.target, path }, headers, body };
    const h2 = this.#config.http2;
    const built: BuiltStep = {
      bytes: h2 ? null : buildTargetRequest(this.#config, this.#version, one),
      frames: h2 ? buildH2TargetRequest(this.#config, this.#version, one).frames : null,
      name,
      isHead: method === 'HEAD',
    };
    if (key !== null && this.#kept.size < MAX_KEPT) this.#kept.set(key, built);
    return built;
  }
}

/** The body's bytes (json: its JSON text, typed as JSON unless a header says otherwise); null for none. */
function bodyOf(step: StepRequest, headers: Header[]): Uint8Array | null | string {
  if (step.json !== undefined) {
    if (step.body !== undefined) return 'give body or json, not both';
    let text: string | undefined;
    try {
      text = JSON.stringify(step.json);
    } catch (e) {
      return `json cannot be sent: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (text === undefined) return 'json cannot be sent: it has no JSON form (a function or undefined)';
    if (!headers.some((h) => h.name.toLowerCase() === 'content-type')) headers.push({ name: 'Content-Type', value: 'application/json' });
    return Buffer.from(text, 'utf8');
  }
  if (step.body === undefined) return null;
  const given = checkedBody(step.body);
  return typeof given === 'string' ? given : given.body;
}
