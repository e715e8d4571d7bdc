// Log in once per worker, then call the API with the token on every request.
//   gb serve --port 8080 &
//   gb -k -c 10 -n 10000 --script examples/login-then-api.ts http://127.0.0.1:8080/
import type { Script } from 'gb-bench';

interface State {
  token: string;
}

const script: Script<State> = {
  // Runs once per worker thread before its first request; a throw here stops gb before any request.
  async setup(ctx) {
    const res = await fetch(`${ctx.origin}/login`, { method: 'POST', body: '{"user":"demo"}' });
    if (!res.ok) throw new Error(`login failed: HTTP ${res.status}`);
    const { token } = (await res.json()) as { token: string };
    ctx.state.token = token;
  },
  // Called for every request; `name` groups them into one per-endpoint row.
  request(ctx) {
    return {
      path: '/api/items/1',
      headers: { Authorization: `Bearer ${ctx.state.token}` },
      name: 'GET /api/items/:id',
    };
  },
};

export default script;
