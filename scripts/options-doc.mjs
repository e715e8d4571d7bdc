#!/usr/bin/env node
// Writes docs/options.md from the option table (src/config/option-table.ts) through the built dist/;
// `npm run docs:options` builds first. test/cli/option-table.test.ts fails while the file is stale.

import { writeFileSync } from 'node:fs';

const { renderOptionsDoc } = await import('../dist/cli/options-doc.js');
writeFileSync(new URL('../docs/options.md', import.meta.url), renderOptionsDoc());
