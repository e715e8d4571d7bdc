// gb's options, one entry each: the one place that says what an option is called, how its value is parsed, where it goes, and what it means.

/*
 * Everything else is derived from this table: the command-line parser and its usage text
 * (src/cli), run()'s option names and types (src/api/options.ts), RawOptions, the Config fields
 * an option fills as it is, the files the loading step reads (src/inputs), and docs/options.md.
 * The order is the order of `gb -h`. The key is run()'s name for a run option, CliOptions' name for
 * an output option. Each entry's comment is what an editor shows for that run() or CliOptions field.
 */

import { DEFAULT_CONTENT_TYPE, DEFAULT_MAX_ENDPOINTS, DEFAULT_TIMEOUT_MS, MAX_CONCURRENCY, MAX_PIPELINE, MAX_WORKERS } from './config.js';
import { option, type Entry } from './option-spec.js';
import * as parse from './parsers.js';
import { proxy } from './proxy.js';
import { runId, shard, startAt } from './shard.js';
import { parseStages } from './stages.js';
import { caPem, ciphers, clientPem, protocolVersions } from './tls.js';

const MAX_COUNT = Number.MAX_SAFE_INTEGER;
// The paragraphs are rendered into docs/options.md, so links are relative to docs/.
const SEE_FILE_OUTPUTS = 'see [outputs-html-files.md](outputs-html-files.md)';

export const OPTION_TABLE = {
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
  /** --http1.0: ab's exact request bytes (HTTP/1.0, ab's header order). */
  http10: option(
    { long: 'http1.0', scope: 'run', arity: 'switch', api: 'switch', field: 'http10' },
    {
      help: "Send ab's exact HTTP/1.0 request (default: HTTP/1.1)",
      doc: "Send ab's exact request: `HTTP/1.0`, ab's header order and spelling; only `User-Agent: gb/VERSION` differs (`-H 'User-Agent: ApacheBench/2.3'` makes the bytes identical). For comparing gb and ab on one server byte for byte, or servers that answer HTTP/1.0 differently. Not with `--http2`.",
    },
  ),
  /** --http2: speak HTTP/2 (h2 by ALPN over https://, h2c with prior knowledge over http://). */
  http2: option(
    { long: 'http2', scope: 'run', arity: 'switch', api: 'switch', field: 'http2' },
    {
      help: 'Speak HTTP/2: h2 over TLS (ALPN) for https://, h2c with prior knowledge for http://',
      doc: 'Speak HTTP/2: `https://` negotiates `h2` by ALPN, `http://` uses h2c with prior knowledge. Every load model and output works unchanged; `--streams` sets the requests in flight per connection. Not with `--http1.0` or `-X`.',
    },
  ),
  /** --streams: with `http2`, requests in flight per connection (the same setting as `pipeline`). */
  streams: option(
    { long: 'streams', scope: 'run', arity: 'value', api: 'count', parse: parse.count('number of streams', 1, MAX_PIPELINE) },
    {
      valueName: 'N',
      help: `With --http2: streams in flight per connection (default 1, at most ${MAX_PIPELINE}; the same setting as --pipeline)`,
      defaultText: '1',
      doc: "With `--http2`: streams in flight per connection (h2load's `-m`). It is the setting `--pipeline` is for HTTP/1.1; given both, they must agree.",
    },
  ),
  /** --json [FILE]: the whole result as JSON; "-" for stdout. */
  jsonFile: option(
    { long: 'json', scope: 'output', arity: 'optional', output: 'file' },
    {
      valueName: '[FILE]',
      help: "Write the report as JSON to FILE (no FILE, or '-': stdout)",
      doc: 'Write the whole result as JSON ([schema/gb-result.schema.json](../schema/gb-result.schema.json)), to stdout when no FILE or `-` is given; then stdout carries nothing else. A bare `--json` takes the next argument as its FILE when it is `-` or ends in `.json`, or when the URL remains beside it. See [outputs-json-compare-merge.md](outputs-json-compare-merge.md).',
    },
  ),
  /** --html FILE: a self-contained HTML report. */
  htmlFile: option(
    { long: 'html', scope: 'output', arity: 'value', output: 'file' },
    {
      valueName: 'FILE',
      help: 'Write a self-contained HTML report to FILE',
      doc: `A self-contained HTML report with plots, which opens with no network (${SEE_FILE_OUTPUTS}). Checked before the first request.`,
    },
  ),
  /** --rate: requests per second in total on a fixed schedule (needs `requests` or `duration`). */
  rate: option(
    { long: 'rate', scope: 'run', arity: 'value', api: 'rate', parse: parse.requestsPerSecond },
    {
      valueName: 'R',
      help: 'Send R requests per second in total (needs -n or -t); latency counts from the intended start',
      defaultText: 'none: each connection sends its next request when the last is answered',
      doc: "A constant rate: R requests per second in total (a decimal, or a count such as `2k`), sent on a fixed schedule; latency is measured from each request's *intended* send time (coordinated-omission correction, as wrk2). Needs `-n` or `-t`; not with `--stages`. With `-G` and `--shard` the rate is split exactly.",
    },
  ),
  /** --max-connections: with `rate` or `stages`, let the pool grow up to this many connections. */
  maxConnections: option(
    {
      long: 'max-connections',
      scope: 'run',
      arity: 'value',
      api: 'count',
      field: 'maxConnections',
      parse: parse.count('connection limit', 1, MAX_CONCURRENCY),
    },
    {
      valueName: 'N',
      help: 'With --rate or --stages: open more connections, up to N in all, when a request is due and every connection is busy (an open model)',
      defaultText: 'none: the pool stays at `-c`',
      doc: "With `--rate` or `--stages`, an open model: when a request is due and every connection is busy, open another (up to N in all, counting `-c`), so a slow server does not make gb send late. The report's `Connections:` line says how far the pool grew and when. Cannot be below `-c`; split like `-c` with `-G`.",
    },
  ),
  /** --stages: a rate that changes linearly from stage to stage; sets the run's length. */
  stages: option(
    { long: 'stages', scope: 'run', arity: 'value', api: 'stages', parse: parseStages },
    {
      valueName: 'STAGES',
      help: "Ramp the rate: DURATION:RATE,... e.g. '30s:100,60s:1000,30s:0' (linear from the previous rate, from 0 unless the first is 0s:R); sets the duration; not with --rate, -t or -n",
      doc: "A rate that changes over time (k6's ramping shape): each `DURATION:RATE` stage moves the rate linearly from the previous stage's rate (0 before the first; a leading `0s:R` starts at R) to its own, and latency is still measured from each request's intended send time. The run lasts the stages' total, so `--stages` cannot go with `--rate`, `-t` or `-n`; the `Rate:` line's target is the stages' mean rate.",
    },
  ),
  /** --shard: 'I/N', run shard I of N of this run; requests, connections and rate are split exactly. */
  shard: option(
    { long: 'shard', scope: 'run', arity: 'value', api: 'text', parse: shard },
    {
      valueName: 'I/N',
      help: 'Run shard I of N of this run (one per machine): -n, -c and --rate are split exactly, so N shards add up to the whole; gb merge adds their results',
      doc: 'Run shard I of N of the run the other flags describe: `-n`, `-c`, `--rate` (each `--stages` stage) and `--max-connections` are split exactly as `-G` splits them, so N shards add up to the one-machine run, and `gb merge` adds their results. Every shard must get a connection (and a request, with `-n`).',
    },
  ),
  /** --start-at: begin measuring at this wall-clock time, after any warm-up. */
  startAt: option(
    { long: 'start-at', scope: 'run', arity: 'value', api: 'time', field: 'startAtMs', parse: startAt },
    {
      valueName: 'TIME',
      help: 'Begin measuring at this wall-clock time (RFC 3339, e.g. 2026-11-29T14:00:00Z, or +30s from now), after start-up and any warm-up, so shards start together',
      defaultText: 'at once',
      doc: 'Begin the measured run at this wall-clock time (RFC 3339 with a zone, `2026-11-29T14:00:00Z`, or `+30s` from now, rounded up to the whole second), after start-up and any `--warmup`, so that shards start together. In the past: start now and say so; more than 24 h ahead: refused.',
    },
  ),
  /** --run-id: the name the shards of one run share. */
  runId: option(
    { long: 'run-id', scope: 'run', arity: 'value', api: 'text', parse: runId },
    {
      valueName: 'ID',
      help: 'Name the run its shards share (default: derived from the settings and --start-at, else the start time)',
      defaultText: 'a hash of the settings and `--start-at`, else of the start time',
      doc: "The name the shards of one run share, so that `gb merge` can tell them from another run's: 1 to 64 letters, digits, `.`, `_` or `-`.",
    },
  ),
  /** --targets: a targets file (vegeta's plain format or JSON Lines) whose requests are sent instead of `url`'s. */
  targets: option(
    { long: 'targets', scope: 'run', arity: 'value', api: 'text', ...parse.targets },
    {
      valueName: 'FILE',
      help: "Send the requests of FILE instead of one URL: vegeta's plain format ('METHOD URL', 'Name: value' lines, '@body-file'; a blank line between requests) or JSON Lines (.jsonl); round-robin",
      doc: "Send the requests of a targets file instead of one URL: vegeta's plain format (`METHOD URL`, `Name: value` lines, `@body-file`; a blank line between requests) or JSON Lines (`.jsonl`), in round-robin order. The file gives each request's method and body, so it cannot go with a URL, `-p`, `-u`, `-m` or `-i`; each origin gets connections of its own.",
    },
  ),
  /** --random: with `targets`, pick each request at random instead of round-robin. */
  random: option(
    { long: 'random', scope: 'run', arity: 'switch', api: 'switch' },
    {
      help: 'With --targets: pick each request at random instead of round-robin',
      doc: 'With `--targets`: pick each request at random instead of in turn, repeatably with `--seed` (the shards of one run share a seed derived from the run id).',
    },
  ),
  /** --seed: with `random`, the seed, so the sequence repeats. */
  seed: option(
    { long: 'seed', scope: 'run', arity: 'value', api: 'seed', parse: parse.seed },
    {
      valueName: 'N',
      help: 'With --random: the seed, so the sequence repeats',
      defaultText: 'a random one',
      doc: 'With `--random`: the seed (a whole number 0..4294967295), so that the sequence of targets repeats.',
    },
  ),
  /** --script: a .ts/.mts/.js/.mjs module of hooks (setup, request, response, teardown). */
  script: option(
    { long: 'script', scope: 'run', arity: 'value', api: 'text', field: 'script', ...parse.script },
    {
      valueName: 'FILE',
      help: 'Hooks in a .ts/.mts/.js/.mjs module: setup(ctx), request(ctx), response(ctx, res), teardown(ctx, summary)',
      doc: 'Requests and checks written in TypeScript or JavaScript: a `.ts`, `.mts`, `.js` or `.mjs` module whose hooks `setup`, `request`, `response` and `teardown` run per worker and per request. A module that does not load is exit 2, before anything is sent. Not with a targets file of several origins.',
    },
  ),
  /** --max-endpoints: rows of the per-endpoint table (default 100). */
  maxEndpoints: option(
    {
      long: 'max-endpoints',
      scope: 'run',
      arity: 'value',
      api: 'count',
      field: 'maxEndpoints',
      default: String(DEFAULT_MAX_ENDPOINTS),
      parse: parse.count('endpoint rows', 1, 100_000),
    },
    {
      valueName: 'N',
      help: 'Rows of the per-endpoint table (default 100); the rest count under "other"',
      doc: 'Rows of the per-endpoint table of a `--targets` or `--script` run; the requests of any further endpoints are counted under `other`.',
    },
  ),
  /** --warmup: run this long first, unmeasured; a number is milliseconds. */
  warmup: option(
    { long: 'warmup', scope: 'run', arity: 'value', api: 'duration', field: 'warmupMs', default: '0', parse: parse.warmupMs },
    {
      valueName: 'D',
      help: 'Run for D first without measuring, e.g. 5s (default 0)',
      doc: 'Run this long first (units as for `-t`); its requests are left out of every number.',
    },
  ),
  /** --pipeline: requests in flight per connection (needs `keepalive`). */
  pipeline: option(
    { long: 'pipeline', scope: 'run', arity: 'value', api: 'count', parse: parse.count('pipeline depth', 1, MAX_PIPELINE) },
    {
      valueName: 'N',
      help: `Requests in flight per connection (default 1, at most ${MAX_PIPELINE}; needs -k)`,
      defaultText: '1',
      doc: 'N HTTP/1.1 requests in flight per connection, each timed on its own (needs `-k`). A connection never holds more, whatever the rate schedule does; requests a closing server left unanswered are sent again, once each.',
    },
  ),
  /** -f: pin the TLS version: 'TLS1', 'TLS1.1', 'TLS1.2', 'TLS1.3' or 'ALL'. */
  protocol: option(
    { short: 'f', long: 'protocol', scope: 'run', arity: 'value', api: 'text', parse: protocolVersions },
    {
      valueName: 'PROTOCOL',
      help: 'Specify SSL/TLS protocol (TLS1, TLS1.1, TLS1.2, TLS1.3 or ALL)',
      defaultText: "Node's (TLS 1.2 and 1.3)",
      doc: "Pin the TLS version: `TLS1`, `TLS1.1`, `TLS1.2`, `TLS1.3`, or `ALL` (any), in any case; Node cannot speak `SSL2` or `SSL3`. `TLS1` and `TLS1.1` lower OpenSSL's security level (`DEFAULT:@SECLEVEL=0`) unless `-Z` is given, since OpenSSL 3 refuses them at its default.",
    },
  ),
  /** -Z: OpenSSL cipher list. */
  ciphers: option(
    { short: 'Z', long: 'ciphers', scope: 'run', arity: 'value', api: 'text', parse: ciphers },
    {
      valueName: 'CIPHERSUITE',
      help: 'Specify SSL/TLS cipher suite (See openssl ciphers)',
      defaultText: "OpenSSL's",
      doc: 'An OpenSSL cipher list, checked by OpenSSL before the run; TLS 1.3 suite names (`TLS_AES_128_GCM_SHA256`) work too.',
    },
  ),
  /** -E: a PEM file with the client certificate and its unencrypted key. */
  certificate: option(
    { short: 'E', long: 'certificate', scope: 'run', arity: 'value', raw: 'clientCertFile', api: 'text', ...clientPem },
    {
      valueName: 'CERTFILE',
      help: 'Specify optional client certificate chain and private key (one PEM file)',
      defaultText: 'none',
      doc: 'A client certificate and its unencrypted private key, in one PEM file (as ab reads it), checked by OpenSSL before the run.',
    },
  ),
  /** --verify: verify TLS certificates (off by default, as in ab). */
  verify: option(
    { long: 'verify', scope: 'run', arity: 'switch', raw: 'verifyTls', api: 'switch', field: 'verifyTls' },
    {
      help: 'Verify TLS certificates (default off, as in ab)',
      doc: "Verify the server's TLS certificate and name; off by default, as in ab.",
    },
  ),
  /** --ca: with `verify`, trust the CA certificates in this PEM file. */
  ca: option(
    { long: 'ca', scope: 'run', arity: 'value', raw: 'caFile', api: 'text', ...caPem },
    {
      valueName: 'FILE',
      help: 'With --verify, trust the CA certificates in this PEM file instead of the built-in ones',
      defaultText: "Node's bundled roots",
      doc: "With `--verify`, trust the CA certificates in this PEM file (a private CA) instead of Node's bundled ones. Needs `--verify`.",
    },
  ),
  /** --uncorrected: with --rate, also print latency measured from the actual send. */
  uncorrected: option(
    { long: 'uncorrected', scope: 'output', arity: 'switch' },
    {
      help: 'With --rate, also print latency measured from the actual send',
      doc: "With `--rate` or `--stages`, also print latency measured from each request's actual send, beside the corrected latency measured from its intended send time.",
    },
  ),
  /** --timeline: print the per-second table after the report. */
  timeline: option(
    { long: 'timeline', scope: 'output', arity: 'switch' },
    {
      help: "Print the run's per-second timeline after the report: the schedule's target (--rate, --stages), responses, errors, p50 and p99",
      doc: "After the report, the run second by second: the schedule's target (`-` in the closed loop), responses, errors, non-2xx, p50 and p99.",
    },
  ),
  /** --fail-if rules, e.g. 'p99>250ms', 'errors>1%'; RunReport.thresholds says which ones broke. */
  failIf: option(
    { long: 'fail-if', scope: 'limit', arity: 'list', api: 'list' },
    {
      valueName: 'RULE',
      help: "Exit 1 when the run breaks RULE (repeatable): an absolute limit with a unit or a plain number, e.g. 'p99>250ms', 'errors>1%', 'rps<1000'; metrics p50 p90 p99 p999 max rps errors non2xx. (gb compare's relative rules carry a sign and %: 'p99>+10%')",
      defaultText: 'none',
      doc: "Exit 1 when the run breaks an absolute limit (repeatable; k6's thresholds): `p99>250ms`, `errors>1%`, `rps<1000`. Metrics: `p50`, `p90`, `p99`, `p999`, `max` (of Total, with a unit), `rps` (a plain number), `errors` and `non2xx` (a percent of the complete requests, or a count without `%`); operators `<`, `<=`, `>`, `>=`. Each broken rule is one line on stderr; the report lists every rule. A rule that does not parse is exit 2.",
    },
  ),
  /** --profile: where to write gb's own CPU profile and heap snapshot; null for none. */
  profileDir: option(
    { long: 'profile', scope: 'output', arity: 'value', output: 'dir' },
    {
      valueName: 'DIR',
      help: 'Write CPU profiles of the run to DIR',
      doc: "Write gb's own CPU profile and heap snapshot of the run to DIR, which is created; checked before the first request.",
    },
  ),
  help: option(
    { short: 'h', long: 'help', scope: 'command', arity: 'switch' },
    {
      help: 'Display usage information (this message)',
      doc: 'Print the usage text and exit 0; it wins over every other option and problem, so `gb -h` needs no URL.',
    },
  ),
  version: option(
    { short: 'V', long: 'version', scope: 'command', arity: 'switch' },
    {
      help: 'Print version number and exit',
      doc: "Print gb's version banner and exit 0.",
    },
  ),
} satisfies Readonly<Record<string, Entry>>;
