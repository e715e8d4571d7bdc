// gb's command-line grammar: ab's flags with ab's meanings plus long options, turned from argv into a CliCommand.

/*
 * Why a small hand-written tokenizer instead of util.parseArgs: in strict mode parseArgs stops at
 * the first problem with Node's own wording (we want "unknown option '-x'" and every problem at once),
 * refuses a value that starts with '-' (so "-n -5" could not reach validation and be reported as a bad
 * count, as getopt/ab would), has no option with an optional value (--json [FILE]), and would still
 * need argv rewritten for Go-style "-n=100". Wrapping it would cost more code than the ~80 lines below.
 */

import { MAX_CONCURRENCY, type Config } from '../config/config.js';
import { MAX_PIPELINE, MAX_WORKERS, outputPathProblem } from '../config/validate.js';
import type { RawOptions } from '../config/validate.js';
import { validateRun } from '../api/validated-run.js';
import type { Threshold } from '../metrics/thresholds.js';
import { err, ok } from '../result.js';
import type { Result } from '../result.js';

export interface CliOptions {
  readonly config: Config;
  readonly quiet: boolean;
  readonly noPercentiles: boolean; // -d
  readonly noSd: boolean; // -S
  readonly csvFile: string | null; // -e
  readonly gnuplotFile: string | null; // -g
  readonly htmlTables: boolean; // -w
  readonly jsonFile: string | null; // --json: "-" for stdout
  readonly htmlFile: string | null; // --html
  readonly uncorrected: boolean;
  /** --timeline: print the per-second table after the report. */
  readonly timeline: boolean;
  readonly profileDir: string | null;
  /** ab's -x, -y, -z: attributes of the -w tables' <table>, <tr> and <td>/<th>; null for ab's defaults. */
  readonly tableAttributes: string | null;
  readonly rowAttributes: string | null;
  readonly cellAttributes: string | null;
  /** --fail-if: absolute limits checked on the run's Summary; a broken one makes the exit status 1. */
  readonly thresholds: readonly Threshold[];
  /** One line each for stderr before the run: options gb accepts but cannot honour, and why. */
  readonly notices: readonly string[];
}

export type CliCommand =
  | { readonly kind: 'run'; readonly options: CliOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' };

type OptionId =
  | 'requests' | 'concurrency' | 'timeLimit' | 'timeout' | 'keepAlive' | 'postFile' | 'putFile' | 'contentType'
  | 'header' | 'cookie' | 'auth' | 'head' | 'method' | 'variableLength' | 'continueOnError' | 'quiet' | 'verbosity'
  | 'help' | 'version' | 'gzip' | 'workers' | 'noPercentiles' | 'noSd' | 'bind' | 'csv' | 'gnuplot' | 'htmlTables'
  | 'json' | 'html' | 'rate' | 'warmup' | 'pipeline' | 'verify' | 'uncorrected' | 'profile' | 'proxy' | 'proxyAuth'
  | 'protocol' | 'ciphers' | 'clientCert' | 'ca' | 'unixSocket' | 'bufferSize'
  | 'tableAttributes' | 'rowAttributes' | 'cellAttributes' | 'http10' | 'failIf' | 'stages'
  | 'maxConnections' | 'timeline' | 'http2' | 'streams' | 'shard' | 'runId' | 'startAt' | 'targets' | 'random' | 'seed' | 'script' | 'maxEndpoints';

/** switch: no value; value: one value, the last one given wins (as with getopt); list: repeatable; optional: --json [FILE]. */
type Arity = 'switch' | 'value' | 'list' | 'optional';

export interface OptionSpec {
  readonly id: OptionId;
  readonly short?: string;
  readonly long?: string;
  readonly arity: Arity;
  /** Placeholder for the value in the usage text. */
  readonly valueName?: string;
  readonly help: string;
}

/** Every option, in the order the usage text lists them. */
export const OPTIONS: readonly OptionSpec[] = [
  { id: 'requests', short: 'n', long: 'requests', arity: 'value', valueName: 'N', help: 'Number of requests to perform (default 1; no limit when only -t is given)' },
  { id: 'concurrency', short: 'c', long: 'concurrency', arity: 'value', valueName: 'N', help: `Number of multiple requests to make at a time (default 1, at most ${MAX_CONCURRENCY})` },
  { id: 'timeLimit', short: 't', long: 'timelimit', arity: 'value', valueName: 'SECONDS', help: 'Seconds to max. spend on benchmarking (units allowed, as --duration; no default limit)' },
  { id: 'timeLimit', long: 'duration', arity: 'value', valueName: 'D', help: 'Same as -t with a unit: 30s, 500ms, 2m, 1h (plain number = seconds)' },
  { id: 'timeout', short: 's', long: 'timeout', arity: 'value', valueName: 'SECONDS', help: 'Seconds to max. wait for each response (default 30)' },
  { id: 'keepAlive', short: 'k', long: 'keepalive', arity: 'switch', help: 'Use HTTP KeepAlive feature' },
  { id: 'postFile', short: 'p', long: 'post-file', arity: 'value', valueName: 'FILE', help: 'File containing data to POST. Remember also to set -T' },
  { id: 'putFile', short: 'u', long: 'put-file', arity: 'value', valueName: 'FILE', help: 'File containing data to PUT. Remember also to set -T' },
  { id: 'contentType', short: 'T', long: 'content-type', arity: 'value', valueName: 'TYPE', help: "Content-type header for POST/PUT data (default 'text/plain')" },
  { id: 'header', short: 'H', long: 'header', arity: 'list', valueName: "'Name: value'", help: "Add an arbitrary header line, e.g. 'Accept-Encoding: gzip' (repeatable)" },
  { id: 'cookie', short: 'C', long: 'cookie', arity: 'list', valueName: "'name=value'", help: 'Add cookie, eg. \'Apache=1234\' (repeatable)' },
  { id: 'auth', short: 'A', long: 'auth', arity: 'value', valueName: 'user:pass', help: 'Add Basic WWW Authentication (split at the first colon)' },
  { id: 'proxy', short: 'X', long: 'proxy', arity: 'value', valueName: 'proxy:port', help: 'Proxy server for the requests (port 80 when not given); https:// goes through CONNECT' },
  { id: 'proxyAuth', short: 'P', long: 'proxy-auth', arity: 'value', valueName: 'user:pass', help: 'Add Basic Proxy Authentication (needs -X)' },
  { id: 'head', short: 'i', long: 'head', arity: 'switch', help: 'Use HEAD instead of GET' },
  { id: 'method', short: 'm', long: 'method', arity: 'value', valueName: 'METHOD', help: 'Method name (overrides the method of -p, -u and -i)' },
  { id: 'variableLength', short: 'l', long: 'variable-length', arity: 'switch', help: 'Accept variable document length (use this for dynamic pages)' },
  { id: 'continueOnError', short: 'r', long: 'continue-on-error', arity: 'switch', help: "Don't exit on socket receive errors" },
  { id: 'quiet', short: 'q', long: 'quiet', arity: 'switch', help: 'Do not show progress when doing more than 150 requests' },
  { id: 'verbosity', short: 'v', long: 'verbosity', arity: 'value', valueName: 'N', help: 'How much troubleshooting info to print (default 0)' },
  { id: 'gzip', short: 'z', long: 'gzip', arity: 'switch', help: "Ask for gzip (Accept-Encoding: gzip). gb's -z, as in the original gb; ab's -z is --td-attributes" },
  { id: 'workers', short: 'G', long: 'workers', arity: 'value', valueName: 'N', help: `Number of CPUs (worker threads) sharing the load (default 1, at most ${MAX_WORKERS})` },
  { id: 'bind', short: 'B', long: 'bind', arity: 'value', valueName: 'ADDRESS', help: 'Address to bind to when making outgoing connections' },
  { id: 'unixSocket', long: 'unix-socket', arity: 'value', valueName: 'PATH', help: 'Connect to this unix domain socket instead of the URL\'s host and port (the URL still gives Host and path)' },
  { id: 'noPercentiles', short: 'd', arity: 'switch', help: 'Do not show percentiles served table' },
  { id: 'noSd', short: 'S', arity: 'switch', help: 'Do not show the sd and median columns (confidence estimators)' },
  { id: 'csv', short: 'e', long: 'csv', arity: 'value', valueName: 'FILE', help: 'Output CSV file with percentages served' },
  { id: 'gnuplot', short: 'g', long: 'gnuplot', arity: 'value', valueName: 'FILE', help: 'Output collected data to gnuplot format file' },
  { id: 'htmlTables', short: 'w', long: 'html-tables', arity: 'switch', help: 'Print out results in HTML tables' },
  { id: 'tableAttributes', short: 'x', long: 'table-attributes', arity: 'value', valueName: 'ATTR', help: 'String to use as table attributes (with -w)' },
  { id: 'rowAttributes', short: 'y', long: 'tr-attributes', arity: 'value', valueName: 'ATTR', help: 'String to use as tr attributes (with -w)' },
  { id: 'cellAttributes', long: 'td-attributes', arity: 'value', valueName: 'ATTR', help: "String to use as td attributes (with -w; ab's -z, which in gb asks for gzip)" },
  { id: 'bufferSize', short: 'b', long: 'buffer-size', arity: 'value', valueName: 'SIZE', help: 'Size of TCP send/receive buffer, in bytes (accepted; Node cannot set it)' },
  { id: 'http10', long: 'http1.0', arity: 'switch', help: "Send ab's exact HTTP/1.0 request (default: HTTP/1.1)" },
  { id: 'http2', long: 'http2', arity: 'switch', help: 'Speak HTTP/2: h2 over TLS (ALPN) for https://, h2c with prior knowledge for http://' },
  { id: 'streams', long: 'streams', arity: 'value', valueName: 'N', help: `With --http2: streams in flight per connection (default 1, at most ${MAX_PIPELINE}; the same setting as --pipeline)` },
  { id: 'json', long: 'json', arity: 'optional', valueName: '[FILE]', help: "Write the report as JSON to FILE (no FILE, or '-': stdout)" },
  { id: 'html', long: 'html', arity: 'value', valueName: 'FILE', help: 'Write a self-contained HTML report to FILE' },
  { id: 'rate', long: 'rate', arity: 'value', valueName: 'R', help: 'Send R requests per second in total (needs -n or -t); latency counts from the intended start' },
  { id: 'maxConnections', long: 'max-connections', arity: 'value', valueName: 'N', help: 'With --rate or --stages: open more connections, up to N in all, when a request is due and every connection is busy (an open model)' },
  { id: 'stages', long: 'stages', arity: 'value', valueName: 'STAGES', help: "Ramp the rate: DURATION:RATE,... e.g. '30s:100,60s:1000,30s:0' (linear from the previous rate, from 0 unless the first is 0s:R); sets the duration; not with --rate, -t or -n" },
  { id: 'shard', long: 'shard', arity: 'value', valueName: 'I/N', help: 'Run shard I of N of this run (one per machine): -n, -c and --rate are split exactly, so N shards add up to the whole; gb merge adds their results' },
  { id: 'startAt', long: 'start-at', arity: 'value', valueName: 'TIME', help: 'Begin measuring at this wall-clock time (RFC 3339, e.g. 2026-11-29T14:00:00Z, or +30s from now), after start-up and any warm-up, so shards start together' },
  { id: 'runId', long: 'run-id', arity: 'value', valueName: 'ID', help: 'Name the run its shards share (default: derived from the settings and --start-at, else the start time)' },
  { id: 'targets', long: 'targets', arity: 'value', valueName: 'FILE', help: "Send the requests of FILE instead of one URL: vegeta's plain format ('METHOD URL', 'Name: value' lines, '@body-file'; a blank line between requests) or JSON Lines (.jsonl); round-robin" },
  { id: 'random', long: 'random', arity: 'switch', help: 'With --targets: pick each request at random instead of round-robin' },
  { id: 'seed', long: 'seed', arity: 'value', valueName: 'N', help: 'With --random: the seed, so the sequence repeats' },
  { id: 'script', long: 'script', arity: 'value', valueName: 'FILE', help: 'Hooks in a .ts/.mts/.js/.mjs module: setup(ctx), request(ctx), response(ctx, res), teardown(ctx, summary)' },
  { id: 'maxEndpoints', long: 'max-endpoints', arity: 'value', valueName: 'N', help: 'Rows of the per-endpoint table (default 100); the rest count under "other"' },
  { id: 'warmup', long: 'warmup', arity: 'value', valueName: 'D', help: 'Run for D first without measuring, e.g. 5s (default 0)' },
  { id: 'pipeline', long: 'pipeline', arity: 'value', valueName: 'N', help: `Requests in flight per connection (default 1, at most ${MAX_PIPELINE}; needs -k)` },
  { id: 'protocol', short: 'f', long: 'protocol', arity: 'value', valueName: 'PROTOCOL', help: 'Specify SSL/TLS protocol (TLS1, TLS1.1, TLS1.2, TLS1.3 or ALL)' },
  { id: 'ciphers', short: 'Z', long: 'ciphers', arity: 'value', valueName: 'CIPHERSUITE', help: 'Specify SSL/TLS cipher suite (See openssl ciphers)' },
  { id: 'clientCert', short: 'E', long: 'certificate', arity: 'value', valueName: 'CERTFILE', help: 'Specify optional client certificate chain and private key (one PEM file)' },
  { id: 'verify', long: 'verify', arity: 'switch', help: 'Verify TLS certificates (default off, as in ab)' },
  { id: 'ca', long: 'ca', arity: 'value', valueName: 'FILE', help: 'With --verify, trust the CA certificates in this PEM file instead of the built-in ones' },
  { id: 'uncorrected', long: 'uncorrected', arity: 'switch', help: 'With --rate, also print latency measured from the actual send' },
  { id: 'timeline', long: 'timeline', arity: 'switch', help: "Print the run's per-second timeline after the report: the schedule's target (--rate, --stages), responses, errors, p50 and p99" },
  { id: 'failIf', long: 'fail-if', arity: 'list', valueName: 'RULE', help: "Exit 1 when the run breaks RULE (repeatable): an absolute limit with a unit or a plain number, e.g. 'p99>250ms', 'errors>1%', 'rps<1000'; metrics p50 p90 p99 p999 max rps errors non2xx. (gb compare's relative rules carry a sign and %: 'p99>+10%')" },
  { id: 'profile', long: 'profile', arity: 'value', valueName: 'DIR', help: 'Write CPU profiles of the run to DIR' },
  { id: 'help', short: 'h', long: 'help', arity: 'switch', help: 'Display usage information (this message)' },
  { id: 'version', short: 'V', long: 'version', arity: 'switch', help: 'Print version number and exit' },
];

const BY_SHORT = new Map(OPTIONS.flatMap((spec) => (spec.short === undefined ? [] : [[spec.short, spec] as const])));
const BY_LONG = new Map(OPTIONS.flatMap((spec) => (spec.long === undefined ? [] : [[spec.long, spec] as const])));

interface Tokens {
  readonly values: Map<OptionId, string[]>;
  readonly switches: Map<OptionId, boolean>;
  readonly positionals: string[];
  readonly problems: string[];
}

/** An argument that is not an option: getopt treats a lone "-" as an operand too. */
const isOperand = (arg: string): boolean => arg === '-' || !arg.startsWith('-');

function tokenize(argv: readonly string[]): Tokens {
  const tokens: Tokens = { values: new Map(), switches: new Map(), positionals: [], problems: [] };
  // A bare "--json" may be followed by its FILE or by the URL; decided once all operands are known.
  let jsonCandidate: { readonly positionalIndex: number; readonly text: string } | null = null;
  let optionsEnded = false;

  const store = (spec: OptionSpec, value: string): void => {
    const previous = spec.arity === 'list' ? (tokens.values.get(spec.id) ?? []) : [];
    tokens.values.set(spec.id, [...previous, value]);
  };
  const storeSwitch = (spec: OptionSpec, typed: string, inline: string | undefined): void => {
    // Go's flag package accepts "-k=true"/"-k=false"; gb's users come from there.
    const on = inline === undefined || inline === 'true' || inline === '1' ? true : inline === 'false' || inline === '0' ? false : null;
    if (on === null) tokens.problems.push(`option '${typed}' takes no value (got '${inline ?? ''}')`);
    else tokens.switches.set(spec.id, on);
  };

  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    const takeNext = (typed: string): string | undefined => {
      if (index + 1 < argv.length) {
        index += 1;
        return argv[index];
      }
      tokens.problems.push(`option '${typed}' needs a value`);
      return undefined;
    };

    if (optionsEnded || isOperand(arg)) {
      tokens.positionals.push(arg);
    } else if (arg === '--') {
      optionsEnded = true;
    } else if (arg.startsWith('--')) {
      const equals = arg.indexOf('=');
      const name = equals < 0 ? arg.slice(2) : arg.slice(2, equals);
      const inline = equals < 0 ? undefined : arg.slice(equals + 1);
      const typed = `--${name}`;
      const spec = BY_LONG.get(name);
      if (spec === undefined) {
        tokens.problems.push(`unknown option '${typed}'`);
      } else if (spec.arity === 'switch') {
        storeSwitch(spec, typed, inline);
      } else if (spec.arity === 'optional') {
        store(spec, inline ?? '-');
        const next = argv[index + 1];
        jsonCandidate = inline === undefined && next !== undefined && isOperand(next) ? { positionalIndex: tokens.positionals.length, text: next } : null;
      } else {
        const value = inline ?? takeNext(typed);
        if (value !== undefined) store(spec, value);
      }
    } else {
      // A group of short options: switches may be bundled ("-kq"); the first option that takes a value
      // takes the rest of the group ("-n100", Go-style "-n=100") or else the next argument.
      for (let at = 1; at < arg.length; at += 1) {
        const letter = arg.charAt(at);
        const typed = `-${letter}`;
        const spec = BY_SHORT.get(letter);
        if (spec === undefined) {
          tokens.problems.push(`unknown option '${typed}'`);
          break;
        }
        const rest = arg.slice(at + 1);
        if (spec.arity === 'switch') {
          if (!rest.startsWith('=')) {
            storeSwitch(spec, typed, undefined);
            continue;
          }
          storeSwitch(spec, typed, rest.slice(1));
          break;
        }
        const inline = rest.startsWith('=') ? rest.slice(1) : rest;
        const value = inline !== '' ? inline : rest === '=' ? '' : takeNext(typed);
        if (value !== undefined) store(spec, value);
        break;
      }
    }
  }

  if (jsonCandidate !== null) claimJsonFile(tokens, jsonCandidate);
  return tokens;
}

/**
 * "--json out.json URL" and "--json URL" must both work: the operand after a bare --json is its FILE
 * when it is "-" or ends in .json, or when taking it leaves exactly the one URL.
 */
function claimJsonFile(tokens: Tokens, candidate: { readonly positionalIndex: number; readonly text: string }): void {
  const { positionalIndex, text } = candidate;
  if (tokens.positionals[positionalIndex] !== text) return;
  if (text === '-' || /\.json$/i.test(text) || tokens.positionals.length > 1) {
    tokens.positionals.splice(positionalIndex, 1);
    tokens.values.set('json', [text]);
  }
}

export function parseCommandLine(argv: readonly string[]): Result<CliCommand, readonly string[]> {
  const tokens = tokenize(argv);
  const on = (id: OptionId): boolean => tokens.switches.get(id) === true;
  // Help and version win over every other problem, as in ab: "gb -h" needs no URL.
  if (on('help')) return ok({ kind: 'help' });
  if (on('version')) return ok({ kind: 'version' });
  // A tokenizing error would make the remaining checks guess (was "-x 5" a value?), so report it alone.
  if (tokens.problems.length > 0) return err(tokens.problems);

  const last = (id: OptionId): string | undefined => tokens.values.get(id)?.at(-1);
  const raw: RawOptions = {
    urls: tokens.positionals,
    requests: last('requests'),
    concurrency: last('concurrency'),
    timeLimit: last('timeLimit'),
    timeout: last('timeout'),
    keepAlive: on('keepAlive'),
    postFile: last('postFile'),
    putFile: last('putFile'),
    contentType: last('contentType'),
    headers: tokens.values.get('header') ?? [],
    cookies: tokens.values.get('cookie') ?? [],
    auth: last('auth'),
    head: on('head'),
    method: last('method'),
    variableLength: on('variableLength'),
    continueOnError: on('continueOnError'),
    verbosity: last('verbosity'),
    gzip: on('gzip'),
    workers: last('workers'),
    bind: last('bind'),
    rate: last('rate'),
    stages: last('stages'),
    maxConnections: last('maxConnections'),
    warmup: last('warmup'),
    pipeline: last('pipeline'),
    verifyTls: on('verify'),
    proxy: last('proxy'),
    proxyAuth: last('proxyAuth'),
    protocol: last('protocol'),
    ciphers: last('ciphers'),
    clientCertFile: last('clientCert'),
    caFile: last('ca'),
    unixSocket: last('unixSocket'),
    http10: on('http10'),
    http2: on('http2'),
    streams: last('streams'),
    bufferSize: last('bufferSize'),
    shard: last('shard'),
    runId: last('runId'),
    startAt: last('startAt'),
    targets: last('targets'),
    random: on('random'),
    seed: last('seed'),
    script: last('script'),
    maxEndpoints: last('maxEndpoints'),
  };

  const problems: string[] = [];
  const fileName = (id: OptionId, typed: string): string | null => {
    const value = last(id);
    if (value === '') problems.push(`option '${typed}' needs a file name, got an empty one`);
    return value === undefined || value === '' ? null : value;
  };
  const csvFile = fileName('csv', '-e');
  const gnuplotFile = fileName('gnuplot', '-g');
  const jsonFile = fileName('json', '--json');
  const htmlFile = fileName('html', '--html');
  const profileDir = fileName('profile', '--profile');
  const outputs: readonly (readonly [string, string | null, 'file' | 'dir'])[] = [
    ['--json', jsonFile === '-' ? null : jsonFile, 'file'],
    ['--html', htmlFile, 'file'],
    ['-e', csvFile, 'file'],
    ['-g', gnuplotFile, 'file'],
    ['--profile', profileDir, 'dir'],
  ];
  for (const [flag, path, kind] of outputs) {
    const problem = path === null ? null : outputPathProblem(flag, path, kind);
    if (problem !== null) problems.push(problem);
  }

  const validated = validateRun(raw, tokens.values.get('failIf') ?? [], problems);
  if (!validated.ok) return err(validated.error);
  const { config, thresholds } = validated.value;
  const tableAttributes = last('tableAttributes') ?? null;
  const rowAttributes = last('rowAttributes') ?? null;
  const cellAttributes = last('cellAttributes') ?? null;
  const notices: string[] = [];
  if (!on('htmlTables')) {
    const given = [['-x', tableAttributes], ['-y', rowAttributes], ['--td-attributes', cellAttributes]].filter(([, v]) => v !== null).map(([flag]) => flag);
    // ab ignores them silently; saying so once spares a search for where the attributes went.
    if (given.length > 0) notices.push(`gb: ${given.join(', ')} ${given.length === 1 ? 'applies' : 'apply'} only to -w's HTML tables; ignored`);
  }
  const { startAtMs } = config;
  if (startAtMs !== null && startAtMs < Date.now()) {
    notices.push(`gb: --start-at ${raw.startAt ?? ''} is ${((Date.now() - startAtMs) / 1000).toFixed(1)} s in the past: starting now (the result records how late)`);
  }
  if (raw.bufferSize !== undefined) {
    notices.push(`gb: -b ${raw.bufferSize} ignored: Node cannot set a TCP socket's send and receive buffer sizes, so the system's defaults apply`);
  }
  return ok({
    kind: 'run',
    options: {
      config,
      quiet: on('quiet'),
      noPercentiles: on('noPercentiles'),
      noSd: on('noSd'),
      csvFile,
      gnuplotFile,
      htmlTables: on('htmlTables'),
      jsonFile,
      htmlFile,
      uncorrected: on('uncorrected'),
      timeline: on('timeline'),
      profileDir,
      tableAttributes,
      rowAttributes,
      cellAttributes,
      thresholds,
      notices,
    },
  });
}
