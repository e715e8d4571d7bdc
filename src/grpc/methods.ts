// A gRPC method found in a protobufjs Root (from .proto files or from server reflection): its path, how it
// streams, and its request type, with which --data's JSON becomes the bytes a call sends.

import type * as Protobuf from 'protobufjs';
import type { GrpcKind } from '../config/config.js';
import { err, ok, type Result } from '../result.js';

export interface GrpcMethod {
  /** pkg.Service/Method. */
  readonly name: string;
  /** The HTTP/2 :path, /pkg.Service/Method. */
  readonly path: string;
  readonly kind: GrpcKind;
  readonly requestType: Protobuf.Type;
}

/** --call's pkg.Service/Method (also pkg.Service.Method, as grpcurl takes it), split into service and method. */
export function parseCall(call: string): Result<{ service: string; method: string }, string> {
  const m = /^\/?([A-Za-z_][\w.]*)[/.]([A-Za-z_]\w*)$/.exec(call.trim());
  if (m === null) return err(`bad --call '${call}' (expected pkg.Service/Method)`);
  return ok({ service: m[1]!, method: m[2]! });
}

/** The method --call names in `root`; the error says what is there instead. */
export function findMethod(root: Protobuf.Root, call: string): Result<GrpcMethod, string> {
  const parsed = parseCall(call);
  if (!parsed.ok) return parsed;
  const { service, method } = parsed.value;
  const found = root.lookup(service);
  if (found === null || !('methods' in found)) {
    const services = servicesOf(root);
    return err(
      `unknown service '${service}' in --call ${call} (${services.length === 0 ? 'no service defined' : `services: ${services.join(', ')}`})`,
    );
  }
  const svc = found as Protobuf.Service;
  const m = svc.methods[method];
  if (m === undefined)
    return err(`unknown method '${method}' of service ${service} (methods: ${Object.keys(svc.methods).join(', ') || 'none'})`);
  m.resolve();
  const requestType = m.resolvedRequestType;
  if (requestType === null) return err(`${call}: its request type ${m.requestType} is not defined`);
  const kind: GrpcKind =
    m.requestStream === true ? (m.responseStream === true ? 'bidi' : 'client') : m.responseStream === true ? 'server' : 'unary';
  const fullService = svc.fullName.replace(/^\./, '');
  return ok({ name: `${fullService}/${method}`, path: `/${fullService}/${method}`, kind, requestType });
}

/** Every service's full name, for a message that names what --call could have said. */
function servicesOf(ns: Protobuf.NamespaceBase): string[] {
  const out: string[] = [];
  for (const child of ns.nestedArray) {
    if ('methods' in child) out.push(child.fullName.replace(/^\./, ''));
    if ('nestedArray' in child) out.push(...servicesOf(child as Protobuf.NamespaceBase));
  }
  return out;
}

/** A field --data names that the type does not have (protobufjs's verify() lets those pass), with its path. */
function unknownField(type: Protobuf.Type, value: unknown, at: string): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  for (const [key, v] of Object.entries(value)) {
    const field = type.fields[key] ?? type.fieldsArray.find((f) => f.name === key || f.options?.['json_name'] === key);
    if (field === undefined) return `no field '${at}${key}' in ${type.fullName.replace(/^\./, '')}`;
    field.resolve();
    const inner = field.resolvedType;
    if (inner !== null && 'fields' in inner) {
      const items = field.repeated && Array.isArray(v) ? v : [v];
      for (const item of items) {
        const problem = unknownField(inner, item, `${at}${key}.`);
        if (problem !== null) return problem;
      }
    }
  }
  return null;
}

/** One message of --data (JSON text), checked against the request type and encoded. */
export function encodeMessage(method: GrpcMethod, json: string): Result<Uint8Array, string> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    return err(`not JSON (${(e as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return err(`a message is a JSON object, not ${Array.isArray(value) ? 'an array' : typeof value}`);
  const type = method.requestType;
  const problem = unknownField(type, value, '') ?? type.verify(value);
  if (problem !== null) return err(`does not match ${type.fullName.replace(/^\./, '')}: ${problem}`);
  return ok(type.encode(type.fromObject(value as Record<string, unknown>)).finish());
}

/** gRPC's framing of one message: not compressed (flag 0), its length in four bytes big-endian, then the message. */
export function lengthPrefixed(messages: readonly Uint8Array[]): Uint8Array {
  const total = messages.reduce((n, m) => n + 5 + m.byteLength, 0);
  const out = Buffer.alloc(total);
  let at = 0;
  for (const m of messages) {
    out[at] = 0;
    out.writeUInt32BE(m.byteLength, at + 1);
    out.set(m, at + 5);
    at += 5 + m.byteLength;
  }
  return out;
}
