// The request phases end to end, as a user sees them: gb -k over https against nginx prints the phase
// block with its TLS row, writes JSON the schema accepts, and gb merge, compare and check take it (and
// results of a gb that kept no phases).

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Summary } from '../../src/metrics/summary.js';
import { makeCertificate } from '../helpers/certificate.js';
import { runGb } from '../helpers/gb-process.js';
import { startNginx, type TestNginx } from '../helpers/nginx.js';
import { requireTool } from '../helpers/tools.js';

const certificate = makeCertificate();
const skip = requireTool('openssl', typeof certificate === 'string' ? certificate : null) || requireTool('nginx');
const schema: unknown = JSON.parse(readFileSync(new URL('../../../schema/gb-result.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv2020({ allErrors: true }).compile(schema as object);
const T = { timeout: 60_000 };

describe('request phases against nginx over https', { skip }, () => {
  let nginx: TestNginx;
  let dir = '';
  before(async () => {
    assert.ok(typeof certificate !== 'string');
    dir = mkdtempSync(join(tmpdir(), 'gb-phases-nginx-'));
    writeFileSync(join(dir, 'cert.pem'), certificate.cert);
    writeFileSync(join(dir, 'key.pem'), certificate.key);
    nginx = await startNginx(
      `ssl_certificate ${dir}/cert.pem; ssl_certificate_key ${dir}/key.pem; location / { return 200 "hello"; }`,
      '',
      { tls: true },
    );
  });
  after(async () => {
    await nginx?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const read = (file: string): Summary => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Summary;

  it('gb -k -c 10 -n 2000 https://localhost:PORT/ prints DNS, TCP and TLS rows, and its JSON and HTML carry them', T, async () => {
    const url = `https://localhost:${nginx.port}/`;
    const runs: string[] = [];
    for (const name of ['a', 'b']) {
      const run = await runGb(
        ['-k', '-c', '10', '-n', '2000', '--json', join(dir, `${name}.json`), '--html', join(dir, `${name}.html`), url],
        { killAfterMs: 30_000 },
      );
      assert.equal(run.code, 0, run.stderr);
      runs.push(run.stdout);
    }
    const stdout = runs[0] ?? '';
    const block = stdout.slice(stdout.indexOf('\nPhases of the responses (ms)'));
    assert.match(
      block,
      /^\nPhases of the responses \(ms\): DNS once per lookup, TCP and TLS once per connection\n {26}count {6}p50 {6}p99 {6}max\n/,
    );
    assert.match(block, /\n {2}DNS lookup: {17}1 +\d+\.\d{3} +\d+\.\d{3} +\d+\.\d{3}\n/);
    assert.match(block, /\n {2}TCP connect: {15}10 /);
    assert.match(block, /\n {2}TLS handshake: {13}10 +\d+\.\d{3} +\d+\.\d{3} +\d+\.\d{3}\n/);
    for (const row of ['Blocked', 'Sending', 'Waiting', 'Receiving']) assert.match(block, new RegExp(`\\n {2}${row}: +2000 `));
    // ab's own report is as before: the block comes after it, among gb's lines.
    assert.ok(stdout.indexOf('Percentage of the requests served') < stdout.indexOf('Phases of the responses'));

    const a = read('a.json');
    assert.equal(validate(a), true, JSON.stringify(validate.errors));
    assert.equal(a.phases?.tls?.count, 10);
    assert.ok((a.phases?.tls?.minUs ?? 0) > 0, 'a TLS handshake takes time');
    assert.equal(a.phases?.dns?.count, 1);
    assert.equal(a.phases?.receiving?.count, 2000);
    const html = readFileSync(join(dir, 'a.html'), 'utf8');
    assert.match(html, /<svg class="phases"[^>]*data-responses="2000"/);
    assert.match(html, /<rect data-phase="tls" data-mean-us="\d+"/);
  });

  it('gb merge adds the phases, gb compare compares them (tls-p99), gb check and merge read results without them', T, async () => {
    const merged = await runGb(['merge', join(dir, 'a.json'), join(dir, 'b.json')]);
    assert.equal(merged.code, 0, merged.stderr);
    const m = JSON.parse(merged.stdout) as Summary;
    assert.equal(validate(m), true, JSON.stringify(validate.errors));
    const [a, b] = [read('a.json'), read('b.json')];
    for (const key of ['dns', 'tcp', 'tls', 'blocked', 'sending', 'waiting', 'receiving'] as const) {
      assert.equal(m.phases?.[key]?.count, (a.phases?.[key]?.count ?? 0) + (b.phases?.[key]?.count ?? 0), key);
    }
    assert.equal(m.phases?.tls?.maxUs, Math.max(a.phases?.tls?.maxUs ?? 0, b.phases?.tls?.maxUs ?? 0));

    const compared = await runGb(['compare', join(dir, 'a.json'), join(dir, 'b.json'), '--fail-if', 'tls-p99>+100000%']);
    assert.equal(compared.code, 0, compared.stderr);
    // Runs under 5 s are judged on their requests, but ten handshakes leave none above a p99 to resample.
    assert.match(compared.stdout, /^TLS p99 \[ms\] +\d+\.\d{3} +\d+\.\d{3} .*n\/a \(too few seconds, and under 10 requests above p99\)$/m);
    assert.match(compared.stdout, /^tls-p99>\+100000%: ok/m);

    // A result written before gb kept phases: no such field at all.
    const legacy: Record<string, unknown> = { ...a };
    delete legacy['phases'];
    writeFileSync(join(dir, 'legacy.json'), JSON.stringify(legacy));
    const check = await runGb(['check', join(dir, 'legacy.json'), '--fail-if', 'p99>60s']);
    assert.equal(check.code, 0, check.stderr);
    const mixed = await runGb(['merge', join(dir, 'legacy.json'), join(dir, 'b.json')]);
    assert.equal(mixed.code, 0, mixed.stderr);
    assert.equal((JSON.parse(mixed.stdout) as Summary).phases, null);
    const againstLegacy = await runGb(['compare', join(dir, 'legacy.json'), join(dir, 'b.json'), '--fail-if', 'tls-p99>+10%']);
    assert.equal(againstLegacy.code, 1, 'a rule on a phase one result lacks is broken');
    assert.match(againstLegacy.stdout + againstLegacy.stderr, /tls-p99 is missing in one of the results/);
    assert.match(againstLegacy.stdout, /^TLS p99 \[ms\] +- +\d+\.\d{3} +- /m, 'A has no figure, B has its own');
  });
});
