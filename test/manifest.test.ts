import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildManifest, renderManifest } from '../connector/manifest';
import { standaloneSchema } from '../connector/json-schema';
import { renderActionIndex, renderCatalogue, withCatalogue } from '../tools/generate';
import { listActions } from '../connector/registry';
import { SECRET_KEY_PATTERN } from '../schemas/connection';

const committedPath = join(__dirname, '..', 'manifest.json');

describe('manifest.json', () => {
  it('is exactly what the code generates (run `npm run manifest` after changing an action)', () => {
    const committed = readFileSync(committedPath, 'utf8');
    expect(committed).toBe(renderManifest());
  });

  it('and so is actions/catalogue.json, the index that loads only an action\'s own group', () => {
    expect(readFileSync(join(__dirname, '..', 'actions', 'catalogue.json'), 'utf8')).toBe(renderActionIndex());
  });

  const manifest = buildManifest();
  // Each schema as a host reads it on its own: the manifest's references inlined.
  const alone = (schema: Record<string, unknown>) => standaloneSchema(schema, manifest.$defs, { mode: 'inline' });

  it('describes the connection form: a secret, pattern-checked key; optional account and version', () => {
    const schema = manifest.connection.schema as { properties: Record<string, any>; required: string[] };
    expect(schema.required).toEqual(['secret_key']);
    expect(schema.properties.secret_key).toMatchObject({ type: 'string', writeOnly: true, 'x-secret': true, pattern: SECRET_KEY_PATTERN.source });
    expect(new RegExp(schema.properties.secret_key.pattern).test('pk_test_abcdefghijkl')).toBe(false);
    expect(schema.properties.stripe_account.pattern).toBe('^acct_[A-Za-z0-9]+$');
    expect(schema.properties.api_version).toBeDefined();
    expect(manifest.connection.secret_fields).toEqual(['secret_key']);
    expect(manifest.connection.test).toMatchObject({ method: 'GET', path: '/v1/balance' });
  });

  it('lists every registered action with its input as JSON Schema', () => {
    expect(manifest.actions.map((a) => a.key)).toEqual(listActions().map((a) => a.key));
    for (const action of manifest.actions) {
      expect(action).toMatchObject({ title: expect.any(String), description: expect.any(String), group: expect.any(String) });
      expect(action.input).toMatchObject({ type: 'object', additionalProperties: false });
    }
    const byKey = Object.fromEntries(manifest.actions.map((a) => [a.key, alone(a.input) as { properties: Record<string, any>; required?: string[] }]));
    expect(byKey.create_charge!.required).toEqual(['amount', 'currency']);
    expect(byKey.create_charge!.properties.amount.description).toContain('smallest currency unit');
    expect(byKey.retrieve_customer!.required).toEqual(['customer_id']);
    expect(byKey.list_customers!.properties.limit).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 10 });
    expect(byKey.list_customers!.properties.max_items).toMatchObject({ default: 1000, maximum: 10000 });
    expect(byKey.list_customers!.required ?? []).toEqual([]);
    expect(byKey.create_customer!.properties.metadata).toMatchObject({ type: 'object', additionalProperties: { type: 'string' } });
  });

  it('lists every polling trigger with its options as JSON Schema, its output and a sample', () => {
    const keys = manifest.triggers.map((t) => t.key);
    for (const key of ['new_charge', 'new_refund', 'new_customer', 'new_payment_intent', 'new_invoice', 'new_subscription', 'new_dispute', 'new_payout', 'new_checkout_session', 'new_payment_link', 'new_event', 'payment_intent_succeeded', 'payment_failed', 'invoice_paid', 'invoice_payment_failed', 'subscription_updated', 'subscription_canceled', 'checkout_session_completed']) {
      expect(keys).toContain(key);
    }
    for (const trigger of manifest.triggers) {
      const options = alone(trigger.options) as { properties: Record<string, any>; required?: string[]; additionalProperties: boolean };
      expect(options.additionalProperties).toBe(false);
      expect(options.required ?? []).toEqual([]);
      expect(options.properties.every).toMatchObject({ type: 'string', default: '10m' });
      expect(options.properties.backfill).toMatchObject({ type: 'integer', default: 0, minimum: 0 });
      expect(options.properties.lookback_seconds).toMatchObject({ type: 'integer', default: 60 });
      const every = new RegExp(options.properties.every.pattern);
      for (const ok of ['10m', '90s', '1h', '1h30m']) expect(every.test(ok)).toBe(true);
      for (const bad of ['', '10 minutes', '1d']) expect(every.test(bad)).toBe(false);
      const sample = trigger.sample as { object_id: string; object: { id: string } };
      expect(Object.keys(sample).sort()).toEqual(['emitted_at', 'livemode', 'object', 'object_id', 'subscription_id', 'trigger']);
      expect(sample.object_id).toBe(sample.object.id);
      expect(alone(trigger.output)).toMatchObject({ type: 'object', required: ['subscription_id', 'trigger', 'object_id', 'object', 'livemode', 'emitted_at'] });
    }
    const byKey = Object.fromEntries(manifest.triggers.map((t) => [t.key, t]));
    expect(byKey.new_charge).toMatchObject({ source: 'list', path: '/v1/charges' });
    expect((alone(byKey.new_charge!.options) as any).properties.status.enum).toEqual(['succeeded', 'pending', 'failed']);
    expect(byKey.new_refund).toMatchObject({ source: 'list', path: '/v1/refunds' });
    expect(byKey.payment_failed).toMatchObject({ source: 'events', path: '/v1/events', event_types: ['charge.failed', 'payment_intent.payment_failed'] });
    expect((alone(byKey.new_event!.options) as any).properties.types).toMatchObject({ type: 'array', maxItems: 20 });
  });

  it('holds nothing that looks like a key', () => {
    expect(renderManifest()).not.toMatch(/\b(sk|rk|pk)_(test|live)_[A-Za-z0-9]{6,}/);
  });
});

describe('README.md', () => {
  it('carries the catalogue generated from the manifest (run `npm run manifest`)', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toBe(withCatalogue(readme, renderCatalogue(buildManifest())));
    for (const action of listActions()) expect(readme).toContain(`\`${action.key}\``);
    for (const trigger of buildManifest().triggers) expect(readme).toContain(`\`${trigger.key}\``);
  });
});
