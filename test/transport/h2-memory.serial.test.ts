// Memory under HTTP/2 reconnects. Against nginx (GOAWAY after keepalive_requests), gb's RSS rose with
// the request count up to a plateau: V8 grew its young generation to its maximum, fed by garbage per
// response (mostly a new string for each literal header name and for the Server value, in the HPACK
// decoder; docs/performance.md, HTTP/2 memory), and per flush (a new HEADERS buffer, a sliced queue, a Map entry per
// stream). These tests hold the decoder to no garbage per response, a whole h2c run to few scavenges,
// and gb to a heap, buffers and sockets that do not grow with the connections it has closed.

import assert from 'node:assert/strict';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, it } from 'node:test';
import { HpackDecoder } from '../../src/transport/hpack-decoder.js';
import { startNginx } from '../helpers/nginx.js';
import { runArgs } from '../helpers/summaries.js';
import { requireTool } from '../helpers/tools.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Minor GCs (scavenges) while `work` runs. */
async function scavengesDuring(work: () => Promise<void> | void): Promise<number> {
  let count = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      if ((entry as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) count++;
  });
  observer.observe({ entryTypes: ['gc'] });
  await work();
  await sleep(50); // entries are delivered asynchronously
  observer.disconnect();
  return count;
}

// nginx 1.22's response header block for a static file, as sent to gb: :status indexed; server, date,
// content-type, content-length, last-modified with incremental indexing; etag and accept-ranges as
// literals with new (Huffman-coded) names.
const NGINX_BLOCK = Buffer.from(
  '887689aa6355e580ae212e1f6196dd6d5f4a09f5349fba82009c502d5c002e05b53168df5f87497ca58ae819aa5c0231336c96dd6d5f4a09f5349fba82009c502cdc6c371b0a98b46f00832a47378afe5c8c041492bab49fcf008919085ad2b583aa62a3848fd24a8f',
  'hex',
);

describe('HTTP/2 memory', () => {
  it("decoding nginx's header block makes no garbage per response (once its Server was read)", async () => {
    const decoder = new HpackDecoder();
    decoder.wantServer = true;
    assert.ok(decoder.decode(NGINX_BLOCK, 0, NGINX_BLOCK.length));
    assert.equal(decoder.status, 200);
    assert.equal(decoder.server, 'nginx/1.22.1');
    decoder.wantServer = false;
    gc();
    const decodes = 200_000;
    const scavenges = await scavengesDuring(() => {
      for (let i = 0; i < decodes; i++) {
        if (!decoder.decode(NGINX_BLOCK, 0, NGINX_BLOCK.length) || decoder.status !== 200) throw new Error(`decode ${i}: ${decoder.error}`);
      }
    });
    // Before: about 700 bytes of strings per block, some 100 scavenges for these 200 000 blocks.
    assert.ok(scavenges <= 5, `${scavenges} scavenges for ${decodes} header blocks`);
  });

  it(
    'an h2c run against a stock nginx (GOAWAY every 1 000 requests) makes few scavenges per 100 000 requests',
    { skip: requireTool('nginx') },
    async () => {
      const nginx = await startNginx('location / { return 200 "hello"; }', 'access_log off;', { http2: true });
      try {
        const run = async (n: number): Promise<void> => {
          const s = await runArgs(['-q', '--http2', '-c', '10', '--streams', '10', '-n', String(n), `${nginx.url}/`]);
          assert.equal(s.failed, 0, JSON.stringify(s.errors));
          assert.equal(s.responses, n);
        };
        await run(20_000); // warms up the code and the caches
        gc();
        const requests = 200_000;
        const scavenges = await scavengesDuring(() => run(requests));
        const per100k = (scavenges * 100_000) / requests;
        // Before (a new HEADERS buffer and a sliced queue per flush, a Map entry per stream) this
        // process made 15.5–16 scavenges per 100 000 requests; after, 4.5–7.
        assert.ok(per100k <= 11, `${scavenges} scavenges for ${requests} requests (${per100k.toFixed(1)} per 100 000)`);
      } finally {
        await nginx.stop();
      }
    },
  );

  it(
    'a run over 7 500 connections (GOAWAY every 20 requests) ends with the heap it had after 500 connections',
    { skip: requireTool('nginx') },
    async () => {
      const nginx = await startNginx('location / { return 200 "hello"; }', 'keepalive_requests 20; access_log off;', { http2: true });
      try {
        const measure = async (n: number): Promise<{ heap: number; arrayBuffers: number; external: number; sockets: number }> => {
          const s = await runArgs(['-q', '--http2', '-c', '10', '--streams', '10', '-n', String(n), `${nginx.url}/`]);
          assert.equal(s.failed, 0, JSON.stringify(s.errors));
          assert.equal(s.responses, n);
          await sleep(100);
          gc();
          gc();
          const m = process.memoryUsage();
          const sockets = process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPWRAP').length;
          return { heap: m.heapUsed, arrayBuffers: m.arrayBuffers, external: m.external, sockets };
        };
        await measure(2_000); // warms up the code and the caches
        const early = await measure(10_000);
        const late = await measure(150_000);
        const mb = (bytes: number): string => (bytes / 1e6).toFixed(2);
        const detail = `early heap ${mb(early.heap)} MB, arrayBuffers ${mb(early.arrayBuffers)} MB; late ${mb(late.heap)} MB, ${mb(late.arrayBuffers)} MB`;
        // 7 500 connections kept alive by anything would be many megabytes; a few are noise.
        assert.ok(late.heap - early.heap < 3e6, detail);
        assert.ok(late.arrayBuffers - early.arrayBuffers < 2e6, detail);
        assert.ok(late.external - early.external < 2e6, detail);
        assert.ok(late.sockets <= early.sockets, `sockets left open: ${early.sockets} then ${late.sockets}`);
      } finally {
        await nginx.stop();
      }
    },
  );
});
