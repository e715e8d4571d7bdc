// Servers that send an extra CRLF between kept-alive responses: the stray line ends are skipped, bounded, and cost no connection.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startRawServer, type RawReply } from '../helpers/raw-server.js';
import { runArgs } from '../helpers/summaries.js';

const RESPONSE = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

async function withRawServer<T>(
  reply: RawReply,
  body: (url: string, connections: () => number, requests: () => number) => Promise<T>,
): Promise<T> {
  const server = await startRawServer({ reply });
  try {
    return await body(server.url, server.connections, server.requests);
  } finally {
    await server.close();
  }
}

describe('stray CRLFs between kept-alive responses', () => {
  const cases: ReadonlyArray<{ what: string; reply: string; extra: readonly string[] }> = [
    { what: 'a CRLF after each response', reply: `${RESPONSE}\r\n`, extra: [] },
    { what: 'a CRLF before each response', reply: `\r\n${RESPONSE}`, extra: [] },
    { what: 'two bare LFs after each response', reply: `${RESPONSE}\n\n`, extra: [] },
    { what: 'a CRLF after each response, pipelined', reply: `${RESPONSE}\r\n`, extra: ['--pipeline', '4'] },
  ];
  for (const { what, reply, extra } of cases) {
    test(`${what}: every request completes, none fails, the connections are kept`, async () => {
      await withRawServer(
        () => reply,
        async (url, connections, requests) => {
          const summary = await runArgs(['-k', '-n', '200', '-c', '4', ...extra, `${url}/`]);
          assert.equal(summary.failed, 0, JSON.stringify(summary.errors));
          assert.equal(summary.responses, 200);
          assert.equal(summary.bytes.body, 400);
          assert.equal(summary.keepAliveRequests, 200);
          assert.equal(requests(), 200);
          assert.equal(connections(), 4);
        },
      );
    });
  }

  test('more stray bytes than the bound after a response: it is complete, but the out-of-step socket is not reused', async () => {
    await withRawServer(
      () => `${RESPONSE}${'\r\n'.repeat(5)}`,
      async (url, connections, requests) => {
        const summary = await runArgs(['-k', '-n', '20', '-c', '1', `${url}/`]);
        assert.equal(summary.failed, 0, JSON.stringify(summary.errors));
        assert.equal(summary.responses, 20);
        assert.equal(requests(), 20);
        assert.equal(connections(), 20);
      },
    );
  });

  test('a server that answers with nothing but CRLFs fails every request as an Exception', async () => {
    await withRawServer(
      () => '\r\n'.repeat(10),
      async (url) => {
        const summary = await runArgs(['-r', '-k', '-n', '5', '-c', '1', `${url}/`]);
        assert.equal(summary.responses, 0);
        assert.equal(summary.failures.exceptions, 5);
        assert.deepEqual(summary.errors, { 'bad response: more than 8 CR/LF bytes before the status line': 5 });
      },
    );
  });
});
