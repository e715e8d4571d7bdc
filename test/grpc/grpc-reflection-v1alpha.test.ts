// --reflect against a server that offers only v1alpha of server reflection (as older servers do): gb asks v1,
// is told UNIMPLEMENTED, and asks v1alpha. The server is @grpc/grpc-js behind a node:http2 front that
// refuses v1 and passes everything else on.

import assert from 'node:assert/strict';
import { connect, createServer, type ClientHttp2Session, type Http2Server, type IncomingHttpHeaders } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Summary } from '../../src/metrics/summary.js';
import { runGb } from '../helpers/gb-process.js';
import { startEchoServer, type EchoServer } from '../helpers/grpc-server.js';

describe('gb grpc --reflect falls back to v1alpha', () => {
  let echo: EchoServer;
  let front: Http2Server;
  let upstream: ClientHttp2Session;
  let url = '';
  const paths: string[] = [];
  before(async () => {
    echo = await startEchoServer({ reflection: true });
    upstream = connect(`http://127.0.0.1:${echo.port}`);
    front = createServer();
    front.on('stream', (stream, headers) => {
      const path = String(headers[':path']);
      paths.push(path);
      if (path.startsWith('/grpc.reflection.v1.')) {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12' }, { endStream: true });
        return;
      }
      const up = upstream.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' });
      let trailers: IncomingHttpHeaders = {};
      up.on('response', () => stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true }));
      up.on('trailers', (t: IncomingHttpHeaders) => (trailers = t));
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': String(trailers['grpc-status'] ?? '2') }));
      stream.pipe(up);
      up.pipe(stream);
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  });
  after(async () => {
    upstream.close();
    await new Promise((resolve) => front.close(resolve));
    await echo.close();
  });

  it('asks v1 once, then v1alpha, and runs the calls', { timeout: 20_000 }, async () => {
    const exit = await runGb([
      'grpc',
      url,
      '--reflect',
      '--call',
      'gbtest.Echo/Say',
      '--data',
      '{"text":"a"}',
      '-n',
      '10',
      '--json',
      '-',
      '-q',
    ]);
    assert.equal(exit.code, 0, exit.stderr);
    const s = JSON.parse(exit.stdout) as Summary;
    assert.deepEqual(s.grpc?.statuses, { OK: 10 });
    assert.equal(echo.calls.get('Say'), 10);
    const reflection = paths.filter((p) => p.includes('Reflection'));
    assert.equal(reflection[0], '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo');
    assert.ok(
      reflection.length >= 2 && reflection.slice(1).every((p) => p === '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo'),
      reflection.join(', '),
    );
  });
});
