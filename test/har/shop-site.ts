// A small site for recording a HAR in Chromium and replaying it: a page that logs in, lists a user's items and opens
// one, with sessions the server checks on every call, so a replay that sends recorded values instead of its own is seen.

import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Session {
  readonly token: string;
  readonly userId: number;
  readonly items: readonly string[];
}

/** What the site counted: calls that carried the right session's values, and each one that did not (why, on which path). */
export interface SiteLog {
  pages: number;
  logins: number;
  lists: number;
  items: number;
  statics: number;
  readonly problems: string[];
}

export interface ShopSite {
  readonly origin: string;
  readonly port: number;
  readonly log: SiteLog;
  close(): Promise<void>;
}

/** A 1x1 PNG, enough for Chromium to load as an image. */
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');

/** The page's script: the calls a journey replays. `other` is the same server under another origin (localhost). */
function page(other: string): string {
  return `<!DOCTYPE html>
<html><head><title>shop</title><link rel="stylesheet" href="/style.css"></head>
<body><img src="/logo.png" alt="logo"><p id="status">loading</p>
<script>
(async () => {
  const login = await fetch('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'alice', password: 'secret' }),
  });
  const { token, userId } = await login.json();
  await fetch(${JSON.stringify(`${other}/beacon`)}, { mode: 'no-cors' });
  const auth = { authorization: 'Bearer ' + token, 'x-client': 'shop-page' };
  const list = await (await fetch('/api/items?owner=' + userId, { headers: auth })).json();
  const item = await (await fetch('/api/items/' + list.items[0].id, { headers: auth })).json();
  document.getElementById('status').textContent = 'done ' + item.id;
})();
</script></body></html>`;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
  res.end(body);
}

function sessionOf(req: IncomingMessage, sessions: Map<string, Session>): Session | string {
  const sid = /(?:^|;\s*)sid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
  if (sid === undefined) return 'no session cookie';
  const session = sessions.get(sid);
  if (session === undefined) return 'unknown session cookie';
  if (req.headers.authorization !== `Bearer ${session.token}`) return "a token not of the cookie's session";
  return session;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function login(body: string, res: ServerResponse, sessions: Map<string, Session>, log: SiteLog): void {
  let creds: { user?: unknown; password?: unknown } = {};
  try {
    creds = JSON.parse(body) as typeof creds;
  } catch {
    // Counted as a bad login below.
  }
  if (creds.user !== 'alice' || creds.password !== 'secret') {
    log.problems.push(`POST /login with ${body}`);
    send(res, 401, 'application/json', '{"error":"bad login"}');
    return;
  }
  const sid = randomBytes(12).toString('hex');
  const session = {
    token: randomBytes(16).toString('hex'),
    userId: randomInt(100_000, 1_000_000),
    items: [1, 2, 3].map(() => randomBytes(6).toString('hex')),
  };
  sessions.set(sid, session);
  log.logins += 1;
  send(res, 200, 'application/json', JSON.stringify({ token: session.token, userId: session.userId }), {
    'set-cookie': `sid=${sid}; Path=/; HttpOnly`,
  });
}

function api(req: IncomingMessage, url: URL, res: ServerResponse, sessions: Map<string, Session>, log: SiteLog): void {
  const session = sessionOf(req, sessions);
  const where = `${req.method ?? ''} ${url.pathname}${url.search}`;
  if (typeof session === 'string') {
    log.problems.push(`${where}: ${session}`);
    send(res, 401, 'application/json', JSON.stringify({ error: session }));
    return;
  }
  if (url.pathname === '/api/items') {
    if (url.searchParams.get('owner') !== String(session.userId)) {
      log.problems.push(`${where}: another user's list`);
      send(res, 403, 'application/json', '{"error":"not yours"}');
      return;
    }
    log.lists += 1;
    send(res, 200, 'application/json', JSON.stringify({ items: session.items.map((id, n) => ({ id, name: `item ${n}` })) }));
    return;
  }
  const id = url.pathname.slice('/api/items/'.length);
  if (!session.items.includes(id)) {
    log.problems.push(`${where}: an item not of this session`);
    send(res, 404, 'application/json', '{"error":"no such item"}');
    return;
  }
  log.items += 1;
  send(res, 200, 'application/json', JSON.stringify({ id, name: `item ${session.items.indexOf(id)}` }));
}

/** Starts the site on 127.0.0.1 (port 0); `http://localhost:PORT` reaches it too, as another origin. */
export async function startShopSite(): Promise<ShopSite> {
  const sessions = new Map<string, Session>();
  const log: SiteLog = { pages: 0, logins: 0, lists: 0, items: 0, statics: 0, problems: [] };
  let port = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://site.invalid');
    void readBody(req).then((body) => {
      if (url.pathname === '/') {
        log.pages += 1;
        send(res, 200, 'text/html; charset=utf-8', page(`http://localhost:${port}`));
      } else if (url.pathname === '/style.css') {
        log.statics += 1;
        send(res, 200, 'text/css', 'body { font-family: sans-serif; }');
      } else if (url.pathname === '/logo.png') {
        log.statics += 1;
        send(res, 200, 'image/png', PIXEL);
      } else if (url.pathname === '/login' && req.method === 'POST') {
        login(body, res, sessions, log);
      } else if (url.pathname === '/api/items' || url.pathname.startsWith('/api/items/')) {
        api(req, url, res, sessions, log);
      } else if (url.pathname === '/beacon') {
        send(res, 204, 'text/plain', '');
      } else {
        send(res, 404, 'text/plain', 'not found');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    log,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
