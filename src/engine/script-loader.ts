// Loads a --script module (.ts .mts .js .mjs) on every supported Node, and reports its errors with the script's own file:line.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin, TransformFailure } from 'esbuild';
import { err, ok, type Result } from '../result.js';
import type { Script } from './script-api.js';

const HOOKS = ['setup', 'request', 'response', 'teardown', 'iteration'] as const;

/** A loaded script: its hooks, and the file its errors are reported against. */
export interface LoadedScript {
  readonly file: string;
  readonly script: Script;
}

/**
 * Where Node strips types itself (process.features.typescript: 22.18+, 23.6+, 24), a .ts script is
 * imported as it is, and Node's own errors point into it. Elsewhere (Node 20, or 22 without the flag)
 * esbuild, which builds gb itself, strips the types and bundles the script's relative imports into one
 * module; inline source maps keep stack traces pointing at the .ts lines.
 */
export async function loadScript(path: string): Promise<Result<LoadedScript, string>> {
  const file = resolve(path);
  const typed = /\.m?ts$/.test(file);
  const nativeTypes = Boolean((process.features as { typescript?: unknown }).typescript);
  let module: Record<string, unknown>;
  try {
    module = typed && !nativeTypes ? await importTranspiled(file) : ((await import(pathToFileURL(file).href)) as Record<string, unknown>);
  } catch (e) {
    const located = e instanceof SyntaxError ? await locateSyntaxError(file, e) : null;
    return err(`--script ${path} failed to load: ${located ?? scriptError(e, file)}`);
  }
  const exported = (typeof module['default'] === 'object' && module['default'] !== null ? module['default'] : module) as Record<
    string,
    unknown
  >;
  for (const hook of HOOKS) {
    const value = exported[hook];
    if (value !== undefined && typeof value !== 'function')
      return err(`--script ${path}: export '${hook}' must be a function, got ${typeof value}`);
  }
  if (HOOKS.every((hook) => exported[hook] === undefined)) {
    return err(`--script ${path} exports none of ${HOOKS.join(', ')} (named exports, or a default-exported object)`);
  }
  const options = exported['options'];
  if (options !== undefined && (typeof options !== 'object' || options === null))
    return err(`--script ${path}: export 'options' must be an object`);
  return ok({ file, script: exported });
}

/**
 * esbuild (loaded only here) to one ES module in a temporary folder, imported from there and removed.
 * In a bundle every module's import.meta would be the temporary file's, so a script could not find
 * a file beside it (`new URL('./data.txt', import.meta.url)`): each of the script's own modules has
 * its import.meta.url, .filename and .dirname replaced by its own file's before bundling.
 */
async function importTranspiled(file: string): Promise<Record<string, unknown>> {
  const esbuild = await import('esbuild');
  const ownImportMeta: Plugin = {
    name: 'gb-own-import-meta',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('import.meta')) return undefined;
        const loader = /\.[cm]?tsx?$/.test(args.path) ? (args.path.endsWith('x') ? 'tsx' : 'ts') : args.path.endsWith('x') ? 'jsx' : 'js';
        try {
          const transformed = await esbuild.transform(source, {
            loader,
            format: 'esm',
            sourcefile: args.path,
            // The bundle maps back through this map to the original lines.
            sourcemap: 'inline',
            define: {
              'import.meta.url': JSON.stringify(pathToFileURL(args.path).href),
              'import.meta.filename': JSON.stringify(args.path),
              'import.meta.dirname': JSON.stringify(dirname(args.path)),
            },
            logLevel: 'silent',
          });
          return { contents: transformed.code, loader: 'js', resolveDir: dirname(args.path) };
        } catch (e) {
          // A syntax error keeps its file:line:column, as esbuild reports it without this step.
          return { errors: (e as TransformFailure).errors };
        }
      });
    },
  };
  let code: string;
  try {
    const built = await esbuild.build({
      entryPoints: [file],
      bundle: true,
      format: 'esm',
      platform: 'node',
      packages: 'external',
      write: false,
      sourcemap: 'inline',
      logLevel: 'silent',
      plugins: [ownImportMeta],
    });
    code = built.outputFiles[0]?.text ?? '';
  } catch (e) {
    const first = (e as { errors?: { text: string; location: { file: string; line: number; column: number } | null }[] }).errors?.[0];
    if (first === undefined) throw e;
    const where = first.location === null ? '' : `${first.location.file}:${first.location.line}:${first.location.column + 1}: `;
    throw new ScriptSyntaxError(`${where}${first.text}`);
  }
  process.setSourceMapsEnabled(true);
  const dir = mkdtempSync(join(tmpdir(), 'gb-script-'));
  try {
    const out = join(dir, `${basename(file).replace(/\.m?ts$/, '')}.mjs`);
    writeFileSync(out, code);
    return (await import(pathToFileURL(out).href)) as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

class ScriptSyntaxError extends Error {}

/**
 * Node 20 reports a syntax error in an ES module with no file or line at all ("SyntaxError:
 * Unexpected number"): esbuild, parsing the same source, says where. Null when Node's own error
 * already names the place, or esbuild finds nothing to say.
 */
async function locateSyntaxError(file: string, e: SyntaxError): Promise<string | null> {
  if (scriptError(e, file).includes(' (at ')) return null;
  try {
    const esbuild = await import('esbuild');
    await esbuild.transform(readFileSync(file, 'utf8'), {
      loader: /\.m?ts$/.test(file) ? 'ts' : 'js',
      format: 'esm',
      sourcefile: file,
      logLevel: 'silent',
    });
    return null;
  } catch (found) {
    const first = (found as { errors?: { text: string; location: { file: string; line: number; column: number } | null }[] }).errors?.[0];
    if (first?.location === undefined || first.location === null) return null;
    return `SyntaxError: ${e.message} (at ${file}:${first.location.line}:${first.location.column + 1})`;
  }
}

/**
 * An error a script raised, in one line: its message and where in the script it happened (the
 * first stack frame, or a SyntaxError's "file:line" header, that names the script's file).
 */
export function scriptError(e: unknown, file: string): string {
  if (e instanceof ScriptSyntaxError) return `SyntaxError: ${e.message}`;
  const text = e instanceof Error ? `${e.name}: ${e.message}` : `threw ${String(e)}`;
  const stack = e instanceof Error ? (e.stack ?? '') : '';
  const url = pathToFileURL(file).href;
  const name = basename(file);
  for (const line of stack.split('\n')) {
    const at = /((?:file:\/\/)?\/[^\s():]+):(\d+)(?::(\d+))?/.exec(line);
    if (at === null) continue;
    const where = at[1]!;
    if (where === url || where === file || basename(where).startsWith(name.replace(/\.m?[tj]s$/, ''))) {
      return `${text} (at ${file}:${at[2]}${at[3] === undefined ? '' : `:${at[3]}`})`;
    }
  }
  return text;
}
