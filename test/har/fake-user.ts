// Runs a journey script `gb har` wrote without gb's journey engine: transpiled by esbuild (as gb loads scripts), its
// iteration() given a fake virtual user that records each request and answers it as the test says.

import { transform } from 'esbuild';
import { runInThisContext } from 'node:vm';
import type { StepRequest, StepResponse, VirtualUser } from '../../src/engine/journey-api.js';

export interface SentRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  readonly json?: unknown;
  readonly name?: string;
}

export interface Answer {
  readonly status: number;
  /** Lower-case names; set-cookie a list, as the engine gives them. */
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: string;
}

export interface FakeRun {
  readonly sent: readonly SentRequest[];
  readonly sleeps: readonly number[];
}

type Iteration = (vu: VirtualUser) => Promise<void>;

/** The script's iteration(); esbuild throws on anything that is not valid TypeScript. */
export async function loadJourney(source: string): Promise<Iteration> {
  const { code } = await transform(source, { loader: 'ts', format: 'cjs', target: 'node20', sourcefile: 'journey.ts' });
  const module = { exports: {} as Record<string, unknown> };
  const run = runInThisContext(`(function (module, exports) {${code}\n})`, { filename: 'journey.js' }) as (m: unknown, e: unknown) => void;
  run(module, module.exports);
  const journey = module.exports['default'] as { iteration?: Iteration } | undefined;
  if (typeof journey?.iteration !== 'function') throw new Error('the script has no default export with iteration()');
  return journey.iteration.bind(journey);
}

function response(step: StepRequest, answer: Answer): StepResponse {
  const body = Buffer.from(answer.body);
  return {
    status: answer.status,
    headers: answer.headers,
    body,
    text: () => body.toString('utf8'),
    json: () => JSON.parse(body.toString('utf8')) as unknown,
    latencyMs: 1,
    name: step.name ?? `${step.method ?? 'GET'} ${step.path.split('?')[0] ?? ''}`,
    error: null,
  } as StepResponse;
}

/** Runs one iteration; `answer(request, n)` gives the response to the n-th request (from 0). */
export async function runJourney(source: string, answer: (request: SentRequest, n: number) => Answer): Promise<FakeRun> {
  const iteration = await loadJourney(source);
  const sent: SentRequest[] = [];
  const sleeps: number[] = [];
  const request = (step: StepRequest): Promise<StepResponse> => {
    const one: SentRequest = {
      method: step.method ?? 'GET',
      path: step.path,
      headers: { ...step.headers },
      ...(step.body === undefined ? {} : { body: step.body }),
      ...(step.json === undefined ? {} : { json: step.json }),
      ...(step.name === undefined ? {} : { name: step.name }),
    };
    sent.push(one);
    return Promise.resolve(response(step, answer(one, sent.length - 1)));
  };
  const vu = userOf(0, request, (ms) => {
    sleeps.push(ms);
    return Promise.resolve();
  });
  await iteration(vu);
  return { sent, sleeps };
}

/**
 * A stand-in user that sends a journey's requests with fetch to `origin`, with a cookie jar of its own (names and
 * values only: enough for a session cookie), redirects not followed, as the journey engine's users do.
 */
export function fetchUser(origin: string, id = 0): VirtualUser {
  const jar = new Map<string, string>();
  const request = async (step: StepRequest): Promise<StepResponse> => {
    const headers: Record<string, string> = { ...step.headers };
    if (jar.size > 0) headers['cookie'] = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let body = step.body;
    if (step.json !== undefined) {
      body = JSON.stringify(step.json);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    }
    const res = await fetch(new URL(step.path, origin), { method: step.method ?? 'GET', headers, body: body ?? null, redirect: 'manual' });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    const answer: Record<string, string | string[]> = {};
    res.headers.forEach((value, name) => (answer[name] = value));
    answer['set-cookie'] = res.headers.getSetCookie();
    return response(step, { status: res.status, headers: answer, body: await res.text() });
  };
  return userOf(id, request, (ms) => new Promise((resolve) => setTimeout(resolve, ms)));
}

/** A VirtualUser whose steps all go through `request` and whose think time is `sleep`. */
function userOf(id: number, request: (step: StepRequest) => Promise<StepResponse>, sleep: (ms: number) => Promise<void>): VirtualUser {
  const verb =
    (method: string) =>
    (path: string, options = {}): Promise<StepResponse> =>
      request({ ...options, method, path });
  return {
    id,
    iteration: 0,
    state: {},
    data: {},
    request,
    get: verb('GET'),
    post: verb('POST'),
    put: verb('PUT'),
    patch: verb('PATCH'),
    delete: verb('DELETE'),
    ws: () => Promise.reject(new Error('a HAR replay opens no WebSocket')),
    sleep,
    check: (_name, passed) => Boolean(passed),
  };
}
