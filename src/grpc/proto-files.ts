// .proto files read with protobufjs (--proto, --import-path): a file that does not parse is bad input named by
// its file and line, as protoc names it.

import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type * as Protobuf from 'protobufjs';
import { err, ok, type Result } from '../result.js';

/** protobufjs, loaded only by gb grpc: every other command starts without it. */
export async function protobufjs(): Promise<typeof Protobuf> {
  const mod = (await import('protobufjs')) as typeof Protobuf & { default?: typeof Protobuf };
  return mod.default ?? mod;
}

/** protobufjs's parse errors end "(file, line N)"; protoc's and compilers' form is file:line: message. */
function protoError(message: string): string {
  const missing = /^ENOENT: no such file or directory, open '(.*)'$/.exec(message);
  if (missing !== null) return `cannot read the import ${missing[1]} (ENOENT; --import-path says where imports are)`;
  const m = /^(.*) \(([^,()]+), line (\d+)\)$/.exec(message);
  return m === null ? message : `${m[2]}:${m[3]}: ${m[1]}`;
}

/** The files and their imports, each import looked for beside the importing file, then in each --import-path. */
export async function loadProtoFiles(files: readonly string[], importPaths: readonly string[]): Promise<Result<Protobuf.Root, string>> {
  const pb = await protobufjs();
  const root = new pb.Root();
  root.resolvePath = (origin: string, target: string): string => {
    if (isAbsolute(target)) return target;
    for (const dir of importPaths) {
      const candidate = join(dir, target);
      if (existsSync(candidate)) return candidate;
    }
    return origin === '' ? resolve(target) : pb.util.path.resolve(origin, target);
  };
  for (const file of files) if (!existsSync(root.resolvePath('', file) ?? file)) return err(`cannot read ${file}: ENOENT`);
  try {
    await root.load([...files], { keepCase: true });
    root.resolveAll();
  } catch (e) {
    return err(protoError(e instanceof Error ? e.message : String(e)));
  }
  return ok(root);
}
