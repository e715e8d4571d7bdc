// Renders a run's Summary (plus banner and progress lines) in ApacheBench 2.4's text layout, field for field.

import { AB_PERCENTS } from '../metrics/summary.js';
import type { PhaseStats, Summary } from '../metrics/summary.js';
import { formatFixed, formatFixedWidth, formatInt, padLabel, roundUsToMs, usToMs } from './format.js';

export interface AbTextOptions {
  /** ab -d: leave out the percentile table. */
  readonly noPercentiles?: boolean;
  /** ab -S: min/avg/max only, no sd, median or sanity warnings. */
  readonly noSd?: boolean;
}

/** ab sizes its sample array at 50 000 for a time-only run, so its heartbeat step is a tenth of that. */
const TIME_ONLY_HEARTBEAT_STEP = 5000;

/** The banner: gb's own three lines in ab's shape, then a blank line. */
export function renderBanner(version: string): string {
  return (
    `This is gb, Version ${version}, an ApacheBench-compatible HTTP benchmark\n` +
    'Copyright 2026 the gb authors; report layout after ApacheBench, Version 2.3\n' +
    'Licensed under the MIT license\n' +
    '\n'
  );
}

/**
 * ab ends this line with a newline only when heartbeat lines will follow on stderr; otherwise it
 * leaves "..." hanging and the caller later completes it with "..done\n" on stdout.
 */
export function renderBenchmarking(host: string, withHeartbeat: boolean): string {
  return `Benchmarking ${host} (be patient)${withHeartbeat ? '\n' : '...'}`;
}

/** ab's heartbeat step: max(n/10, 100) when n > 150, else 0 (no heartbeat); quiet mode is the caller's call. */
export function heartbeatStep(requests: number | null): number {
  if (requests === null) return TIME_ONLY_HEARTBEAT_STEP;
  if (requests <= 150) return 0;
  return Math.max(Math.trunc(requests / 10), 100);
}

export function renderHeartbeat(done: number): string {
  return `Completed ${done} requests\n`;
}

export function renderFinished(done: number): string {
  return `Finished ${done} requests\n`;
}

/** The report proper, starting with ab's two newlines, through the percentile table. */
export function renderAbReport(summary: Summary, options: AbTextOptions = {}): string {
  const lines: string[] = [...headerLines(summary), ...countLines(summary), ...rateLines(summary)];
  const { connect, processing, waiting, total } = summary;
  if (connect !== null && processing !== null && waiting !== null && total !== null) {
    const rows: PhaseRow[] = [
      { label: 'Connect:    ', what: 'the initial connection time', stats: connect },
      { label: 'Processing: ', what: 'the processing time', stats: processing },
      { label: 'Waiting:    ', what: 'the waiting time', stats: waiting },
      { label: 'Total:      ', what: 'the total time', stats: total },
    ];
    lines.push('', 'Connection Times (ms)');
    lines.push(...(options.noSd === true ? shortTable(rows) : fullTable(rows)));
    if (options.noPercentiles !== true && summary.completed > 1) {
      lines.push('', ...percentileLines(total));
    }
  }
  return '\n\n' + lines.map((line) => line + '\n').join('');
}

function field(label: string, value: string | number): string {
  return padLabel(label) + String(value);
}

function headerLines(summary: Summary): string[] {
  const lines = [
    field('Server Software:', summary.serverSoftware),
    field('Server Hostname:', summary.target.host),
    field('Server Port:', summary.target.port),
  ];
  if (summary.tlsProtocol !== null) lines.push(field('SSL/TLS Protocol:', summary.tlsProtocol));
  if (summary.tlsTempKey !== null) lines.push(field('Server Temp Key:', summary.tlsTempKey));
  if (summary.tlsServerName !== null) lines.push(field('TLS Server Name:', summary.tlsServerName));
  // ab prints its zero-initialised doclen when no response ever arrived.
  const documentLength = summary.settings.variableLength ? 'Variable' : `${summary.documentLength ?? 0} bytes`;
  lines.push('', field('Document Path:', summary.target.path), field('Document Length:', documentLength), '');
  return lines;
}

function countLines(summary: Summary): string[] {
  const { failures, bytes } = summary;
  const lines = [
    field('Concurrency Level:', summary.settings.concurrency),
    field('Time taken for tests:', `${formatFixed(summary.elapsedSeconds, 3)} seconds`),
    field('Complete requests:', summary.completed),
    field('Failed requests:', summary.failed),
  ];
  if (summary.failed > 0) {
    lines.push(
      `   (Connect: ${failures.connect}, Receive: ${failures.receive}, ` +
        `Length: ${failures.length}, Exceptions: ${failures.exceptions})`,
    );
  }
  if (summary.writeErrors > 0) lines.push(field('Write errors:', summary.writeErrors));
  if (summary.non2xx > 0) lines.push(field('Non-2xx responses:', summary.non2xx));
  if (summary.settings.keepAlive) lines.push(field('Keep-Alive requests:', summary.keepAliveRequests));
  lines.push(field('Total transferred:', `${bytes.received} bytes`));
  // ab really prints this count without a unit word.
  if (summary.settings.hasBody) lines.push(field('Total body sent:', bytes.sent));
  lines.push(field('HTML transferred:', `${bytes.body} bytes`));
  return lines;
}

/** The arithmetic follows ab's expression order so the doubles, and hence the digits, agree. */
function rateLines(summary: Summary): string[] {
  const elapsedSeconds = summary.elapsedSeconds;
  const done = summary.completed;
  if (!(elapsedSeconds > 0) || done <= 0) return [];
  const { received, sent } = summary.bytes;
  const concurrency = summary.settings.concurrency;
  const lines = [
    field('Requests per second:', `${formatFixed(done / elapsedSeconds, 2)} [#/sec] (mean)`),
    field('Time per request:', `${formatFixed((concurrency * elapsedSeconds * 1000) / done, 3)} [ms] (mean)`),
    field('Time per request:', `${formatFixed((elapsedSeconds * 1000) / done, 3)} [ms] (mean, across all concurrent requests)`),
    field('Transfer rate:', `${formatFixed(received / 1024 / elapsedSeconds, 2)} [Kbytes/sec] received`),
  ];
  if (summary.settings.hasBody) {
    lines.push(
      field('', `${formatFixed(sent / 1024 / elapsedSeconds, 2)} kb/s sent`),
      field('', `${formatFixed((received + sent) / 1024 / elapsedSeconds, 2)} kb/s total`),
    );
  }
  return lines;
}

interface PhaseRow {
  /** Already padded to ab's 12 columns. */
  readonly label: string;
  /** How ab names the phase in its sanity warnings. */
  readonly what: string;
  readonly stats: PhaseStats;
}

function fullTable(rows: readonly PhaseRow[]): string[] {
  const lines = ['              min  mean[+/-sd] median   max'];
  for (const { label, stats } of rows) {
    lines.push(
      label +
        [
          formatInt(roundUsToMs(stats.minUs), 5),
          formatInt(roundUsToMs(stats.meanUs), 4),
          formatFixedWidth(usToMs(stats.sdUs), 1, 5),
          formatInt(roundUsToMs(stats.medianUs), 6),
          formatInt(roundUsToMs(stats.maxUs), 7),
        ].join(' '),
    );
  }
  for (const row of rows) lines.push(...sanityWarning(row));
  return lines;
}

/**
 * ab -S: ab's format has no space between the avg and max columns, so from 10 s on ab prints the two
 * numbers as one ("1051210515"). gb keeps ab's widths while max fits in them and adds the missing
 * space when it does not, where ab's output cannot be read back.
 */
function shortTable(rows: readonly PhaseRow[]): string[] {
  const lines = ['              min   avg   max'];
  for (const { label, stats } of rows) {
    const max = formatInt(roundUsToMs(stats.maxUs), 5);
    lines.push(
      label +
        formatInt(roundUsToMs(stats.minUs), 5) +
        ' ' +
        formatInt(roundUsToMs(stats.meanUs), 5) +
        (max.startsWith(' ') ? max : ` ${max}`),
    );
  }
  return lines;
}

/** ab compares the already-rounded ms mean and median against the unrounded sd in ms. */
function sanityWarning({ what, stats }: PhaseRow): string[] {
  const distanceMs = Math.abs(roundUsToMs(stats.meanUs) - roundUsToMs(stats.medianUs));
  const sdMs = usToMs(stats.sdUs);
  if (distanceMs > 2 * sdMs) {
    return [
      `ERROR: The median and mean for ${what} are more than twice the standard`,
      '       deviation apart. These results are NOT reliable.',
    ];
  }
  if (distanceMs > sdMs) {
    return [
      `WARNING: The median and mean for ${what} are not within a normal deviation`,
      '        These results are probably not that reliable.',
    ];
  }
  return [];
}

function percentileLines(total: PhaseStats): string[] {
  const lines = ['Percentage of the requests served within a certain time (ms)'];
  AB_PERCENTS.forEach((percent, index) => {
    const valueUs = total.abPercentilesUs[index];
    if (valueUs === undefined) {
      throw new RangeError(`abPercentilesUs has no entry for ${percent}% (index ${index})`);
    }
    lines.push(`  ${percent}%  ${formatInt(roundUsToMs(valueUs), 5)}`);
  });
  lines.push(` 100%  ${formatInt(roundUsToMs(total.maxUs), 5)} (longest request)`);
  return lines;
}
