/**
 * fast-check arbitraries for action inputs, built from each action's JSON Schema (the manifest's
 * input form): values that fit the schema, and hostile ones mixed in at any node (wrong types,
 * over-long and odd strings, prototype keys, deep nesting, unknown fields).
 */
import fc from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
}

/** An object with `key` as an own property, whatever the key (`__proto__` included), as JSON.parse makes it. */
export function withOwnKey(base: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  Object.defineProperty(out, key, { value, enumerable: true, configurable: true, writable: true });
  return out;
}

function nestedValue(depth: number): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

const oddChars = fc.constantFrom('[', ']', '&', '=', '%', '%5B', '+', '?', '#', '/', '..', '\u0000', '\n', ' ', '"', '\'', '\\', 'é', '€', '😀', '\u202e', '{}');
const oddString = fc.array(fc.oneof(oddChars, fc.string({ maxLength: 4 })), { maxLength: 8 }).map((parts) => parts.join(''));
const longString = fc.constantFrom(41, 256, 501, 5_001, 40_001, 100_000).map((n) => 'a'.repeat(n));
const prototypeKey = fc.constantFrom('__proto__', 'constructor', 'prototype');

/** Values no schema asked for: the hostile part of the mix. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom(0, -1, 1.5, -0, 2 ** 53, -(2 ** 53), 1e21, Number.MAX_SAFE_INTEGER + 2),
  oddString,
  longString,
  fc.constantFrom(17, 40, 300).map(nestedValue),
  fc.tuple(prototypeKey, fc.string({ maxLength: 3 })).map(([key, value]) => withOwnKey({}, key, value)),
  fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.split('/').pop()!;
  return root.$defs?.[name] ?? {};
}

function typesOf(schema: JsonSchema): string[] {
  return [schema.type ?? []].flat();
}

/** A string for a pattern: fast-check's regex generator, kept to the schema's length. */
function patternString(schema: JsonSchema): fc.Arbitrary<string> {
  const max = schema.maxLength ?? 60;
  const min = schema.minLength ?? 0;
  return fc
    .stringMatching(new RegExp(schema.pattern!), { size: 'small' })
    .map((s) => (s.length > max ? s.slice(0, max) : s))
    .filter((s) => s.length >= min);
}

export interface FuzzOptions {
  /** How often (0-1) a node holds a hostile value instead of one its schema describes. */
  hostile: number;
}

/** Values for one schema node, hostile ones mixed in at the given rate. */
export function valueFor(schema: JsonSchema, root: JsonSchema, options: FuzzOptions, depth = 0): fc.Arbitrary<unknown> {
  const fitting = fittingValue(resolve(schema, root), root, options, depth);
  if (options.hostile <= 0) return fitting;
  const hostileWeight = Math.max(1, Math.round(options.hostile * 100));
  return fc.oneof({ weight: 100 - hostileWeight, arbitrary: fitting }, { weight: hostileWeight, arbitrary: hostileValue });
}

function fittingValue(schema: JsonSchema, root: JsonSchema, options: FuzzOptions, depth: number): fc.Arbitrary<unknown> {
  const variants = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  if (variants.length > 0) return fc.oneof(...variants.map((variant) => valueFor(variant, root, options, depth)));
  if (schema.allOf?.length) return valueFor(schema.allOf[0]!, root, options, depth);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const types = typesOf(schema);
  if (types.length > 1) return fc.oneof(...types.map((type) => fittingValue({ ...schema, type }, root, options, depth)));
  switch (types[0]) {
    case 'string':
      if (schema.pattern) return patternString(schema);
      if (schema.format === 'email') return fc.emailAddress();
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 20, 20) });
    case 'integer': {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1_000_000);
      const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 1_000_000_000);
      return fc.integer({ min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(max, Number.MAX_SAFE_INTEGER) });
    }
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9 });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      if (depth > 6) return fc.constant([]);
      return fc.array(valueFor(schema.items ?? {}, root, options, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 3, 3),
      });
    case 'object':
      return objectValue(schema, root, options, depth);
    default:
      // Anything (z.unknown, a raw body's values): JSON-like values.
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function objectValue(schema: JsonSchema, root: JsonSchema, options: FuzzOptions, depth: number): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant({});
  const properties = schema.properties ?? {};
  const names = Object.keys(properties);
  const required = new Set(schema.required ?? []);
  const known =
    names.length > 0
      ? fc.record(Object.fromEntries(names.map((name) => [name, valueFor(properties[name]!, root, options, depth + 1)])), {
          requiredKeys: names.filter((name) => required.has(name)),
        })
      : fc.constant({} as Record<string, unknown>);
  const extra =
    typeof schema.additionalProperties === 'object'
      ? fc.dictionary(keyFor(schema.propertyNames), valueFor(schema.additionalProperties, root, options, depth + 1), { maxKeys: 3 })
      : fc.constant({} as Record<string, unknown>);
  const base = fc.tuple(known, extra).map(([a, b]) => ({ ...b, ...a }) as Record<string, unknown>);
  if (options.hostile <= 0) return base;
  // Now and then an unknown field or a prototype key beside the known ones.
  return fc.oneof(
    { weight: 90, arbitrary: base },
    { weight: 5, arbitrary: fc.tuple(base, fc.string({ minLength: 1, maxLength: 8 }), hostileValue).map(([o, k, v]) => withOwnKey(o, k, v)) },
    { weight: 5, arbitrary: fc.tuple(base, prototypeKey, fc.string({ maxLength: 3 })).map(([o, k, v]) => withOwnKey(o, k, v)) },
  );
}

function keyFor(schema: JsonSchema | undefined): fc.Arbitrary<string> {
  if (schema?.pattern) return patternString({ ...schema, minLength: Math.max(1, schema.minLength ?? 1), maxLength: schema.maxLength ?? 20 });
  return fc.string({ minLength: Math.max(1, schema?.minLength ?? 1), maxLength: Math.min(schema?.maxLength ?? 12, 12) });
}
