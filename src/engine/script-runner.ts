// Runs a --script's hooks in one engine thread: setup once, request() per request (only when exported), response() per response, teardown.

import type { Config, RequestTarget } from '../config/config.js';
import type { GbFailureCode } from '../failures.js';
import { originOf } from '../config/validate.js';
import type { Summary } from '../metrics/summary.js';
import type { RequestSource } from '../transport/exchange.js';
import { buildH2Request, buildH2TargetRequest, type H2Frames } from '../transport/h2-request.js';
import type { H2RequestSource } from '../transport/http2-connection.js';
import { buildRequest, buildTargetRequest } from '../transport/request.js';
import type { VirtualUser } from './journey-api.js';
import type { Script, ScriptContext, ScriptRequest, ScriptResponse, ScriptResponseHeaders } from './script-api.js';
import { scriptError, type LoadedScript } from './script-loader.js';
import { ReturnedRequests } from './returned-requests.js';
import { headersOf } from './response-headers.js';
import { checkedBody, checkedHeaders, checkedMethod, pathProblem } from './request-checks.js';
import type { TargetSequence } from './target-sequence.js';

const DEFAULT_BODY_BYTES = 64 * 1024;

/** What response() made of a response: accepted, rejected (false), or failed (a throw: the message). */
export type Verdict =
  | { readonly rejected: false }
  | {
      readonly rejected: true;
      readonly code: Extract<GbFailureCode, 'SCRIPT' | 'SCRIPT_TIMEOUT'>;
      readonly message: string;
      readonly threw: boolean;
    };

const ACCEPTED: Verdict = { rejected: false };
const RETURNED_FALSE: Verdict = { rejected: true, code: 'SCRIPT', message: 'script: response() returned false', threw: false };

/** The facts of a response that response() is shown. */
export interface ResponseView {
  readonly status: number;
  readonly head: string | null;
  readonly body: Buffer | null;
  readonly totalUs: number;
  readonly row: number;
}

/**
 * One protocol's requests in a script's run (bytes for HTTP/1.x, HEADERS frames for HTTP/2), drawn in
 * this order: the one request() has just built, else one a connection gave back unsent (a take-over of
 * a stuck connect: sent again as built, without another request() call, so the script's count of
 * requests holds), else the targets sequence's next, else the URL's.
 */
class Draws<T> {
  prepared: T | null = null;
  readonly returned: ReturnedRequests<T>;
  /** The URL's request; for the protocol the run does not speak, empty or null: only the other's requests are built. */
  readonly url: T | null;
  readonly fromSequence: (sequence: TargetSequence) => T;

  constructor(slots: number, url: T | null, fromSequence: (sequence: TargetSequence) => T) {
    this.returned = new ReturnedRequests(slots);
    this.url = url;
    this.fromSequence = fromSequence;
  }
}

const SEQUENCE_BYTES = (sequence: TargetSequence): Buffer => sequence.next();
const SEQUENCE_FRAMES = (sequence: TargetSequence): H2Frames => sequence.nextH2();

export class ScriptRunner implements RequestSource, H2RequestSource {
  row = 0;
  isHead = false;
  readonly ctx: ScriptContext;
  readonly #script: Script;
  readonly #file: string;
  readonly #config: Config;
  readonly #version: string;
  #sequence: TargetSequence | null = null;
  readonly #targetBuffers: readonly Buffer[];
  readonly #targetFrames: readonly H2Frames[];
  readonly #targetCount: number;
  readonly #targetRows: Int32Array;
  #rowOf: (name: string) => number = () => 0;
  #rowName: (row: number) => string = () => '';
  /** Over HTTP/1.x: the request bytes of each draw (the URL's when request() is not exported or returns an index). */
  readonly #bytes: Draws<Buffer>;
  /** --http2: the same as HEADERS frames. */
  readonly #frames: Draws<H2Frames>;

  constructor(loaded: LoadedScript, config: Config, version: string, worker: number) {
    this.#script = loaded.script;
    this.#file = loaded.file;
    this.#config = config;
    this.#version = version;
    const h2 = config.http2;
    this.#bytes = new Draws(h2 ? 0 : config.pipeline, h2 ? Buffer.alloc(0) : buildRequest(config, version), SEQUENCE_BYTES);
    this.#frames = new Draws(h2 ? config.pipeline : 0, h2 ? buildH2Request(config, version).frames : null, SEQUENCE_FRAMES);
    const list = config.targets?.list ?? [];
    this.#targetBuffers = h2 ? [] : list.map((t) => buildTargetRequest(config, version, t));
    this.#targetFrames = h2 ? list.map((t) => buildH2TargetRequest(config, version, t).frames) : [];
    this.#targetCount = list.length;
    this.#targetRows = new Int32Array(list.length);
    // The origin the run's connections go to, so a setup() request reaches the same server.
    const origin = originOf(config.target);
    this.ctx = { worker, url: `${origin}${config.target.path}`, origin, targets: list.length, state: {} };
  }

  /** The engine's targets sequence (when request() is not exported or gives no request of its own) and its endpoint rows: names to rows, and back. */
  attach(sequence: TargetSequence | null, rowOf: (name: string) => number, rowName: (row: number) => string): void {
    this.#sequence = sequence;
    this.#rowOf = rowOf;
    this.#rowName = rowName;
    const list = this.#config.targets?.list ?? [];
    list.forEach((t, i) => (this.#targetRows[i] = rowOf(t.name)));
    if (this.#sequence === null && !this.makesRequests) this.row = rowOf(`${this.#config.method} ${this.#config.target.path}`);
  }

  get makesRequests(): boolean {
    return this.#script.request !== undefined;
  }

  get checksResponses(): boolean {
    return this.#script.response !== undefined;
  }

  /** Bytes of body response() wants; -1 when it wants none. */
  get bodyBytes(): number {
    const wanted = this.#script.options?.responseBody;
    if (this.#script.response === undefined || wanted === undefined || wanted === false) return -1;
    return wanted === true ? DEFAULT_BODY_BYTES : Math.max(0, Math.floor(wanted));
  }

  /** The script is a journey: it exports iteration(vu). */
  get iterates(): boolean {
    return this.#script.iteration !== undefined;
  }

  /** Bytes of each body a journey's step keeps, when options.responseBody says; null for the default. */
  get journeyBodyBytes(): number | null {
    const wanted = this.#script.options?.responseBody;
    if (typeof wanted === 'number') return Math.max(0, Math.floor(wanted));
    return wanted === false ? 0 : null;
  }

  /** One iteration of a journey's user; a throw (or rejection) is the iteration's failure. */
  iterate(vu: VirtualUser): Promise<void> {
    return this.#script.iteration!(vu);
  }

  /** An error the script raised, in one line with where in the script it happened. */
  describe(e: unknown): string {
    return scriptError(e, this.#file);
  }

  /** setup(ctx): null, or why the run cannot start (the script's error and where). */
  async setup(): Promise<string | null> {
    if (this.#script.setup === undefined) return null;
    try {
      await this.#script.setup(this.ctx);
      return null;
    } catch (e) {
      return `--script setup() threw: ${scriptError(e, this.#file)}`;
    }
  }

  async teardown(summary: Summary): Promise<string | null> {
    if (this.#script.teardown === undefined) return null;
    try {
      await this.#script.teardown(this.ctx, summary);
      return null;
    } catch (e) {
      return `--script teardown() threw: ${scriptError(e, this.#file)}`;
    }
  }

  /**
   * Runs request() for the next request: null when it gave one (next() hands it to the connection),
   * else why not (a Script failure of that request, which is never sent).
   */
  prepare(): string | null {
    let value: unknown;
    try {
      value = this.#script.request!(this.ctx);
    } catch (e) {
      return `script: request() threw: ${scriptError(e, this.#file)}`;
    }
    if (typeof value === 'number') {
      if (!Number.isInteger(value) || value < 0 || value >= this.#targetCount) {
        const range = this.#targetCount === 0 ? 'there is no --targets file' : `--targets has ${this.#targetCount}`;
        return `script: request() returned target index ${value}, but ${range}`;
      }
      if (this.#config.http2) this.#frames.prepared = this.#targetFrames[value]!;
      else this.#bytes.prepared = this.#targetBuffers[value]!;
      this.row = this.#targetRows[value]!;
      this.isHead = this.#config.targets!.list[value]!.method === 'HEAD';
      return null;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Promise) {
      const what =
        value instanceof Promise
          ? 'a Promise (request() must be synchronous: await in setup())'
          : value === null
            ? 'null'
            : Array.isArray(value)
              ? 'an array'
              : typeof value;
      return `script: request() returned ${what}; expected { method?, path?, headers?, body?, name? } or a target index`;
    }
    const built = this.#build(value);
    if (typeof built === 'string') return `script: request() returned a bad request: ${built}`;
    if ('idOffsets' in built) this.#frames.prepared = built;
    else this.#bytes.prepared = built;
    return null;
  }

  nextH2(): H2Frames {
    return this.#draw(this.#frames);
  }

  next(): Buffer {
    return this.#draw(this.#bytes);
  }

  #draw<T>(draws: Draws<T>): T {
    const prepared = draws.prepared;
    if (prepared !== null) {
      draws.prepared = null;
      return prepared;
    }
    const returned = draws.returned;
    if (!returned.empty) {
      const request = returned.take();
      this.row = returned.row;
      this.isHead = returned.isHead;
      return request;
    }
    const sequence = this.#sequence;
    if (sequence !== null) {
      const request = draws.fromSequence(sequence);
      this.row = sequence.row;
      this.isHead = sequence.isHead;
      return request;
    }
    this.isHead = this.#config.method === 'HEAD';
    return draws.url!;
  }

  giveBack(request: Buffer, row: number, isHead: boolean): void {
    this.#bytes.returned.put(request, row, isHead);
  }

  giveBackH2(frames: H2Frames, row: number): void {
    this.#frames.returned.put(frames, row, false);
  }

  /** The request as bytes (HTTP/1.x) or HEADERS frames (HTTP/2, its header block encoded here: only scripts pay per request); a string says what is wrong. */
  #build(r: ScriptRequest): Buffer | H2Frames | string {
    const checked = r.method === undefined ? { method: this.#config.method } : checkedMethod(r.method);
    if (typeof checked === 'string') return checked;
    const { method } = checked;
    const path = r.path === undefined ? this.#config.target.path : r.path;
    const pathWrong = pathProblem(path);
    if (pathWrong !== null) return pathWrong;
    const headers = checkedHeaders(r.headers);
    if (typeof headers === 'string') return headers;
    const given = r.body === undefined ? { body: this.#config.body } : checkedBody(r.body);
    if (typeof given === 'string') return given;
    const { body } = given;
    const name = r.name === undefined ? `${method} ${path.replace(/\?.*$/, '')}` : String(r.name);
    const one: RequestTarget = { name, method, target: { ...this.#config.target, path }, headers, body };
    this.row = this.#rowOf(name);
    this.isHead = method === 'HEAD';
    return this.#config.http2
      ? buildH2TargetRequest(this.#config, this.#version, one).frames
      : buildTargetRequest(this.#config, this.#version, one);
  }

  /** response(ctx, res): a verdict now, or a promise of one (an async check). */
  check(view: ResponseView): Verdict | Promise<Verdict> {
    let value: unknown;
    try {
      value = this.#script.response!(this.ctx, this.#responseOf(view));
    } catch (e) {
      return this.#threw(e);
    }
    if (value instanceof Promise)
      return value.then(
        (v: unknown) => (v === false ? RETURNED_FALSE : ACCEPTED),
        (e: unknown) => this.#threw(e),
      );
    return value === false ? RETURNED_FALSE : ACCEPTED;
  }

  #threw(e: unknown): Verdict {
    return { rejected: true, code: 'SCRIPT', message: `script: response() threw: ${scriptError(e, this.#file)}`, threw: true };
  }

  #responseOf(view: ResponseView): ScriptResponse {
    const body = view.body;
    let headers: ScriptResponseHeaders | null = null;
    return {
      status: view.status,
      // Parsed on first read: most checks look only at the status or the body, on every response.
      get headers(): ScriptResponseHeaders {
        return (headers ??= headersOf(view.head));
      },
      body,
      text: () => body?.toString('utf8') ?? '',
      json: () => JSON.parse(body?.toString('utf8') ?? '') as unknown,
      latencyMs: view.totalUs / 1000,
      name: this.#rowName(view.row),
    };
  }
}
