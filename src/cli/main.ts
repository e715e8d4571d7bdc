#!/usr/bin/env node
// The only module that touches the process: argv, standard streams, signals and the exit code.

import { runCli } from './commands.js';

const controller = new AbortController();
let interrupts = 0;
const onSignal = (): void => {
  interrupts += 1;
  // The first Ctrl-C (or SIGTERM) stops the run and still prints its report; a second one leaves at once.
  if (interrupts > 1) process.exit(130);
  controller.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// A reader that goes away (`gb ... | head`) ends gb quietly, as SIGPIPE ends ab, with the shell's status for it.
const SIGPIPE_STATUS = 141;
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(SIGPIPE_STATUS);
    throw e;
  });
}

// No top-level await: the published command is this file bundled as CommonJS (see scripts/bundle.mjs).
void runCli(process.argv.slice(2), {
  out: process.stdout,
  err: process.stderr,
  signal: controller.signal,
  errIsTTY: process.stderr.isTTY === true,
}).then((code) => {
  process.exitCode = code;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
});
