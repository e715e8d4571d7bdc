// The live progress line on a terminal: a pure renderer of one line, and a small writer that redraws it in place.

import { formatFixed } from './format.js';

export interface LiveState {
  /** Requests ended so far (complete or failed). */
  readonly done: number;
  /** -n, or null when only a time limit bounds the run. */
  readonly total: number | null;
  readonly elapsedMs: number;
  /** -t, or null for none. */
  readonly durationMs: number | null;
  /** Current throughput (e.g. over the last second), not the run's mean. */
  readonly requestsPerSecond: number;
  /** The schedule's rate now (--rate, --stages), shown beside the achieved one; null or absent in the closed loop. */
  readonly targetPerSecond?: number | null;
  readonly errors: number;
  /** p99 of Total time so far, null before the first response. */
  readonly p99Us: number | null;
  /** Terminal columns. */
  readonly width: number;
}

/** Erase the whole line (CSI 2 K) after going back to column 0, so a shorter line leaves no tail behind. */
export const CLEAR_LINE = '\r\x1b[2K';

const MIN_BAR_CELLS = 10;
const MAX_BAR_CELLS = 30;

/** The finished share of the run: the larger of requests and time, since whichever limit comes first ends it. */
export function progressFraction(state: Pick<LiveState, 'done' | 'total' | 'elapsedMs' | 'durationMs'>): number | null {
  const parts: number[] = [];
  if (state.total !== null && state.total > 0) parts.push(state.done / state.total);
  if (state.durationMs !== null && state.durationMs > 0) parts.push(state.elapsedMs / state.durationMs);
  if (parts.length === 0) return null;
  return Math.min(1, Math.max(0, ...parts));
}

/** "[=========>          ]": cells filled in proportion, an arrow head while unfinished. */
export function renderBar(fraction: number, cells: number): string {
  const filled = Math.min(cells, Math.floor(fraction * cells));
  const head = filled < cells && fraction > 0 ? '>' : '';
  return `[${'='.repeat(filled)}${head}${' '.repeat(cells - filled - head.length)}]`;
}

function compactCount(n: number): string {
  return String(Math.round(n));
}

function latencyText(us: number): string {
  const msValue = us / 1000;
  if (msValue < 10) return `${formatFixed(msValue, 2)}ms`;
  if (msValue < 1000) return `${formatFixed(msValue, 1)}ms`;
  return `${formatFixed(msValue / 1000, 2)}s`;
}

function clockText(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return `${m}:${s < 10 ? '0' : ''}${s}`;
}

/**
 * One line, never longer than width − 1 columns: writing into the last column makes many terminals wrap,
 * and a wrapped line can no longer be erased with \r. Parts drop out from the least useful when space runs short.
 */
export function renderLiveLine(state: LiveState): string {
  const limit = Math.max(0, Math.floor(state.width) - 1);
  const fraction = progressFraction(state);
  const doneText = state.total === null ? `${compactCount(state.done)} done` : `${compactCount(state.done)}/${state.total}`;
  const timeText = state.durationMs === null ? clockText(state.elapsedMs) : `${clockText(state.elapsedMs)}/${clockText(state.durationMs)}`;
  // Ordered by priority: the first parts survive the narrowest terminals.
  const parts = [
    fraction === null ? null : `${Math.floor(fraction * 100)}%`,
    state.targetPerSecond === undefined || state.targetPerSecond === null
      ? `${compactCount(state.requestsPerSecond)} req/s`
      : `${compactCount(state.requestsPerSecond)}/${compactCount(state.targetPerSecond)} req/s`,
    doneText,
    `${state.errors} err`,
    `p99 ${state.p99Us === null ? '-' : latencyText(state.p99Us)}`,
    timeText,
  ].filter((p): p is string => p !== null);
  let kept = parts.length;
  let stats = parts.join('  ');
  while (kept > 1 && stats.length > limit) stats = parts.slice(0, --kept).join('  ');
  if (stats.length > limit) return stats.slice(0, limit);
  if (fraction === null) return stats;
  const barCells = Math.min(MAX_BAR_CELLS, limit - stats.length - 3); // brackets and one space
  if (barCells < MIN_BAR_CELLS) return stats;
  return `${renderBar(fraction, barCells)} ${stats}`;
}

export interface LiveViewOptions {
  /** Redraws closer together than this are skipped; the default gives about ten a second. */
  readonly minIntervalMs?: number;
  /** Injected clock for tests. */
  readonly now?: () => number;
}

/** The subset of a tty stream the view uses: a plain Writable (with `columns` when known) works in tests. */
export interface LiveStream {
  write(chunk: string): boolean;
  readonly columns?: number;
}

const DEFAULT_WIDTH = 80;

/**
 * Some terminals (serial consoles, a pty whose size was never set, some CI runners) report 0 columns;
 * taken at its word that width leaves no room at all and the line would be empty for the whole run.
 */
function usableWidth(columns: number | undefined): number {
  return columns !== undefined && Number.isFinite(columns) && columns >= 1 ? columns : DEFAULT_WIDTH;
}

export class LiveView {
  readonly #stream: LiveStream;
  readonly #minIntervalMs: number;
  readonly #now: () => number;
  #lastDrawMs = Number.NEGATIVE_INFINITY;
  #shown = '';

  /** Takes process.stderr (a NodeJS.WriteStream) in gb; only worth using on a terminal, see LiveView.supports. */
  constructor(stream: LiveStream, options: LiveViewOptions = {}) {
    this.#stream = stream;
    this.#minIntervalMs = options.minIntervalMs ?? 100;
    this.#now = options.now ?? (() => performance.now());
  }

  /** True for an interactive terminal; redirected output and TERM=dumb get ab's plain heartbeat lines instead. */
  static supports(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
    return stream.isTTY === true && env['TERM'] !== 'dumb';
  }

  /** Redraws the line unless the last redraw was under minIntervalMs ago; width defaults to the stream's columns (80 when it reports none). */
  update(state: Omit<LiveState, 'width'> & { readonly width?: number }, force = false): void {
    const now = this.#now();
    if (!force && now - this.#lastDrawMs < this.#minIntervalMs) return;
    this.#lastDrawMs = now;
    const width = usableWidth(state.width ?? this.#stream.columns);
    const line = renderLiveLine({ ...state, width });
    if (line === this.#shown) return;
    this.#shown = line;
    this.#stream.write(CLEAR_LINE + line);
  }

  /** Prints whole lines (e.g. ab's "Completed N requests") above the live line, which is then redrawn. */
  writeAbove(text: string): void {
    if (this.#shown === '') {
      this.#stream.write(text);
      return;
    }
    this.#stream.write(CLEAR_LINE + text + this.#shown);
  }

  /** Erases the line, leaving the cursor at column 0 for the report; safe to call more than once. */
  clear(): void {
    if (this.#shown === '') return;
    this.#shown = '';
    this.#stream.write(CLEAR_LINE);
  }
}
