// gb's options, one entry each: the one place that says what an option is called, how its value is parsed, where it goes, and what it means.

/*
 * Everything else is derived from this table: the command-line parser and its usage text
 * (src/cli), run()'s option names and types (src/api/options.ts), RawOptions, the Config fields
 * an option fills as it is, the files the loading step reads (src/inputs), and docs/options.md.
 * The order is the order of `gb -h`. The key is run()'s name for a run option, CliOptions' name for
 * an output option. Each entry's comment is what an editor shows for that run() or CliOptions field.
 */

import { AB_OPTIONS } from './ab-options.js';
import { GB_OPTIONS } from './gb-options.js';
import type { Entry } from './option-spec.js';

/** ab's flags first, then gb's: the order of `gb -h` and of docs/options.md. */
export const OPTION_TABLE = { ...AB_OPTIONS, ...GB_OPTIONS } satisfies Readonly<Record<string, Entry>>;
