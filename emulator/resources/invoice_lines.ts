/**
 * What invoices, invoice items and credit notes share: how an invoice item's amount is priced, the
 * invoice's line items (stored as type 'line_item', one per invoice item on the invoice), and the
 * invoice's totals, recomputed from its lines after every change.
 */
import { invalidRequest, paramError } from '../errors';
import { p, type Params, type ParamSpecs } from '../params';
import type { RequestContext, ResourceDefinition } from '../resource';
import type { StoredRecord } from '../store';
import { EMPTY_METADATA_ON_CREATE } from './shared';

/** Invoice line items: no endpoints of their own, listed through GET /v1/invoices/:invoice/lines. */
export const invoiceLineItems: ResourceDefinition = {
  type: 'line_item',
  idPrefix: 'il_',
  idLength: 24,
  expandable: { invoice: { types: ['invoice'] } },
};

/** Inline price data, as invoice items and add_lines take it. */
export const PRICE_DATA = p.object({
  currency: p.currency({ required: true }),
  product: p.string({ required: true, maxLength: 5000 }),
  tax_behavior: p.enum(['exclusive', 'inclusive', 'unspecified']),
  unit_amount: p.integer({ min: 0 }),
  unit_amount_decimal: p.string({ maxLength: 5000 }),
});

export const PERIOD = p.object({ start: p.integer({ required: true }), end: p.integer({ required: true }) });

/** How an invoice item is priced (create, update and add_lines take the same fields). */
export const PRICING_PARAMS: ParamSpecs = {
  amount: p.integer(),
  description: p.string({ maxLength: 5000 }),
  discountable: p.boolean(),
  metadata: p.metadata(),
  period: PERIOD,
  price_data: PRICE_DATA,
  pricing: p.object({ price: p.string({ maxLength: 5000 }) }),
  quantity: p.integer({ min: 0 }),
  tax_rates: p.array(p.string({ maxLength: 5000 }), { emptyable: true }),
};

interface Priced {
  amount: number;
  currency: string;
  quantity: number;
  /** Per unit, possibly fractional (amount-based items: amount / quantity). */
  unit: number;
  price: string | null;
  product: string | null;
}

const PRICE_FIELDS = ['amount', 'unit_amount', 'unit_amount_decimal', 'price', 'price_data', 'pricing'] as const;

/** Whether params change how the item is priced. */
export function repricing(params: Params): boolean {
  return PRICE_FIELDS.some((f) => params[f] !== undefined && params[f] !== null);
}

/**
 * The amount of an item from exactly one of: amount, unit_amount(_decimal), price (or pricing[price]),
 * price_data. `currency` is the item's (or invoice's) currency when the price does not fix it.
 */
export function priceItem(ctx: RequestContext, params: Params, currency: string | undefined, quantityNow?: number): Priced {
  const given = PRICE_FIELDS.filter((f) => params[f] !== undefined && params[f] !== null);
  const ways = new Set(given.map((f) => (f === 'unit_amount_decimal' ? 'unit_amount' : f === 'pricing' ? 'price' : f)));
  if (ways.size === 0) {
    throw paramError('You must specify either `amount`, `unit_amount`, `price` (or `pricing[price]`), or `price_data`.', 'parameter_missing', 'amount');
  }
  if (ways.size > 1) {
    throw paramError(`You may only specify one of these parameters: ${given.join(', ')}.`, 'parameters_exclusive', given[1]);
  }
  const quantity: number = params.quantity ?? quantityNow ?? 1;
  const priceId: string | undefined = params.pricing?.price ?? params.price ?? undefined;
  if (priceId) {
    const param = params.pricing?.price ? 'pricing[price]' : 'price';
    const price = ctx.store.require('price', priceId, param, 400).object;
    if (price.unit_amount === null || price.unit_amount === undefined) {
      throw paramError(`The price ${priceId} has no unit_amount (tiered or custom-unit prices are not emulated).`, undefined, param);
    }
    if (price.type === 'recurring') {
      throw paramError(`The price specified is set to \`type=recurring\` but this field only accepts prices with \`type=one_time\`.`, undefined, param);
    }
    return { amount: Math.round(price.unit_amount * quantity), currency: price.currency, quantity, unit: price.unit_amount, price: priceId, product: price.product ?? null };
  }
  if (params.price_data) {
    const data = params.price_data;
    if (ctx.registry.get('product')) ctx.store.require('product', data.product, 'price_data[product]', 400);
    const unit = data.unit_amount ?? decimal(data.unit_amount_decimal, 'price_data[unit_amount_decimal]');
    return { amount: Math.round(unit * quantity), currency: data.currency, quantity, unit, price: null, product: data.product };
  }
  const itemCurrency = params.currency ?? currency;
  if (!itemCurrency) throw paramError('Missing required param: currency.', 'parameter_missing', 'currency');
  if (params.amount !== undefined && params.amount !== null) {
    return { amount: params.amount, currency: itemCurrency, quantity, unit: quantity > 0 ? params.amount / quantity : params.amount, price: null, product: null };
  }
  const unit = params.unit_amount ?? decimal(params.unit_amount_decimal, 'unit_amount_decimal');
  return { amount: Math.round(unit * quantity), currency: itemCurrency, quantity, unit, price: null, product: null };
}

function decimal(value: unknown, param: string): number {
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+(\.\d{1,12})?$/.test(value) || !Number.isFinite(n)) {
    throw paramError(`Invalid decimal: ${String(value)}`, undefined, param);
  }
  return n;
}

/** Stripe's `pricing` (API 2025-03-31.basil): `type` is always sent; `price_details` only when a stored price set the amount. */
function pricingOf(priced: Priced): Record<string, any> {
  return {
    ...(priced.price ? { price_details: { price: priced.price, product: priced.product } } : {}),
    type: 'price_details',
    unit_amount_decimal: String(priced.unit),
  };
}

/** Builds and stores an invoice item (and its line when it goes onto a draft invoice). */
export function insertInvoiceItem(
  ctx: RequestContext,
  params: Params,
  customer: string,
  invoice: StoredRecord | undefined,
): StoredRecord {
  const priced = priceItem(ctx, params, invoice?.object.currency ?? params.currency);
  if (invoice && priced.currency !== invoice.object.currency) {
    throw invalidRequest(
      `The currency of the invoice item (${priced.currency}) must match the currency of the invoice (${invoice.object.currency}).`,
      { param: 'currency' },
    );
  }
  const object = {
    id: ctx.ids.next('ii_', 24),
    object: 'invoiceitem',
    amount: priced.amount,
    currency: priced.currency,
    customer,
    date: ctx.now,
    description: params.description ?? null,
    discountable: params.discountable ?? priced.amount >= 0,
    discounts: [],
    invoice: invoice?.id ?? null,
    livemode: ctx.livemode,
    metadata: EMPTY_METADATA_ON_CREATE(params.metadata),
    parent: null,
    period: { start: params.period?.start ?? ctx.now, end: params.period?.end ?? ctx.now },
    pricing: pricingOf(priced),
    proration: false,
    quantity: priced.quantity,
    // API 2026-03-25.dahlia: the quantity as a decimal string (quantity is deprecated).
    quantity_decimal: String(priced.quantity),
    tax_rates: [],
    test_clock: null,
  };
  const record = ctx.store.insert('invoiceitem', object, ctx.now, { unit: priced.unit });
  if (invoice) putOnInvoice(ctx, record, invoice);
  return record;
}

/** Re-prices an item after an update (quantity alone keeps the unit price). */
export function repriceItem(ctx: RequestContext, item: StoredRecord, params: Params): void {
  const object = item.object;
  let priced: Priced;
  if (repricing(params)) priced = priceItem(ctx, { ...params, currency: object.currency }, object.currency, object.quantity);
  else if (params.quantity !== undefined) {
    const unit: number = item.hidden.unit;
    priced = { amount: Math.round(unit * params.quantity), currency: object.currency, quantity: params.quantity, unit, price: object.pricing?.price_details?.price ?? null, product: object.pricing?.price_details?.product ?? null };
  } else return;
  if (priced.currency !== object.currency) {
    throw invalidRequest(`The price's currency (${priced.currency}) must match the invoice item's (${object.currency}).`, { param: 'price' });
  }
  item.hidden.unit = priced.unit;
  object.amount = priced.amount;
  object.quantity = priced.quantity;
  object.quantity_decimal = String(priced.quantity);
  object.pricing = pricingOf(priced);
}

/** Assigns an item to a draft invoice: a line item mirrors it. */
export function putOnInvoice(ctx: RequestContext, item: StoredRecord, invoice: StoredRecord): void {
  item.object.invoice = invoice.id;
  const line = ctx.store.insert('line_item', { id: ctx.ids.next('il_', 24), object: 'line_item', invoice: invoice.id }, ctx.now);
  item.hidden.line = line.id;
  syncLine(ctx, item);
}

/** Copies the item's fields onto its line and refreshes the invoice's totals. */
export function syncLine(ctx: RequestContext, item: StoredRecord): void {
  const line = item.hidden.line ? ctx.store.get(item.hidden.line, 'line_item') : undefined;
  if (!line || line.deleted) return;
  const i = item.object;
  line.object = {
    id: line.id,
    object: 'line_item',
    amount: i.amount,
    currency: i.currency,
    description: i.description,
    discount_amounts: [],
    discountable: i.discountable,
    discounts: [],
    invoice: i.invoice,
    livemode: i.livemode,
    metadata: structuredClone(i.metadata),
    parent: {
      invoice_item_details: { invoice_item: i.id, proration: false, proration_details: { credited_items: null }, subscription: null },
      subscription_item_details: null,
      type: 'invoice_item_details',
    },
    period: structuredClone(i.period),
    pretax_credit_amounts: [],
    pricing: structuredClone(i.pricing),
    quantity: i.quantity,
    quantity_decimal: i.quantity_decimal,
    taxes: [],
  };
  const invoice = ctx.store.get(i.invoice, 'invoice');
  if (invoice) refreshInvoice(ctx, invoice);
}

/** Takes an item off its invoice (deleting the item, or deleting the draft invoice). */
export function takeOffInvoice(ctx: RequestContext, item: StoredRecord): void {
  const line = item.hidden.line ? ctx.store.get(item.hidden.line, 'line_item') : undefined;
  if (line) ctx.store.markDeleted(line, { id: line.id, object: 'line_item', deleted: true });
  const invoice = item.object.invoice ? ctx.store.get(item.object.invoice, 'invoice') : undefined;
  delete item.hidden.line;
  item.object.invoice = null;
  if (invoice) refreshInvoice(ctx, invoice);
}

/** An invoice's line items, in the order they were added. */
export function linesOf(ctx: RequestContext, invoiceId: string): StoredRecord[] {
  return ctx.store.live('line_item').filter((r) => r.object.invoice === invoiceId);
}

/** Recomputes the embedded first page of lines and every total from the lines. */
export function refreshInvoice(ctx: RequestContext, invoice: StoredRecord): void {
  const o = invoice.object;
  const lines = linesOf(ctx, invoice.id);
  o.lines = {
    object: 'list',
    data: lines.slice(0, 10).map((l) => structuredClone(l.object)),
    has_more: lines.length > 10,
    total_count: lines.length,
    url: `/v1/invoices/${invoice.id}/lines`,
  };
  if (o.status !== 'draft') return; // Finalized amounts do not change (credit notes adjust them explicitly).
  const subtotal = lines.reduce((sum, l) => sum + (l.object.amount as number), 0);
  o.subtotal = subtotal;
  o.subtotal_excluding_tax = subtotal;
  o.total = subtotal;
  o.total_excluding_tax = subtotal;
  settleAmounts(o);
}

/** amount_due / amount_remaining from total, pre-payment credit notes and what was paid. */
export function settleAmounts(o: Record<string, any>): void {
  o.amount_due = Math.max(0, o.total - o.pre_payment_credit_notes_amount);
  o.amount_remaining = Math.max(0, o.amount_due - o.amount_paid);
}
