// WebSocket through real intermediaries: nginx as a WebSocket reverse proxy (proxy_pass with Upgrade and Connection),
// and tinyproxy as the -X forward proxy (a CONNECT tunnel, for ws:// as for wss://), each message counted at the far end.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Summary } from '../../src/metrics/summary.js';
import { runGb } from '../helpers/gb-process.js';
import { startNginx, type TestNginx } from '../helpers/nginx.js';
import { startTinyproxy, type TestTinyproxy } from '../helpers/tinyproxy.js';
import { requireTool } from '../helpers/tools.js';
import { startWsServer, type TestWsServer } from '../helpers/ws-server.js';

const T = { timeout: 60_000 };

describe('gb ws:// through nginx as a WebSocket proxy', { skip: requireTool('nginx') }, () => {
  let origin: TestWsServer;
  let nginx: TestNginx;
  before(async () => {
    origin = await startWsServer();
    nginx = await startNginx(
      `location /ws {
        proxy_pass http://127.0.0.1:${origin.port};
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
        proxy_read_timeout 60s;
      }
      location / { return 404; }`,
    );
  });
  after(async () => {
    await nginx?.stop();
    await origin?.close();
  });

  it('-c 20 -n 20000: every round trip completes, and the origin behind nginx saw each message once', T, async () => {
    const run = await runGb(['-q', '-c', '20', '-n', '20000', '--json', '-', `ws://127.0.0.1:${nginx.port}/ws`], { killAfterMs: 45_000 });
    assert.equal(run.code, 0, run.stderr);
    const s = JSON.parse(run.stdout) as Summary;
    assert.equal(s.completed, 20_000);
    assert.equal(s.failed, 0);
    assert.equal(origin.messages(), 20_000);
    assert.equal(origin.connections(), 20);
    assert.deepEqual(s.websocket?.connections, { opened: 20, failed: 0 });
    assert.match(s.serverSoftware, /^nginx/, "the 101's Server header names the server");
  });

  it("a path nginx does not upgrade: its 404 is the handshake's failure, WS_HANDSHAKE_STATUS", T, async () => {
    const run = await runGb(['-q', '-r', '-c', '2', '-n', '4', '--json', '-', `ws://127.0.0.1:${nginx.port}/plain`]);
    const s = JSON.parse(run.stdout) as Summary;
    assert.deepEqual(s.errorCodes, { WS_HANDSHAKE_STATUS: 4 });
    assert.equal(s.failures.connect, 4);
    assert.match(Object.keys(s.errors)[0] ?? '', /answered 404 Not Found/);
  });
});

describe('gb -X: ws:// through tinyproxy, by a CONNECT tunnel', { skip: requireTool('tinyproxy') }, () => {
  let origin: TestWsServer;
  let proxy: TestTinyproxy;
  before(async () => {
    origin = await startWsServer();
    proxy = await startTinyproxy();
  });
  after(async () => {
    await proxy?.stop();
    await origin?.close();
  });

  it('-c 4 -n 2000: every message reaches the origin, and the proxy logged the tunnels', T, async () => {
    const run = await runGb(['-q', '-X', `127.0.0.1:${proxy.port}`, '-c', '4', '-n', '2000', '--json', '-', `${origin.url}/`], {
      killAfterMs: 45_000,
    });
    assert.equal(run.code, 0, run.stderr);
    const s = JSON.parse(run.stdout) as Summary;
    assert.equal(s.completed, 2000);
    assert.equal(s.failed, 0);
    assert.equal(origin.messages(), 2000);
    assert.equal(origin.connections(), 4);
    assert.match(proxy.log(), /CONNECT/);
  });
});
