// ab's own flags in gb's option table, in ab's order: names, parsers, where each value goes, and what it means.

import { DEFAULT_CONTENT_TYPE, DEFAULT_TIMEOUT_MS, MAX_CONCURRENCY, MAX_WORKERS } from './config.js';
import { option, type Entry } from './option-spec.js';
import * as parse from './parsers.js';
import { proxy } from './proxy.js';

const MAX_COUNT = Number.MAX_SAFE_INTEGER;

const SEE_FILE_OUTPUTS = 'see [outputs-html-files.md](outputs-html-files.md)';

export const AB_OPTIONS = {
  /** -n: requests to send (default 1; no limit when only `duration` is given). */
  requests: option(
    { short: 'n', long: 'requests', scope: 'run', arity: 'value', api: 'count', parse: parse.count('number of requests', 1, MAX_COUNT) },
    {
      valueName: 'N',
      help: 'Number of requests to perform (default 1; no limit when only -t is given)',
      defaultText: '1; no limit when only `-t` or `--stages` bounds the run',
      doc: 'How many requests to send, as in ab; a count may carry `k` or `m` (`1k`, `2.5m`). With `-t` alone there is no request limit (no hidden 50 000-request cap); with both, whichever is reached first ends the run. Cannot be below `-c`, and cannot go with `--stages`, which decides how many requests are sent.',
    },
  ),
  /** -c: connections, one request in flight on each (default 1). */
  concurrency: option(
    {
      short: 'c',
      long: 'concurrency',
      scope: 'run',
      arity: 'value',
      api: 'count',
      field: 'concurrency',
      default: '1',
      parse: parse.count('concurrency level', 1, MAX_CONCURRENCY),
    },
    {
      valueName: 'N',
      help: `Number of multiple requests to make at a time (default 1, at most ${MAX_CONCURRENCY})`,
      doc: 'Connections, one request in flight on each (more with `--pipeline` or `--streams`). Cannot be above `-n`. With `-G` and `--shard` it is split exactly between workers and shards, and each must get at least one connection; a targets file of several origins needs one per origin in each worker.',
    },
  ),
  /** -t / --duration: stop after this long; a number is milliseconds, a string takes a unit ('30s'). */
  duration: option(
    {
      short: 't',
      long: 'timelimit',
      alias: 'duration',
      scope: 'run',
      arity: 'value',
      raw: 'timeLimit',
      api: 'duration',
      parse: parse.positiveDuration('time limit'),
    },
    {
      valueName: 'SECONDS',
      help: 'Seconds to max. spend on benchmarking (units allowed, as --duration; no default limit)',
      defaultText: 'no limit',
      aliasLine: { valueName: 'D', help: 'Same as -t with a unit: 30s, 500ms, 2m, 1h (plain number = seconds)' },
      doc: "Stop the measured run after this long. A plain number is seconds, as in ab; a unit may follow (`500ms`, `30s`, `2m`, `1h`, or Go-style `1m30s`). Requests still in flight at the end are cut off, not counted as complete. Needed by `--rate` unless `-n` is given; not with `--stages`, whose total is the run's length.",
    },
  ),
  /** -s: per-request inactivity timeout (default 30 s); a number is milliseconds. */
  timeout: option(
    {
      short: 's',
      long: 'timeout',
      scope: 'run',
      arity: 'value',
      api: 'duration',
      field: 'timeoutMs',
      default: String(DEFAULT_TIMEOUT_MS / 1000),
      parse: parse.positiveDuration('timeout'),
    },
    {
      valueName: 'SECONDS',
      help: 'Seconds to max. wait for each response (default 30)',
      defaultText: '30 (seconds, as in ab)',
      doc: 'Per-request inactivity timeout: a request that hears nothing for this long fails, as a Receive failure (a Connect failure when its connection never opened). Units as for `-t`.',
    },
  ),
  /** -k: reuse connections. */
  keepalive: option(
    { short: 'k', long: 'keepalive', scope: 'run', arity: 'switch', raw: 'keepAlive', api: 'switch', field: 'keepAlive' },
    {
      help: 'Use HTTP KeepAlive feature',
      doc: 'Reuse connections (HTTP keep-alive). Without it every request opens a connection of its own and sends `Connection: close`, as ab does. Needed by `--pipeline`.',
    },
  ),
  /** -p: POST this file's bytes. */
  postFile: option(
    { short: 'p', long: 'post-file', scope: 'run', arity: 'value', api: 'text', ...parse.body },
    {
      valueName: 'FILE',
      help: 'File containing data to POST. Remember also to set -T',
      doc: "POST the file's bytes as every request's body; the file is read once, before the run. Cannot go with `-u`, `-i` or `--targets` (whose file gives each body). run() also takes the bytes themselves as `body`.",
    },
  ),
  /** -u: PUT this file's bytes. */
  putFile: option(
    { short: 'u', long: 'put-file', scope: 'run', arity: 'value', api: 'text', ...parse.body },
    {
      valueName: 'FILE',
      help: 'File containing data to PUT. Remember also to set -T',
      doc: "PUT the file's bytes as every request's body, read once before the run. Cannot go with `-p`, `-i` or `--targets`.",
    },
  ),
  /** -T: Content-Type of the body (default text/plain). */
  contentType: option(
    {
      short: 'T',
      long: 'content-type',
      scope: 'run',
      arity: 'value',
      api: 'text',
      field: 'contentType',
      default: DEFAULT_CONTENT_TYPE,
      parse: parse.contentType,
    },
    {
      valueName: 'TYPE',
      help: "Content-type header for POST/PUT data (default 'text/plain')",
      doc: 'The `Content-Type` of the `-p` or `-u` body. It must not be empty or contain a line break.',
    },
  ),
  /** -H: extra headers; a name given here replaces gb's default of that name. */
  headers: option(
    { short: 'H', long: 'header', scope: 'run', arity: 'list', api: 'headers', field: 'headers', parse: parse.headers },
    {
      valueName: "'Name: value'",
      help: "Add an arbitrary header line, e.g. 'Accept-Encoding: gzip' (repeatable)",
      defaultText: 'none',
      doc: "An extra request header, repeatable, sent in the order given; a name given here replaces gb's default of that name (`-H 'Host: name:port'` also names the TLS server, without the port). The value is taken whole: `-H 'X: a:b=c'` sends `a:b=c`. A name must be an HTTP token and a value cannot hold a line break.",
    },
  ),
  /** -C: cookies, 'name=value' each, sent in one Cookie header. */
  cookies: option(
    { short: 'C', long: 'cookie', scope: 'run', arity: 'list', api: 'list', field: 'cookies', parse: parse.cookies },
    {
      valueName: "'name=value'",
      help: "Add cookie, eg. 'Apache=1234' (repeatable)",
      defaultText: 'none',
      doc: 'A cookie, repeatable: they all go in one `Cookie` header joined by `; ` (ab keeps only the last). Each must be `name=value` with a name.',
    },
  ),
  /** -A: basic authentication. */
  basicAuth: option(
    {
      short: 'A',
      long: 'auth',
      scope: 'run',
      arity: 'value',
      raw: 'auth',
      api: 'credentials',
      field: 'basicAuth',
      parse: parse.credentials,
    },
    {
      valueName: 'user:pass',
      help: 'Add Basic WWW Authentication (split at the first colon)',
      doc: 'Basic authentication (`Authorization: Basic`), split at the first colon, so the password may hold colons.',
    },
  ),
  /** -X: send through this HTTP proxy, 'host[:port]'. */
  proxy: option(
    { short: 'X', long: 'proxy', scope: 'run', arity: 'value', api: 'text', parse: proxy },
    {
      valueName: 'proxy:port',
      help: 'Proxy server for the requests (port 80 when not given); https:// goes through CONNECT',
      doc: 'Send through an HTTP proxy (port 80 when none is given): plain HTTP with the full URL on the request line, `https://` through a `CONNECT` tunnel; the report still names the target. IPv6 needs brackets (`[::1]:3128`). Not with `--http2` yet, nor with a targets file of several origins.',
    },
  ),
  /** -P: basic authentication to the proxy (needs `proxy`). */
  proxyAuth: option(
    { short: 'P', long: 'proxy-auth', scope: 'run', arity: 'value', api: 'credentials', parse: parse.credentials },
    {
      valueName: 'user:pass',
      help: 'Add Basic Proxy Authentication (needs -X)',
      doc: 'Basic authentication to the proxy (`Proxy-Authorization`, on the `CONNECT` for `https://`), split at the first colon as `-A` is. Needs `-X`.',
    },
  ),
  /** -i: HEAD requests. */
  head: option(
    { short: 'i', long: 'head', scope: 'run', arity: 'switch', api: 'switch' },
    {
      help: 'Use HEAD instead of GET',
      doc: 'Send HEAD requests instead of GET. Cannot go with a body (`-p`, `-u`) or with `--targets`.',
    },
  ),
  /** -m: the method (overrides the one `postFile`, `putFile`, `body` and `head` imply). */
  method: option(
    { short: 'm', long: 'method', scope: 'run', arity: 'value', api: 'text', parse: parse.method },
    {
      valueName: 'METHOD',
      help: 'Method name (overrides the method of -p, -u and -i)',
      defaultText: 'GET; POST with `-p`, PUT with `-u`, HEAD with `-i`',
      doc: "Any method, upper-cased (`-m patch` sends `PATCH`); it overrides the one `-p`, `-u` or `-i` implies. Not with `--targets`, whose file gives each request's method.",
    },
  ),
  /** -l: responses of another length than the first are not Length failures. */
  variableLength: option(
    { short: 'l', long: 'variable-length', scope: 'run', arity: 'switch', api: 'switch' },
    {
      help: 'Accept variable document length (use this for dynamic pages)',
      doc: "Do not count a response whose length differs from the first one's as a Length failure. Always on with `--targets` and `--script`, whose endpoints answer with lengths of their own.",
    },
  ),
  /** -r: do not stop at the first socket error. */
  continueOnError: option(
    { short: 'r', long: 'continue-on-error', scope: 'run', arity: 'switch', api: 'switch', field: 'continueOnError' },
    {
      help: "Don't exit on socket receive errors",
      doc: 'Keep going after a socket error; without it the first one stops the run, as in ab (exit 1, the report of what was done still printed).',
    },
  ),
  /** -q: no progress lines on stderr. */
  quiet: option(
    { short: 'q', long: 'quiet', scope: 'output', arity: 'switch' },
    {
      help: 'Do not show progress when doing more than 150 requests',
      doc: "No progress lines (ab's `Completed N requests`) and no live view on stderr.",
    },
  ),
  /** -v: 2 logs the request, each response's headers and non-2xx warnings; 3 each status too. */
  verbosity: option(
    {
      short: 'v',
      long: 'verbosity',
      scope: 'run',
      arity: 'value',
      api: { none: '-v only adds output, and run() writes none' },
      field: 'verbosity',
      default: '0',
      parse: parse.count('verbosity', 0, MAX_COUNT),
    },
    {
      valueName: 'N',
      help: 'How much troubleshooting info to print (default 0)',
      doc: "How much to log on stderr: 2 prints the request, each response's headers and a warning for each non-2xx status; 3 each status too (ab's `LOG:` lines).",
    },
  ),
  /** -z: ask for gzip (Accept-Encoding: gzip). */
  gzip: option(
    { short: 'z', long: 'gzip', scope: 'run', arity: 'switch', api: 'switch', field: 'acceptGzip' },
    {
      help: "Ask for gzip (Accept-Encoding: gzip). gb's -z, as in the original gb; ab's -z is --td-attributes",
      doc: "Ask for gzip (`Accept-Encoding: gzip`): gb's meaning of `-z`, as in the original gb. ab's `-z ATTR` (the `<td>` attributes of `-w`) is `--td-attributes`.",
    },
  ),
  /** -G: worker threads sharing the load (default 1); requests, connections and rate are split exactly. */
  workers: option(
    {
      short: 'G',
      long: 'workers',
      scope: 'run',
      arity: 'value',
      api: 'count',
      field: 'workers',
      default: '1',
      parse: parse.count('number of workers', 1, MAX_WORKERS),
    },
    {
      valueName: 'N',
      help: `Number of CPUs (worker threads) sharing the load (default 1, at most ${MAX_WORKERS})`,
      doc: 'Run the engine in N worker threads; `-n`, `-c`, `--rate` (each `--stages` stage) and `--max-connections` are split exactly between them, and their results are merged exactly. Each worker needs at least one connection. Not with `-g`.',
    },
  ),
  /** -B: local address to send from. */
  bind: option(
    { short: 'B', long: 'bind', scope: 'run', arity: 'value', api: 'text', parse: parse.localAddress },
    {
      valueName: 'ADDRESS',
      help: 'Address to bind to when making outgoing connections',
      doc: "The local IP address to send from (`[::1]` is accepted for IPv6). It must be of the family of the address connected to (the target's, or the proxy's). Not with `--unix-socket`.",
    },
  ),
  /** --unix-socket: send over this unix domain socket; the URL still gives Host and path. */
  unixSocket: option(
    { long: 'unix-socket', scope: 'run', arity: 'value', api: 'text', field: 'unixSocket', ...parse.unixSocket },
    {
      valueName: 'PATH',
      help: "Connect to this unix domain socket instead of the URL's host and port (the URL still gives Host and path)",
      doc: "Send over this unix domain socket instead of TCP (curl's and oha's name): the URL still gives `Host` and the path, and its host is not looked up. `https://` runs TLS over the socket, with the URL's host as SNI. The path must exist and be a socket; `-B` does not apply.",
    },
  ),
  /** -d: no percentile table. */
  noPercentiles: option(
    { short: 'd', scope: 'output', arity: 'switch' },
    {
      help: 'Do not show percentiles served table',
      doc: 'Leave out ab\'s "Percentage of the requests served within a certain time" table.',
    },
  ),
  /** -S: no sd and median columns. */
  noSd: option(
    { short: 'S', scope: 'output', arity: 'switch' },
    {
      help: 'Do not show the sd and median columns (confidence estimators)',
      doc: "Leave out the sd and median columns of ab's Connection Times table, as ab does.",
    },
  ),
  /** -e: ab's percentile CSV file. */
  csvFile: option(
    { short: 'e', long: 'csv', scope: 'output', arity: 'value', output: 'file' },
    {
      valueName: 'FILE',
      help: 'Output CSV file with percentages served',
      doc: `Write ab's CSV of the time within which each percentage of requests was served, in ab's format (${SEE_FILE_OUTPUTS}). Checked before the first request: a path that cannot be written is exit 2.`,
    },
  ),
  /** -g: ab's gnuplot TSV file. */
  gnuplotFile: option(
    { short: 'g', long: 'gnuplot', scope: 'output', arity: 'value', output: 'file' },
    {
      valueName: 'FILE',
      help: 'Output collected data to gnuplot format file',
      doc: `Write one TSV line per request, in ab's gnuplot format (${SEE_FILE_OUTPUTS}). Not with \`-G\`; checked before the first request.`,
    },
  ),
  /** -w: the report as ab's HTML tables. */
  htmlTables: option(
    { short: 'w', long: 'html-tables', scope: 'output', arity: 'switch' },
    {
      help: 'Print out results in HTML tables',
      doc: `Print the report as ab's HTML tables instead of text; \`-x\`, \`-y\` and \`--td-attributes\` set their attributes (${SEE_FILE_OUTPUTS}).`,
    },
  ),
  /** -x: attributes of -w's <table>; null for ab's default. */
  tableAttributes: option(
    { short: 'x', long: 'table-attributes', scope: 'output', arity: 'value' },
    {
      valueName: 'ATTR',
      help: 'String to use as table attributes (with -w)',
      doc: "Attributes of `-w`'s `<table>`, as ab's `-x`. Without `-w` it is ignored, with a notice.",
    },
  ),
  /** -y: attributes of -w's <tr>; null for ab's default. */
  rowAttributes: option(
    { short: 'y', long: 'tr-attributes', scope: 'output', arity: 'value' },
    {
      valueName: 'ATTR',
      help: 'String to use as tr attributes (with -w)',
      doc: "Attributes of `-w`'s `<tr>`, as ab's `-y`. Without `-w` it is ignored, with a notice.",
    },
  ),
  /** --td-attributes (ab's -z): attributes of -w's <td> and <th>; null for ab's default. */
  cellAttributes: option(
    { long: 'td-attributes', scope: 'output', arity: 'value' },
    {
      valueName: 'ATTR',
      help: "String to use as td attributes (with -w; ab's -z, which in gb asks for gzip)",
      doc: "Attributes of `-w`'s `<td>` and `<th>`: ab's `-z`, which in gb asks for gzip. Without `-w` it is ignored, with a notice.",
    },
  ),
  /** -b: ab's socket buffer size; checked, then only noted. */
  bufferSize: option(
    {
      short: 'b',
      long: 'buffer-size',
      scope: 'run',
      arity: 'value',
      api: { none: '-b is accepted only to say that Node cannot honour it' },
      parse: parse.count('buffer size', 1, 2 ** 31 - 1),
    },
    {
      valueName: 'SIZE',
      help: 'Size of TCP send/receive buffer, in bytes (accepted; Node cannot set it)',
      defaultText: "the system's",
      doc: "Accepted, so that ab command lines run, and checked, but only noted on stderr: Node cannot set a TCP socket's send and receive buffer sizes, so the system's defaults apply.",
    },
  ),
} satisfies Readonly<Record<string, Entry>>;
