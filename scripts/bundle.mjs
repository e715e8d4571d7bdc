#!/usr/bin/env node
// Bundles the command line into one CommonJS file, dist/gb-main.cjs, behind dist/gb.cjs: the `gb` the package installs.
//
// Why: start-up. Loading dist/cli/main.js as ES modules costs Node's ESM loader (and the fs/promises
// and readline modules it pulls in) plus a resolve, read and compile per file, about 35 ms over bare
// Node; the single CommonJS file starts within about 20 ms of it. dist/ keeps the per-file ES
// modules for the library (`import ... from 'gb-bench'`) and for worker threads.
//
// import.meta.url has no CommonJS equivalent, so every use in the bundle reads one URL, that of a file
// in dist/engine/. The code only ever resolves package files from it: worker-entry.js next to the
// engine, ../server/target.js, the schema and node_modules further up, all as from its own folder.

import { build } from 'esbuild';
import { chmodSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: ['dist/cli/main.js'],
  outfile: 'dist/gb-main.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Runtime dependencies stay in node_modules: ajv and uPlot are loaded only by the commands that use them.
  packages: 'external',
  define: { 'import.meta.url': '__gbModuleUrl' },
  banner: {
    js: "const __gbModuleUrl = require('node:url').pathToFileURL(require('node:path').join(__dirname, 'engine', 'bundle.js')).href;",
  },
  logLevel: 'warning',
});

// The launcher turns on V8's compile cache (Node 22.1 and up; Node 20 lacks it and runs as before)
// before it loads the bundle: the cache applies only to what is compiled after it is on, so it cannot
// sit in the bundle itself. Compiling the bundle's 0.9 MB was about a fifth of gb's start-up over bare
// Node (docs/performance.md, "Start-up"). Node keeps the cache in its own folder (NODE_COMPILE_CACHE,
// else the temporary directory's node-compile-cache) and checks it against the file's contents;
// NODE_DISABLE_COMPILE_CACHE=1 turns it off. Worker threads (-G) take the cache from the environment,
// so the folder the cache took is put there for them.
const launcher = new URL('../dist/gb.cjs', import.meta.url);
writeFileSync(
  launcher,
  [
    '#!/usr/bin/env node',
    "'use strict';",
    "// gb: V8's compile cache on (where Node has it), then the bundled command line (scripts/bundle.mjs).",
    "const { enableCompileCache, getCompileCacheDir } = require('node:module');",
    'if (enableCompileCache !== undefined) {',
    '  enableCompileCache();',
    '  const cache = getCompileCacheDir();',
    '  if (cache !== undefined && process.env.NODE_COMPILE_CACHE === undefined) process.env.NODE_COMPILE_CACHE = cache;',
    '}',
    "require('./gb-main.cjs');",
    '',
  ].join('\n'),
);
chmodSync(launcher, 0o755);
