// Lint: typescript-eslint's type-aware rules, and the import direction of the layers (see docs/architecture.md, "Import direction").
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** What each layer of src/ may import from the others; the layers not listed here may import nothing from src/. */
const layers = {
  cli: null, // the composition root: may use every layer
  api: ['config', 'inputs', 'engine', 'metrics'],
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
};
const ALL = Object.keys(layers);
/** Layers that must not touch the file system: config is options → Config, and its files come from src/inputs. */
const NO_FILES = ['config'];

function boundaries(layer, allowed) {
  const forbidden = ALL.filter((other) => other !== layer && !allowed.includes(other));
  const files = NO_FILES.includes(layer)
    ? ['fs', 'fs/promises', 'node:fs', 'node:fs/promises'].map((name) => ({ name, message: `src/${layer} reads no files: the loading step in src/inputs does` }))
    : [];
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: files,
          patterns: forbidden.map((other) => ({
            group: [`../${other}/*`, `../../${other}/*`],
            message: `src/${layer} may not import src/${other}: see the import direction in docs/architecture.md`,
          })),
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['build/**', 'dist/**', 'node_modules/**', 'scripts/**', 'eslint.config.js'] },
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
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  ...Object.entries(layers)
    .filter(([, allowed]) => allowed !== null)
    .map(([layer, allowed]) => boundaries(layer, allowed)),
);
