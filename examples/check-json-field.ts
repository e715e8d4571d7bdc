// Check every response: a 200 whose JSON body has a string "name". Anything else is a Script failure.
//   gb -k -c 10 -n 10000 --script examples/check-json-field.ts http://127.0.0.1:8080/
import type { ScriptContext, ScriptRequest, ScriptResponse } from 'gb-bench';

type Ctx = ScriptContext<{ token: string }>;

// response() sees bodies only when asked, and at most this many bytes of each.
export const options = { responseBody: 4096 };

export async function setup(ctx: Ctx): Promise<void> {
  const res = await fetch(`${ctx.origin}/login`, { method: 'POST' });
  ctx.state.token = ((await res.json()) as { token: string }).token;
}

export function request(ctx: Ctx): ScriptRequest {
  return { path: '/api/items/7', headers: { Authorization: `Bearer ${ctx.state.token}` }, name: 'GET /api/items/:id' };
}

export function response(_ctx: Ctx, res: ScriptResponse): boolean {
  if (res.status !== 200) return false;
  const body = res.json() as { name?: unknown };
  return typeof body.name === 'string';
}
