// A shop that checks every user's session and order: the login's cookie and token, the id it issued to that session, the think time before the cart.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Session {
  readonly user: string;
  readonly token: string;
  listed: string | null;
  listedAtMs: number;
}

export interface SessionServer {
  readonly url: string;
  /** Requests answered, by step name as the journey names them. */
  readonly counts: Record<string, number>;
  /** Everything a user did out of turn or with someone else's session: empty when every user behaved. */
  readonly violations: string[];
  /** Logins by account. */
  readonly logins: Map<string, number>;
  close(): Promise<void>;
}

export const STEPS = ['POST /login', 'GET /products', 'POST /cart'] as const;

/** accounts: user → password; thinkMs: the least time between listing the products and adding one to the cart. */
export async function startSessionServer(accounts: ReadonlyMap<string, string>, thinkMs: number): Promise<SessionServer> {
  const sessions = new Map<string, Session>();
  const counts: Record<string, number> = Object.fromEntries(STEPS.map((s) => [s, 0]));
  const violations: string[] = [];
  const logins = new Map<string, number>();
  const reply = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const sessionOf = (req: IncomingMessage, step: string): Session | null => {
    const sid = /(?:^|;\s*)sid=([0-9a-f]+)/.exec(req.headers.cookie ?? '')?.[1];
    const session = sid === undefined ? undefined : sessions.get(sid);
    if (session === undefined) {
      violations.push(`${step} without a session cookie (${req.headers.cookie ?? 'none'})`);
      return null;
    }
    if (req.headers.authorization !== `Bearer ${session.token}`) violations.push(`${step}: the token is not this session's`);
    return session;
  };
  const handle = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    const step = `${req.method} ${req.url}`;
    if (step in counts) counts[step]! += 1;
    if (step === 'POST /login') {
      const { user, password } = JSON.parse(body) as { user: string; password: string };
      if (accounts.get(user) !== password) {
        violations.push(`login of ${user} with a wrong password`);
        return reply(res, 401, { error: 'bad credentials' });
      }
      logins.set(user, (logins.get(user) ?? 0) + 1);
      const sid = randomBytes(8).toString('hex');
      const token = randomBytes(8).toString('hex');
      sessions.set(sid, { user, token, listed: null, listedAtMs: 0 });
      return reply(res, 200, { token }, { 'set-cookie': `sid=${sid}; Path=/; HttpOnly` });
    }
    const session = sessionOf(req, step);
    if (session === null) return reply(res, 401, { error: 'no session' });
    if (step === 'GET /products') {
      session.listed = randomBytes(6).toString('hex');
      session.listedAtMs = performance.now();
      return reply(res, 200, { items: [{ id: session.listed }] });
    }
    if (step === 'POST /cart') {
      const { id } = JSON.parse(body) as { id: string };
      if (id !== session.listed) violations.push(`cart of ${session.user}: id ${id} was not issued to this session`);
      // A millisecond of slack: the timer and this clock may round apart.
      const waitedMs = performance.now() - session.listedAtMs;
      if (waitedMs < thinkMs - 1) violations.push(`cart of ${session.user} ${waitedMs.toFixed(1)} ms after listing (< ${thinkMs})`);
      session.listed = null;
      return reply(res, 200, { ok: true });
    }
    reply(res, 404, { error: 'no such step' });
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    counts,
    violations,
    logins,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The journey the shop expects, as a TypeScript module: log in with the user's data row, list, think, add to the cart. */
export function shopJourney(thinkMs: number): string {
  return `import type { Journey } from 'gb-bench';

export default {
  async iteration(vu) {
    const login = await vu.post('/login', { json: { user: vu.data.user, password: vu.data.password } });
    if (!vu.check('logged in', login.status === 200)) throw new Error(\`login of \${vu.data.user} answered \${login.status}\`);
    const { token } = login.json<{ token: string }>();
    const list = await vu.get('/products', { headers: { authorization: \`Bearer \${token}\` }, name: 'GET /products' });
    vu.check('listed', list.status === 200);
    const id = list.json<{ items: { id: string }[] }>().items[0]!.id;
    await vu.sleep(${thinkMs});
    const cart = await vu.post('/cart', { json: { id }, headers: { authorization: \`Bearer \${token}\` }, name: 'POST /cart' });
    vu.check('added', cart.status === 200);
  },
} satisfies Journey;
`;
}

/** n accounts as a CSV file's text (user0..user{n-1}, each with its own password) and as the server's map. */
export function accounts(n: number): { readonly csv: string; readonly map: Map<string, string> } {
  const map = new Map<string, string>();
  for (let i = 0; i < n; i++) map.set(`user${i}`, `pw-${i}-${(i * 7919) % 1000}`);
  const csv = `user,password\n${[...map].map(([u, p]) => `${u},${p}`).join('\n')}\n`;
  return { csv, map };
}
