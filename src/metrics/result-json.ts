// Reads a gb JSON result back (gb merge, gb compare): schema/gb-result.schema.json is the one contract, checked here at run time.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { currentFailureCode, type FailureCode } from '../failures.js';
import { err, ok, type Result } from '../result.js';
import type { Summary } from './summary.js';

export const SCHEMA_VERSION = 2;
const SCHEMA_FILE = join('schema', 'gb-result.schema.json');

/** The schema ships beside the compiled code (dist/ in the package, build/src/ in tests): look upward for it. */
function schemaPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, SCHEMA_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`${SCHEMA_FILE} is missing from the installation`);
    dir = parent;
  }
}

let validator: ReturnType<Ajv2020['compile']> | null = null;

function validate(value: unknown): ErrorObject | null {
  validator ??= new Ajv2020({ allErrors: false }).compile(JSON.parse(readFileSync(schemaPath(), 'utf8')) as object);
  return validator(value) ? null : (validator.errors?.[0] ?? null);
}

/** One sentence with the path, e.g. "result.bytes.body is missing". */
function describe(e: ErrorObject): string {
  const path = `result${e.instancePath.replace(/\/([^/]*)/g, (_, key: string) => (/^\d+$/.test(key) ? `[${key}]` : `.${key}`))}`;
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'required') return `${path}.${String(params['missingProperty'])} is missing`;
  if (e.keyword === 'additionalProperties') return `${path} has an unknown field '${String(params['additionalProperty'])}'`;
  return `${path} ${e.message ?? 'is invalid'}`;
}

const isObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks an already-parsed value against the schema of the result format. */
export function toSummary(value: unknown): Result<Summary, string> {
  if (isObject(value) && !('schemaVersion' in value)) return err('not a gb result: no schemaVersion (write one with gb --json FILE)');
  if (isObject(value) && value['schemaVersion'] !== SCHEMA_VERSION) {
    return err(`unsupported schemaVersion ${JSON.stringify(value['schemaVersion'])} (this gb reads version ${SCHEMA_VERSION})`);
  }
  const problem = validate(isObject(value) ? withAddedFields(value) : value);
  if (problem !== null) return err(`not a valid gb result: ${describe(problem)}`);
  if (isObject(value) && Number.isNaN(Date.parse(String(value['startedAt'])))) {
    return err(`not a valid gb result: result.startedAt is not a date: ${JSON.stringify(value['startedAt'])}`);
  }
  // The schema describes Summary field by field, and a test holds real results to it.
  const summary = withAddedFields(value as Readonly<Record<string, unknown>>) as unknown as Summary;
  return ok({ ...summary, errorCodes: withCurrentCodes(summary.errorCodes as Readonly<Record<string, number>>) });
}

/**
 * The schema reads errorCodes of any gb (older ones kept OpenSSL's codes and any errno name as
 * they were); the Summary has them as gb names them now, so a merge adds old and new alike.
 */
function withCurrentCodes(saved: Readonly<Record<string, number>>): Partial<Record<FailureCode, number>> {
  const codes: Partial<Record<FailureCode, number>> = {};
  for (const [key, n] of Object.entries(saved)) {
    const code = currentFailureCode(key);
    codes[code] = (codes[code] ?? 0) + n;
  }
  return codes;
}

/**
 * Fields added to version 2 after results were already saved (HTTP/2, shards, endpoints, scripts,
 * a schedule's target per second, request phases, journeys) get the value a run without them writes, so a saved baseline
 * still compares and merges. A field that is present is left as it is, and the schema judges it.
 */
function withAddedFields(value: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const added: Record<string, unknown> = { ...value };
  // Such results did not say whether --http1.0 was given; nearly every run is HTTP/1.1.
  added['protocol'] ??= 'HTTP/1.1';
  added['http2'] ??= null;
  added['shards'] ??= null;
  added['endpoints'] ??= null;
  // Such results come from runs without journeys, or from a gb that kept none: null, as a plain run writes.
  added['journeys'] ??= null;
  added['websocket'] ??= null;
  // Such results come from a gb without gb grpc: HTTP runs, which write null.
  added['grpc'] ??= null;
  // Such results kept no phases; null is what merge and compare take for "not recorded".
  added['phases'] ??= null;
  if (isObject(value['failures'])) added['failures'] = { script: 0, grpc: 0, ...value['failures'] };
  if (isObject(value['rate'])) {
    const rate: Record<string, unknown> = { ...value['rate'] };
    rate['stages'] ??= null;
    // gb then blamed itself for every late request, as its warning did.
    if (!('lateServer' in rate)) {
      rate['lateServer'] = 0;
      rate['lateClient'] = rate['late'];
    }
    added['rate'] = rate;
  }
  const timeline = value['timeline'];
  if (isObject(timeline) && Array.isArray(timeline['rows'])) {
    const rows = (timeline['rows'] as unknown[]).map((row) => (isObject(row) && !('scheduled' in row) ? { ...row, scheduled: null } : row));
    added['timeline'] = { ...timeline, rows };
  }
  return added;
}

/** Parses the text of a gb JSON result; the error says what is wrong without a stack trace. */
export function parseSummaryJson(text: string): Result<Summary, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return err(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return toSummary(value);
}
