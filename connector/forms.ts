/**
 * What a flow builder needs to draw an input form well, added to the JSON Schema zod emits: a title on
 * every field, a lookup on id fields (which list action fills a dropdown), an `x-advanced` mark on
 * fields most users leave alone, and the action's field rules as JSON Schema.
 */
import { ruleSchema, type FieldRule } from '../schemas/rules';
import type { JsonSchema } from './json-schema';

/** Which list action offers the values of an id field, by the id's prefix, and which field labels them. */
export interface Lookup {
  action: string;
  value: 'id';
  label: string;
}

/** Lists that take no required input, so a builder can call them to fill a dropdown. */
const LOOKUPS: Record<string, Omit<Lookup, 'value'>> = {
  cus: { action: 'list_customers', label: 'email' },
  price: { action: 'list_prices', label: 'nickname' },
  prod: { action: 'list_products', label: 'name' },
  ch: { action: 'list_charges', label: 'description' },
  pi: { action: 'list_payment_intents', label: 'description' },
  in: { action: 'list_invoices', label: 'number' },
  sub: { action: 'list_subscriptions', label: 'status' },
  txr: { action: 'list_tax_rates', label: 'display_name' },
  promo: { action: 'list_promotion_codes', label: 'code' },
  cn: { action: 'list_credit_notes', label: 'number' },
  dp: { action: 'list_disputes', label: 'reason' },
  po: { action: 'list_payouts', label: 'description' },
  tr: { action: 'list_transfers', label: 'description' },
  re: { action: 'list_refunds', label: 'reason' },
  plink: { action: 'list_payment_links', label: 'url' },
  ii: { action: 'list_invoice_items', label: 'description' },
  mtr: { action: 'list_meters', label: 'display_name' },
  cs: { action: 'list_checkout_sessions', label: 'status' },
  evt: { action: 'list_events', label: 'type' },
  txn: { action: 'list_balance_transactions', label: 'description' },
};

/** Every lookup the manifest may carry (the manifest test checks each against its list action). */
export function knownLookups(): Lookup[] {
  return Object.values(LOOKUPS).map((lookup) => ({ ...lookup, value: 'id' }));
}

/** Fields most users leave alone: paging cursors, expansion, keys, Connect and statement details. */
const ADVANCED = new Set([
  'expand',
  'idempotency_key',
  'starting_after',
  'ending_before',
  'max_items',
  'page',
  'statement_descriptor',
  'statement_descriptor_suffix',
  'transfer_group',
  'on_behalf_of',
  'application_fee_amount',
  'lookback_seconds',
  'max_pages',
]);

const ACRONYMS: Record<string, string> = { id: 'ID', ids: 'IDs', url: 'URL', ip: 'IP', iso: 'ISO', cvc: 'CVC', vat: 'VAT', api: 'API', sku: 'SKU', ui: 'UI', utc: 'UTC' };

/** `receipt_email` -> "Receipt email", `customer_id` -> "Customer ID". */
export function fieldTitle(name: string): string {
  const words = name.split(/[_.]+/).filter(Boolean).map((word) => ACRONYMS[word] ?? word);
  if (words.length === 0) return name;
  const [first, ...rest] = words;
  return [first!.charAt(0).toUpperCase() + first!.slice(1), ...rest].join(' ');
}

const ID_PATTERN = /^\^\(([a-z]+(?:\|[a-z]+)*)\)_\[A-Za-z0-9_\]\+\$$/;

/** The lookup for an id field: its schema (or a branch of it, when it may be null) has an id pattern. */
function lookupOf(schema: JsonSchema): Lookup | undefined {
  const candidates = [schema, ...((schema.anyOf as JsonSchema[] | undefined) ?? [])];
  for (const candidate of candidates) {
    const match = typeof candidate.pattern === 'string' ? ID_PATTERN.exec(candidate.pattern) : null;
    const lookup = match?.[1]!.split('|').map((prefix) => LOOKUPS[prefix]).find(Boolean);
    if (lookup) return { action: lookup.action, value: 'id', label: lookup.label };
  }
  return undefined;
}

function decorateProperties(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...schema };
  if (schema.properties && typeof schema.properties === 'object') {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties as Record<string, JsonSchema>).map(([name, field]) => {
        const lookup = lookupOf(field);
        return [
          name,
          {
            title: fieldTitle(name),
            ...decorateProperties(field),
            ...(lookup ? { 'x-lookup': lookup } : {}),
            ...(ADVANCED.has(name) ? { 'x-advanced': true } : {}),
          },
        ];
      }),
    );
  }
  for (const key of ['items', 'additionalProperties'] as const) {
    const child = schema[key];
    if (child && typeof child === 'object' && !Array.isArray(child)) out[key] = decorateProperties(child as JsonSchema);
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches)) out[key] = branches.map((branch) => decorateProperties(branch as JsonSchema));
  }
  return out;
}

/** An input (or trigger options) schema as a form wants it: titles, lookups, advanced marks, rules. */
export function formSchema(input: JsonSchema, rules: readonly FieldRule[] = []): JsonSchema {
  const decorated = decorateProperties(input);
  if (rules.length === 0) return decorated;
  const properties = (input.properties ?? {}) as Record<string, JsonSchema>;
  const defaults = Object.fromEntries(Object.entries(properties).filter(([, field]) => 'default' in field).map(([name, field]) => [name, field.default]));
  const ruleSchemas = rules.map((rule) => ruleSchema(rule, defaults));
  return { ...decorated, allOf: [...((decorated.allOf as JsonSchema[] | undefined) ?? []), ...ruleSchemas] };
}
