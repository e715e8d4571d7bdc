// Lint: typescript-eslint's type-aware rules, and the import direction of the layers (see docs/architecture.md, "Import direction").
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/**
 * What each part of src/ may import from the others. A part is a folder or a file directly in src/;
 * null: every other part (a composition root). The package's entry, index.ts, is imported by none.
 */
const layers = {
  cli: null, // the composition root: may use every layer
  api: ['config', 'inputs', 'engine', 'metrics', 'run-config.ts'],
  'run-config.ts': ['config', 'engine', 'metrics'],
  engine: ['config', 'transport', 'metrics'],
  transport: ['config'],
  metrics: [],
  report: ['metrics'],
  // config is pure (options → Config); inputs reads the files the options name, for cli and api alike.
  inputs: ['config'],
  config: [],
  server: [],
  // Live outputs while a run runs: they read metrics and render pages, and own their sockets.
  live: ['metrics', 'report'],
  // gb har: a HAR recording in, a journey script's text out; pure (the command reads the file).
  har: [],
  // gb grpc: .proto files and server reflection into a method and its encoded messages (protobufjs, loaded lazily).
  grpc: ['config'],
  'index.ts': null, // the package's entry: re-exports what the library offers
};
/** The words every layer shares (failure kinds and codes, Result, the version): any part may import them, and they import no part. */
const SHARED = ['failures.ts', 'result.ts', 'version.ts'];
const ALL = Object.keys(layers);
/** Layers that must not touch the file system: config is options → Config, and its files come from src/inputs. */
const NO_FILES = ['config'];
const ENTRY = 'index.ts';

/**
 * import-x's no-restricted-paths rather than core no-restricted-imports: it matches the resolved file,
 * so files directly in src/ get the rules as folders do, and it checks import() expressions too.
 */
function zones() {
  const out = [];
  for (const [part, allowed] of [...Object.entries(layers), ...SHARED.map((file) => [file, []])]) {
    const may = allowed ?? ALL.filter((other) => other !== ENTRY);
    for (const other of ALL) {
      if (other === part || may.includes(other)) continue;
      out.push({
        target: `src/${part}`,
        from: `src/${other}`,
        message: `src/${part} may not import src/${other}: see the import direction in docs/architecture.md`,
      });
    }
  }
  return out;
}

export default tseslint.config(
  { ignores: ['build/**', 'dist/**', 'node_modules/**', 'test-output/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  // Teaches import-x to read .ts files, so no-cycle follows imports through them.
  importX.flatConfigs.typescript,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    // Resolves './x.js' to x.ts, as tsc does, so that no-cycle sees the real graph.
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver()] },
    rules: {
      'import-x/no-cycle': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      // node:test's test() and describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: zones() }],
      // One job per file, and functions a reader can hold at once; a byte state machine may say why it is longer.
      'max-lines': ['error', { max: 500 }],
      'max-lines-per-function': ['error', { max: 80 }],
    },
  },
  ...NO_FILES.map((layer) => ({
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['fs', 'fs/promises', 'node:fs', 'node:fs/promises'].map((name) => ({
            name,
            message: `src/${layer} reads no files: the loading step in src/inputs does`,
          })),
        },
      ],
    },
  })),
  // The root's own JavaScript (this file, scripts/) and the examples (type-checked by tsconfig.examples.json)
  // are linted without type information: they are not part of the TypeScript project lint reads types from.
  {
    files: ['**/*.js', '**/*.mjs', 'examples/**/*.ts'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false, program: null, project: false },
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
  },
);
