#!/usr/bin/env node
// Bundles the command line into one CommonJS file, dist/gb.cjs: the `gb` the package installs.
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
import { chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: ['dist/cli/main.js'],
  outfile: 'dist/gb.cjs',
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
chmodSync(new URL('../dist/gb.cjs', import.meta.url), 0o755);
