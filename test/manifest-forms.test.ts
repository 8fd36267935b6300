/**
 * The manifest as a builder and a validator read it: one definition per object type behind `$ref`s
 * that all resolve, within the size budget, and input forms with titles, lookups, advanced marks and
 * the field rules as JSON Schema that a standard validator (Ajv, 2020-12) enforces.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { buildManifest, actionSchemas, type ManifestAction } from '../connector/manifest';
import { reachedDefinitions, standaloneSchema } from '../connector/json-schema';
import { knownLookups } from '../connector/forms';
import { declaredObjectTypes } from '../schemas/objects/define';

const manifest = buildManifest();
const MINIFIED_BUDGET = 600_000;

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, strictTypes: false, allowUnionTypes: true });
addFormats(ajv);
ajv.addKeyword('x-lookup').addKeyword('x-advanced');
const alone = (schema: Record<string, unknown>) => standaloneSchema(schema, manifest.$defs, { mode: 'inline' }) as { properties: Record<string, any> };
const inputValidator = (key: string) => ajv.compile(standaloneSchema(action(key).input, manifest.$defs));

function action(key: string): ManifestAction {
  const found = manifest.actions.find((entry) => entry.key === key);
  if (!found) throw new Error(`no action ${key}`);
  return found;
}

/** Every property schema of an input, nested ones too, with its path. */
function fieldsOf(schema: Record<string, unknown>, prefix = ''): [string, Record<string, unknown>][] {
  const found: [string, Record<string, unknown>][] = [];
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, field] of Object.entries(properties)) {
    found.push([`${prefix}${name}`, field]);
    found.push(...fieldsOf(field, `${prefix}${name}.`));
    if (field.items && typeof field.items === 'object') found.push(...fieldsOf(field.items as Record<string, unknown>, `${prefix}${name}[].`));
  }
  return found;
}

describe('a manifest without copies', () => {
  it(`is at most ${MINIFIED_BUDGET} bytes minified, with no ±2^53 bounds`, () => {
    const minified = JSON.stringify(manifest);
    expect(minified.length).toBeLessThanOrEqual(MINIFIED_BUDGET);
    expect(minified).not.toContain('9007199254740991');
  });

  it('has one definition per object type, and every $ref resolves', () => {
    for (const type of declaredObjectTypes()) expect(manifest.$defs[type.object]).toMatchObject({ type: 'object' });
    const roots = [...manifest.actions.flatMap((a) => [a.input, a.output]), ...manifest.triggers.flatMap((t) => [t.options, t.output]), ...Object.values(manifest.$defs)];
    for (const root of roots) expect(() => reachedDefinitions(root, manifest.$defs)).not.toThrow();
    // An output that is an object type refers to it instead of copying it.
    expect(action('retrieve_invoice').output).toEqual({ $ref: '#/$defs/invoice' });
    expect(JSON.stringify(manifest.$defs.invoice)).toContain('"hosted_invoice_url":{');
    expect(JSON.stringify([...manifest.actions.map((a) => a.output), ...manifest.triggers.map((t) => t.output)])).not.toContain('"hosted_invoice_url":{');
  });

  it('compiles every schema with Ajv (2020-12, strict), standing alone', () => {
    for (const entry of manifest.actions) {
      for (const schema of [entry.input, entry.output]) expect(() => ajv.compile(standaloneSchema(schema, manifest.$defs))).not.toThrow();
      const inlined = actionSchemas(entry.key, { manifest });
      expect(JSON.stringify(inlined)).not.toContain('$ref');
    }
    for (const trigger of manifest.triggers) expect(() => ajv.compile(standaloneSchema(trigger.output, manifest.$defs, { mode: 'inline' }))).not.toThrow();
  });
});

describe('forms a builder can draw', () => {
  it('every input field has a title', () => {
    for (const entry of manifest.actions) {
      for (const [path, field] of fieldsOf(standaloneSchema(entry.input, manifest.$defs, { mode: 'inline' }))) {
        expect([entry.key, path, typeof field.title]).toEqual([entry.key, path, 'string']);
      }
    }
    expect(alone(action('create_charge').input).properties.receipt_email.title).toBe('Receipt email');
    expect(alone(action('retrieve_customer').input).properties.customer_id.title).toBe('Customer ID');
  });

  it('id fields carry a lookup whose list takes no required input and whose label is a field of the item', () => {
    const lookups = knownLookups();
    for (const lookup of lookups) {
      const list = action(lookup.action);
      expect([lookup.action, (list.input.required as string[] | undefined) ?? []]).toEqual([lookup.action, []]);
      const items = (list.output.properties as Record<string, { items: { $ref: string } }>).data!.items.$ref.replace('#/$defs/', '');
      expect(Object.keys(manifest.$defs[items]!.properties as object)).toContain(lookup.label);
    }
    expect(alone(action('create_charge').input).properties.customer).toMatchObject({ 'x-lookup': { action: 'list_customers', value: 'id', label: 'email' } });
    const lineItem = alone(action('create_checkout_session').input).properties.line_items.items.properties.price;
    expect(lineItem['x-lookup']).toMatchObject({ action: 'list_prices', label: 'nickname' });
  });

  it('every retrieve, list, search and find action takes fields', () => {
    const readers = manifest.actions.filter((entry) => /^(retrieve|list|search|find)_/.test(entry.key));
    expect(readers.length).toBeGreaterThan(50);
    for (const entry of readers) expect([entry.key, 'fields' in (entry.input.properties as object)]).toEqual([entry.key, true]);
  });

  it('fields most users leave alone are marked advanced', () => {
    const properties = alone(action('list_charges').input).properties;
    expect(properties.starting_after!['x-advanced']).toBe(true);
    expect(properties.customer!['x-advanced']).toBeUndefined();
  });

  it('the one-of and together rules are JSON Schema that Ajv enforces, as the connector does', () => {
    const refund = inputValidator('create_refund');
    expect(refund({ charge: 'ch_1' })).toBe(true);
    expect(refund({ charge: 'ch_1', payment_intent: 'pi_1' })).toBe(false);
    expect(refund({})).toBe(false);
    const charge = inputValidator('create_charge');
    expect(charge({ amount: 100, currency: 'usd' })).toBe(false);
    expect(charge({ amount: 100, currency: 'usd', customer: 'cus_1' })).toBe(true);
    const coupon = inputValidator('create_coupon');
    expect(coupon({ amount_off: 500 })).toBe(false);
    expect(coupon({ amount_off: 500, currency: 'usd' })).toBe(true);
    expect(coupon({ percent_off: 10, duration: 'repeating' })).toBe(false);
    expect(coupon({ percent_off: 10, duration: 'repeating', duration_in_months: 3 })).toBe(true);
    const session = inputValidator('create_checkout_session');
    const url = 'https://example.com/done';
    expect(session({ mode: 'payment', success_url: url })).toBe(false);
    expect(session({ mode: 'payment', success_url: url, line_items: [{ price: 'price_1', quantity: 1 }] })).toBe(true);
    expect(session({ mode: 'setup', currency: 'usd', line_items: [{ price: 'price_1', quantity: 1 }] })).toBe(false);
    expect(session({ mode: 'setup', currency: 'usd' })).toBe(true);
  });
});
