// A random product ID on every request (after logging in), all counted under one endpoint row.
//   gb -k -c 10 -n 10000 --script examples/random-product.ts http://127.0.0.1:8080/
import type { ScriptContext, ScriptRequest } from 'gb-bench';

type Ctx = ScriptContext<{ token: string }>;

export async function setup(ctx: Ctx): Promise<void> {
  const res = await fetch(`${ctx.origin}/login`, { method: 'POST' });
  ctx.state.token = ((await res.json()) as { token: string }).token;
}

export function request(ctx: Ctx): ScriptRequest {
  const id = 1 + Math.floor(Math.random() * 10_000);
  return { path: `/api/items/${id}`, headers: { Authorization: `Bearer ${ctx.state.token}` }, name: 'GET /api/items/:id' };
}
