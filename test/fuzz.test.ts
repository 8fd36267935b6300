/**
 * Issue 14, Build 3: fuzzing with fast-check over every action's input schema and over the CLI's
 * JSON input, at a capture server over real HTTP that counts what arrives. Each case either fails
 * validation with an error naming a field and sends nothing, or sends exactly the declared request:
 * the action's method, its path with the ids filled in, and a form body (or query) that is the
 * parsed input, pair for pair. No case may end any other way.
 *
 * Seeded and reproducible: FUZZ_SEED (default below) and FUZZ_RUNS (cases per action and mode).
 * A failure prints the seed, the action and the shrunk input.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import type { ActionDefinition } from '../actions/define';
import { StripeClient } from '../client/client';
import { StripeError, StripeInputValidationError } from '../client/errors';
import { closeTransport } from '../client/transport';
import { readJsonInput } from '../connector/cli/input';
import { toJsonSchema } from '../connector/manifest';
import { listActions } from '../connector/registry';
import { parseActionInput, runParsed } from '../connector/runner';
import { piped } from './support/cli';
import { hostileValue, valueFor, withOwnKey, type JsonSchema } from './support/fuzz';
import { TEST_KEY, useEmulator } from './support/harness';
import { allCases } from './cases';

const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const RUNS = Number(process.env.FUZZ_RUNS ?? 16);
const CONNECTOR_FIELDS = new Set(['idempotency_key', 'return_all', 'max_items', 'fields']);

interface Captured {
  method: string;
  path: string;
  query: string;
  body: string;
}

let server: Server;
let base = '';
const captured: Captured[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://capture');
      captured.push({ method: req.method ?? '', path: url.pathname, query: url.search.slice(1), body: Buffer.concat(chunks).toString('utf8') });
      // One answer that every action can read: an object, a list page and a search page at once.
      res
        .writeHead(200, { 'Content-Type': 'application/json', 'Request-Id': 'req_fuzz' })
        .end(JSON.stringify({ id: 'obj_fuzz', object: 'list', data: [], has_more: false, next_page: null }));
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await closeTransport();
  await new Promise((done) => server.close(done));
});

const client = () => new StripeClient({ secret_key: TEST_KEY }, { apiBase: base, maxRetries: 0 });

/** Form pairs as Stripe reads them (`a[b][0]=v`), flattened here without qs: an independent oracle. */
function formPairs(value: unknown, prefix = '', out: string[] = []): string[] {
  if (value === undefined) return out;
  if (value === null) out.push(`${prefix}=`);
  else if (Array.isArray(value)) value.forEach((item, i) => formPairs(item, `${prefix}[${i}]`, out));
  else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) formPairs(v, prefix ? `${prefix}[${k}]` : k, out);
  else out.push(`${prefix}=${String(value)}`);
  return out;
}

function decodePairs(text: string): string[] {
  return text
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const [k, v] = eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
      return `${decodeURIComponent(k)}=${decodeURIComponent(v)}`;
    });
}

interface Declared {
  method: string;
  path: string;
  params: Record<string, unknown>;
}

const fill = (template: string, input: Record<string, unknown>) =>
  template.replace(/\{([a-z_]+)\}/g, (_m, name: string) => encodeURIComponent(String(input[name])));

/** The one request an action declares for a parsed input. */
function declaredRequest(action: ActionDefinition, parsed: Record<string, any>): Declared {
  const expand = (paths?: string[]) => paths?.map((p) => `data.${p}`);
  switch (action.key) {
    case 'raw_api_request':
      return { method: parsed.method, path: parsed.path, params: (parsed.method === 'POST' ? parsed.body : parsed.query) ?? {} };
    case 'find_customer':
      return parsed.customer_id !== undefined
        ? { method: 'GET', path: `/v1/customers/${parsed.customer_id}`, params: { expand: parsed.expand } }
        : { method: 'GET', path: '/v1/customers', params: { email: parsed.email, limit: 1, expand: expand(parsed.expand) } };
    case 'find_invoice':
      return parsed.invoice_id !== undefined
        ? { method: 'GET', path: `/v1/invoices/${parsed.invoice_id}`, params: { expand: parsed.expand } }
        : { method: 'GET', path: '/v1/invoices/search', params: { query: `number:'${parsed.number}'`, limit: 1, expand: expand(parsed.expand) } };
    case 'deactivate_payment_link': {
      const { payment_link_id, idempotency_key, ...rest } = parsed;
      return { method: 'POST', path: fill(action.path, parsed), params: { ...rest, active: false } };
    }
  }
  const pathIds = [...action.path.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]!);
  const params = Object.fromEntries(Object.entries(parsed).filter(([k]) => !CONNECTOR_FIELDS.has(k) && !pathIds.includes(k)));
  if (action.paging && parsed.return_all) params.limit = Math.min(100, parsed.max_items);
  return { method: action.method, path: fill(action.path, parsed), params };
}

/** Every dotted path into a value (keys may hold dots themselves, so paths are compared whole). */
function pathsOf(value: unknown, prefix = '', out: Set<string> = new Set(), depth = 0): Set<string> {
  if (value === null || typeof value !== 'object' || depth > 20) return out;
  for (const [key, item] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    out.add(path);
    pathsOf(item, path, out, depth + 1);
  }
  return out;
}

/**
 * Whether the error names a field of this input: a field of the schema, a path the input holds, or
 * a key missing under one of those (a required field left out).
 */
function namesAField(field: string, input: unknown, schema: JsonSchema): boolean {
  if (field === '(input)') return true;
  const anchors = new Set([...Object.keys(schema.properties ?? {}), ...pathsOf(input)]);
  if (anchors.has(field)) return true;
  for (const anchor of anchors) if (field.startsWith(`${anchor}.`)) return true;
  return false;
}

interface Tally {
  cases: number;
  sent: number;
  refused: number;
}
const tally: Record<string, Tally> = {};

/** Runs one case and checks its outcome; throws (failing the property) on any other. */
async function checkCase(action: ActionDefinition, schema: JsonSchema, input: unknown, run: (input: unknown) => Promise<unknown>): Promise<void> {
  const entry = (tally[action.key] ??= { cases: 0, sent: 0, refused: 0 });
  entry.cases++;
  const before = captured.length;
  try {
    await run(input);
  } catch (error) {
    if (!(error instanceof StripeInputValidationError)) {
      throw new Error(`${action.key}: ended with ${error instanceof StripeError ? error.name : 'a crash'}: ${(error as Error)?.stack ?? String(error)}`);
    }
    entry.refused++;
    expect(captured.length).toBe(before);
    expect(error.fields.length).toBeGreaterThan(0);
    for (const problem of error.fields) {
      if (!namesAField(problem.field, input, schema)) throw new Error(`${action.key}: the error names ${JSON.stringify(problem.field)}, not a field of the input`);
    }
    return;
  }
  entry.sent++;
  const parsed = action.input.parse(input ?? {}) as Record<string, unknown>;
  const declared = declaredRequest(action, parsed);
  expect(captured.length).toBe(before + 1);
  const sent = captured[before]!;
  expect([sent.method, sent.path]).toEqual([declared.method, declared.path]);
  if (sent.method === 'POST' && sent.path.startsWith('/v2/')) {
    expect(JSON.parse(sent.body)).toEqual(declared.params);
  } else {
    const wire = sent.method === 'POST' ? sent.body : sent.query;
    expect(decodePairs(wire).sort()).toEqual(formPairs(declared.params).sort());
  }
}

const actions = listActions() as ActionDefinition[];

/** Valid inputs, one per action: the catalogue's, made against the emulator (ids that exist there). */
const emulatorEnv = useEmulator();
const validInputs = new Map<string, Record<string, unknown>>();
beforeAll(async () => {
  // Each case expects a fresh emulator; its ids only need to be well-formed, since the fuzz cases go to the capture server.
  for (const actionCase of allCases) {
    emulatorEnv.emulator.reset();
    validInputs.set(actionCase.key, withFixedIds(await actionCase.input(emulatorEnv)) as Record<string, unknown>);
  }
}, 60_000);

/** The emulator's random ids replaced by fixed ones of the same shape, so a seed replays the same cases. */
function withFixedIds(value: unknown, counter = { n: 0 }): unknown {
  if (typeof value === 'string') {
    const id = /^([a-z]+(?:_[a-z]+)?)_[A-Za-z0-9]{10,}$/.exec(value);
    return id ? `${id[1]}_Fuzz${String(counter.n++).padStart(10, '0')}` : value;
  }
  if (Array.isArray(value)) return value.map((item) => withFixedIds(item, counter));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withFixedIds(v, counter)]));
  return value;
}

type Mutation = { op: 'keep' | 'drop' | 'replace' | 'add' | 'proto'; at: number; key: string; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('keep', 'drop', 'replace', 'replace', 'add', 'proto'),
  at: fc.nat(),
  key: fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'prototype')),
  value: hostileValue,
});

/** A valid input with one node changed: dropped, replaced by a hostile value, or given an extra (or prototype) key. */
function mutate(base: Record<string, unknown>, { op, at, key, value }: Mutation): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  if (op === 'keep') return copy;
  const slots: Array<[Record<string, unknown>, string]> = [];
  const containers: Record<string, unknown>[] = [copy];
  const visit = (node: unknown) => {
    if (node === null || typeof node !== 'object') return;
    if (!Array.isArray(node)) containers.push(node as Record<string, unknown>);
    for (const k of Object.keys(node)) {
      slots.push([node as Record<string, unknown>, k]);
      visit((node as Record<string, unknown>)[k]);
    }
  };
  for (const k of Object.keys(copy)) {
    slots.push([copy, k]);
    visit(copy[k]);
  }
  if ((op === 'drop' || op === 'replace') && slots.length > 0) {
    const [parent, k] = slots[at % slots.length]!;
    if (op === 'drop') delete parent[k];
    else parent[k] = value;
    return copy;
  }
  const target = containers[at % containers.length]!;
  Object.defineProperty(target, op === 'proto' ? ['__proto__', 'constructor', 'prototype'][at % 3]! : key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

/** raw_api_request's path is a refinement (no pattern in its schema): paths are drawn from real ones and noise. */
function inputArbitrary(action: ActionDefinition, schema: JsonSchema, hostile: number): fc.Arbitrary<unknown> {
  if (action.key !== 'raw_api_request') return valueFor(schema, schema, { hostile });
  const params = fc.oneof(
    fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }),
    fc.tuple(fc.constantFrom('__proto__', 'constructor'), hostileValue).map(([k, v]) => withOwnKey({ a: 1 }, k, v)),
    hostileValue,
  );
  return fc.record(
    {
      method: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'get'),
      path: fc.oneof(fc.constantFrom('/v1/customers', '/v1/charges/ch_1', '/v1/customers/cus_1/balance_transactions', '/v2/core/events', '/v1/../v2', '//evil.example/v1', 'https://evil.example/v1/x'), fc.string({ maxLength: 20 })),
      query: params,
      body: params,
      idempotency_key: fc.string({ maxLength: 10 }),
    },
    { requiredKeys: ['method', 'path'] },
  );
}

describe('fuzzing every action\'s input schema (seed ' + SEED + ')', () => {
  it('covers all 125 actions', () => {
    expect(actions).toHaveLength(125);
  });

  describe.each(actions.map((action, index) => [action.key, action, index] as const))('%s', (_key, action, index) => {
    const schema = toJsonSchema(action.input) as JsonSchema;
    const run = (input: unknown) => runParsed(action, parseActionInput(action, input), { client: client() });

    it.each([
      ['fitting its schema', 0],
      ['with hostile values mixed in', 0.15],
    ] as const)('%s: refused naming a field, or sent exactly as declared', async (_mode, hostile) => {
      await fc.assert(
        fc.asyncProperty(inputArbitrary(action, schema, hostile), (input) => checkCase(action, schema, input, run)),
        { seed: SEED + index * 3 + (hostile ? 1 : 0), numRuns: RUNS, endOnFailure: true },
      );
    });

    it('mutations of a valid input: refused naming a field, or sent exactly as declared', async () => {
      const base = validInputs.get(action.key)!;
      expect(base).toBeDefined();
      await fc.assert(
        fc.asyncProperty(mutation, (change) => checkCase(action, schema, mutate(base, change), run)),
        { seed: SEED + index * 3 + 2, numRuns: RUNS, endOnFailure: true },
      );
    });
  });

  describe('the CLI\'s JSON input (--input as text)', () => {
    const texts = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
      fc.string({ maxLength: 30 }),
      fc.constantFrom(
        '',
        '{',
        '[]',
        'null',
        '"x"',
        '\ufeff{}',
        '{"__proto__": {"x": 1}}',
        '{"metadata": {"__proto__": "x"}}',
        '{"constructor": {"prototype": {}}}',
        '{"amount": 1e999}',
        '{"a": 1, "a": 2}',
        `${'['.repeat(5000)}${']'.repeat(5000)}`,
        `{"body": ${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}, "method": "POST", "path": "/v1/customers"}`,
      ),
    );
    it.each(actions.filter((_, i) => i % 5 === 0).map((action) => [action.key, action] as const))('%s', async (_key, action) => {
      const schema = toJsonSchema(action.input) as JsonSchema;
      await fc.assert(
        fc.asyncProperty(texts, async (text) => {
          const before = captured.length;
          let input: unknown;
          try {
            input = await readJsonInput({ input: text });
          } catch (error) {
            expect(error).toBeInstanceOf(StripeInputValidationError);
            expect((error as StripeInputValidationError).fields.map((f) => f.field)).toEqual(['input']);
            expect(captured.length).toBe(before);
            return;
          }
          await checkCase(action, schema, input, (value) => runParsed(action, parseActionInput(action, value), { client: client() }));
        }),
        { seed: SEED + 7919, numRuns: RUNS },
      );
    });
  });

  it('the built CLI exits 0 or 2 on hostile JSON input, with a JSON error naming the field', async () => {
    const cases: Array<[string, string]> = [
      ['create_customer', '{"metadata": {"__proto__": "x"}}'],
      ['create_customer', '{"email": '],
      ['raw_api_request', `{"method": "POST", "path": "/v1/customers", "body": ${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`],
      ['list_customers', `{"starting_after": "cus_${'a'.repeat(100_000)}"}`],
      ['create_meter_event', '{"event_name": "e", "payload": {}}'],
      ['retrieve_customer', '{"customer_id": "cus_1/../../v1/charges"}'],
    ];
    for (const [key, text] of cases) {
      const before = captured.length;
      const { code, stderr } = await piped(['run', key, '--input', '-'], { STRIPE_SECRET_KEY: TEST_KEY, STRIPE_API_BASE: base }, text);
      expect([key, code]).toEqual([key, 2]);
      const error = JSON.parse(stderr).error;
      expect(error.fields.length).toBeGreaterThan(0);
      expect(captured.length).toBe(before);
    }
  });

  afterAll(() => {
    // Every action got through to a request at least once (the valid input unchanged, at the least).
    expect(Object.entries(tally).filter(([, t]) => t.sent === 0).map(([key]) => key)).toEqual([]);
    const all = Object.values(tally);
    const total = all.reduce((sum, t) => sum + t.cases, 0);
    const sent = all.reduce((sum, t) => sum + t.sent, 0);
    // A visible figure per run (the closing note quotes it).
    console.log(`fuzz: seed ${SEED}, ${total} cases over ${Object.keys(tally).length} actions: ${sent} sent as declared, ${total - sent} refused before sending`);
  });
});
