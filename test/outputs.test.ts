/**
 * Output schemas and samples: every action and trigger says what it returns, with a realistic
 * sample that its own schema accepts, both as zod and as the JSON Schema in the manifest. (Real
 * emulator responses are checked against the same schemas by the catalogue test.)
 */
import { buildManifest } from '../connector/manifest';
import { actionHints } from '../connector/hints';
import { listActions } from '../connector/registry';
import { declaredObjectTypes } from '../schemas/objects/define';
import { listTriggers } from '../triggers/definitions';
import { expectMatchesOutput, jsonSchemaProblems } from './support/outputs';

const manifest = buildManifest();

describe('object types', () => {
  const types = declaredObjectTypes();

  it('are declared for every Stripe object the catalogue returns', () => {
    expect(types.map((t) => t.object).sort()).toEqual(
      expect.arrayContaining(['customer', 'charge', 'payment_intent', 'refund', 'invoice', 'subscription', 'price', 'product', 'checkout.session', 'event']),
    );
    expect(types.length).toBeGreaterThanOrEqual(30);
  });

  it.each(types.map((t) => [t.object, t] as const))('%s: its sample matches its schema', (_object, type) => {
    expectMatchesOutput(type, type.sample, `the ${type.object} sample`);
    expect(type.sample.object).toBe(type.object);
  });

  it('refuse a wrong type, and accept fields Stripe may add', () => {
    const customer = types.find((t) => t.object === 'customer')!;
    expect(customer.schema.safeParse({ ...customer.sample, created: 'yesterday' }).success).toBe(false);
    expect(customer.schema.safeParse({ ...customer.sample, email: undefined }).success).toBe(false);
    expect(customer.schema.safeParse({ ...customer.sample, brand_new_field: { x: 1 } }).success).toBe(true);
    // Open values: a status Stripe adds tomorrow must not fail a flow.
    const charge = types.find((t) => t.object === 'charge')!;
    expect(charge.schema.safeParse({ ...charge.sample, status: 'a_status_added_later' }).success).toBe(true);
  });
});

describe('every action', () => {
  it.each(listActions().map((a) => [a.key, a] as const))('%s: has an output and a sample that matches it (zod and JSON Schema)', (key, action) => {
    expectMatchesOutput(action.output, action.output.sample, `${key}'s sample`);
    const entry = manifest.actions.find((a) => a.key === key)!;
    expect(entry.sample).toEqual(action.output.sample);
    expect(jsonSchemaProblems(entry.output, entry.sample, manifest.$defs)).toBeUndefined();
  });

  it('shares one schema per object type: what create, retrieve and update return is the same', () => {
    const outputOf = (key: string) => manifest.actions.find((a) => a.key === key)!.output;
    expect(outputOf('update_customer')).toEqual(outputOf('create_customer'));
    expect(outputOf('capture_payment_intent')).toEqual(outputOf('create_payment_intent'));
    expect(outputOf('retrieve_invoice')).toEqual(outputOf('finalize_invoice'));
    const withoutDialect = (schema: Record<string, unknown>) => Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema'));
    const listItems = (outputOf('list_customers') as { properties: { data: { items: unknown } } }).properties.data.items;
    expect(listItems).toEqual(withoutDialect(outputOf('create_customer')));
    // A customer is the one object Stripe still answers after deletion, as its stub.
    const retrieved = outputOf('retrieve_customer') as { anyOf: unknown[] };
    expect(retrieved.anyOf[0]).toEqual(withoutDialect(outputOf('create_customer')));
    expect(jsonSchemaProblems(outputOf('retrieve_customer'), { id: 'cus_1', object: 'customer', deleted: true }, manifest.$defs)).toBeUndefined();
  });

  it('lists return { data, has_more }, deletes { id, object, deleted }, find_* the object or null', () => {
    const entry = (key: string) => manifest.actions.find((a) => a.key === key)!;
    expect(entry('list_charges').output).toMatchObject({ type: 'object', required: ['data', 'has_more'] });
    expect(entry('list_charges').sample).toMatchObject({ data: [expect.objectContaining({ object: 'charge' })], has_more: false });
    expect(entry('search_charges').output).toMatchObject({ properties: { next_page: expect.anything() } });
    expect(entry('delete_customer').sample).toEqual({ id: 'cus_TZ0aSample0001', object: 'customer', deleted: true });
    expect(jsonSchemaProblems(entry('delete_customer').output, { id: 'cus_1', object: 'customer', deleted: false }, manifest.$defs)).toBeDefined();
    expect(jsonSchemaProblems(entry('find_customer').output, null, manifest.$defs)).toBeUndefined();
    expect(jsonSchemaProblems(entry('find_customer').output, { id: 'cus_1' }, manifest.$defs)).toBeDefined();
  });

  it('carries hints: GET means read-only; removals and money movements are destructive; updates are idempotent', () => {
    const moneyCreates = ['create_charge', 'create_payment_intent', 'create_refund', 'create_payout', 'create_transfer', 'create_subscription', 'create_credit_note'];
    for (const action of listActions()) {
      const hints = actionHints(action);
      expect([action.key, hints.read_only]).toEqual([action.key, action.method === 'GET']);
      if (/^(delete|cancel|void|detach|expire|close|capture|pay)_/.test(action.key)) expect([action.key, hints.destructive]).toEqual([action.key, true]);
      if (/^create_/.test(action.key)) {
        expect([action.key, hints]).toEqual([action.key, { read_only: false, destructive: moneyCreates.includes(action.key), idempotent: false }]);
      }
      if (/^update_/.test(action.key)) expect([action.key, hints]).toEqual([action.key, { read_only: false, destructive: false, idempotent: true }]);
      expect(manifest.actions.find((a) => a.key === action.key)!.hints).toEqual(hints);
    }
  });
});

describe('every trigger', () => {
  it.each(listTriggers().map((t) => [t.key, t] as const))('%s: has an output and a sample that matches it (zod and JSON Schema)', (key, trigger) => {
    expectMatchesOutput(trigger.output, trigger.output.sample, `${key}'s sample`);
    const entry = manifest.triggers.find((t) => t.key === key)!;
    expect(jsonSchemaProblems(entry.output, entry.sample, manifest.$defs)).toBeUndefined();
    expect(entry.sample).toMatchObject({ trigger: key, livemode: false });
  });

  it('event triggers emit events of their own types only', () => {
    const paymentFailed = listTriggers().find((t) => t.key === 'payment_failed')!;
    const sample = paymentFailed.output.sample as { object: { type: string; data: { object: { status: string } } } };
    expect(sample.object.type).toBe('charge.failed');
    expect(sample.object.data.object.status).toBe('failed');
    const wrongType = { ...sample, object: { ...sample.object, type: 'charge.succeeded' } };
    expect(paymentFailed.output.schema.safeParse(wrongType).success).toBe(false);
  });
});
