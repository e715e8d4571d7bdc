// Delivers encoded pushes over HTTP in time order without ever holding up the run: a bounded queue, one request at a time, retries with back-off.

import type * as Http from 'node:http';

/** One push: an encoded body for the samples of one period. */
export interface PushItem {
  readonly body: Buffer;
  /** The samples' timestamp, for messages. */
  readonly timestampMs: number;
  /** A plainer body to send instead when the receiver refuses this one in a way `fallbackWhen` names. */
  readonly fallback?: Buffer;
}

export interface PusherOptions {
  readonly url: URL;
  /** Content-Type and the rest; Content-Length is added. */
  readonly headers: Readonly<Record<string, string>>;
  /** Per request, from the first byte sent to the end of the answer. Default 5 s. */
  readonly timeoutMs?: number;
  /** Pushes waiting (the one being sent included), at least 2; a new push beyond it drops the oldest that is not in flight. Default 16. */
  readonly queueLimit?: number;
  /** The first retry's delay, doubled each time up to maxBackoffMs. Defaults 250 ms and 5 s. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Whether an answer other than 2xx (its status, and the first line of its body) is worth sending again; network errors and timeouts always are. */
  readonly retryable: (status: number, text: string) => boolean;
  /** Whether a refusal is one that an item's fallback body answers (a feature the receiver lacks). */
  readonly fallbackWhen?: (status: number, text: string) => boolean;
}

export interface DeliveryStats {
  /** Pushes handed over. Each ends delivered, undelivered or still pending. */
  readonly pushed: number;
  readonly delivered: number;
  /** Never accepted: dropped from a full queue, refused without retry, or still unsent when close() gave up. */
  readonly undelivered: number;
  /** Of undelivered, those the receiver refused for good (400 for out-of-order or too-old samples, say). */
  readonly rejected: number;
  /** Of undelivered, those dropped for newer ones while the receiver was slow or down. */
  readonly dropped: number;
  readonly pending: number;
  /** Requests sent again after a 5xx, 429, network error or timeout. */
  readonly retries: number;
  /** The last failure, for the warning: "HTTP 500: ...", "ECONNREFUSED", "no answer within 5000 ms". */
  readonly lastError: string | null;
}

function plain(item: PushItem): PushItem {
  return { body: item.fallback ?? item.body, timestampMs: item.timestampMs };
}

type Outcome = { readonly status: number; readonly text: string } | { readonly error: string };

const ERROR_TEXT_BYTES = 300;

/**
 * The queue and its sender. Pushes go out one at a time, oldest first, so a series' samples reach
 * the receiver in time order; one is dropped from the queue only after a 2xx (never sent again)
 * or a refusal that no retry can change. push() only appends and returns.
 */
export class Pusher {
  readonly #options: PusherOptions;
  readonly #timeoutMs: number;
  readonly #queueLimit: number;
  readonly #queue: PushItem[] = [];
  #inFlight: PushItem | null = null;
  #request: Http.ClientRequest | null = null;
  #agent: Http.Agent | null = null;
  #pumping = false;
  #wake: (() => void) | null = null;
  readonly #drained: (() => void)[] = [];
  #closing = false;
  #pushed = 0;
  #delivered = 0;
  #rejected = 0;
  #dropped = 0;
  #abandoned = 0;
  #retries = 0;
  #lastError: string | null = null;
  /**
   * Null until an item with a fallback is settled; then whether the receiver needed the fallback.
   * Once true, the fallbacks of pushes queued before then go instead of their full bodies.
   */
  #fallbackChosen: boolean | null = null;

  constructor(options: PusherOptions) {
    this.#options = options;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    // Room for the one in flight and the newest, so a full queue can always drop one.
    this.#queueLimit = Math.max(2, options.queueLimit ?? 16);
  }

  push(item: PushItem): void {
    if (this.#closing) {
      this.#pushed++;
      this.#abandoned++;
      return;
    }
    this.#pushed++;
    if (this.#queue.length >= this.#queueLimit) {
      // The oldest waiting push goes: a later one carries the same counters, only newer.
      this.#queue.splice(this.#queue[0] === this.#inFlight ? 1 : 0, 1);
      this.#dropped++;
    }
    this.#queue.push(item);
    if (!this.#pumping) void this.#pump();
  }

  /** Whether the receiver needed the fallback bodies; null until one item that had a fallback was settled. */
  get fallbackChosen(): boolean | null {
    return this.#fallbackChosen;
  }

  stats(): DeliveryStats {
    return {
      pushed: this.#pushed,
      delivered: this.#delivered,
      undelivered: this.#rejected + this.#dropped + this.#abandoned,
      rejected: this.#rejected,
      dropped: this.#dropped,
      pending: this.#queue.length,
      retries: this.#retries,
      lastError: this.#lastError,
    };
  }

  /**
   * Sends what is queued (retrying as before) until the queue is empty or `deadlineMs` has passed,
   * then gives up on the rest (counted undelivered) and lets the connection go.
   */
  async close(deadlineMs = 10_000): Promise<DeliveryStats> {
    this.#closing = true;
    const drained = new Promise<void>((resolve) => {
      if (this.#queue.length === 0) resolve();
      else this.#drained.push(resolve);
    });
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)));
    await Promise.race([drained, expired]);
    clearTimeout(timer);
    if (this.#queue.length > 0) {
      this.#abandoned += this.#queue.length;
      this.#queue.length = 0;
      this.#request?.destroy(new Error('gb stopped waiting'));
      this.#wake?.();
    }
    this.#agent?.destroy();
    return this.stats();
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    let backoffMs = this.#options.initialBackoffMs ?? 250;
    const maxBackoffMs = this.#options.maxBackoffMs ?? 5000;
    while (this.#queue.length > 0) {
      if (this.#fallbackChosen === true && this.#queue[0]!.fallback !== undefined) this.#queue[0] = plain(this.#queue[0]!);
      const item = this.#queue[0]!; // length > 0
      this.#inFlight = item;
      const outcome = await this.#send(item);
      this.#inFlight = null;
      if (this.#queue[0] !== item) continue; // close() gave up on it meanwhile
      if ('status' in outcome && outcome.status >= 200 && outcome.status < 300) {
        this.#queue.shift();
        this.#delivered++;
        if (item.fallback !== undefined) this.#fallbackChosen ??= false;
        backoffMs = this.#options.initialBackoffMs ?? 250;
        continue;
      }
      if (item.fallback !== undefined && 'status' in outcome && this.#options.fallbackWhen?.(outcome.status, outcome.text) === true) {
        // Sent again at once without what the receiver lacks; not a failure, and no back-off.
        this.#queue[0] = plain(item);
        this.#fallbackChosen = true;
        continue;
      }
      const message = 'status' in outcome ? `HTTP ${outcome.status}${outcome.text === '' ? '' : `: ${outcome.text}`}` : outcome.error;
      this.#lastError = message;
      if ('status' in outcome && !this.#options.retryable(outcome.status, outcome.text)) {
        this.#queue.shift();
        this.#rejected++;
        continue;
      }
      this.#retries++;
      // Jitter, so that the shards of one run do not retry in step against one receiver.
      await this.#sleep(backoffMs * (0.8 + 0.4 * Math.random()));
      backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
    }
    this.#pumping = false;
    for (const resolve of this.#drained.splice(0)) resolve();
  }

  /** Waits `ms`, or less when close() gives up; the timer does not keep the process alive. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = null;
        resolve();
      }, ms);
      timer.unref();
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
    });
  }

  #send(item: PushItem): Promise<Outcome> {
    const { url, headers } = this.#options;
    const https = url.protocol === 'https:';
    // Loaded when first used: a run without --out never pays for node:http.
    const module: Pick<typeof Http, 'request' | 'Agent'> = process.getBuiltinModule(https ? 'node:https' : 'node:http');
    this.#agent ??= new module.Agent({ keepAlive: true, maxSockets: 1 });
    return new Promise((resolve) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined = undefined;
      const finish = (outcome: Outcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#request = null;
        resolve(outcome);
      };
      let request: Http.ClientRequest;
      try {
        request = module.request(url, {
          method: 'POST',
          agent: this.#agent!,
          headers: { ...headers, 'Content-Length': String(item.body.length) },
        });
      } catch (err) {
        // Node checks some things (header values, say) synchronously: still an outcome, never a throw into the pump.
        finish({ error: err instanceof Error ? err.message : String(err) });
        return;
      }
      this.#request = request;
      timer = setTimeout(() => {
        finish({ error: `no answer within ${this.#timeoutMs} ms` });
        request.destroy();
      }, this.#timeoutMs);
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on('data', (chunk: Buffer) => {
          if (kept < ERROR_TEXT_BYTES) chunks.push(chunk);
          kept += chunk.length;
        });
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8', 0, Math.min(kept, ERROR_TEXT_BYTES)).trim().split('\n')[0] ?? '';
          finish({ status: response.statusCode ?? 0, text });
        });
        response.on('error', (err) => finish({ error: err.message }));
      });
      request.on('error', (err: NodeJS.ErrnoException) => finish({ error: err.code ?? err.message }));
      request.end(item.body);
    });
  }
}
