/**
 * Every declared object type (schemas/objects) agrees with Stripe's OpenAPI description of that object
 * (its component in the spec, same name as its `object` value), recursively into nested objects and
 * array items, whether the spec has them inline or by $ref:
 *
 *  - every field we declare is a property of the spec's object;
 *  - its JSON type is one the spec allows (integer, number, string, boolean, object, array; an
 *    `expandable(...)` id-or-object field needs the spec's `anyOf` of a string and a $ref);
 *  - nullability agrees both ways (spec `nullable: true` <=> ours admits null);
 *  - a field we require is one Stripe always sends: `required` in the spec, or nullable there (the
 *    spec never lists nullable properties as required, see `alwaysSent`), or in ALWAYS_SENT;
 *  - no field is a closed enum or a constant (outputs are open strings: Stripe adds values), but an
 *    object's own `object` field.
 *
 * What Stripe changed after the spec's API version (2024-04-10), up to the version the connector pins,
 * is listed in NEWER_OBJECTS and SINCE_SPEC, each entry checked to still disagree with the spec so the
 * lists cannot go stale. The spec is read from STRIPE_OPENAPI_SPEC, else the team's copy beside the
 * project; without one the suite is skipped with a printed warning.
 */
import { z } from 'zod';
import { listActions } from '../connector/registry';
import { listTriggers } from '../triggers/catalogue';
import '../triggers/definitions'; // and every object file a trigger emits
import { toJsonSchema } from '../connector/manifest';
import { declaredObjectTypes } from '../schemas/objects/define';
import { expandable } from '../schemas/objects/fields';
import { deref, enumOf, spec, SPEC_PATH, typesOf, type JsonSchema } from './support/spec';

/** Object types whose component in the spec has another name than their `object` value. */
const COMPONENT_NAMES: Record<string, string> = {};

/**
 * Object types Stripe added after the spec's API version (2024-04-10), up to the version the
 * connector pins (2026-08-26.dahlia). Each must be absent from the spec's components.
 */
const NEWER_OBJECTS: Record<string, string> = {
  // 2025-10-29.clover (public preview 2025-04-30.basil), "Adds support for payment line items": the
  // items of GET /v1/payment_intents/{intent}/amount_details_line_items.
  // https://docs.stripe.com/changelog/clover/2025-10-29/payment-line-items
  payment_intent_amount_details_line_item: '2025-10-29.clover',
};

/**
 * Fields Stripe changed after the spec's API version, up to the version the connector pins, by the
 * spec component that holds them (so a change holds wherever that component is used, inline or
 * nested) and field name:
 *  - `added`: the field is new (or moved to a new place); absent from the component, and everything
 *    under it is unchecked;
 *  - `nullable`: the field may now be null; in the component without `nullable`.
 * Each entry is checked to still disagree with the spec, so the list cannot go stale.
 */
const SINCE_SPEC: Record<string, Record<string, { change: 'added' | 'nullable'; version: string }>> = {
  // "Adds support for pre-tax credit amount information to invoices" / "... to credit notes".
  // https://docs.stripe.com/changelog/acacia/2024-10-28/billing-credits-invoice
  // https://docs.stripe.com/changelog/acacia/2024-10-28/billing-credits-credit-note
  invoice: {
    total_pretax_credit_amounts: { change: 'added', version: '2024-10-28.acacia' },
    // "Invoicing resources now specify how they were generated": subscription, quote... moved under parent.
    // https://docs.stripe.com/changelog/basil/2025-03-31/adds-new-parent-field-to-invoicing-objects
    parent: { change: 'added', version: '2025-03-31.basil' },
    // "Replaces top-level tax-related properties with improved tax modeling" (total_tax_amounts -> total_taxes).
    // https://docs.stripe.com/changelog/basil/2025-03-31/invoice-tax-configurations
    total_taxes: { change: 'added', version: '2025-03-31.basil' },
    // "Adds support for multiple (partial) payments on invoices": payments replace payment_intent/charge/paid,
    // and invoices track over-payments.
    // https://docs.stripe.com/changelog/basil/2025-03-31/add-support-for-multiple-partial-payments-on-invoices
    payments: { change: 'added', version: '2025-03-31.basil' },
    amount_overpaid: { change: 'added', version: '2025-03-31.basil' },
  },
  // The invoice line item: same changelog entries as the invoice's, plus pricing (price/plan moved there,
  // https://docs.stripe.com/changelog/basil/2025-03-31/invoice-pricing-configurations) and decimal quantities
  // (https://docs.stripe.com/changelog/dahlia/2026-03-25/invoice-items-decimal-quantity).
  line_item: {
    pretax_credit_amounts: { change: 'added', version: '2024-10-28.acacia' },
    parent: { change: 'added', version: '2025-03-31.basil' },
    pricing: { change: 'added', version: '2025-03-31.basil' },
    taxes: { change: 'added', version: '2025-03-31.basil' },
    quantity_decimal: { change: 'added', version: '2026-03-25.dahlia' },
  },
  // The invoice item: parent, pricing and quantity_decimal, from the same entries as the line item's.
  invoiceitem: {
    parent: { change: 'added', version: '2025-03-31.basil' },
    pricing: { change: 'added', version: '2025-03-31.basil' },
    quantity_decimal: { change: 'added', version: '2026-03-25.dahlia' },
  },
  credit_note: {
    pretax_credit_amounts: { change: 'added', version: '2024-10-28.acacia' },
    // total_taxes: the tax-configurations entry above; refunds replaces refund: the multiple-payments entry above.
    total_taxes: { change: 'added', version: '2025-03-31.basil' },
    refunds: { change: 'added', version: '2025-03-31.basil' },
    // "Adds support for partial payments on invoices": pre_payment_amount and post_payment_amount on credit notes.
    // https://docs.stripe.com/changelog/basil/2025-05-28/partial-payments
    pre_payment_amount: { change: 'added', version: '2025-05-28.basil' },
    post_payment_amount: { change: 'added', version: '2025-05-28.basil' },
  },
  // "Trace payouts with a unique identifier".
  // https://docs.stripe.com/changelog/acacia/2024-11-20/payout-trace-id-api
  payout: { trace_id: { change: 'added', version: '2024-11-20.acacia' } },
  // "Adds subscription item-level billing periods and removes subscription-level periods".
  // https://docs.stripe.com/changelog/basil/2025-03-31/deprecate-subscription-current-period-start-and-end
  subscription_item: {
    current_period_start: { change: 'added', version: '2025-03-31.basil' },
    current_period_end: { change: 'added', version: '2025-03-31.basil' },
  },
  // "Adds billing mode for more flexible subscriptions behavior".
  // https://docs.stripe.com/changelog/basil/2025-06-30/billing-mode
  subscription: { billing_mode: { change: 'added', version: '2025-06-30.basil' } },
  // "Adds support for identifying the case type for card disputes".
  // https://docs.stripe.com/changelog/acacia/2024-09-30/disputes-case-type-card
  dispute_payment_method_details_card: { case_type: { change: 'added', version: '2024-09-30.acacia' } },
  // "Makes LineItem.description optional" (a Checkout Session's line item; stripe-node: `description: string | null`).
  // https://docs.stripe.com/changelog/acacia/2024-09-30/description-optional-checkout-session-line-item
  item: { description: { change: 'nullable', version: '2024-09-30.acacia' } },
  // "Checkout Sessions now group customer information in one field" (basil then removed top-level shipping_details).
  // https://docs.stripe.com/changelog/acacia/2025-02-24/checkout-sessions-collected-info
  'checkout.session': { collected_information: { change: 'added', version: '2025-02-24.acacia' } },
  // "Promotion Codes now reference Coupons using a polymorphic field": coupon moved to promotion.coupon.
  // https://docs.stripe.com/changelog/clover/2025-09-30/polymorphic-coupon
  promotion_code: { promotion: { change: 'added', version: '2025-09-30.clover' } },
  // "Adds support for payment line items": PaymentIntent.amount_details gains these (stripe-node
  // PaymentIntent.AmountDetails: discount_amount?, line_items?, shipping?, tax?).
  // https://docs.stripe.com/changelog/clover/2025-10-29/payment-line-items
  payment_flows_amount_details: {
    discount_amount: { change: 'added', version: '2025-10-29.clover' },
    line_items: { change: 'added', version: '2025-10-29.clover' },
    shipping: { change: 'added', version: '2025-10-29.clover' },
    tax: { change: 'added', version: '2025-10-29.clover' },
  },
};

/**
 * Fields Stripe always sends although the spec marks them neither required nor nullable, by spec
 * component and field (stripe-node's generated types, built from Stripe's fuller SDK spec, declare
 * each as not optional). Each is checked to be in the component, not required and not nullable
 * there (so the entry is both needed and still true).
 */
const ALWAYS_SENT: Record<string, Record<string, string>> = {
  // stripe-node types/Customers.d.ts: `balance: number`, `invoice_settings: ...`, `metadata: Stripe.Metadata`.
  customer: {
    balance: 'stripe-node Customer.balance',
    invoice_settings: 'stripe-node Customer.invoice_settings',
    metadata: 'stripe-node Customer.metadata',
  },
  // stripe-node types/PaymentIntents.d.ts: `amount_capturable: number`, `amount_received: number`, `metadata: Stripe.Metadata`.
  payment_intent: {
    amount_capturable: 'stripe-node PaymentIntent.amount_capturable',
    amount_received: 'stripe-node PaymentIntent.amount_received',
    metadata: 'stripe-node PaymentIntent.metadata',
  },
  // stripe-node types/Invoices.d.ts: `id: string`. The spec's own description: "always present unless
  // the invoice is an upcoming invoice", and 2025-03-31.basil removed the upcoming-invoice endpoints
  // (https://docs.stripe.com/changelog/basil/2025-03-31/invoice-preview-api-deprecations).
  invoice: { id: 'stripe-node Invoice.id' },
};

if (!spec) {
  // Visible in every run that skips: a silent skip would look like a pass.
  console.warn(`output conformance SKIPPED: no OpenAPI spec at ${SPEC_PATH} (set STRIPE_OPENAPI_SPEC)`);
}

const componentOf = (object: string) => COMPONENT_NAMES[object] ?? object;

// ---------------------------------------------------------------------------------------------
// Our side: JSON Schema from zod's output view. Nullable is `type: [t, "null"]` or an anyOf with
// `{type: "null"}`; an expandable is an anyOf of a string and an object; unions nest.

/** Our schema's alternatives, flattened (anyOf/oneOf, `$ref`s into our `$defs` followed). */
function leaves(schema: JsonSchema, root: JsonSchema): JsonSchema[] {
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop()!;
    const target = schema.$ref === '#' ? root : (root as { $defs?: Record<string, JsonSchema> }).$defs?.[name];
    return target ? leaves(target, root) : [];
  }
  const variants = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  if (variants.length) return variants.flatMap((v) => leaves(v, root));
  return [schema];
}

const typesOfLeaf = (leaf: JsonSchema): string[] => {
  const types = [leaf.type ?? []].flat();
  if (types.length) return types;
  if (leaf.const !== undefined) return [leaf.const === null ? 'null' : typeof leaf.const];
  return (leaf.enum ?? []).map((v) => (v === null ? 'null' : typeof v));
};

// ---------------------------------------------------------------------------------------------
// Stripe's side.

/** Whether the spec admits null here (`nullable: true` on the property or one of its variants). */
function specNullable(schema: JsonSchema | undefined): boolean {
  const s = deref(schema);
  if (!s) return false;
  if (s.nullable) return true;
  return [...(s.anyOf ?? []), ...(s.oneOf ?? [])].some(specNullable);
}

/** One object the spec allows here, with the component it is (undefined when inline). */
interface SpecVariant {
  component: string | undefined;
  schema: JsonSchema;
}

/** The spec's object variants here: inline or by $ref, through anyOf/oneOf/allOf. */
function specObjects(schema: JsonSchema | undefined, component?: string): SpecVariant[] {
  if (!schema) return [];
  const name = schema.$ref ? schema.$ref.split('/').pop()! : component;
  const s = deref(schema);
  if (!s) return [];
  const own = s.properties ? [{ component: name, schema: s }] : [];
  return [...own, ...[...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])].flatMap((v) => specObjects(v))];
}

/** The spec's array items here (of every array variant), or undefined. */
function specItems(schema: JsonSchema | undefined): JsonSchema | undefined {
  const items: JsonSchema[] = [];
  const collect = (s: JsonSchema | undefined) => {
    const d = deref(s);
    if (!d) return;
    if (d.items) items.push(d.items);
    for (const v of [...(d.anyOf ?? []), ...(d.oneOf ?? [])]) collect(v);
  };
  collect(schema);
  return items.length === 0 ? undefined : items.length === 1 ? items[0] : { anyOf: items };
}

const sinceSpec = (variants: SpecVariant[], field: string) => variants.map((v) => SINCE_SPEC[v.component ?? '']?.[field]).find((c) => c);

/**
 * Whether Stripe always sends a field of these object variants (it must in each of them). The spec
 * says so with `required`, but it never lists a nullable property there (not one of its ~1,950;
 * asserted below): for a nullable property it cannot say "always sent", and Stripe renders unset
 * nullable fields as null rather than leaving them out. So a nullable property counts as sent; a
 * non-nullable one must be `required`, or listed in ALWAYS_SENT.
 */
function alwaysSent(variants: SpecVariant[], field: string): boolean {
  return variants.every(
    (v) => v.schema.required?.includes(field) || specNullable(v.schema.properties?.[field]) || field in (ALWAYS_SENT[v.component ?? ''] ?? {}),
  );
}

// ---------------------------------------------------------------------------------------------
// The check.

const join = (path: string, name: string) => (path ? `${path}.${name}` : name);

/**
 * Problems of one field (or array item) of ours against the spec's schema for it. `nowNullable`: a
 * field Stripe made nullable after the spec (SINCE_SPEC).
 */
function fieldProblems(ours: JsonSchema, theirs: JsonSchema, path: string, root: JsonSchema, nowNullable = false): string[] {
  const problems: string[] = [];
  const ourLeaves = leaves(ours, root);

  const theirTypes = typesOf(theirs);
  const ourTypes = new Set(ourLeaves.flatMap(typesOfLeaf).filter((t) => t !== 'null'));
  if (theirTypes.size > 0) {
    for (const t of ourTypes) {
      // A spec integer is also a number of ours; our integer would refuse a spec number's fractions.
      const ok = theirTypes.has(t) || (t === 'number' && theirTypes.has('integer'));
      if (!ok) problems.push(`${path}: our type ${t}, the spec's ${[...theirTypes].sort().join('|')}`);
    }
  }

  const ourNull = ourLeaves.some((leaf) => typesOfLeaf(leaf).includes('null'));
  const theirNull = specNullable(theirs);
  if (theirNull && !ourNull) problems.push(`${path}: the spec allows null, ours does not`);
  if (ourNull && !theirNull && !nowNullable) problems.push(`${path}: ours allows null, the spec does not`);

  for (const leaf of ourLeaves) {
    if (leaf.enum?.length) problems.push(`${path}: closed enum (${leaf.enum.join(', ')}); outputs need an open string`);
    if (leaf.const !== undefined && leaf.const !== null) {
      // A constant is only right where the spec has that one value (an object's `object` field).
      const theirEnum = enumOf(theirs);
      if (!(theirEnum?.size === 1 && theirEnum.has(leaf.const))) problems.push(`${path}: fixed to ${String(leaf.const)}, the spec allows other values`);
    }
    if (leaf.properties) {
      const variants = specObjects(theirs);
      // A free-form object in the spec (metadata-like, or event data.object) has no fields to check.
      if (variants.length) problems.push(...objectFieldProblems(leaf, variants, path, root));
    }
    if (leaf.items) {
      const theirItems = specItems(theirs);
      if (theirItems) problems.push(...fieldProblems(leaf.items, theirItems, `${path}[]`, root));
    }
  }
  return problems;
}

/**
 * Problems of one object of ours against the spec's object variants here: a field must be in one of
 * them (all its schemas there are admitted), and a field we require must be always sent in all.
 */
function objectFieldProblems(ours: JsonSchema, variants: SpecVariant[], path: string, root: JsonSchema): string[] {
  const problems: string[] = [];
  const required = new Set(ours.required ?? []);
  for (const [name, schema] of Object.entries(ours.properties ?? {})) {
    const fieldPath = join(path, name);
    const change = sinceSpec(variants, name);
    if (change?.change === 'added') {
      problems.push(...closedEnumProblems(schema, fieldPath, root));
      continue;
    }
    const theirs = variants.map((v) => v.schema.properties?.[name]).filter((p): p is JsonSchema => p !== undefined);
    if (theirs.length === 0) {
      const where = variants.map((v) => v.component ?? '(inline)').join(' | ');
      problems.push(`${fieldPath}: not in the spec (${where})`);
      continue;
    }
    const their = theirs.length === 1 ? theirs[0]! : { anyOf: theirs };
    problems.push(...fieldProblems(schema, their, fieldPath, root, change?.change === 'nullable'));
    if (required.has(name) && !alwaysSent(variants, name)) problems.push(`${fieldPath}: required here, optional in the spec`);
  }
  return problems;
}

/**
 * The closed enums and constants anywhere in ours, for what the spec cannot check (newer objects and
 * fields): outputs stay open strings whatever the spec says. An object's own `object` constant is fine.
 */
function closedEnumProblems(ours: JsonSchema, path: string, root: JsonSchema): string[] {
  return leaves(ours, root).flatMap((leaf) => [
    ...(leaf.enum?.length ? [`${path}: closed enum (${leaf.enum.join(', ')}); outputs need an open string`] : []),
    ...(leaf.const !== undefined && leaf.const !== null && path !== 'object' && !path.endsWith('.object') ? [`${path}: fixed to ${String(leaf.const)}`] : []),
    ...Object.entries(leaf.properties ?? {}).flatMap(([name, field]) => closedEnumProblems(field, join(path, name), root)),
    ...(leaf.items ? closedEnumProblems(leaf.items, `${path}[]`, root) : []),
  ]);
}

/** What disagrees between an object type's schema and the spec's component for it (empty when they agree). */
function objectProblems(object: string, schema: z.ZodType): string[] {
  const ours = toJsonSchema(schema, 'output') as JsonSchema;
  if (object in NEWER_OBJECTS) return closedEnumProblems(ours, '', ours);
  const name = componentOf(object);
  const component = spec!.components.schemas[name];
  if (!component) return [`${object}: no component ${name} in the spec`];
  return leaves(ours, ours).flatMap((leaf) => objectFieldProblems(leaf, [{ component: name, schema: component }], '', ours));
}

// Groups load on first use: load every action and trigger, and so every object file they return.
listActions();
listTriggers();
const types = declaredObjectTypes();
const describeWithSpec = spec ? describe : describe.skip;

describeWithSpec('every declared object type agrees with Stripe\'s OpenAPI description', () => {
  it('covers every declared object type: each is in the spec or listed as newer', () => {
    // All 30, as the actions and triggers declare them (a lazily loaded group left out would shrink this).
    expect(types).toHaveLength(30);
    for (const type of types) {
      const inSpec = componentOf(type.object) in spec!.components.schemas;
      expect([type.object, inSpec || type.object in NEWER_OBJECTS]).toEqual([type.object, true]);
    }
  });

  it('the newer object types are really absent from the spec, and declared', () => {
    for (const object of Object.keys(NEWER_OBJECTS)) {
      expect([object, componentOf(object) in spec!.components.schemas]).toEqual([object, false]);
      expect([object, types.some((t) => t.object === object)]).toEqual([object, true]);
    }
  });

  it('the changes since the spec really disagree with it: added fields absent, newly nullable ones not nullable', () => {
    for (const [component, fields] of Object.entries(SINCE_SPEC)) {
      const properties = spec!.components.schemas[component]?.properties;
      for (const [field, { change }] of Object.entries(fields)) {
        const expected = change === 'added' ? 'absent' : 'not nullable';
        const actual = !properties ? 'no such component' : !(field in properties) ? 'absent' : specNullable(properties[field]) ? 'nullable' : 'not nullable';
        expect([component, field, actual]).toEqual([component, field, expected]);
      }
    }
  });

  it('the always-sent fields are in the spec, neither required nor nullable there', () => {
    for (const [component, fields] of Object.entries(ALWAYS_SENT)) {
      const schema = spec!.components.schemas[component];
      for (const field of Object.keys(fields)) {
        const property = schema?.properties?.[field];
        expect([component, field, property !== undefined, schema?.required?.includes(field), specNullable(property)]).toEqual([component, field, true, false, false]);
      }
    }
  });

  it('the spec never lists a nullable property as required (what alwaysSent relies on)', () => {
    const both = Object.entries(spec!.components.schemas).flatMap(([name, component]) =>
      Object.entries(component.properties ?? {})
        .filter(([field, p]) => p.nullable && component.required?.includes(field))
        .map(([field]) => `${name}.${field}`),
    );
    expect(both).toEqual([]);
  });

  if (types.length > 0) {
    it.each(types.map((t) => [t.object, t] as const))('%s', (object, type) => {
      expect(objectProblems(object, type.schema)).toEqual([]);
    });
  }

  it('catches a field not in the spec, a wrong type, nullability both ways, a closed enum and an optional field required', () => {
    const probe = z.looseObject({
      id: z.string(),
      object: z.literal('customer'),
      balance: z.string(), // integer in the spec
      email: z.string(), // nullable in the spec
      livemode: z.boolean().nullable(), // not nullable in the spec
      tax_exempt: z.enum(['none', 'exempt', 'reverse']).nullable(), // closed
      default_source: expandable('source').nullable(), // string or bank_account|card|source: fine
      discount: z.looseObject({ coupon: z.looseObject({ percent_off: z.number().int().nullable() }) }).nullable(), // a number in the spec
      invoice_settings: z.looseObject({ footer: z.string().nullable(), colour: z.string().optional() }), // nested unknown field
      sources: z.looseObject({ data: z.array(z.unknown()) }), // optional (includable) in the spec
      test_clock: z.string().nullable(), // an id where the spec is expandable: fine
      favourite_colour: z.string(),
    });
    expect(objectProblems('customer', probe)).toEqual([
      'balance: our type string, the spec\'s integer',
      'email: the spec allows null, ours does not',
      'livemode: ours allows null, the spec does not',
      'tax_exempt: closed enum (none, exempt, reverse); outputs need an open string',
      'discount.coupon.percent_off: our type integer, the spec\'s number',
      'invoice_settings.colour: not in the spec (invoice_setting_customer_setting)',
      'sources: required here, optional in the spec',
      'favourite_colour: not in the spec (customer)',
    ]);
    // An expandable where the spec has a plain id, and an object type the spec does not know.
    expect(objectProblems('refund', z.looseObject({ object: z.literal('refund'), currency: expandable('currency') }))).toEqual([
      'currency: our type object, the spec\'s string',
    ]);
    expect(objectProblems('customerz', z.looseObject({}))).toEqual(['customerz: no component customerz in the spec']);
    // What SINCE_SPEC admits: a field added since (and all under it), a field made nullable since; not more.
    expect(
      objectProblems('item', z.looseObject({ description: z.string().nullable(), currency: z.string().nullable() })),
    ).toEqual(['currency: ours allows null, the spec does not']);
    expect(objectProblems('promotion_code', z.looseObject({ promotion: z.looseObject({ anything: z.boolean() }) }))).toEqual([]);
    // Newer objects and fields are not in the spec, but still may not be closed enums.
    expect(
      objectProblems('promotion_code', z.looseObject({ promotion: z.looseObject({ type: z.enum(['coupon']), coupon: z.string() }) })),
    ).toEqual(['promotion.type: closed enum (coupon); outputs need an open string']);
    expect(
      objectProblems('payment_intent_amount_details_line_item', z.looseObject({ object: z.literal('payment_intent_amount_details_line_item'), unit: z.literal('each') })),
    ).toEqual(['unit: fixed to each']);
  });
});
