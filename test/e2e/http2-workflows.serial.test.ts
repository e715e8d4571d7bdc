// Every load model and output over HTTP/2, against `gb serve --http2`'s target: --rate, --duration,
// --warmup, -G 2, --json, --html, gb compare and gb merge (with its refusal to add HTTP/1.1 to HTTP/2).

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { compareCommand } from '../../src/cli/compare-command.js';
import { mergeCommand } from '../../src/cli/merge-command.js';
import type { Summary } from '../../src/metrics/summary.js';
import { renderJson } from '../../src/report/json.js';
import { startTargetServer, type TargetServer } from '../../src/server/target.js';
import { makeCertificate } from '../helpers/certificate.js';
import { ranIn } from '../helpers/in-process.js';
import { runArgs } from '../helpers/summaries.js';
import { withTarget } from '../helpers/target.js';

const schema: unknown = JSON.parse(readFileSync(new URL('../../../schema/gb-result.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv2020({ allErrors: true }).compile(schema as object);
const T = { timeout: 30_000 };

let h2c: TargetServer;
let h1: TargetServer;
let dir = '';

before(async () => {
  h2c = await startTargetServer({ http2: 'h2c' });
  h1 = await startTargetServer();
  dir = mkdtempSync(join(tmpdir(), 'gb-h2-flows-'));
});

after(async () => {
  await h2c.close();
  await h1.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('HTTP/2 under every load model', () => {
  it('--rate 400 -n 400: the schedule is kept, every request answered', T, async () => {
    h2c.resetStats();
    const s = await runArgs(['-q', '--http2', '-c', '2', '--streams', '4', '--rate', '400', '-n', '400', `${h2c.url}/`]);
    assert.equal(s.failed, 0);
    assert.equal(s.responses, 400);
    assert.equal(h2c.stats().requests, 400);
    assert.ok(s.rate !== null && s.rate.targetPerSecond === 400);
    assert.ok(s.elapsedSeconds > 0.8 && s.elapsedSeconds < 5, `${s.elapsedSeconds} s`);
  });

  it('--duration 1s: a time-bound run, cut-off streams counted, the server saw every issued one', T, async () => {
    h2c.resetStats();
    const s = await runArgs(['-q', '--http2', '-c', '2', '--streams', '8', '--duration', '1s', `${h2c.url}/`]);
    assert.equal(s.stopReason, 'duration');
    assert.ok(s.responses > 100, `${s.responses} responses`);
    assert.equal(s.issued, s.responses + s.cutOff + s.failures.connect + s.failures.receive + s.failures.exceptions);
    assert.equal(s.failed, 0);
    assert.ok(h2c.stats().requests >= s.responses && h2c.stats().requests <= s.issued);
  });

  it('--warmup 300ms -n 500: warm-up streams are left out of every number', T, async () => {
    h2c.resetStats();
    const s = await runArgs(['-q', '--http2', '-c', '2', '--streams', '4', '--warmup', '300ms', '-n', '500', `${h2c.url}/`]);
    assert.equal(s.responses, 500);
    assert.equal(s.issued, 500);
    assert.ok(h2c.stats().requests > 500, 'the warm-up sent requests too');
  });

  it('-G 2 -n 2000: the workers split the load exactly', T, async () => {
    h2c.resetStats();
    const s = await runArgs(['-q', '--http2', '-G', '2', '-c', '4', '--streams', '5', '-n', '2000', `${h2c.url}/`]);
    assert.equal(s.responses, 2000);
    assert.equal(s.failed, 0);
    assert.equal(s.settings.workers, 2);
    assert.equal(s.protocol, 'h2c');
    assert.equal(h2c.stats().requests, 2000);
    assert.ok(s.http2 !== null && s.http2.headerBytes > 0);
  });

  it('-p with a 200 KB body: sent within the server flow-control windows, echoed whole', T, async () => {
    const body = join(dir, 'body.bin');
    writeFileSync(body, Buffer.alloc(200_000, 0x61));
    h2c.resetStats();
    const s = await runArgs(['-q', '--http2', '-c', '2', '--streams', '3', '-n', '30', '-p', body, `${h2c.url}/echo`]);
    assert.equal(s.failed, 0, JSON.stringify(s.errors));
    assert.equal(s.responses, 30);
    assert.equal(s.bytes.body, 30 * 200_000);
    assert.equal(h2c.stats().bodyBytesReceived, 30 * 200_000);
  });

  it('h2 over TLS against the target with a certificate (gb serve --http2 --tls)', T, async (t) => {
    const certificate = makeCertificate();
    if (typeof certificate === 'string') {
      t.skip(certificate);
      return;
    }
    await withTarget(
      async (h2) => {
        const s = await runArgs(['-q', '--http2', '-c', '2', '--streams', '5', '-n', '300', `${h2.url}/10k.dat`]);
        assert.equal(s.responses, 300);
        assert.equal(s.protocol, 'h2');
        assert.equal(s.bytes.body, 300 * 10240);
        assert.equal(h2.stats().requests, 300);
      },
      { http2: 'h2', tls: certificate },
    );
  });
});

describe('HTTP/2 outputs', () => {
  it('-v 2 shows the HEADERS fields sent and each response head as HTTP/2 STATUS', T, async () => {
    const ran = await ranIn(['--http2', '-n', '2', '-v', '2', '-H', 'X-Test: yes', `${h2c.url}/status/404`]);
    assert.equal(ran.code, 0, ran.err);
    const all = ran.out + ran.err;
    assert.match(all, /gb: request:\n:method: GET\n:scheme: http\n:authority: 127\.0\.0\.1:\d+\n:path: \/status\/404\n/);
    assert.match(all, /x-test: yes/);
    assert.equal(all.match(/^HTTP\/2 404$/gm)?.length, 2, all);
    assert.match(all, /^server: gb-target$/m);
  });

  it('--json and --html carry the protocol; gb compare shows it; gb merge refuses HTTP/1.1 with HTTP/2 unless told', T, async () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    const one = join(dir, 'h1.json');
    const html = join(dir, 'a.html');
    for (const [file, extra] of [
      [a, ['--html', html]],
      [b, []],
    ] as const) {
      const ran = await ranIn(['-q', '--http2', '-c', '2', '--streams', '4', '-n', '300', '--json', file, ...extra, `${h2c.url}/`]);
      assert.equal(ran.code, 0, ran.err);
    }
    const ranH1 = await ranIn(['-q', '-k', '-c', '2', '-n', '300', '--json', one, `${h2c.url.replace(/:\d+$/, `:${h1.port}`)}/`]);
    assert.equal(ranH1.code, 0, ranH1.err);
    const json = JSON.parse(readFileSync(a, 'utf8')) as Summary;
    // The same URL, as if the one server had been measured in both protocols (merge requires one URL).
    const h1Json = JSON.parse(readFileSync(one, 'utf8')) as Summary;
    writeFileSync(one, renderJson({ ...h1Json, target: json.target }));

    assert.equal(validate(json), true, JSON.stringify(validate.errors));
    assert.equal(json.protocol, 'h2c');
    assert.ok(json.http2 !== null && json.http2.headerBytesDecoded > 0);
    const page = readFileSync(html, 'utf8');
    assert.match(page, /<t[hd][^>]*>Protocol<\/t[hd]>\s*<t[hd][^>]*>h2c<\/t[hd]>/);
    assert.match(page, /Streams per connection/);

    const compared = await ranIn([a, one], compareCommand);
    assert.match(compared.out, /note: protocol differs: A h2c, B HTTP\/1\.1/);
    const same = await ranIn([a, b], compareCommand);
    assert.doesNotMatch(same.out, /protocol differs/);
    assert.match(same.out, /h2c/);

    const merged = await ranIn([a, b], mergeCommand);
    assert.equal(merged.code, 0, merged.err);
    const m = JSON.parse(merged.out) as Summary;
    assert.equal(validate(m), true, JSON.stringify(validate.errors));
    assert.equal(m.protocol, 'h2c');
    assert.equal(m.responses, 600);
    assert.equal(
      m.http2?.headerBytes,
      (json.http2?.headerBytes ?? 0) + ((JSON.parse(readFileSync(b, 'utf8')) as Summary).http2?.headerBytes ?? 0),
    );

    const refused = await ranIn([a, one], mergeCommand);
    assert.equal(refused.code, 2);
    assert.match(
      refused.err,
      /^gb: cannot merge results of different protocols: \S*a\.json used h2c, \S*h1\.json used HTTP\/1\.1 \(gb merge --mixed-protocols adds them anyway\)\n$/,
    );
    const mixed = await ranIn(['--mixed-protocols', a, one], mergeCommand);
    assert.equal(mixed.code, 0, mixed.err);
    const mm = JSON.parse(mixed.out) as Summary;
    assert.equal(mm.protocol, 'mixed');
    assert.equal(mm.responses, 600);
    assert.equal(validate(mm), true, JSON.stringify(validate.errors));
  });
});
