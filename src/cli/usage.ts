// The ab-style help text, generated from the option table so that it cannot drift from what the parser accepts.

import { OPTIONS } from './flags.js';
import type { OptionSpec } from './flags.js';

const NAME_COLUMN_WIDTH = 34;

function optionNames(spec: OptionSpec): string {
  const value = spec.valueName === undefined ? '' : ` ${spec.valueName}`;
  if (spec.short !== undefined && spec.long !== undefined) return `-${spec.short}, --${spec.long}${value}`;
  if (spec.short !== undefined) return `-${spec.short}${value}`;
  // Long-only options are indented past the "-x, " column so the long names line up.
  return `    --${spec.long ?? ''}${value}`;
}

export function usageText(): string {
  const lines = OPTIONS.map((spec) => {
    const names = `    ${optionNames(spec)}`;
    const gap = names.length < NAME_COLUMN_WIDTH ? ' '.repeat(NAME_COLUMN_WIDTH - names.length) : '\n' + ' '.repeat(NAME_COLUMN_WIDTH);
    return `${names}${gap}${spec.help}`;
  });
  return [
    'Usage: gb [options] [http[s]://]hostname[:port]/path',
    "       gb [options] --targets FILE           (each request's URL comes from FILE)",
    '       gb [options] ws[s]://hostname[:port]/path  (WebSocket: each message a round trip)',
    'Options are:',
    ...lines,
    '',
    'Values may be written -n 100, -n100, -n=100, --requests 100 or --requests=100;',
    'switches may be grouped (-kq). A URL without a scheme gets http://.',
    '',
    'Other commands:',
    '    gb serve [--port N] [--host H] [--unix-socket PATH] [--http2 [--tls]]',
    '                                         Run the built-in target server (default 127.0.0.1:8080)',
    '    gb demo [options]                    Benchmark the built-in target in-process (npm start)',
    "    gb compare A.json B.json [--fail-if 'p99>+10%'] [--strict]",
    '                                         Compare two --json results; exit 1 on a regression',
    '                                         beyond noise (see gb compare -h for unjudged noise)',
    '    gb merge A.json B.json ... [--report] [--fail-if RULE] [--partial]',
    '                                         Combine --json results of several processes, machines',
    '                                         or shards (see gb merge -h)',
    "    gb check RESULT.json --fail-if 'p99>250ms' ...",
    '                                         Check a --json result against absolute limits; exit 1',
    '                                         when one is broken (see gb check -h)',
    "    gb capacity URL --slo 'p99<50ms' [--max-rate R] [--step 5s] [gb options]",
    '                                         Search for the highest constant rate at which every',
    '                                         objective holds (see gb capacity -h)',
    '    gb har FILE.har [--include-static] > journey.ts',
    "                                         Write a journey script that replays a browser's HAR",
    '                                         recording (see gb har -h)',
    '    gb grpc URL --proto FILE --call pkg.Service/Method [--data JSON] [gb options]',
    '                                         Call a gRPC method over HTTP/2 (h2c or h2), counting',
    '                                         calls by grpc-status (see gb grpc -h)',
    '',
    'Exit status (the report is printed for every status but 2):',
    '    0    the run finished and at least one request succeeded',
    '    1    the run stopped at an error (no -r), no request succeeded (with -r too),',
    '         or an output file could not be written, or a --fail-if rule was broken',
    '    2    bad usage: nothing was sent',
    '    130  interrupted (Ctrl-C, SIGTERM); the report covers what was done',
    '    141  the reader of standard output went away (as SIGPIPE ends ab)',
    '',
  ].join('\n');
}
