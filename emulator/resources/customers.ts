/**
 * Customers (params from Stripe's OpenAPI spec: POST /v1/customers, POST /v1/customers/{id},
 * GET /v1/customers, GET /v1/customers/search). A token in `source` becomes a stored card that is
 * the customer's default_source (on update it replaces, and deletes, the old default: events
 * customer.source.created / customer.source.deleted); deleting a customer leaves a `{deleted: true}`
 * stub that GET still answers. The sources sub-collection is in cards.ts.
 */
import { randomBytes } from 'node:crypto';
import { emitEvent } from '../events';
import { applyUpdate, p, type ParamSpecs } from '../params';
import type { RequestContext, ResourceDefinition } from '../resource';
import type { StoredRecord } from '../store';
import { invalidRequest } from '../errors';
import { cardFromToken, customerCards, savedCard } from './cards';
import { attachPaymentMethod, checkAttachable, resolvePaymentMethod } from './payment_methods';
import { cancelSubscription } from './subscriptions';
import { ADDRESS_FIELDS, EMPTY_METADATA_ON_CREATE, normalizeAddress, normalizeShipping, rejectUnmodelledReference } from './shared';

const SHIPPING = p.object(
  { address: p.object(ADDRESS_FIELDS, { required: true }), name: p.string({ required: true, maxLength: 5000 }), phone: p.string({ maxLength: 5000 }) },
  { emptyable: true },
);

const INVOICE_SETTINGS = p.object({
  custom_fields: p.array(p.object({ name: p.string({ required: true, maxLength: 40 }), value: p.string({ required: true, maxLength: 140 }) }), {
    emptyable: true,
    maxItems: 4,
  }),
  default_payment_method: p.string({ maxLength: 5000 }),
  footer: p.string({ maxLength: 5000 }),
  rendering_options: p.object({ amount_tax_display: p.enum(['', 'exclude_tax', 'include_inclusive_tax'], { emptyable: true }) }, { emptyable: true }),
});

/** Parameters that create and update share. */
const COMMON: ParamSpecs = {
  address: p.object(ADDRESS_FIELDS, { emptyable: true }),
  balance: p.integer(),
  cash_balance: p.object({ settings: p.object({ reconciliation_mode: p.enum(['automatic', 'manual', 'merchant_default']) }) }),
  coupon: p.string({ maxLength: 5000 }),
  description: p.string({ maxLength: 5000 }),
  email: p.email({ emptyable: true }),
  invoice_prefix: p.string({ maxLength: 5000 }),
  invoice_settings: INVOICE_SETTINGS,
  metadata: p.metadata(),
  name: p.string({ maxLength: 256 }),
  next_invoice_sequence: p.integer({ min: 1 }),
  phone: p.string({ maxLength: 20 }),
  preferred_locales: p.array(p.string({ maxLength: 5000 }), { emptyable: true }),
  promotion_code: p.string({ maxLength: 5000 }),
  shipping: SHIPPING,
  source: p.string({ maxLength: 5000 }),
  tax: p.object({ ip_address: p.string(), validate_location: p.enum(['deferred', 'immediately']) }),
  tax_exempt: p.enum(['', 'exempt', 'none', 'reverse'], { emptyable: true }),
};

const CREATE_PARAMS: ParamSpecs = {
  ...COMMON,
  payment_method: p.string({ maxLength: 5000 }),
  tax_id_data: p.array(p.object({ type: p.string({ required: true }), value: p.string({ required: true }) })),
  test_clock: p.string({ maxLength: 5000 }),
};

const UPDATE_PARAMS: ParamSpecs = {
  ...COMMON,
  bank_account: p.string({ maxLength: 5000 }),
  card: p.string({ maxLength: 5000 }),
  default_alipay_account: p.string({ maxLength: 500 }),
  default_bank_account: p.string({ maxLength: 500 }),
  default_card: p.string({ maxLength: 500 }),
  default_source: p.string({ maxLength: 500 }),
};

/** Fields an update writes as given (after normalisation below). */
const PLAIN_FIELDS = ['balance', 'description', 'email', 'invoice_prefix', 'metadata', 'name', 'next_invoice_sequence', 'phone'];

export const customers: ResourceDefinition = {
  type: 'customer',
  idPrefix: 'cus_',
  idLength: 14,
  basePath: '/v1/customers',
  keepsDeletedStub: true,

  create: {
    params: CREATE_PARAMS,
    handle(ctx, params) {
      checkDiscounts(ctx, params);
      rejectUnmodelledReference(params.test_clock, 'test clock', 'test_clock');
      const id = ctx.ids.next('cus_', 14);
      // Everything that can fail is checked before anything is stored: the request is atomic.
      const paymentMethod = params.payment_method ? resolvePaymentMethod(ctx, params.payment_method, 'payment_method') : undefined;
      if (paymentMethod) checkAttachable(paymentMethod);
      const defaultPaymentMethod = params.invoice_settings?.default_payment_method;
      if (defaultPaymentMethod && defaultPaymentMethod !== paymentMethod?.id) throw notAttached(defaultPaymentMethod);
      const card = params.source ? cardFromToken(ctx, params.source, id, 'source') : undefined;
      const object = {
        id,
        object: 'customer',
        address: normalizeAddress(params.address),
        balance: params.balance ?? 0,
        created: ctx.now,
        currency: null,
        default_source: card?.id ?? null,
        delinquent: false,
        description: params.description ?? null,
        discount: null,
        email: params.email ?? null,
        invoice_prefix: params.invoice_prefix ?? randomBytes(4).toString('hex').toUpperCase(),
        invoice_settings: invoiceSettings({}, params.invoice_settings),
        livemode: ctx.livemode,
        metadata: EMPTY_METADATA_ON_CREATE(params.metadata),
        name: params.name ?? null,
        next_invoice_sequence: params.next_invoice_sequence ?? 1,
        phone: params.phone ?? null,
        preferred_locales: params.preferred_locales ?? [],
        shipping: normalizeShipping(params.shipping, false),
        tax_exempt: params.tax_exempt || 'none',
        test_clock: null,
      };
      const record = ctx.store.insert('customer', object, ctx.now);
      if (paymentMethod) attachPaymentMethod(ctx, paymentMethod, id);
      return record;
    },
  },

  retrieve: {},

  update: {
    params: UPDATE_PARAMS,
    handle(ctx, record, params) {
      checkDiscounts(ctx, params);
      const customer = record.object;
      const defaultPaymentMethod = params.invoice_settings?.default_payment_method;
      if (defaultPaymentMethod && ctx.store.get(defaultPaymentMethod, 'payment_method')?.object.customer !== customer.id) {
        throw notAttached(defaultPaymentMethod);
      }
      // Look-ups that can fail come first, so a failing update changes nothing.
      const newDefault = params.default_source ?? params.default_card;
      if (newDefault) savedCard(ctx, newDefault, customer.id, params.default_source ? 'default_source' : 'default_card');
      rejectUnmodelledReference(params.bank_account, 'token', 'bank_account');
      const token = params.source ?? params.card;
      if (token) {
        // `source` replaces the default source (Stripe: use the sources API to add more cards).
        const card = cardFromToken(ctx, token, customer.id, params.source ? 'source' : 'card');
        emitEvent(ctx, 'customer.source.created', card.object);
        const replaced = removeCard(ctx, customer.default_source);
        if (replaced) emitEvent(ctx, 'customer.source.deleted', replaced.object);
        customer.default_source = card.id;
      }
      if (newDefault) customer.default_source = newDefault;

      applyUpdate(customer, params, PLAIN_FIELDS);
      if ('address' in params) customer.address = normalizeAddress(params.address);
      if ('shipping' in params) customer.shipping = normalizeShipping(params.shipping, false);
      if ('preferred_locales' in params) customer.preferred_locales = params.preferred_locales ?? [];
      if ('tax_exempt' in params) customer.tax_exempt = params.tax_exempt || 'none';
      if ('invoice_settings' in params) customer.invoice_settings = invoiceSettings(customer.invoice_settings, params.invoice_settings);
      if (params.coupon === null || params.promotion_code === null) customer.discount = null;
    },
  },

  del: {
    handle(ctx, record) {
      for (const card of customerCards(ctx, record.id)) removeCard(ctx, card.id);
      // Stripe cancels a deleted customer's subscriptions at once.
      for (const sub of customerSubscriptions(ctx, record.id)) cancelSubscription(ctx, sub, 'cancellation_requested', undefined);
    },
  },

  list: {
    params: { email: p.string({ maxLength: 512, emptyable: false }), test_clock: p.string({ maxLength: 5000, emptyable: false }) },
    // Stripe's email filter is exact and case-sensitive (search is the case-insensitive one).
    filter: (customer, params) =>
      (params.email === undefined || customer.email === params.email) &&
      (params.test_clock === undefined || customer.test_clock === params.test_clock),
  },

  search: {
    fields: {
      created: { kind: 'number' },
      email: { kind: 'string', caseInsensitive: true, substring: true },
      metadata: { kind: 'metadata' },
      name: { kind: 'string', caseInsensitive: true, substring: true },
      phone: { kind: 'string', substring: true },
    },
  },

  expandable: { default_source: { types: ['card'] } },

  // Since API 2020-08-27 these lists are only returned when expanded.
  includable: {
    sources: (ctx, customer) => ({
      object: 'list',
      data: customerCards(ctx, customer.id).map((r) => structuredClone(r.object)),
      has_more: false,
      url: `/v1/customers/${customer.id}/sources`,
    }),
    subscriptions: (ctx, customer) => ({
      object: 'list',
      data: customerSubscriptions(ctx, customer.id).map((r) => structuredClone(r.object)),
      has_more: false,
      url: `/v1/customers/${customer.id}/subscriptions`,
    }),
    tax_ids: (_ctx, customer) => ({ object: 'list', data: [], has_more: false, url: `/v1/customers/${customer.id}/tax_ids` }),
  },
};

function invoiceSettings(current: Record<string, any>, patch: Record<string, any> | undefined): Record<string, any> {
  return {
    custom_fields: null,
    default_payment_method: null,
    footer: null,
    rendering_options: null,
    ...current,
    ...(patch ?? {}),
  };
}

/** A named coupon or promotion code must exist (no discount amounts are modelled). */
function checkDiscounts(ctx: RequestContext, params: Record<string, any>): void {
  if (params.coupon) ctx.store.require('coupon', params.coupon, 'coupon', 400);
  if (params.promotion_code) ctx.store.require('promotion_code', params.promotion_code, 'promotion_code', 400);
}

function notAttached(id: string) {
  return invalidRequest(
    `The customer does not have a payment method with the ID ${id}. The payment method must be attached to the customer.`,
    { param: 'invoice_settings[default_payment_method]' },
  );
}

/** The customer's subscriptions that have not ended, oldest first. */
function customerSubscriptions(ctx: RequestContext, customerId: string): StoredRecord[] {
  return ctx.store
    .live('subscription')
    .filter((r) => r.object.customer === customerId && r.object.status !== 'canceled' && r.object.status !== 'incomplete_expired');
}

/** Deletes a card (if there is one), returning it. */
function removeCard(ctx: RequestContext, cardId: string | null | undefined): StoredRecord | undefined {
  const card = cardId ? ctx.store.get(cardId, 'card') : undefined;
  if (!card || card.deleted) return undefined;
  ctx.store.markDeleted(card, { id: card.id, object: 'card', deleted: true });
  return card;
}
