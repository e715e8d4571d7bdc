// Where each response's time went, on real servers: which phases a run has, how often the connection's
// count, that they add up to Total, and that a server's delays land in the phase they belong to.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveEndpoint } from '../../src/engine/endpoint.js';
import { EngineGroup } from '../../src/engine/engine-group.js';
import { C, type Recorder } from '../../src/metrics/recorder.js';
import type { PhaseStats, Summary } from '../../src/metrics/summary.js';
import { startTargetServer, type TargetServer } from '../../src/server/target.js';
import { makeCertificate } from '../helpers/certificate.js';
import { optionsOf, runArgs } from '../helpers/summaries.js';
import { requireTool } from '../helpers/tools.js';
import { withTarget } from '../helpers/target.js';
import { listenLoopback } from '../helpers/loopback.js';

const T = { timeout: 30_000 };
const certificate = makeCertificate();
const noTls = requireTool('openssl', typeof certificate === 'string' ? certificate : null);

function phase(s: Summary, key: keyof NonNullable<Summary['phases']>): PhaseStats {
  const p = s.phases?.[key] ?? null;
  if (p === null) assert.fail(`no ${key} phase`);
  return p;
}

/**
 * Means add where percentiles do not: the phases' summed samples over the responses make their mean
 * Total. The Summary's means are truncated to a µs, so a phase's sum may fall short by up to a µs a
 * sample; the exact sums are checked on the recorder (assertExactSums).
 */
function assertPhasesAddUp(s: Summary): void {
  assert.ok(s.phases !== null && s.total !== null);
  assert.equal(s.completed, s.responses, 'no failed reads: total covers exactly the responses');
  let sumUs = 0;
  let samples = 0;
  for (const key of ['tcp', 'tls', 'blocked', 'sending', 'waiting', 'receiving'] as const) {
    const p = s.phases[key];
    if (p !== null) {
      sumUs += p.meanUs * p.count;
      samples += p.count;
    }
  }
  const totalUs = s.total.meanUs * s.total.count;
  assert.ok(
    sumUs - totalUs <= 2 * s.responses + s.total.count && totalUs - sumUs <= samples,
    `phases add up to ${sumUs} µs, Total to ${totalUs} µs`,
  );
}

/** Runs a command line in this thread and hands back its recorder, whose histograms keep exact sums. */
async function recorderOf(args: readonly string[]): Promise<Recorder> {
  const config = optionsOf(args).config;
  const resolved = await resolveEndpoint(config);
  if (!resolved.ok) assert.fail(resolved.error);
  const group = await EngineGroup.create(config, resolved.value.endpoint, '0.0.0', {});
  return (await group.run()).recorder;
}

/**
 * Response by response, blocked + tcp + tls + sending + waiting + receiving is Total: blocked is what
 * is left of Total after the rest, each part rounded to a µs on its own, so only a blocked time of
 * nothing that came out at -1 or -2 µs (recorded as 0) can put the sum above Total.
 */
function assertExactSums(r: Recorder): void {
  const p = r.phases;
  const responses = r.counters[C.complete]!;
  assert.ok(responses > 0);
  assert.equal(r.total.count, responses, 'no failed reads');
  const sum = p.tcp.sum + p.tls.sum + p.blocked.sum + p.sending.sum + p.waiting.sum + p.receiving.sum;
  const over = sum - r.total.sum;
  assert.ok(over >= 0 && over <= 2 * responses, `the phases add up to ${sum} µs, Total to ${r.total.sum} µs`);
  assert.ok(p.tcp.sum > 0, 'the connects are in the sum');
}

describe('phases over HTTP/1.1 against the built-in target', () => {
  let server: TargetServer;
  before(async () => {
    server = await startTargetServer();
  });
  after(async () => {
    await server.close();
  });

  it('-k over http to an IP: TCP once per connection, no TLS and no DNS, the rest once per response, adding up to Total', T, async () => {
    server.resetStats();
    const s = await runArgs(['-q', '-k', '-c', '4', '-n', '800', `${server.url}/`]);
    assert.equal(s.responses, 800);
    assert.equal(server.stats().connections, 4);
    assert.equal(phase(s, 'tcp').count, 4, 'one TCP connect per connection');
    assert.equal(s.phases?.tls, null, 'no TLS over http');
    assert.equal(s.phases?.dns, null, 'no lookup for an IP literal');
    for (const key of ['blocked', 'sending', 'waiting', 'receiving'] as const) assert.equal(phase(s, key).count, 800, key);
    assert.ok(phase(s, 'tcp').minUs > 0);
    assert.ok(phase(s, 'waiting').p50Us > 0);
    // A kept-alive closed loop writes each request the moment the last response ends: nothing blocks it.
    assert.equal(phase(s, 'blocked').p50Us, 0);
    // ab's Waiting is sending + waiting, request by request, so the quantiles cannot be apart.
    assert.ok(phase(s, 'waiting').p50Us <= (s.waiting?.p50Us ?? 0));
    assertPhasesAddUp(s);
  });

  it('without -k every response opened its connection: TCP on each', T, async () => {
    const s = await runArgs(['-q', '-c', '2', '-n', '200', `${server.url}/`]);
    assert.equal(phase(s, 'tcp').count, 200);
    assert.equal(s.phases?.tls, null);
    assertPhasesAddUp(s);
  });

  it('a host name has a DNS phase, one lookup for the run (also with -G 2); an IP literal has none', T, async () => {
    const byName = await runArgs(['-q', '-k', '-c', '2', '-n', '100', `http://localhost:${server.port}/`]);
    assert.equal(byName.responses, 100);
    assert.equal(phase(byName, 'dns').count, 1);
    assert.ok(phase(byName, 'dns').maxUs > 0);
    const workers = await runArgs(['-q', '-k', '-G', '2', '-c', '2', '-n', '100', `http://localhost:${server.port}/`]);
    assert.equal(workers.responses, 100);
    assert.equal(phase(workers, 'dns').count, 1, 'the workers share the run’s one lookup');
    assert.equal(phase(workers, 'tcp').count, 2);
    const byIp = await runArgs(['-q', '-k', '-c', '2', '-n', '100', `http://127.0.0.1:${server.port}/`]);
    assert.equal(byIp.phases?.dns, null);
  });

  it('--rate: a request that waits for a busy connection is blocked, from its intended start', T, async () => {
    // One connection, a 30 ms answer and 200 requests a second: each request is due before the last is answered.
    const s = await runArgs(['-q', '-k', '-c', '1', '--rate', '200', '-n', '20', `${server.url}/delay/30`]);
    assert.equal(s.responses, 20);
    assert.ok(phase(s, 'blocked').maxUs >= 100_000, `blocked at most ${phase(s, 'blocked').maxUs} µs`);
    assert.ok(phase(s, 'waiting').minUs >= 29_000, `waiting at least ${phase(s, 'waiting').minUs} µs`);
    assertPhasesAddUp(s);
  });
});

describe('phases over https', { skip: noTls }, () => {
  let server: TargetServer;
  before(async () => {
    assert.ok(typeof certificate !== 'string');
    // node:http2's TLS server answers HTTP/1.1 too (ALPN).
    server = await startTargetServer({ http2: 'h2', tls: certificate });
  });
  after(async () => {
    await server?.close();
  });

  it("HTTP/1.1 over TLS: a TLS handshake once per connection, after TCP, both part of ab's Connect", T, async () => {
    const s = await runArgs(['-q', '-k', '-c', '3', '-n', '300', `${server.url}/`]);
    assert.equal(s.responses, 300);
    const tls = phase(s, 'tls');
    assert.equal(tls.count, 3);
    assert.ok(tls.minUs > 0, 'a TLS handshake takes time');
    assert.equal(phase(s, 'tcp').count, 3);
    // ab's Connect of those three responses is TCP and TLS together.
    assert.ok((s.connect?.maxUs ?? 0) >= tls.maxUs);
    assertPhasesAddUp(s);
  });

  it('h2 over TLS: TCP and TLS once per connection, on the stream that waited for it', T, async () => {
    server.resetStats();
    const s = await runArgs(['-q', '--http2', '-c', '2', '--streams', '5', '-n', '500', `${server.url}/`]);
    assert.equal(s.responses, 500);
    assert.equal(s.resent, 0, 'no GOAWAY: two connections in all');
    assert.equal(phase(s, 'tcp').count, 2);
    assert.equal(phase(s, 'tls').count, 2);
    assert.equal(phase(s, 'receiving').count, 500);
    assertPhasesAddUp(s);
  });
});

describe('the phases add up to Total, response by response (exact sums)', () => {
  it('http with -k, without -k, and h2c; https and h2 when openssl is there', T, async () => {
    const h1 = await startTargetServer();
    const h2c = await startTargetServer({ http2: 'h2c' });
    const tls = typeof certificate === 'string' ? null : await startTargetServer({ http2: 'h2', tls: certificate });
    try {
      assertExactSums(await recorderOf(['-k', '-c', '3', '-n', '600', `${h1.url}/`]));
      assertExactSums(await recorderOf(['-c', '2', '-n', '200', `${h1.url}/bytes/100`]));
      assertExactSums(await recorderOf(['--http2', '-c', '2', '--streams', '4', '-n', '400', `${h2c.url}/`]));
      if (tls !== null) {
        const overTls = await recorderOf(['-c', '2', '-n', '60', `${tls.url}/`]);
        assertExactSums(overTls);
        assert.equal(overTls.phases.tls.count, 60);
        assert.ok(overTls.phases.tls.sum > 0);
        assertExactSums(await recorderOf(['--http2', '-c', '2', '--streams', '4', '-n', '400', `${tls.url}/`]));
      }
    } finally {
      await h1.close();
      await h2c.close();
      await tls?.close();
    }
  });
});

describe('phases over h2c', () => {
  it('TCP once per connection, no TLS, and the phases add up to Total per stream', T, async () => {
    await withTarget(
      async (server) => {
        const s = await runArgs(['-q', '--http2', '-c', '3', '--streams', '4', '-n', '600', `${server.url}/`]);
        assert.equal(s.responses, 600);
        assert.equal(server.stats().connections, 3);
        assert.equal(phase(s, 'tcp').count, 3);
        assert.equal(s.phases?.tls, null);
        assertPhasesAddUp(s);
      },
      { http2: 'h2c' },
    );
  });
});

/** A server that reads each request head (and its Content-Length body) and hands its socket to `answer`. */
async function rawServer(
  answer: (socket: Socket) => void,
  onConnection?: (socket: Socket) => void,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = await listenLoopback((socket) => {
    onConnection?.(socket);
    let pending = Buffer.alloc(0);
    let bodyLeft = -1;
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        if (bodyLeft < 0) {
          const end = pending.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = pending.subarray(0, end).toString('latin1');
          bodyLeft = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
          pending = pending.subarray(end + 4);
        }
        const taken = Math.min(bodyLeft, pending.length);
        bodyLeft -= taken;
        pending = pending.subarray(taken);
        if (bodyLeft > 0) return;
        bodyLeft = -1;
        answer(socket);
      }
    });
  });
  return { url: `${server.url}/`, close: () => server.close() };
}

describe("a server's delays land in their phase", () => {
  const D = 80;
  /**
   * libuv fires a timer by its loop time, cached in whole ms at the loop's turn, so a server's wait
   * of D ms can end a fraction of a ms early by the clock gb reads: the servers wait a little longer.
   */
  const SLACK_MS = 3;

  const slowPhases: readonly {
    readonly what: string;
    readonly slow: 'waiting' | 'receiving';
    readonly fast: 'waiting' | 'receiving';
    readonly answer: (socket: Socket) => void;
  }[] = [
    {
      what: `a first byte ${D} ms after the request`,
      slow: 'waiting',
      fast: 'receiving',
      answer: (socket) => {
        setTimeout(() => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'), D + SLACK_MS);
      },
    },
    {
      what: `a body dribbled over ${D} ms`,
      slow: 'receiving',
      fast: 'waiting',
      answer: (socket) => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\na');
        for (let k = 1; k <= 3; k++) setTimeout(() => socket.write('b'), (k * (D + SLACK_MS)) / 3);
      },
    },
  ];
  for (const { what, slow, fast, answer } of slowPhases) {
    it(`${what}: ${slow} is at least ${D} ms, ${fast} is not`, T, async () => {
      const server = await rawServer(answer);
      try {
        const s = await runArgs(['-q', '-k', '-c', '2', '-n', '10', server.url]);
        assert.equal(s.responses, 10);
        assert.ok(phase(s, slow).minUs >= D * 1000, `${slow} at least ${phase(s, slow).minUs} µs`);
        assert.ok(phase(s, fast).maxUs < D * 1000, `${fast} at most ${phase(s, fast).maxUs} µs`);
        assertPhasesAddUp(s);
      } finally {
        await server.close();
      }
    });
  }

  it(`a large body the server starts reading after ${D * 4} ms: sending is at least that, waiting is short`, T, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gb-phases-'));
    const body = join(dir, 'body.bin');
    // Far more than the kernel's socket buffers hold, so the write waits for the server to read.
    writeFileSync(body, Buffer.alloc(16 * 1024 * 1024, 0x61));
    const server = await rawServer(
      (socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'),
      (socket) => {
        socket.pause();
        setTimeout(() => socket.resume(), D * 4 + SLACK_MS);
      },
    );
    try {
      const s = await runArgs(['-q', '-c', '1', '-n', '1', '-p', body, server.url]);
      assert.equal(s.responses, 1);
      assert.ok(phase(s, 'sending').minUs >= D * 4000, `sending ${phase(s, 'sending').minUs} µs`);
      assert.ok(phase(s, 'waiting').maxUs < D * 1000, `waiting ${phase(s, 'waiting').maxUs} µs`);
      assertPhasesAddUp(s);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
