// gb's options beyond ab's in the option table: protocols, outputs, load shapes, many requests, TLS, limits, and -h/-V.

import { DEFAULT_MAX_ENDPOINTS, MAX_CONCURRENCY, MAX_PIPELINE } from './config.js';
import { option, type Entry } from './option-spec.js';
import * as parse from './parsers.js';
import { runId, shard, startAt } from './shard.js';
import { parseStages } from './stages.js';
import { caPem, ciphers, clientPem, protocolVersions } from './tls.js';

const SEE_FILE_OUTPUTS = 'see [outputs-html-files.md](outputs-html-files.md)';

export const GB_OPTIONS = {
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
  /** --message TEXT | @FILE: with a ws:// or wss:// URL, every message's payload. */
  message: option(
    { long: 'message', scope: 'run', arity: 'value', api: 'text', ...parse.message },
    {
      valueName: 'TEXT|@FILE',
      help: "With a ws:// or wss:// URL: send TEXT as every message, or the bytes of FILE with '@FILE'",
      defaultText: '`hello from gb`',
      doc: 'With a `ws://` or `wss://` URL: the payload of every message, TEXT sent as a text message (UTF-8), or with `@FILE` the bytes of FILE (read once, before the run; at most 16 MiB), as text unless `--binary`. See [websocket.md](websocket.md).',
    },
  ),
  /** --binary: with `message` @FILE, send binary messages. */
  binary: option(
    { long: 'binary', scope: 'run', arity: 'switch', api: 'switch' },
    {
      help: 'With --message @FILE: send binary WebSocket messages instead of text',
      doc: "With `--message @FILE`: send the file's bytes as binary messages (opcode 2) instead of text ones.",
    },
  ),
  /** --echo: with a ws:// URL, each connection waits for each reply before its next message (the default). */
  echo: option(
    { long: 'echo', scope: 'run', arity: 'switch', api: 'switch' },
    {
      help: 'With a ws:// or wss:// URL: each connection sends one message and waits for the reply before the next (the default; not with --rate)',
      doc: 'With a `ws://` or `wss://` URL: each connection sends a message and waits for its reply before sending the next, so each exchange is one round trip (the default without `--rate`). With `--rate` messages go out on the schedule instead, several in flight per connection (`--pipeline`, default 64), replies matched in order.',
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
  /** --seed: with `random` or `dataRandom`, the seed, so the sequence repeats. */
  seed: option(
    { long: 'seed', scope: 'run', arity: 'value', api: 'seed', parse: parse.seed },
    {
      valueName: 'N',
      help: 'With --random or --data-random: the seed, so the sequence repeats',
      defaultText: 'a random one',
      doc: "With `--random` or `--data-random`: the seed (a whole number 0..4294967295), so that the sequence of targets (or the users' rows) repeats.",
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
  /** --users: virtual users running the script's iteration() (a journey). */
  users: option(
    { long: 'users', scope: 'run', arity: 'value', api: 'count', parse: parse.count('number of users', 1, MAX_CONCURRENCY) },
    {
      valueName: 'N',
      help: "With --script: N virtual users, each running the script's iteration(vu) again and again (a journey)",
      doc: "Run a journey: N virtual users, each with its own kept-alive connection, cookie jar, `vu.state` and `--data` row, running the `--script` module's `iteration(vu)` again and again: for `-t`, for `--iterations` in all, or started at `--rate` iterations a second. Takes the place of `-c` (and of `-n`: a journey counts iterations). Split like `-c` with `-G` and `--shard`; `vu.id` is unique across them. See docs/journeys.md.",
    },
  ),
  /** --iterations: with `users`, how many iterations in all. */
  iterations: option(
    {
      long: 'iterations',
      scope: 'run',
      arity: 'value',
      api: 'count',
      parse: parse.count('number of iterations', 1, Number.MAX_SAFE_INTEGER),
    },
    {
      valueName: 'N',
      help: 'With --users: run N iterations in all, shared by the users (default: one each, unless -t or --stages)',
      defaultText: 'one per user, unless `-t` or `--stages` bound the run',
      doc: 'With `--users`: the journey ends after N iterations in all, shared among the users (the first of `-t` and this ends it). Split exactly with `-G` and `--shard`.',
    },
  ),
  /** --max-users: with `users` and a rate, the pool may grow to this many users. */
  maxUsers: option(
    { long: 'max-users', scope: 'run', arity: 'value', api: 'count', parse: parse.count('user limit', 1, MAX_CONCURRENCY) },
    {
      valueName: 'N',
      help: 'With --users and --rate or --stages: start more users, up to N in all, when an iteration is due and every user is busy',
      defaultText: 'none: the pool stays at `--users`',
      doc: "With `--users` and `--rate` or `--stages` (iterations a second, k6's arrival rate): when an iteration is due and every user is busy, start another user, up to N in all, so a slow server does not make the iterations start late. Cannot be below `--users`.",
    },
  ),
  /** --data: rows for the users of a journey (CSV with a header, or JSON Lines). */
  data: option(
    { long: 'data', scope: 'run', arity: 'value', api: 'text', ...parse.data },
    {
      valueName: 'FILE',
      help: 'With --users: rows of a CSV file (header row first) or JSON Lines file, one per user as vu.data, round-robin',
      doc: "With `--users`: a `.csv` file (its first row names the fields) or a `.jsonl` file (one object a line), read once and shared by every worker thread. User `vu.id` gets row `id mod rows` as `vu.data` (`--data-random`: a seeded pick). A row without the header's fields is one line naming FILE:LINE, exit 2.",
    },
  ),
  /** --data-random: with `data`, each user's row picked at random (repeatable with `seed`). */
  dataRandom: option(
    { long: 'data-random', scope: 'run', arity: 'switch', api: 'switch' },
    {
      help: 'With --data: give each user a row picked at random (repeatable with --seed) instead of in turn',
      doc: 'With `--data`: each user gets a row picked by a hash of `--seed` and its id instead of the next in turn; the same seed gives the same rows.',
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
      doc: 'N HTTP/1.1 requests in flight per connection, each timed on its own (needs `-k`). A connection never holds more, whatever the rate schedule does; requests a closing server left unanswered are sent again, once each. With a `ws://` URL and `--rate`: the messages in flight per connection (default 64).',
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
  /** --out prometheus=URL | otlp=URL: push the run so far there every --out-period (cli/live-options.ts parses it). */
  out: option(
    { long: 'out', scope: 'output', arity: 'list' },
    {
      valueName: 'KIND=URL',
      runNote: 'live outputs belong to the command line; run() gives its Summary when the run ends',
      help: 'Push live metrics while the run runs: prometheus=URL (remote write) or otlp=URL (OTLP/HTTP); repeatable',
      doc: "Push the run so far while it runs: `prometheus=URL` sends Prometheus remote write 1.0 (a URL with no path gets `/api/v1/write`), `otlp=URL` sends OTLP/HTTP protobuf (no path: `/v1/metrics`). Once every `--out-period` and once more after the last response, so the receiver's final values are the report's. A receiver that is down or slow never holds up the run; pushes it missed are counted in one `WARNING:` line after the report. Repeatable. Metrics and labels: [live.md](live.md).",
    },
  ),
  /** --out-period: how often --out pushes. */
  outPeriod: option(
    { long: 'out-period', scope: 'output', arity: 'value' },
    {
      valueName: 'D',
      help: 'How often --out pushes (default 5s, at least 1s)',
      runNote: 'live outputs belong to the command line; run() gives its Summary when the run ends',
      defaultText: '5s',
      doc: "How often `--out` pushes the run so far: a duration of at least `1s`. Each push is time-stamped by gb's clock at the end of its period.",
    },
  ),
  /** --tag name=value: a label on every live series (k6's tags). */
  tag: option(
    { long: 'tag', scope: 'output', arity: 'list' },
    {
      valueName: 'NAME=VALUE',
      help: 'A label on every series --out sends (repeatable)',
      runNote: 'live outputs belong to the command line; run() gives its Summary when the run ends',
      doc: "A label on every series `--out` sends, beside gb's own `run_id` and `shard`: NAME is letters, digits and `_`, and may not be one of gb's own label names. Repeatable.",
    },
  ),
  /** --dashboard [HOST:]PORT: serve a live page of the run. */
  dashboard: option(
    { long: 'dashboard', scope: 'output', arity: 'value' },
    {
      valueName: '[HOST:]PORT',
      runNote: 'live outputs belong to the command line; run() gives its Summary when the run ends',
      help: 'Serve a live dashboard of the run at http://HOST:PORT/ (default host 127.0.0.1)',
      doc: "Serve a page of the run while it runs, updated every second: achieved and target rate, latency, errors by kind, connections, gb's own busy share, the endpoints. At the end it shows the report's figures and offers the `--html` report. Read-only; listens on 127.0.0.1 unless HOST says otherwise; port 0 takes a free one (the address is printed on stderr). A port in use stops gb before the run (exit 2). See [live.md](live.md).",
    },
  ),
  /** --dashboard-linger D: keep the dashboard up this long after the run. */
  dashboardLinger: option(
    { long: 'dashboard-linger', scope: 'output', arity: 'value' },
    {
      valueName: 'D',
      help: 'Keep serving the dashboard this long after the run (default 0)',
      runNote: 'live outputs belong to the command line; run() gives its Summary when the run ends',
      defaultText: '0',
      doc: 'How long `--dashboard` goes on serving the final page after the report is printed; Ctrl-C ends it sooner.',
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
