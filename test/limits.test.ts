/**
 * Issue 14, defects 2, 3, 4 and 7: Stripe's limits (schemas/limits.ts) refuse, before anything is
 * sent and naming the field, a body nested 10,000 deep, over-long ids, cursors and texts, prototype
 * keys, and a meter event without its customer and value. Each figure is re-derived from Stripe's
 * OpenAPI description where it comes from there.
 */
import { StripeInputValidationError } from '../client/errors';
import {
  ID_MAX_LENGTH,
  LONG_TEXT_MAX_LENGTH,
  MAX_PARAM_DEPTH,
  METADATA_KEY_MAX_LENGTH,
  METADATA_MAX_KEYS,
  METADATA_VALUE_MAX_LENGTH,
  TEXT_MAX_LENGTH,
  paramLimitProblems,
} from '../schemas/limits';
import type { ActionDefinition } from '../actions/define';
import { toJsonSchema } from '../connector/manifest';
import { listActions } from '../connector/registry';
import { maxTextLength } from '../schemas/limits';
import { piped } from './support/cli';
import { TEST_KEY, caught, useEmulator } from './support/harness';
import { deref, spec, template, type JsonSchema } from './support/spec';

const env = useEmulator();

/** A refusal: the error names `field` (exactly, or as the prefix of a deeper path), and nothing went out. */
async function refused(key: string, input: unknown, field: string | RegExp): Promise<StripeInputValidationError> {
  const before = env.emulator.requests.length;
  const error = await caught(env.run(key, input));
  expect(error).toBeInstanceOf(StripeInputValidationError);
  const fields = (error as StripeInputValidationError).fields.map((f) => f.field);
  if (typeof field === 'string') expect(fields).toContain(field);
  else expect(fields.some((f) => field.test(f))).toBe(true);
  expect(env.emulator.requests.length).toBe(before);
  return error as StripeInputValidationError;
}

function nested(depth: number, leaf: unknown = 'x'): Record<string, unknown> {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value as Record<string, unknown>;
}

describe('depth (defect 2)', () => {
  it('refuses a raw_api_request body nested 10,000 deep, naming the field, without sending', async () => {
    const error = await refused('raw_api_request', { method: 'POST', path: '/v1/customers', body: nested(10_000) }, /^body(\.a)+$/);
    expect(error.fields[0]!.message).toMatch(/nested more than 16 levels/);
    // The path stops at the limit: the error stays small.
    expect(error.fields[0]!.field.split('.').length).toBeLessThanOrEqual(MAX_PARAM_DEPTH + 1);
  });

  it('the client itself refuses it too (no RangeError from the encoders), for form and JSON bodies', async () => {
    for (const path of ['/v1/customers', '/v2/core/events']) {
      const error = await caught(env.client.request({ method: 'POST', path, params: nested(10_000) }));
      expect(error).toBeInstanceOf(StripeInputValidationError);
      expect(error.param).toMatch(/^a(\.a)+$/);
    }
    expect(env.emulator.requests).toHaveLength(0);
  });

  it('sends what nests as deep as the limit allows', async () => {
    await env.run('raw_api_request', { method: 'POST', path: '/v1/customers', body: { metadata: { k: 'v' } } });
    expect(paramLimitProblems(nested(MAX_PARAM_DEPTH))).toEqual([]);
    expect(paramLimitProblems(nested(MAX_PARAM_DEPTH + 1))).toHaveLength(1);
  });

  it('walks a sparse array (a library caller\'s) without crashing (found by test/fuzz.test.ts)', () => {
    const sparse: unknown[] = ['a', 'b'];
    delete sparse[0];
    expect(paramLimitProblems({ expand: sparse })).toEqual([]);
    const withProto: unknown[] = [];
    withProto[3] = JSON.parse('{"__proto__": 1}');
    expect(paramLimitProblems({ items: withProto })).toEqual([expect.objectContaining({ field: 'items.3.__proto__' })]);
  });

  it('the CLI exits 2 and names the field', async () => {
    // Written as text: JSON.stringify itself runs out of stack on 10,000 levels.
    const input = `{"method": "POST", "path": "/v1/customers", "body": ${'{"a": '.repeat(10_000)}"x"${'}'.repeat(10_000)}}`;
    const { code, stderr } = await piped(['run', 'raw_api_request', '--input', '-'], { STRIPE_SECRET_KEY: TEST_KEY, STRIPE_API_BASE: env.emulator.url }, input);
    expect(code).toBe(2);
    expect(JSON.parse(stderr).error.fields[0].field).toMatch(/^body(\.a)+$/);
    expect(env.emulator.requests).toHaveLength(0);
  });
});

describe('lengths (defect 3)', () => {
  const long = (n: number) => 'a'.repeat(n);

  it('ids and cursors: at most 255 characters', async () => {
    await refused('retrieve_customer', { customer_id: `cus_${long(ID_MAX_LENGTH)}` }, 'customer_id');
    await refused('list_customers', { starting_after: `cus_${long(100_000)}` }, 'starting_after');
    await refused('list_charges', { ending_before: `ch_${long(ID_MAX_LENGTH)}` }, 'ending_before');
    await refused('search_customers', { query: "email:'a@b.co'", page: long(ID_MAX_LENGTH + 1) }, 'page');
    await refused('create_charge', { amount: 100, currency: 'usd', customer: `cus_${long(300)}` }, 'customer');
    // 255 exactly goes out (the emulator then has no such customer).
    const error = await caught(env.run('retrieve_customer', { customer_id: `cus_${long(ID_MAX_LENGTH - 4)}` }));
    expect(error.statusCode).toBe(404);
  });

  it('texts: 1 MB address or transfer_group values are refused, naming the field', async () => {
    await refused('create_customer', { address: { line1: long(1_000_000) } }, 'address.line1');
    await refused('create_charge', { amount: 100, currency: 'usd', source: 'tok_visa', transfer_group: long(1_000_000) }, 'transfer_group');
    await refused('create_customer', { address: { city: long(TEXT_MAX_LENGTH + 1) } }, 'address.city');
    await refused('search_customers', { query: long(TEXT_MAX_LENGTH + 1) }, 'query');
    // Stripe's longer texts keep their own limit.
    await refused('update_product', { product_id: 'prod_1', description: long(LONG_TEXT_MAX_LENGTH.description! + 1) }, 'description');
    await env.run('create_customer', { address: { city: long(TEXT_MAX_LENGTH) } });
  });

  it('metadata: 50 keys, keys of 40 characters, values of 500', async () => {
    const many = Object.fromEntries(Array.from({ length: METADATA_MAX_KEYS + 1 }, (_, i) => [`k${i}`, 'v']));
    await refused('create_customer', { metadata: many }, 'metadata');
    await refused('create_customer', { metadata: { [long(METADATA_KEY_MAX_LENGTH + 1)]: 'v' } }, /^metadata/);
    await refused('create_customer', { metadata: { plan: long(METADATA_VALUE_MAX_LENGTH + 1) } }, 'metadata.plan');
  });

  it('raw_api_request bodies and queries are held to the same text limit', async () => {
    await refused('raw_api_request', { method: 'GET', path: '/v1/customers', query: { email: long(TEXT_MAX_LENGTH + 1) } }, 'query.email');
  });
});

describe('prototype keys (defect 4)', () => {
  it.each(['__proto__', 'constructor', 'prototype'])('refuses metadata key %s as JSON input gives it, naming the field', async (key) => {
    const input = JSON.parse(`{"email": "p@example.com", "metadata": {"${key}": "x", "plan": "pro"}}`);
    await refused('create_customer', input, `metadata.${key}`);
  });

  it('refuses a nested __proto__ in a raw_api_request body instead of sending a[__proto__][...]', async () => {
    const input = JSON.parse('{"method": "POST", "path": "/v1/customers", "body": {"metadata": {"__proto__": {"b": "1"}}}}');
    await refused('raw_api_request', input, 'body.metadata.__proto__');
    const top = JSON.parse('{"method": "POST", "path": "/v1/customers", "body": {"__proto__": "x"}}');
    await refused('raw_api_request', top, 'body.__proto__');
  });

  it.each(['__proto__', 'constructor', 'prototype'])('subscribe --filter %s=x exits 2 and names the filter', async (key) => {
    const { code, stderr } = await piped(['subscribe', 'new_charge', '--id', 'proto-test', '--filter', `${key}=x`], { STRIPE_SECRET_KEY: TEST_KEY });
    expect(code).toBe(2);
    const error = JSON.parse(stderr).error;
    expect(error.fields.map((f: { field: string }) => f.field)).toEqual(['filter']);
    expect(error.message).toContain(JSON.stringify(key));
  });
});

describe('meter event payload (defect 7)', () => {
  it('refuses payload {} naming both keys, and sends nothing', async () => {
    const error = await refused('create_meter_event', { event_name: 'api_requests', payload: {} }, 'payload.stripe_customer_id');
    expect(error.fields.map((f) => f.field)).toEqual(expect.arrayContaining(['payload.stripe_customer_id', 'payload.value']));
    await refused('create_meter_event', { event_name: 'api_requests', payload: { stripe_customer_id: 'cus_1' } }, 'payload.value');
    await refused('create_meter_event', { event_name: 'api_requests', payload: { value: '3' } }, 'payload.stripe_customer_id');
  });
});

const describeWithSpec = spec ? describe : describe.skip;

describeWithSpec('each figure from Stripe\'s OpenAPI description', () => {
  /** Every request parameter schema of the spec, with its name and nesting level. */
  type Found = { name: string; level: number; schema: JsonSchema & { maxLength?: number } };
  function* requestStrings(): Generator<Found> {
    const seen = new Set<JsonSchema>();
    function* walk(schema: JsonSchema | undefined, name: string, level: number): Generator<Found> {
      const s = deref(schema);
      if (!s || seen.has(s)) return;
      yield { name, level, schema: s };
      seen.add(s);
      for (const variant of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) yield* walk(variant, name, level);
      for (const [key, child] of Object.entries(s.properties ?? {})) yield* walk(child, key, level + 1);
      if (s.items) yield* walk(s.items, name, level + 1);
      if (typeof s.additionalProperties === 'object') yield* walk(s.additionalProperties, name, level + 1);
      seen.delete(s);
    }
    for (const operations of Object.values(spec!.paths)) {
      for (const operation of Object.values(operations)) {
        for (const p of operation.parameters ?? []) if (p.in === 'query') yield* walk(p.schema, p.name, 1);
        const body = operation.requestBody?.content?.['application/x-www-form-urlencoded']?.schema;
        for (const [key, child] of Object.entries(deref(body)?.properties ?? {})) yield* walk(child, key, 1);
      }
    }
  }

  const all = spec ? [...requestStrings()] : [];
  const lengths = all.filter((s) => typeof s.schema.maxLength === 'number');

  it('TEXT_MAX_LENGTH is the spec\'s usual maxLength, and only the LONG_TEXT names go beyond it', () => {
    const counts = new Map<number, number>();
    for (const s of lengths) counts.set(s.schema.maxLength!, (counts.get(s.schema.maxLength!) ?? 0) + 1);
    const usual = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    expect(usual).toBe(TEXT_MAX_LENGTH);
    const longer: Record<string, number> = {};
    for (const s of lengths) if (s.schema.maxLength! > TEXT_MAX_LENGTH) longer[s.name] = Math.max(longer[s.name] ?? 0, s.schema.maxLength!);
    expect(longer).toEqual(LONG_TEXT_MAX_LENGTH);
  });

  it('the deepest parameter nests 8 levels, within MAX_PARAM_DEPTH', () => {
    const deepest = Math.max(...all.map((s) => s.level));
    expect(deepest).toBe(8);
    expect(deepest).toBeLessThan(MAX_PARAM_DEPTH);
  });

  type Schema = JsonSchema & { maxLength?: number; pattern?: string };

  /** The spec's form parameters (and query parameters) of an operation, by name. */
  function operationParams(method: string, path: string): Record<string, Schema> | undefined {
    for (const [specPath, operations] of Object.entries(spec!.paths)) {
      if (template(specPath) !== template(path)) continue;
      const operation = operations[method.toLowerCase()];
      if (!operation) return undefined;
      const out: Record<string, Schema> = {};
      for (const p of operation.parameters ?? []) if (p.in === 'query') out[p.name] = p.schema ?? {};
      Object.assign(out, deref(operation.requestBody?.content?.['application/x-www-form-urlencoded']?.schema)?.properties ?? {});
      return out;
    }
    return undefined;
  }

  function specMaxLength(schema: JsonSchema | undefined): number | undefined {
    const s = deref(schema) as Schema | undefined;
    if (!s) return undefined;
    if (typeof s.maxLength === 'number') return s.maxLength;
    for (const variant of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) {
      const found = specMaxLength(variant);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  function child(schema: JsonSchema | undefined, name: string | '[]'): JsonSchema | undefined {
    const s = deref(schema);
    if (!s) return undefined;
    const direct = name === '[]' ? s.items : s.properties?.[name];
    if (direct) return direct;
    for (const variant of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) {
      const found = child(variant, name);
      if (found) return found;
    }
    return undefined;
  }

  /** The longest string a field lets through: its schema's maxLength, a fixed-size pattern, else the limits walk's. */
  function effectiveMaxLength(ours: Schema, leaf: string): number {
    if (typeof ours.maxLength === 'number') return ours.maxLength;
    if (ours.enum?.length) return Math.max(...ours.enum.map((v) => String(v).length));
    if (ours.pattern && !/[+*]|\{\d+,\}/.test(ours.pattern)) return 0; // a pattern of bounded length
    return maxTextLength(leaf);
  }

  it('every action\'s string fields are held to at most the spec\'s maxLength (by their schema or the limits)', () => {
    const over: string[] = [];
    let checked = 0;
    const walk = (key: string, ours: Schema | undefined, theirs: JsonSchema | undefined, path: string, leaf: string) => {
      if (!ours || !theirs) return;
      for (const variant of ours.anyOf ?? []) walk(key, variant as Schema, theirs, path, leaf);
      const types = [ours.type ?? []].flat();
      const max = specMaxLength(theirs);
      if (types.includes('string') && max !== undefined) {
        checked++;
        const allowed = effectiveMaxLength(ours, leaf);
        if (allowed > max) over.push(`${key} ${path}: ${allowed} > the spec's ${max}`);
      }
      for (const [name, sub] of Object.entries(ours.properties ?? {})) walk(key, sub as Schema, child(theirs, name), `${path}.${name}`, name);
      if (ours.items) walk(key, ours.items as Schema, child(theirs, '[]'), `${path}[]`, leaf);
    };
    for (const action of listActions() as ActionDefinition[]) {
      if (action.method === 'ANY') continue;
      const params = operationParams(action.method, action.path);
      if (!params) continue;
      const input = toJsonSchema(action.input) as Schema;
      for (const [name, ours] of Object.entries(input.properties ?? {})) walk(action.key, ours as Schema, params[name], name, name);
    }
    expect(checked).toBeGreaterThan(400);
    expect(over).toEqual([]);
  });
});
