// Serves the live dashboard while a run runs: the page, its frames as server-sent events, and at the end the --html report.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DashboardFrame } from '../report/dashboard-page.js';
import { err, ok, type Result } from '../result.js';

/** An hour of frames at one a second: a viewer that joins late sees the last hour, and memory stays bounded. */
export const MAX_FRAMES = 3600;

export interface Dashboard {
  /** Where to point a browser, e.g. http://127.0.0.1:5665/. */
  readonly url: string;
  publish(frame: DashboardFrame): void;
  /** The run is over: `frame` carries the report's figures, `reportHtml` is the page --html writes. */
  finish(frame: DashboardFrame, reportHtml: string): void;
  close(): Promise<void>;
}

// The page runs only its own inline script and talks only to this server.
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
} as const;

/** A bounded ring of frames, oldest first. */
class FrameRing {
  readonly #frames: DashboardFrame[] = [];
  #start = 0;

  push(frame: DashboardFrame): void {
    if (this.#frames.length < MAX_FRAMES) this.#frames.push(frame);
    else {
      this.#frames[this.#start] = frame;
      this.#start = (this.#start + 1) % MAX_FRAMES;
    }
  }

  all(): DashboardFrame[] {
    return [...this.#frames.slice(this.#start), ...this.#frames.slice(0, this.#start)];
  }

  get last(): DashboardFrame | null {
    if (this.#frames.length === 0) return null;
    return this.#frames[(this.#start + this.#frames.length - 1) % this.#frames.length] ?? null;
  }
}

function event(name: string, data: unknown): string {
  // JSON has no raw newline, so one data: line carries it whole.
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Listens on host:port (port 0: any free one). Read-only: GET and HEAD of /, /events, /frame.json and,
 * once the run is over, /report.html; anything else is 404 or 405. A port in use is an error value.
 */
export async function startDashboard(host: string, port: number, page: string): Promise<Result<Dashboard, string>> {
  const frames = new FrameRing();
  const viewers = new Set<ServerResponse>();
  let report: string | null = null;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('read-only\n');
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, PAGE_HEADERS).end(req.method === 'HEAD' ? undefined : page);
    } else if (path === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(event('frames', frames.all()));
      if (report !== null) res.end(event('end', null));
      else {
        viewers.add(res);
        res.on('close', () => viewers.delete(res));
      }
    } else if (path === '/frame.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(frames.last));
    } else if (path === '/report.html' && report !== null) {
      res.writeHead(200, { ...PAGE_HEADERS, 'content-disposition': 'attachment; filename="gb-report.html"' }).end(report);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  };

  const server = createServer(handle);
  const listening = await new Promise<Result<AddressInfo, string>>((resolve) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      resolve(
        err(e.code === 'EADDRINUSE' ? `--dashboard ${where} is in use` : `--dashboard ${where}: cannot listen (${e.code ?? e.message})`),
      );
    });
    server.listen(port, host, () => resolve(ok(server.address() as AddressInfo)));
  });
  if (!listening.ok) return listening;
  const address = listening.value;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  const broadcast = (text: string, end: boolean): void => {
    for (const viewer of viewers) {
      if (end) viewer.end(text);
      else viewer.write(text);
    }
    if (end) viewers.clear();
  };

  return ok({
    url: `http://${shownHost}:${address.port}/`,
    publish(frame) {
      frames.push(frame);
      broadcast(event('frames', [frame]), false);
    },
    finish(frame, reportHtml) {
      frames.push(frame);
      report = reportHtml;
      broadcast(event('frames', [frame]) + event('end', null), true);
    },
    close() {
      broadcast('', true);
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  });
}
