/**
 * Declared parameter specs per endpoint, and the validator that turns a qs-parsed request into
 * typed values or into the 400 Stripe would answer.
 *
 * Conventions of the wire format this enforces:
 * - every value arrives as a string (or nested object/array of strings) — integers and booleans
 *   are parsed here;
 * - an empty string means "unset": it becomes `null` where the parameter can be unset and is a
 *   `parameter_invalid_empty` error where it cannot;
 * - metadata values of '' delete that key; `metadata=` clears all keys.
 */
import { paramEmpty, paramError, paramMissing, paramUnknown } from './errors';

interface Common {
  required?: boolean;
  /** May be sent as '' to unset (becomes null). Strings and metadata default to true. */
  emptyable?: boolean;
}

export type ParamSpec =
  | (Common & { kind: 'string'; maxLength?: number })
  | (Common & { kind: 'email' })
  | (Common & { kind: 'currency' })
  | (Common & { kind: 'integer'; min?: number; max?: number })
  | (Common & { kind: 'boolean' })
  | (Common & { kind: 'enum'; values: readonly string[] })
  | (Common & { kind: 'metadata' })
  | (Common & { kind: 'object'; fields: ParamSpecs })
  | (Common & { kind: 'array'; items: ParamSpec; maxItems?: number })
  /** An id of a stored object; existence is checked when the request executes. */
  | (Common & { kind: 'id'; of: string })
  /** `created=n` or `created[gt|gte|lt|lte]=n`. */
  | (Common & { kind: 'range' });

export type ParamSpecs = Record<string, ParamSpec>;

/** Validated parameters. Values are typed by their spec; `null` means "unset". */
export type Params = Record<string, any>;

/** Metadata as parsed: null = clear everything; a key mapped to null = delete that key. */
export type MetadataPatch = Record<string, string | null> | null;

/** Builders that keep the per-resource spec files short. */
export const p = {
  string: (o: Common & { maxLength?: number } = {}): ParamSpec => ({ kind: 'string', ...o }),
  email: (o: Common = {}): ParamSpec => ({ kind: 'email', ...o }),
  currency: (o: Common = {}): ParamSpec => ({ kind: 'currency', ...o }),
  integer: (o: Common & { min?: number; max?: number } = {}): ParamSpec => ({ kind: 'integer', ...o }),
  boolean: (o: Common = {}): ParamSpec => ({ kind: 'boolean', ...o }),
  enum: (values: readonly string[], o: Common = {}): ParamSpec => ({ kind: 'enum', values, ...o }),
  metadata: (o: Common = {}): ParamSpec => ({ kind: 'metadata', ...o }),
  object: (fields: ParamSpecs, o: Common = {}): ParamSpec => ({ kind: 'object', fields, ...o }),
  array: (items: ParamSpec, o: Common & { maxItems?: number } = {}): ParamSpec => ({ kind: 'array', items, ...o }),
  id: (of: string, o: Common = {}): ParamSpec => ({ kind: 'id', of, ...o }),
  range: (o: Common = {}): ParamSpec => ({ kind: 'range', ...o }),
};

/** `expand[]` is accepted by every endpoint. */
const EXPAND_SPEC: ParamSpec = p.array(p.string({ maxLength: 5000 }), { emptyable: true });

/** Validates a whole request's parameters against an endpoint's specs. */
export function validateParams(raw: Record<string, unknown>, specs: ParamSpecs): Params {
  const all: ParamSpecs = { ...specs, expand: EXPAND_SPEC };
  for (const name of Object.keys(raw)) {
    if (!(name in all)) throw paramUnknown(name);
  }
  const out: Params = {};
  for (const [name, spec] of Object.entries(all)) {
    if (raw[name] === undefined) {
      if (spec.required) throw paramMissing(name);
      continue;
    }
    out[name] = validateValue(raw[name], spec, name);
  }
  if (out.expand === null) delete out.expand;
  return out;
}

function validateValue(value: unknown, spec: ParamSpec, name: string): unknown {
  if (value === '') {
    if (spec.required) throw paramEmpty(name);
    const emptyable = spec.emptyable ?? (spec.kind === 'string' || spec.kind === 'metadata');
    if (!emptyable) throw paramEmpty(name);
    return null;
  }
  switch (spec.kind) {
    case 'string':
    case 'id': {
      const s = expectString(value, name);
      const max = spec.kind === 'string' ? spec.maxLength : 5000;
      if (max !== undefined && s.length > max) {
        throw paramError(`Invalid string: ${preview(s)}; must be at most ${max} characters`, undefined, name);
      }
      return s;
    }
    case 'email': {
      const s = expectString(value, name);
      if (s.length > 512 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s)) {
        throw paramError(`Invalid email address: ${preview(s)}`, 'email_invalid', name);
      }
      return s;
    }
    case 'currency': {
      const s = expectString(value, name);
      if (!/^[A-Za-z]{3}$/.test(s)) {
        throw paramError(`Invalid currency: ${preview(s)}. Currencies are three-letter ISO codes, e.g. usd.`, undefined, name);
      }
      return s.toLowerCase();
    }
    case 'integer':
      return parseInteger(value, spec, name);
    case 'boolean': {
      if (value === 'true') return true;
      if (value === 'false') return false;
      throw paramError(`Invalid boolean: ${preview(String(stringish(value)))}`, undefined, name);
    }
    case 'enum': {
      const s = expectString(value, name);
      if (!spec.values.includes(s)) {
        throw paramError(`Invalid ${name}: must be one of ${listWords(spec.values.filter((v) => v !== ''))}`, undefined, name);
      }
      return s;
    }
    case 'metadata':
      return parseMetadata(value, name);
    case 'object':
      return parseObject(value, spec.fields, name);
    case 'array':
      return parseArray(value, spec.items, spec.maxItems, name);
    case 'range':
      return parseRange(value, name);
  }
}

function expectString(value: unknown, name: string): string {
  if (typeof value !== 'string') throw paramError(`Invalid string: ${preview(JSON.stringify(value))}`, undefined, name);
  return value;
}

function parseInteger(value: unknown, spec: { min?: number; max?: number }, name: string): number {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  if (!/^[+-]?\d+$/.test(s) || !Number.isSafeInteger(Number(s))) {
    throw paramError(`Invalid integer: ${preview(s)}`, 'parameter_invalid_integer', name);
  }
  const n = Number(s);
  if (spec.min !== undefined && n < spec.min) {
    throw paramError(`This value must be greater than or equal to ${spec.min}.`, 'parameter_invalid_integer', name);
  }
  if (spec.max !== undefined && n > spec.max) {
    throw paramError(`This value must be less than or equal to ${spec.max}.`, 'parameter_invalid_integer', name);
  }
  return n;
}

/** Stripe's metadata limits: 50 keys, keys up to 40 characters, values up to 500. */
function parseMetadata(value: unknown, name: string): MetadataPatch {
  if (!isPlainObject(value)) throw paramError(`Invalid hash`, undefined, name);
  const entries = Object.entries(value);
  if (entries.length > 50) {
    throw paramError(`Invalid ${name}: ${name} can have up to 50 keys, but you passed in ${entries.length} keys.`, undefined, name);
  }
  const out: Record<string, string | null> = {};
  for (const [key, v] of entries) {
    const param = `${name}[${key}]`;
    if (key.length > 40) throw paramError(`Metadata keys can have up to 40 characters: ${preview(key)}`, undefined, param);
    if (typeof v !== 'string') throw paramError(`Invalid string: ${preview(JSON.stringify(v))}`, undefined, param);
    if (v.length > 500) throw paramError(`Metadata values can have up to 500 characters, but you passed in a value that is ${v.length} characters.`, undefined, param);
    out[key] = v === '' ? null : v;
  }
  return out;
}

function parseObject(value: unknown, fields: ParamSpecs, name: string): Params {
  if (!isPlainObject(value)) throw paramError(`Invalid hash`, undefined, name);
  for (const key of Object.keys(value)) {
    if (!(key in fields)) throw paramUnknown(`${name}[${key}]`);
  }
  const out: Params = {};
  for (const [key, spec] of Object.entries(fields)) {
    const param = `${name}[${key}]`;
    if (value[key] === undefined) {
      if (spec.required) throw paramMissing(param);
      continue;
    }
    out[key] = validateValue(value[key], spec, param);
  }
  return out;
}

function parseArray(value: unknown, items: ParamSpec, maxItems: number | undefined, name: string): unknown[] {
  // qs turns indices above its arrayLimit into object keys: accept an all-numeric-keyed object too.
  let list: unknown[];
  if (Array.isArray(value)) list = value;
  else if (isPlainObject(value) && Object.keys(value).every((k) => /^\d+$/.test(k))) {
    list = Object.keys(value)
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => value[k]);
  } else throw paramError(`Invalid array`, undefined, name);
  if (maxItems !== undefined && list.length > maxItems) {
    throw paramError(`Invalid array: ${name} can have at most ${maxItems} items.`, undefined, name);
  }
  return list.map((item, i) => validateValue(item, items, `${name}[${i}]`));
}

export interface CreatedRange {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

function parseRange(value: unknown, name: string): CreatedRange {
  if (typeof value === 'string') {
    const n = parseInteger(value, {}, name);
    return { gte: n, lte: n };
  }
  if (!isPlainObject(value)) throw paramError(`Invalid hash`, undefined, name);
  const out: CreatedRange = {};
  for (const [key, v] of Object.entries(value)) {
    if (key !== 'gt' && key !== 'gte' && key !== 'lt' && key !== 'lte') throw paramUnknown(`${name}[${key}]`);
    out[key] = parseInteger(v, {}, `${name}[${key}]`);
  }
  return out;
}

export function inRange(n: number, r: CreatedRange): boolean {
  return (
    (r.gt === undefined || n > r.gt) &&
    (r.gte === undefined || n >= r.gte) &&
    (r.lt === undefined || n < r.lt) &&
    (r.lte === undefined || n <= r.lte)
  );
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringish(v: unknown): unknown {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function preview(s: string): string {
  return s.length > 60 ? s.slice(0, 60) + '...' : s;
}

function listWords(values: string[]): string {
  if (values.length <= 1) return values.join('');
  return values.slice(0, -1).join(', ') + ', or ' + values[values.length - 1];
}

/**
 * Applies validated update params to a stored object the way Stripe does: a null unsets, metadata
 * merges key by key, and `mergeKeys` name hashes whose sub-fields update independently
 * (e.g. invoice_settings); every other hash is replaced whole.
 */
export function applyUpdate(target: Record<string, any>, params: Params, fields: string[], mergeKeys: string[] = []): void {
  for (const field of fields) {
    if (!(field in params)) continue;
    const value = params[field];
    if (field === 'metadata') target.metadata = mergeMetadata(target.metadata ?? {}, value as MetadataPatch);
    else if (mergeKeys.includes(field) && value !== null && isPlainObject(value)) {
      target[field] = { ...(target[field] ?? {}), ...value };
    } else target[field] = value;
  }
}

export function mergeMetadata(current: Record<string, string>, patch: MetadataPatch): Record<string, string> {
  if (patch === null) return {};
  const next = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  return next;
}
