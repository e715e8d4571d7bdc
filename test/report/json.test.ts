// Tests the JSON result: a real run's output against the committed JSON Schema, histogram interop, and the runtime reader.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import * as hdr from 'hdr-histogram-js';

import { FAILURE_CODES } from '../../src/failures.js';
import type { PhaseStats, Summary } from '../../src/metrics/summary.js';
import { startTargetServer } from '../../src/server/target.js';
import { parseSummaryJson, toSummary } from '../../src/metrics/result-json.js';
import { renderJson } from '../../src/report/json.js';
import { runArgs, runSummary } from '../helpers/summaries.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const schemaText = readFileSync(new URL('../../../schema/gb-result.schema.json', import.meta.url), 'utf8');
const schema: unknown = JSON.parse(schemaText);
const validate = new Ajv2020({ allErrors: true }).compile(schema as object);
/** The codes gb writes, as the schema lists them. */
const writtenCodes = (schema as { $defs: { failureCode: { enum: string[] } } }).$defs.failureCode.enum;

/** A deep copy as plain JSON, which the tests may break at will. */
function jsonOf(summary: Summary): { [key: string]: Json } {
  const value: unknown = JSON.parse(renderJson(summary));
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value));
  return value as { [key: string]: Json };
}

function objectAt(root: { [key: string]: Json }, key: string): { [key: string]: Json } {
  const value = root[key];
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), `${key} is an object`);
  return value;
}

describe('renderJson', () => {
  let summary: Summary;
  before(async () => {
    summary = await runSummary(['-k', '-n', '300', '-c', '4'], '/10k.dat');
  });

  it("writes a real run's Summary so that it validates against schema/gb-result.schema.json", () => {
    const valid = validate(JSON.parse(renderJson(summary)));
    assert.equal(valid, true, JSON.stringify(validate.errors, null, 2));
  });

  it('writes the request phases: each a full phase with its histogram, TLS and DNS null for http to an IP', () => {
    const phases = summary.phases;
    assert.ok(phases !== null);
    for (const key of ['tcp', 'blocked', 'sending', 'waiting', 'receiving'] as const) {
      const p: PhaseStats | null = phases[key];
      assert.ok(p !== null, key);
      assert.equal(hdr.decodeFromCompressedBase64(p.histogram).totalCount, p.count, key);
    }
    assert.equal(phases.receiving?.count, 300);
    assert.equal(phases.tcp?.count, 4, 'one connect per connection');
    assert.equal(phases.tls, null);
    assert.equal(phases.dns, null);
  });

  it('writes schemaVersion 2 and loses nothing: parsing it back gives the same Summary', () => {
    const text = renderJson(summary);
    assert.match(text, /^\{\n {2}"schemaVersion": 2,\n/);
    assert.deepEqual(JSON.parse(text), summary);
    const read = parseSummaryJson(text);
    assert.ok(read.ok, read.ok ? '' : read.error);
    assert.deepEqual(read.value, summary);
  });

  it('carries histograms that hdr-histogram-js decodes to the same sample count', () => {
    const phases = [summary.connect, summary.processing, summary.waiting, summary.total];
    for (const phase of phases) {
      assert.ok(phase !== null);
      assert.equal(phase.count, 300);
      const decoded = hdr.decodeFromCompressedBase64(phase.histogram);
      assert.equal(decoded.totalCount, phase.count);
      // Same buckets, so the median agrees to the histogram's precision (3 digits, plus its upper-edge convention).
      assert.ok(Math.abs(decoded.getValueAtPercentile(50) - phase.p50Us) <= Math.max(1, phase.p50Us * 0.002));
    }
  });

  it('writes a run with failures, non-2xx and no complete responses that still validates', async () => {
    const failing = await runSummary(['-n', '20', '-c', '2'], '/status/503');
    assert.equal(failing.non2xx, 20);
    assert.equal(validate(JSON.parse(renderJson(failing))), true, JSON.stringify(validate.errors));
  });
});

describe('the schema and the runtime reader', () => {
  let good: Summary;
  before(async () => {
    good = await runSummary(['-n', '50', '-c', '2'], '/');
  });

  const breakages: readonly { readonly name: string; readonly breakIt: (j: { [key: string]: Json }) => void }[] = [
    { name: 'a missing top-level field', breakIt: (j) => delete j['completed'] },
    { name: 'an unknown top-level field', breakIt: (j) => void (j['extra'] = 1) },
    { name: 'a count given as a string', breakIt: (j) => void (j['issued'] = '50') },
    { name: 'a negative count', breakIt: (j) => void (j['failed'] = -1) },
    { name: 'a fractional count', breakIt: (j) => void (objectAt(j, 'bytes')['sent'] = 1.5) },
    { name: 'another schemaVersion', breakIt: (j) => void (j['schemaVersion'] = 1) },
    { name: 'an unknown stopReason', breakIt: (j) => void (j['stopReason'] = 'bored') },
    { name: 'a phase without its histogram', breakIt: (j) => delete objectAt(j, 'total')['histogram'] },
    { name: 'an unknown field in a phase', breakIt: (j) => void (objectAt(j, 'total')['p75Us'] = 3) },
    { name: 'a status count that is not a number', breakIt: (j) => void (objectAt(j, 'statusCodes')['200'] = 'many') },
    { name: 'a timeline row missing a field', breakIt: (j) => void (objectAt(j, 'timeline')['rows'] = [{ second: 0 }]) },
    { name: 'client warnings that are not strings', breakIt: (j) => void (objectAt(j, 'client')['warnings'] = [1]) },
    { name: 'a settings object that is null', breakIt: (j) => void (j['settings'] = null) },
    { name: 'an unknown request phase', breakIt: (j) => void (objectAt(j, 'phases')['dnsAgain'] = null) },
    { name: 'a request phase missing', breakIt: (j) => delete objectAt(j, 'phases')['receiving'] },
  ];

  for (const { name, breakIt } of breakages) {
    it(`both reject ${name}`, () => {
      const broken = jsonOf(good);
      breakIt(broken);
      assert.equal(validate(broken), false, 'the JSON Schema accepted it');
      assert.equal(toSummary(broken).ok, false, 'the runtime reader accepted it');
    });
  }

  it('both accept the untouched result', () => {
    const plain = jsonOf(good);
    assert.equal(validate(plain), true, JSON.stringify(validate.errors));
    assert.equal(toSummary(plain).ok, true);
  });

  it('describes every field and requires every field it lists', () => {
    const undocumented: string[] = [];
    const optional: string[] = [];
    const walk = (node: Json, path: string): void => {
      if (typeof node !== 'object' || node === null) return;
      if (Array.isArray(node)) {
        node.forEach((child, i) => walk(child, `${path}[${i}]`));
        return;
      }
      const properties = node['properties'];
      if (typeof properties === 'object' && properties !== null && !Array.isArray(properties)) {
        const required = Array.isArray(node['required']) ? node['required'] : [];
        for (const [key, child] of Object.entries(properties)) {
          if (typeof child !== 'object' || child === null || Array.isArray(child) || typeof child['description'] !== 'string') {
            undocumented.push(`${path}.${key}`);
          }
          if (!required.includes(key)) optional.push(`${path}.${key}`);
        }
      }
      for (const [key, child] of Object.entries(node)) walk(child, `${path}/${key}`);
    };
    const parsed: unknown = JSON.parse(schemaText);
    walk(parsed as Json, '#');
    assert.deepEqual(undocumented, []);
    assert.deepEqual(optional, []);
  });

  it('reads a result saved before HTTP/2, shards, endpoints, scripts and phases were added to version 2, with their defaults', () => {
    const saved = jsonOf(good);
    for (const key of ['protocol', 'http2', 'shards', 'endpoints', 'phases']) delete saved[key];
    delete objectAt(saved, 'failures')['script'];
    for (const row of objectAt(saved, 'timeline')['rows'] as { [key: string]: Json }[]) delete row['scheduled'];
    const read = toSummary(saved);
    if (!read.ok) assert.fail(read.error);
    assert.equal(read.value.protocol, 'HTTP/1.1');
    assert.equal(read.value.endpoints, null);
    assert.equal(read.value.shards, null);
    assert.equal(read.value.phases, null);
    assert.equal(read.value.failures.script, 0);
    assert.equal(read.value.timeline.rows[0]?.scheduled, null);
    assert.deepEqual(toSummary(jsonOf(good)), { ok: true, value: JSON.parse(renderJson(good)) as Summary });
  });

  it("lists in $defs.failureCode exactly the codes of failures.ts's FailureCode", () => {
    assert.deepEqual([...writtenCodes].sort(), [...FAILURE_CODES].sort());
  });

  it('writes socket failures under codes the schema lists for what gb writes', async () => {
    const closed = await startTargetServer();
    const url = closed.url;
    await closed.close();
    const refused = await runArgs(['-q', '-r', '-n', '3', `${url}/`]);
    assert.deepEqual(refused.errorCodes, { ECONNREFUSED: 3 });
    const written = jsonOf(refused);
    assert.equal(validate(written), true, JSON.stringify(validate.errors));
    for (const code of Object.keys(objectAt(written, 'errorCodes'))) assert.ok(writtenCodes.includes(code), code);
  });

  it("reads a result saved by an older gb, whose errorCodes kept OpenSSL's and unlisted codes, under today's codes", () => {
    const saved = jsonOf(good);
    saved['errorCodes'] = {
      ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: 2,
      ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 1,
      ERR_SSL_WRONG_VERSION_NUMBER: 1,
      EWEIRD: 1,
      ECONNRESET: 3,
    };
    assert.equal(validate(saved), true, `the schema still reads it: ${JSON.stringify(validate.errors)}`);
    const read = toSummary(saved);
    if (!read.ok) assert.fail(read.error);
    assert.deepEqual(read.value.errorCodes, {
      TLS_ALERT_HANDSHAKE_FAILURE: 2,
      TLS_ALERT_CERTIFICATE_REQUIRED: 1,
      TLS_ERROR: 1,
      SOCKET_ERROR: 1,
      ECONNRESET: 3,
    });
    const lowercase = jsonOf(good);
    lowercase['errorCodes'] = { econnreset: 1 };
    assert.equal(validate(lowercase), false, 'a code is upper case, old or new');
    assert.equal(toSummary(lowercase).ok, false);
  });

  it('reports what is wrong, with the path, in one sentence', () => {
    const broken = jsonOf(good);
    delete objectAt(broken, 'bytes')['body'];
    const read = toSummary(broken);
    assert.deepEqual(read, { ok: false, error: 'not a valid gb result: result.bytes.body is missing' });
    const future = parseSummaryJson(JSON.stringify({ ...jsonOf(good), schemaVersion: 3 }));
    assert.equal(future.ok, false);
    assert.match(future.ok ? '' : future.error, /unsupported schemaVersion 3/);
    const notJson = parseSummaryJson('{"schemaVersion": 2,');
    assert.match(notJson.ok ? '' : notJson.error, /^not JSON: /);
    const notGb = parseSummaryJson('[1, 2]');
    assert.match(notGb.ok ? '' : notGb.error, /^not a valid gb result: result must be object/);
  });
});
