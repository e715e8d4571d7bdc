// The built-in target's small API for --script examples: POST /login hands out a token, /api/items/:id wants it.

import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What the API routes counted; part of the target's stats. */
export interface ApiStats {
  readonly logins: number;
  /** /api/items requests that carried a token from /login. */
  readonly authorized: number;
  /** /api/items requests without `Authorization: Bearer <token>` of a login (answered 401). */
  readonly unauthorized: number;
}

/** A canned answer: status and JSON body (the server sends it as application/json). */
export interface ApiAnswer {
  readonly status: number;
  readonly body: Buffer;
}

/** Tokens are kept so the server can check them; a bound keeps memory flat however often a script logs in. */
const MAX_TOKENS = 10_000;
const BEARER = 'Bearer ';

export class TargetApi {
  readonly #tokens = new Set<string>();
  #logins = 0;
  #authorized = 0;
  #unauthorized = 0;

  /** POST /login (any body): {"token":"..."}; any other method: 405. */
  login(req: IncomingMessage): ApiAnswer {
    if (req.method !== 'POST') return json(405, { error: 'use POST /login' });
    this.#logins++;
    const token = randomBytes(16).toString('hex');
    if (this.#tokens.size >= MAX_TOKENS) this.#tokens.delete(this.#tokens.values().next().value!);
    this.#tokens.add(token);
    return json(200, { token });
  }

  /** /api/items/ID: the item as JSON with a token from /login, else 401 (and counted). */
  item(req: IncomingMessage, path: string): ApiAnswer {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith(BEARER) || !this.#tokens.has(header.slice(BEARER.length))) {
      this.#unauthorized++;
      return json(401, { error: 'missing or unknown token: POST /login first, then send Authorization: Bearer <token>' });
    }
    this.#authorized++;
    const id = path.slice('/api/items/'.length);
    if (!/^\d{1,9}$/.test(id)) return json(404, { error: `no item ${id}` });
    return json(200, { id: Number(id), name: `item ${id}`, priceCents: (Number(id) * 7919) % 10_000 });
  }

  stats(): ApiStats {
    return { logins: this.#logins, authorized: this.#authorized, unauthorized: this.#unauthorized };
  }

  reset(): void {
    this.#tokens.clear();
    this.#logins = 0;
    this.#authorized = 0;
    this.#unauthorized = 0;
  }
}

function json(status: number, value: unknown): ApiAnswer {
  return { status, body: Buffer.from(JSON.stringify(value)) };
}
