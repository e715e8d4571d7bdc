// `gb grpc URL --proto FILE --call pkg.Service/Method --data JSON [gb options]`: gRPC calls over gb's own HTTP/2
// (h2c for http://, h2 by ALPN for https://), every call's messages encoded once, before the first is sent.

import { readFile } from 'node:fs/promises';
import type { Config, GrpcConfig } from '../config/config.js';
import { parseDurationMs } from '../config/units.js';
import type { GrpcMethod } from '../grpc/methods.js';
import { benchCommand } from './bench-command.js';
import type { CliOptions } from './flags.js';
import { EXIT, type CliIo } from './io.js';
import { oneLine } from './subcommand.js';

export const GRPC_USAGE = `Usage: gb grpc URL (--proto FILE | --reflect) --call pkg.Service/Method [--data JSON|@FILE] [gb options]
  Calls one gRPC method again and again over HTTP/2: h2c (prior knowledge) for http://, h2 (ALPN)
  for https://. The request messages are encoded once; each call sends them length-prefixed and
  reads the answer's messages and grpc-status. -n counts calls; -c, --streams, --rate, --stages, -t,
  --warmup, -G and --shard work as for HTTP; -H adds metadata. A call answered with a grpc-status
  other than OK is complete and failed (gRPC failures, by status name); an HTTP status other than 200
  is a non-2xx response.
  --proto FILE          the .proto file that defines the method (repeatable)
  --import-path DIR     where the .proto files' imports are looked for (repeatable)
  --reflect             ask the server for the method (server reflection, v1, else v1alpha) instead of --proto
  --call NAME           the method, pkg.Service/Method
  --data JSON|@FILE     the request message as JSON (default {}); @FILE.jsonl holds one message a line:
                        unary and server-streaming calls take them in turn, a client-streaming or bidi
                        call sends them all
  --stream-messages N   client-streaming and bidi: messages each call sends, taken from --data in turn
                        (default: one per message of --data), after which it ends its stream
  --deadline DURATION   send grpc-timeout (e.g. 500ms, 2s): the server ends a call it cannot finish in time
  -h, --help            show this help
Exit status: 0 every call was answered (OK or not, see Failed requests); 1 the run failed; 2 bad input
(a .proto that does not parse, an unknown method, --data that does not match the request type).
`;

const OWN_VALUES = ['proto', 'import-path', 'call', 'data', 'stream-messages', 'deadline'] as const;
type OwnValue = (typeof OWN_VALUES)[number];
/** What gb grpc sets itself: the method, the body and the protocol of every call. */
const NOT_WITH_GRPC = /^(-[pumTi]|--targets|--script|--users|--http1\.0|--content-type)(=|$)|^-[pumT]./;

interface Split {
  readonly own: Map<OwnValue, string[]>;
  readonly reflect: boolean;
  readonly rest: string[];
}

function split(args: readonly string[]): Split | string {
  const own = new Map<OwnValue, string[]>();
  const rest: string[] = [];
  let reflect = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? arg.slice(2, eq < 0 ? undefined : eq) : '';
    if (name === 'reflect') {
      reflect = true;
      continue;
    }
    const id = OWN_VALUES.find((o) => o === name);
    if (id === undefined) {
      if (NOT_WITH_GRPC.test(arg)) return `gb grpc sets each call's method, body and protocol itself; drop ${arg}`;
      rest.push(arg);
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) return `option '--${id}' needs a value`;
    own.set(id, [...(own.get(id) ?? []), value]);
  }
  return { own, reflect, rest };
}

/** --data's messages as JSON texts: the one given, or a file's non-blank lines (FILE:LINE names a bad one). */
async function dataMessages(data: string | undefined): Promise<{ texts: string[]; where: (k: number) => string } | string> {
  if (data === undefined) return { texts: ['{}'], where: () => '--data' };
  if (!data.startsWith('@')) return { texts: [data], where: () => '--data' };
  const file = data.slice(1);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`;
  }
  const lines = text.split(/\r?\n/).map((line, n) => ({ line, n: n + 1 }));
  const kept = lines.filter(({ line }) => line.trim() !== '');
  if (kept.length === 0) return `${file} holds no message`;
  return { texts: kept.map(({ line }) => line), where: (k) => `${file}:${kept[k]?.n ?? 0}` };
}

interface Plan {
  readonly method: GrpcMethod;
  readonly bodies: readonly Uint8Array[];
  readonly grpc: GrpcConfig;
}

/** The method and the calls' bodies, from the split options; a string is the one line of bad input. */
async function plan(s: Split, url: string | undefined): Promise<Plan | string> {
  const last = (id: OwnValue): string | undefined => s.own.get(id)?.at(-1);
  const call = last('call');
  if (call === undefined) return "gb grpc needs --call pkg.Service/Method (see 'gb grpc -h')";
  const { parseCall, findMethod, encodeMessage, lengthPrefixed } = await import('../grpc/methods.js');
  const named = parseCall(call);
  if (!named.ok) return named.error;
  const protos = s.own.get('proto') ?? [];
  if (protos.length === 0 && !s.reflect) return "gb grpc needs --proto FILE or --reflect (see 'gb grpc -h')";
  if (protos.length > 0 && s.reflect) return '--proto and --reflect cannot be combined: the method comes from one of them';
  let root;
  if (s.reflect) {
    if (url === undefined) return "gb grpc needs a URL (see 'gb grpc -h')";
    const reflected = await (await import('../grpc/reflection.js')).reflectService(url, named.value.service);
    if (!reflected.ok) return reflected.error;
    root = reflected.value;
  } else {
    const loaded = await (await import('../grpc/proto-files.js')).loadProtoFiles(protos, s.own.get('import-path') ?? []);
    if (!loaded.ok) return loaded.error;
    root = loaded.value;
  }
  const method = findMethod(root, call);
  if (!method.ok) return method.error;
  const data = await dataMessages(last('data'));
  if (typeof data === 'string') return data;
  const messages: Uint8Array[] = [];
  for (const [k, text] of data.texts.entries()) {
    const encoded = encodeMessage(method.value, text);
    if (!encoded.ok) return `${data.where(k)}: ${encoded.error}`;
    messages.push(encoded.value);
  }
  const kind = method.value.kind;
  const streamsOut = kind === 'client' || kind === 'bidi';
  const countText = last('stream-messages');
  const count = countText === undefined ? messages.length : Number(countText);
  if (!Number.isInteger(count) || count < 1) return `invalid --stream-messages ${countText ?? ''} (expected a whole number above 0)`;
  if (countText !== undefined && !streamsOut)
    return `--stream-messages is for client-streaming and bidi methods; ${method.value.name} is ${kind}`;
  const deadlineText = last('deadline');
  const deadlineMs = deadlineText === undefined ? null : parseDurationMs(deadlineText);
  if (deadlineMs === null && deadlineText !== undefined)
    return `invalid --deadline ${deadlineText} (expected a duration such as 500ms or 2s)`;
  if (deadlineMs !== null && deadlineMs <= 0) return `invalid --deadline ${deadlineText ?? ''} (expected a duration above 0)`;
  // A streaming call's body is all its messages at once; other calls take --data's messages in turn.
  const bodies = streamsOut
    ? [lengthPrefixed(Array.from({ length: count }, (_, k) => messages[k % messages.length]!))]
    : messages.map((m) => lengthPrefixed([m]));
  return { method: method.value, bodies, grpc: { method: method.value.name, kind, messagesPerCall: streamsOut ? count : 1, deadlineMs } };
}

/** The Config gb's HTTP/2 engine runs: every call a POST of the method's path with its messages; several bodies take turns as targets do. */
function grpcRun(options: CliOptions, p: Plan): CliOptions {
  const base = options.config;
  const target = { ...base.target, path: p.method.path };
  const targets: Config['targets'] =
    p.bodies.length === 1
      ? null
      : {
          file: '--data',
          list: p.bodies.map((body, k) => ({ name: `${p.method.name} #${k + 1}`, method: 'POST', target, headers: [], body })),
          order: 'round-robin',
          seed: 0,
          members: null,
        };
  const config: Config = Object.freeze({
    ...base,
    target,
    targets,
    method: 'POST',
    body: p.bodies[0] ?? null,
    contentType: 'application/grpc',
    // Answers differ in length by nature: a length that changes is no failure here.
    variableLength: true,
    http2: true,
    grpc: p.grpc,
  });
  return { ...options, config };
}

export async function grpcCommand(args: readonly string[], io: CliIo): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    io.out.write(GRPC_USAGE);
    return EXIT.ok;
  }
  const s = split(args);
  if (typeof s === 'string') {
    io.err.write(`gb: ${s} (see 'gb grpc -h')\n`);
    return EXIT.usage;
  }
  const url = s.rest.find((a) => /^https?:\/\//.test(a));
  if (url === undefined) {
    io.err.write("gb: gb grpc needs an http:// (h2c) or https:// (h2) URL (see 'gb grpc -h')\n");
    return EXIT.usage;
  }
  // The command line is checked first, so a bad -n is reported before a server is asked anything.
  return benchCommand([...s.rest, '--http2'], io, async (options) => {
    const p = await plan(s, url);
    return typeof p === 'string' ? oneLine(p) : grpcRun(options, p);
  });
}
