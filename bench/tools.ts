// The four clients under comparison: installing them, their command lines per scenario, and parsing what they print.

import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export const TOOLS = ['gb', 'wrk', 'ab', 'autocannon', 'h2load'] as const;
/**
 * The scenario rows' tools; Artillery, which runs only the journey row's flow (bench/journeys.ts); and the
 * WebSocket and gRPC rows' peer clients (bench/ws-grpc.ts), which print ab's lines.
 */
export type ToolName = (typeof TOOLS)[number] | 'artillery' | 'ws' | 'grpc-js';

/** Newest autocannon at the time of writing; it declares no engines and runs on Node 20. */
export const AUTOCANNON_VERSION = '8.0.0';
/**
 * Newest Artillery at the time of writing. It declares Node >= 22.18 but runs the HTTP engine on
 * Node 20; 2.0.21, the last that declares Node 20, sends a telemetry event even when told not to.
 */
export const ARTILLERY_VERSION = '2.0.34';
/** Artillery's own switch for its telemetry: without it every run posts an event to a host off this machine. */
export const ARTILLERY_ENV = ['ARTILLERY_DISABLE_TELEMETRY=true'] as const;

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly path: '/small' | '/10k.dat';
  readonly keepAlive: boolean;
  /** Over HTTPS (nginx's TLS port). */
  readonly tls: boolean;
  /** HTTP/2 (gb --http2 against h2load): h2 over TLS, else h2c; `pipeline` is then the streams per connection. */
  readonly http2: boolean;
  readonly pipeline: number;
  readonly connections: number;
  /** -n for gb and ab. */
  readonly requests: number;
  /** -a for autocannon, which is slower per request, so it gets its own count to stay near the same duration. */
  readonly autocannonRequests: number;
  /** wrk takes only a duration. */
  readonly wrkSeconds: number;
}

export interface ToolPaths {
  readonly node: string;
  /** dist/gb.cjs, run as an executable. */
  readonly gbMain: string;
  readonly wrk: string | null;
  readonly ab: string | null;
  readonly autocannonMain: string | null;
  readonly h2load: string | null;
  /** Lua script that makes wrk pipeline; written once per run. */
  readonly wrkPipelineScript: (depth: number) => string;
}

/** What a tool said about its own run; null where it said nothing we could read. */
export interface ToolReport {
  readonly requests: number | null;
  readonly requestsPerSec: number | null;
  readonly errors: number | null;
}

export function findExecutable(name: string): string | null {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).concat(['/usr/sbin', '/sbin', '/usr/bin', '/bin']);
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return null;
}

/** Debian package for each command the benchmark needs; only missing ones are installed. */
const APT_PACKAGES: ReadonlyArray<readonly [command: string, aptPackage: string]> = [
  ['nginx', 'nginx-light'],
  ['wrk', 'wrk'],
  ['ab', 'apache2-utils'],
  ['/usr/bin/time', 'time'],
  ['taskset', 'util-linux'],
  ['h2load', 'nghttp2-client'],
];

function present(command: string): boolean {
  return command.startsWith('/') ? existsSync(command) : findExecutable(command) !== null;
}

/** Installs missing system tools with apt (root only); returns a note per problem, empty when all is there. */
export function installSystemTools(log: (line: string) => void): string[] {
  const missing = APT_PACKAGES.filter(([command]) => !present(command)).map(([, aptPackage]) => aptPackage);
  if (missing.length === 0) return [];
  if (process.getuid?.() !== 0) {
    return [`missing packages ${missing.join(' ')}: run as root, or apt-get install -y ${missing.join(' ')}`];
  }
  log(`installing ${missing.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const options = { stdio: ['ignore', 'inherit', 'inherit'] as ['ignore', 'inherit', 'inherit'], env, timeout: 600_000 };
  const update = spawnSync('apt-get', ['update'], options);
  if (update.status !== 0) return [`apt-get update failed (${update.status ?? update.signal ?? '?'})`];
  const install = spawnSync('apt-get', ['install', '-y', ...missing], options);
  if (install.status !== 0) return [`apt-get install ${missing.join(' ')} failed (${install.status ?? install.signal ?? '?'})`];
  return APT_PACKAGES.filter(([command]) => !present(command)).map(([command]) => `${command} still missing after apt-get`);
}

/** Installs an npm package into a scratch folder outside the repo (reused when already there); its `main` file, or null if that fails. */
function installIntoScratch(
  log: (line: string) => void,
  pkg: string,
  version: string,
  main: string,
  extra: { readonly args?: readonly string[]; readonly env?: NodeJS.ProcessEnv } = {},
): string | null {
  const dir = join(tmpdir(), `gb-bench-${pkg}-${version}`);
  const mainPath = join(dir, 'node_modules', pkg, main);
  if (existsSync(mainPath)) return mainPath;
  mkdirSync(dir, { recursive: true });
  log(`installing ${pkg}@${version} into ${dir}`);
  const result = spawnSync(
    'npm',
    ['install', '--prefix', dir, `${pkg}@${version}`, '--no-audit', '--no-fund', '--no-save', ...(extra.args ?? [])],
    { stdio: ['ignore', 'inherit', 'inherit'], timeout: 300_000, env: { ...process.env, ...extra.env } },
  );
  return result.status === 0 && existsSync(mainPath) ? mainPath : null;
}

/** Installs autocannon (see installIntoScratch); null if that fails. */
export function installAutocannon(log: (line: string) => void): string | null {
  return installIntoScratch(log, 'autocannon', AUTOCANNON_VERSION, 'autocannon.js');
}

/**
 * Installs Artillery without its install scripts and with no browser: its Playwright engine's
 * download cannot work here, and the HTTP engine the journey row uses needs neither. Null if that fails.
 */
export function installArtillery(log: (line: string) => void): string | null {
  return installIntoScratch(log, 'artillery', ARTILLERY_VERSION, join('bin', 'run'), {
    args: ['--ignore-scripts'],
    env: { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
  });
}

/** One line per tool naming its version, for the report header. */
export function toolVersions(paths: ToolPaths, nginxPath: string): Record<string, string> {
  const firstLine = (command: string, args: readonly string[]): string => {
    const result = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
    const text = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
    const line = text.split('\n').find((candidate) => candidate.trim() !== '');
    return line?.trim() ?? 'unknown';
  };
  return {
    gb: firstLine(paths.gbMain, ['-V']),
    wrk: paths.wrk === null ? 'missing' : firstLine(paths.wrk, ['-v']),
    ab: paths.ab === null ? 'missing' : firstLine(paths.ab, ['-V']),
    autocannon: paths.autocannonMain === null ? 'missing' : firstLine(paths.node, [paths.autocannonMain, '--version']),
    h2load: paths.h2load === null ? 'missing' : firstLine(paths.h2load, ['--version']),
    nginx: firstLine(nginxPath, ['-v']),
    node: process.version,
  };
}

/** wrk pipelines only through a script that hands it several requests at once; it then counts each response. */
export function writeWrkPipelineScript(dir: string, depth: number): string {
  const path = join(dir, `pipeline-${depth}.lua`);
  writeFileSync(
    path,
    `-- Generated by bench/run.ts: sends ${depth} requests back to back on each connection.
local batch
init = function(args)
  batch = string.rep(wrk.format(), ${depth})
end
request = function()
  return batch
end
`,
  );
  return path;
}

/** Argv for one client run, or null when the tool cannot do the scenario (ab has no pipelining). */
export function commandFor(tool: ToolName, scenario: Scenario, url: string, paths: ToolPaths): string[] | null {
  const c = String(scenario.connections);
  // HTTP/2 rows compare gb with h2load only; h2load speaks nothing else.
  if (scenario.http2 !== (tool === 'h2load') && tool !== 'gb') return null;
  switch (tool) {
    case 'h2load':
      if (paths.h2load === null) return null;
      return [paths.h2load, '-c', c, '-m', String(scenario.pipeline), '-n', String(scenario.requests), url];
    case 'gb':
      if (scenario.http2)
        return [paths.gbMain, '-q', '--http2', '--streams', String(scenario.pipeline), '-c', c, '-n', String(scenario.requests), url];
      return [
        // The installed command itself, so its #! line (and the node flags on it) apply as for users.
        paths.gbMain,
        '-q',
        ...(scenario.keepAlive ? ['-k'] : []),
        ...(scenario.pipeline > 1 ? ['--pipeline', String(scenario.pipeline)] : []),
        '-c',
        c,
        '-n',
        String(scenario.requests),
        url,
      ];
    case 'ab':
      if (paths.ab === null || scenario.pipeline > 1) return null;
      return [paths.ab, '-q', ...(scenario.keepAlive ? ['-k'] : []), '-c', c, '-n', String(scenario.requests), url];
    case 'wrk':
      if (paths.wrk === null) return null;
      return [
        paths.wrk,
        '-t',
        '1',
        '-c',
        c,
        '-d',
        `${scenario.wrkSeconds}s`,
        // wrk always keeps connections; asking the server to close is the nearest it gets to one per request.
        ...(scenario.keepAlive ? [] : ['-H', 'Connection: close']),
        ...(scenario.pipeline > 1 ? ['-s', paths.wrkPipelineScript(scenario.pipeline)] : []),
        url,
      ];
    case 'artillery':
    case 'ws':
    case 'grpc-js':
      // They run only their own rows (bench/journeys.ts, bench/ws-grpc.ts).
      return null;
    case 'autocannon':
      // autocannon refuses the self-signed certificate, and has no switch to accept it.
      if (paths.autocannonMain === null || scenario.tls) return null;
      return [
        paths.node,
        paths.autocannonMain,
        '-j',
        '-c',
        c,
        '-a',
        String(scenario.autocannonRequests),
        ...(scenario.pipeline > 1 ? ['-p', String(scenario.pipeline)] : []),
        ...(scenario.keepAlive ? [] : ['-H', 'Connection: close']),
        url,
      ];
  }
}

function matchNumber(text: string, pattern: RegExp): number | null {
  const match = pattern.exec(text);
  if (match?.[1] === undefined) return null;
  const value = Number(match[1].replace(/,/g, ''));
  return Number.isFinite(value) ? value : null;
}

/** ab and gb print the same report. */
export function parseAbReport(stdout: string): ToolReport {
  const complete = matchNumber(stdout, /^Complete requests:\s+(\d+)/m);
  const failed = matchNumber(stdout, /^Failed requests:\s+(\d+)/m);
  const non2xx = matchNumber(stdout, /^Non-2xx responses:\s+(\d+)/m) ?? 0;
  return {
    requests: complete,
    requestsPerSec: matchNumber(stdout, /^Requests per second:\s+([\d.]+)/m),
    errors: failed === null ? null : failed + non2xx,
  };
}

export function parseWrkReport(stdout: string): ToolReport {
  const requests = matchNumber(stdout, /^\s*(\d+) requests in /m);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const socketErrors = socket === null ? 0 : socket.slice(1).reduce((sum, part) => sum + Number(part), 0);
  const non2xx = matchNumber(stdout, /Non-2xx or 3xx responses:\s+(\d+)/) ?? 0;
  return {
    requests,
    requestsPerSec: matchNumber(stdout, /^Requests\/sec:\s+([\d.]+)/m),
    errors: requests === null ? null : socketErrors + non2xx,
  };
}

function numberField(value: unknown, ...keys: readonly string[]): number | null {
  let current: unknown = value;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null) return null;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'number' && Number.isFinite(current) ? current : null;
}

/** autocannon -j prints one JSON object; requests/s is total over its measured duration in seconds. */
export function parseAutocannonReport(stdout: string): ToolReport {
  const line = stdout
    .split('\n')
    .reverse()
    .find((candidate) => candidate.trimStart().startsWith('{'));
  if (line === undefined) return { requests: null, requestsPerSec: null, errors: null };
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { requests: null, requestsPerSec: null, errors: null };
  }
  const total = numberField(json, 'requests', 'total');
  const durationSec = numberField(json, 'duration');
  const errors = numberField(json, 'errors');
  return {
    requests: total,
    requestsPerSec: total !== null && durationSec !== null && durationSec > 0 ? total / durationSec : null,
    errors: errors === null ? null : errors + (numberField(json, 'timeouts') ?? 0) + (numberField(json, 'non2xx') ?? 0),
  };
}

/** h2load: "finished in 1.2s, 80000.00 req/s, ..." and "requests: N total, N started, N done, N succeeded, N failed, N errored, N timeout". */
export function parseH2loadReport(stdout: string): ToolReport {
  const done = matchNumber(stdout, /^requests: .*?(\d+) done/m);
  const failed = matchNumber(stdout, /^requests: .*?(\d+) failed/m);
  const non2xx =
    (matchNumber(stdout, /^status codes: .*?(\d+) 3xx/m) ?? 0) +
    (matchNumber(stdout, /^status codes: .*?(\d+) 4xx/m) ?? 0) +
    (matchNumber(stdout, /^status codes: .*?(\d+) 5xx/m) ?? 0);
  return {
    requests: done,
    requestsPerSec: matchNumber(stdout, /^finished in [^,]+, ([\d.]+) req\/s/m),
    errors: failed === null ? null : failed + non2xx,
  };
}

/**
 * Artillery's closing "Summary report": `http.requests: ...... 6000`, `http.request_rate: ... 1366/sec`,
 * `http.codes.200: ... 6000`, `errors.ECONNREFUSED: ... 3`. Errors are the non-2xx responses and
 * the errors.* counts (a failed capture is one: `errors.Failed capture or match`).
 */
export function parseArtilleryReport(stdout: string): ToolReport {
  const start = stdout.lastIndexOf('Summary report');
  if (start < 0) return { requests: null, requestsPerSec: null, errors: null };
  const summary = stdout.slice(start);
  const count = (name: RegExp): number => {
    let sum = 0;
    for (const match of summary.matchAll(new RegExp(`^${name.source}:[ .]+(\\d+)\\s*$`, 'gm'))) sum += Number(match[1]);
    return sum;
  };
  return {
    requests: matchNumber(summary, /^http\.requests:[ .]+(\d+)\s*$/m),
    requestsPerSec: matchNumber(summary, /^http\.request_rate:[ .]+(\d+)\/sec/m),
    errors: count(/http\.codes\.[013-9]\d\d/) + count(/errors\.[^:\n]+/),
  };
}

export function parseReport(tool: ToolName, stdout: string): ToolReport {
  switch (tool) {
    case 'artillery':
      return parseArtilleryReport(stdout);
    case 'h2load':
      return parseH2loadReport(stdout);
    case 'gb':
    case 'ab':
    case 'ws':
    case 'grpc-js':
      return parseAbReport(stdout);
    case 'wrk':
      return parseWrkReport(stdout);
    case 'autocannon':
      return parseAutocannonReport(stdout);
  }
}
