/**
 * Subscriptions (params from Stripe's OpenAPI spec: POST /v1/subscriptions, POST/GET/DELETE
 * /v1/subscriptions/{id}, POST /v1/subscriptions/{id}/resume, GET /v1/subscriptions,
 * GET /v1/subscriptions/search).
 *
 * What is modelled:
 * - create: the customer and every price must exist; prices must be recurring, active and share one
 *   currency. Status is `trialing` with a trial (trial_period_days or a future trial_end),
 *   `incomplete` with payment_behavior=default_incomplete, else `active` (no invoice or payment is
 *   made: billing is not modelled). Items are stored subscription_item objects (si_) carrying the
 *   current period (API 2025-03-31 and later moved the period from the subscription to its items).
 * - update: items by id (quantity, price, metadata, deleted) or new items by price; cancel_at_period_end,
 *   cancel_at, pause_collection, trial_end=now, metadata, ... A canceled subscription only takes
 *   metadata and cancellation_details.
 * - DELETE cancels at once: status canceled, canceled_at, ended_at, customer.subscription.deleted.
 * - Time (the emulator clock) is applied when a subscription is read or changed: a trial that has
 *   ended becomes `active`, or `paused` when trial_settings.end_behavior.missing_payment_method is
 *   `pause` and there is no default payment method; a subscription past cancel_at (or past its period
 *   end with cancel_at_period_end) is canceled. Periods do not renew.
 * - resume only from `paused` (Stripe's 400 otherwise).
 * Events: customer.subscription.created / updated (with previous_attributes) / deleted, plus
 * customer.subscription.paused / resumed.
 */
import { invalidRequest, paramError } from '../errors';
import { emitEvent } from '../events';
import { checkExpand, expandObject, parseExpand } from '../expand';
import { applyUpdate, p, type Params, type ParamSpecs } from '../params';
import type { RequestContext, ResourceDefinition } from '../resource';
import { LIST_PARAMS, listOf } from '../routes';
import type { StoredRecord } from '../store';
import { EMPTY_METADATA_ON_CREATE, rejectUnmodelledReference } from './shared';
import { itemsOf, periodEnd } from './subscription_items';

const EVENTS = {
  created: 'customer.subscription.created',
  updated: 'customer.subscription.updated',
  deleted: 'customer.subscription.deleted',
} as const;

const DISCOUNTS = p.array(
  p.object({ coupon: p.string({ maxLength: 5000 }), discount: p.string({ maxLength: 5000 }), promotion_code: p.string({ maxLength: 5000 }) }),
  { emptyable: true },
);

const ITEM_FIELDS: ParamSpecs = {
  discounts: DISCOUNTS,
  metadata: p.metadata(),
  price: p.string({ maxLength: 5000 }),
  quantity: p.integer({ min: 0 }),
  tax_rates: p.array(p.string({ maxLength: 5000 }), { emptyable: true }),
};

const PAYMENT_BEHAVIOR = p.enum(['allow_incomplete', 'default_incomplete', 'error_if_incomplete', 'pending_if_incomplete']);
const PRORATION_BEHAVIOR = p.enum(['always_invoice', 'create_prorations', 'none']);
const TRIAL_SETTINGS = p.object({
  end_behavior: p.object({ missing_payment_method: p.enum(['cancel', 'create_invoice', 'pause'], { required: true }) }, { required: true }),
});
const CANCELLATION_DETAILS = p.object({
  comment: p.string({ maxLength: 5000 }),
  feedback: p.enum(['', 'customer_service', 'low_quality', 'missing_features', 'other', 'switched_service', 'too_complex', 'too_expensive', 'unused'], {
    emptyable: true,
  }),
});

/** Parameters create and update share (values the emulator stores or checks). */
const COMMON: ParamSpecs = {
  cancel_at_period_end: p.boolean(),
  collection_method: p.enum(['charge_automatically', 'send_invoice']),
  coupon: p.string({ maxLength: 5000 }),
  days_until_due: p.integer({ min: 0 }),
  default_payment_method: p.string({ maxLength: 5000 }),
  default_tax_rates: p.array(p.string({ maxLength: 5000 }), { emptyable: true }),
  discounts: DISCOUNTS,
  metadata: p.metadata(),
  off_session: p.boolean(),
  payment_behavior: PAYMENT_BEHAVIOR,
  promotion_code: p.string({ maxLength: 5000 }),
  proration_behavior: PRORATION_BEHAVIOR,
  trial_from_plan: p.boolean(),
  trial_settings: TRIAL_SETTINGS,
};

const CREATE_PARAMS: ParamSpecs = {
  ...COMMON,
  backdate_start_date: p.integer(),
  billing_cycle_anchor: p.integer(),
  cancel_at: p.integer(),
  currency: p.currency(),
  customer: p.id('customer', { required: true }),
  default_source: p.string({ maxLength: 5000 }),
  description: p.string({ maxLength: 500 }),
  items: p.array(p.object(ITEM_FIELDS), { maxItems: 20 }),
  // An integer timestamp or `now`; checked below.
  trial_end: p.string({ maxLength: 5000, emptyable: false }),
  trial_period_days: p.integer({ min: 0, max: 730 }),
};

const UPDATE_PARAMS: ParamSpecs = {
  ...COMMON,
  billing_cycle_anchor: p.enum(['now', 'unchanged']),
  cancel_at: p.integer({ emptyable: true }),
  cancellation_details: CANCELLATION_DETAILS,
  default_source: p.string({ maxLength: 5000 }),
  description: p.string({ maxLength: 500 }),
  items: p.array(
    p.object({ ...ITEM_FIELDS, clear_usage: p.boolean(), deleted: p.boolean(), id: p.string({ maxLength: 5000 }) }),
    { maxItems: 20 },
  ),
  pause_collection: p.object(
    { behavior: p.enum(['keep_as_draft', 'mark_uncollectible', 'void'], { required: true }), resumes_at: p.integer() },
    { emptyable: true },
  ),
  proration_date: p.integer(),
  trial_end: p.string({ maxLength: 5000, emptyable: false }),
};

const CANCEL_PARAMS: ParamSpecs = {
  cancellation_details: CANCELLATION_DETAILS,
  invoice_now: p.boolean(),
  prorate: p.boolean(),
};

const RESUME_PARAMS: ParamSpecs = {
  billing_cycle_anchor: p.enum(['now', 'unchanged']),
  proration_behavior: PRORATION_BEHAVIOR,
  proration_date: p.integer(),
};

const STATUSES = ['active', 'all', 'canceled', 'ended', 'incomplete', 'incomplete_expired', 'past_due', 'paused', 'trialing', 'unpaid'];

export const subscriptions: ResourceDefinition = {
  type: 'subscription',
  idPrefix: 'sub_',
  idLength: 24,
  basePath: '/v1/subscriptions',
  events: { created: EVENTS.created, updated: EVENTS.updated, deleted: EVENTS.deleted },

  create: { params: CREATE_PARAMS, handle: createSubscription },

  update: {
    params: UPDATE_PARAMS,
    handle(ctx, record, params) {
      settle(ctx, record);
      updateSubscription(ctx, record, params);
    },
  },

  actions: {
    resume: {
      params: RESUME_PARAMS,
      handle(ctx, record, params) {
        settle(ctx, record);
        resumeSubscription(ctx, record, params);
      },
    },
  },

  search: {
    fields: {
      created: { kind: 'number' },
      metadata: { kind: 'metadata' },
      status: { kind: 'string' },
    },
  },

  expandable: {
    customer: { types: ['customer'] },
    default_payment_method: { types: ['payment_method'] },
    default_source: { types: ['card'] },
    latest_invoice: { types: ['invoice'] },
  },

  // Retrieve, list and cancel are custom so that elapsed time (trials, scheduled cancellations) is
  // applied first, and because DELETE answers the canceled subscription rather than a deleted stub.
  custom: [
    {
      method: 'GET',
      path: '/v1/subscriptions/:subscription',
      params: {},
      handle(ctx, params, path) {
        const tree = parseExpand(params.expand);
        checkExpand(ctx.registry, subscriptions, tree);
        const record = ctx.store.require('subscription', path.subscription!);
        settle(ctx, record);
        return expandObject(ctx, subscriptions, record.object, tree);
      },
    },
    {
      method: 'GET',
      path: '/v1/subscriptions',
      params: {
        ...LIST_PARAMS,
        collection_method: p.enum(['charge_automatically', 'send_invoice']),
        customer: p.string({ maxLength: 5000, emptyable: false }),
        price: p.string({ maxLength: 5000, emptyable: false }),
        status: p.enum(STATUSES),
        test_clock: p.string({ maxLength: 5000, emptyable: false }),
      },
      handle(ctx, params) {
        for (const r of [...ctx.store.live('subscription')]) settle(ctx, r);
        return listOf(ctx, subscriptions, ctx.store.live('subscription'), params, '/v1/subscriptions', (r) => listFilter(r.object, params));
      },
    },
    {
      method: 'DELETE',
      path: '/v1/subscriptions/:subscription',
      params: CANCEL_PARAMS,
      handle(ctx, params, path) {
        const tree = parseExpand(params.expand);
        checkExpand(ctx.registry, subscriptions, tree);
        const record = ctx.store.require('subscription', path.subscription!);
        settle(ctx, record);
        const sub = record.object;
        if (sub.status === 'canceled' || sub.status === 'incomplete_expired') {
          throw invalidRequest(`The subscription ${sub.id} has already been canceled and cannot be canceled again.`, { param: 'subscription' });
        }
        cancelSubscription(ctx, record, 'cancellation_requested', params.cancellation_details);
        return expandObject(ctx, subscriptions, sub, tree);
      },
    },
  ],
};

function listFilter(sub: Record<string, any>, params: Params): boolean {
  const status: string | undefined = params.status ?? undefined;
  const statusOk =
    status === 'all' ||
    (status === undefined && sub.status !== 'canceled' && sub.status !== 'incomplete_expired') ||
    (status === 'ended' && (sub.status === 'canceled' || sub.status === 'incomplete_expired')) ||
    status === sub.status;
  return (
    statusOk &&
    (params.customer == null || sub.customer === params.customer) &&
    (params.collection_method == null || sub.collection_method === params.collection_method) &&
    (params.test_clock == null || sub.test_clock === params.test_clock) &&
    (params.price == null || sub.items.data.some((item: any) => item.price?.id === params.price))
  );
}

/** `trial_end`: a unix timestamp in the future, or `now`. */
function parseTrialEnd(ctx: RequestContext, value: string | undefined): number | 'now' | undefined {
  if (value === undefined) return undefined;
  if (value === 'now') return 'now';
  if (!/^\d+$/.test(value)) throw paramError(`Invalid trial_end: must be an integer Unix timestamp or 'now'.`, undefined, 'trial_end');
  const n = Number(value);
  if (n <= ctx.now) throw paramError('Invalid timestamp: must be an integer Unix timestamp in the future.', undefined, 'trial_end');
  return n;
}

/** A stored, active, recurring price in the subscription's currency. */
function requirePrice(ctx: RequestContext, id: string, param: string, currency: string | undefined): Record<string, any> {
  const price = ctx.store.require('price', id, param, 400).object;
  if (price.active === false) {
    throw invalidRequest(`The price specified is inactive. This field only accepts active prices.`, { param });
  }
  if (price.type !== 'recurring' || !price.recurring) {
    throw invalidRequest(
      'The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.',
      { param },
    );
  }
  if (currency && price.currency !== currency) {
    throw invalidRequest(
      `The price specified uses currency \`${price.currency}\`, but this subscription is in \`${currency}\`. All prices on a subscription must share one currency.`,
      { param },
    );
  }
  return price;
}

/** Checks what an optional reference names: stored when the emulator models that type, else "No such ...". */
function requireReference(ctx: RequestContext, type: string, noun: string, id: unknown, param: string): void {
  if (typeof id !== 'string' || id === '') return;
  if (ctx.registry.get(type)) ctx.store.require(type, id, param, 400);
  else rejectUnmodelledReference(id, noun, param);
}

/** Discounts as the subscription shows them: one `di_` id per coupon or promotion code applied. */
function discountsFrom(ctx: RequestContext, params: Params): string[] | undefined {
  const list: Array<Record<string, any>> | null | undefined = params.discounts;
  const out: string[] = [];
  if (params.coupon) {
    requireReference(ctx, 'coupon', 'coupon', params.coupon, 'coupon');
    out.push(ctx.ids.next('di_', 24));
  }
  if (params.promotion_code) {
    requireReference(ctx, 'promotion_code', 'promotion code', params.promotion_code, 'promotion_code');
    out.push(ctx.ids.next('di_', 24));
  }
  (list ?? []).forEach((d, i) => {
    requireReference(ctx, 'coupon', 'coupon', d.coupon, `discounts[${i}][coupon]`);
    requireReference(ctx, 'promotion_code', 'promotion code', d.promotion_code, `discounts[${i}][promotion_code]`);
    out.push(d.discount ?? ctx.ids.next('di_', 24));
  });
  if (list === null) return [];
  return out.length > 0 || list !== undefined ? out : undefined;
}

function checkReferences(ctx: RequestContext, params: Params, customerId: string): void {
  requireReference(ctx, 'payment_method', 'PaymentMethod', params.default_payment_method, 'default_payment_method');
  const pm = params.default_payment_method ? ctx.store.get(params.default_payment_method, 'payment_method')?.object : undefined;
  if (pm && pm.customer !== customerId) {
    throw invalidRequest(
      `The customer does not have a payment method with the ID ${pm.id}. The payment method must be attached to the customer.`,
      { param: 'default_payment_method' },
    );
  }
  if (params.default_source) {
    const card = ctx.store.get(params.default_source, 'card');
    if (!card || card.deleted || card.object.customer !== customerId) {
      throw invalidRequest(`No such source: '${params.default_source}'`, { code: 'resource_missing', param: 'default_source' });
    }
  }
  for (const [i, id] of ((params.default_tax_rates ?? []) as string[]).entries()) {
    requireReference(ctx, 'tax_rate', 'tax rate', id, `default_tax_rates[${i}]`);
  }
}

/** Stripe shows default_tax_rates as the tax rate objects, not their ids. */
function taxRates(ctx: RequestContext, ids: string[] | null | undefined): Record<string, any>[] {
  return (ids ?? []).map((id) => structuredClone(ctx.store.get(id, 'tax_rate')?.object ?? { id, object: 'tax_rate' }));
}

function createSubscription(ctx: RequestContext, params: Params): StoredRecord {
  const customer = ctx.store.require('customer', params.customer, 'customer', 400).object;
  const items: Params[] = params.items ?? [];
  if (items.length === 0) throw paramError('Missing required param: items.', 'parameter_missing', 'items');
  // Everything that can fail is checked before anything is stored.
  let currency: string | undefined = params.currency ?? undefined;
  const seen = new Set<string>();
  const prices = items.map((item, i) => {
    if (!item.price) throw paramError(`Missing required param: items[${i}][price].`, 'parameter_missing', `items[${i}][price]`);
    const price = requirePrice(ctx, item.price, `items[${i}][price]`, currency);
    currency ??= price.currency;
    if (seen.has(price.id)) {
      throw invalidRequest(`Cannot add multiple subscription items with the same price: ${price.id}`, { param: `items[${i}][price]` });
    }
    seen.add(price.id);
    return price;
  });
  checkReferences(ctx, params, customer.id);
  if (params.collection_method !== 'send_invoice' && params.days_until_due != null) {
    throw invalidRequest('days_until_due can only be set when collection_method is send_invoice.', { param: 'days_until_due' });
  }
  const trialEnd = parseTrialEnd(ctx, params.trial_end ?? undefined);
  if (trialEnd !== undefined && params.trial_period_days != null) {
    throw invalidRequest('You may only specify one of these parameters: trial_end, trial_period_days.', { param: 'trial_end' });
  }
  const discounts = discountsFrom(ctx, params) ?? [];

  const id = ctx.ids.next('sub_', 24);
  const start = ctx.now;
  const trialUntil =
    typeof trialEnd === 'number' ? trialEnd : params.trial_period_days ? start + params.trial_period_days * 86_400 : undefined;
  const incomplete = params.payment_behavior === 'default_incomplete' && !trialUntil;
  const object: Record<string, any> = {
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: params.billing_cycle_anchor ?? trialUntil ?? start,
    billing_cycle_anchor_config: null,
    // Flexible billing mode is the default for subscriptions created through the API since 2025-09-30.clover.
    billing_mode: { type: 'flexible' },
    cancel_at: params.cancel_at ?? null,
    cancel_at_period_end: params.cancel_at_period_end ?? false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, reason: null },
    collection_method: params.collection_method ?? 'charge_automatically',
    created: start,
    currency,
    customer: customer.id,
    days_until_due: params.days_until_due ?? null,
    default_payment_method: params.default_payment_method ?? null,
    default_source: params.default_source ?? null,
    default_tax_rates: taxRates(ctx, params.default_tax_rates),
    description: params.description ?? null,
    discounts,
    ended_at: null,
    invoice_settings: { account_tax_ids: null, issuer: { type: 'self' } },
    items: null,
    latest_invoice: null,
    livemode: ctx.livemode,
    metadata: EMPTY_METADATA_ON_CREATE(params.metadata),
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: start,
    status: trialUntil ? 'trialing' : incomplete ? 'incomplete' : 'active',
    test_clock: null,
    transfer_data: null,
    trial_end: trialUntil ?? null,
    trial_settings: { end_behavior: { missing_payment_method: params.trial_settings?.end_behavior?.missing_payment_method ?? 'create_invoice' } },
    trial_start: trialUntil ? start : null,
  };
  const record = ctx.store.insert('subscription', object, start);
  items.forEach((item, i) => addItem(ctx, object, prices[i]!, item));
  refreshItems(ctx, object);
  return record;
}

function addItem(ctx: RequestContext, sub: Record<string, any>, price: Record<string, any>, params: Params): void {
  // During a trial the period is the trial; otherwise one billing interval of the price from now.
  const trialing = sub.status === 'trialing' && sub.trial_end != null;
  const periodStart: number = trialing ? sub.trial_start ?? ctx.now : ctx.now;
  const periodEndAt: number = trialing ? sub.trial_end : periodEnd(periodStart, price.recurring.interval, price.recurring.interval_count ?? 1);
  const item = {
    id: ctx.ids.next('si_', 14),
    object: 'subscription_item',
    billing_thresholds: null,
    created: ctx.now,
    current_period_end: periodEndAt,
    current_period_start: periodStart,
    discounts: [],
    metadata: EMPTY_METADATA_ON_CREATE(params.metadata),
    price: structuredClone(price),
    quantity: params.quantity ?? 1,
    subscription: sub.id,
    tax_rates: [],
  };
  ctx.store.insert('subscription_item', item, ctx.now);
}

/** The subscription's embedded `items` list, rebuilt from the stored items. */
function refreshItems(ctx: RequestContext, sub: Record<string, any>): void {
  const data = itemsOf(ctx, sub.id).map((r) => structuredClone(r.object));
  sub.items = { object: 'list', data, has_more: false, total_count: data.length, url: `/v1/subscription_items?subscription=${sub.id}` };
}

const CANCELED_UPDATABLE = new Set(['metadata', 'cancellation_details', 'expand']);

function updateSubscription(ctx: RequestContext, record: StoredRecord, params: Params): void {
  const sub = record.object;
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired') {
    const other = Object.keys(params).find((k) => !CANCELED_UPDATABLE.has(k));
    if (other) {
      throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.', { param: other });
    }
  }
  // Checks first: a failing update changes nothing.
  checkReferences(ctx, params, sub.customer);
  const trialEnd = parseTrialEnd(ctx, params.trial_end ?? undefined);
  const collection = params.collection_method ?? sub.collection_method;
  if (collection !== 'send_invoice' && params.days_until_due != null) {
    throw invalidRequest('days_until_due can only be set when collection_method is send_invoice.', { param: 'days_until_due' });
  }
  const itemPlan = planItems(ctx, sub, params.items ?? []);
  const discounts = discountsFrom(ctx, params);

  for (const step of itemPlan) step();
  if (itemPlan.length > 0) refreshItems(ctx, sub);
  applyUpdate(sub, params, ['cancel_at_period_end', 'collection_method', 'default_payment_method', 'default_source', 'description', 'metadata']);
  if ('days_until_due' in params) sub.days_until_due = params.days_until_due;
  if (collection === 'charge_automatically') sub.days_until_due = null;
  if ('default_tax_rates' in params) sub.default_tax_rates = taxRates(ctx, params.default_tax_rates);
  if (discounts !== undefined) sub.discounts = discounts;
  if ('cancel_at' in params) sub.cancel_at = params.cancel_at;
  if (params.cancel_at_period_end === true) sub.cancel_at = null;
  if ('pause_collection' in params) {
    sub.pause_collection = params.pause_collection ? { behavior: params.pause_collection.behavior, resumes_at: params.pause_collection.resumes_at ?? null } : null;
  }
  if (params.trial_settings) sub.trial_settings = { end_behavior: { ...params.trial_settings.end_behavior } };
  if ('cancellation_details' in params) {
    sub.cancellation_details = { ...sub.cancellation_details, ...nullable(params.cancellation_details) };
  }
  if (trialEnd === 'now' && sub.status === 'trialing') endTrial(ctx, record);
  else if (typeof trialEnd === 'number') {
    sub.trial_end = trialEnd;
    sub.trial_start ??= ctx.now;
    if (sub.status === 'active') sub.status = 'trialing';
    setPeriods(ctx, sub, sub.trial_start, trialEnd);
  }
}

function nullable(details: Record<string, any> | null | undefined): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(details ?? {})) out[k] = v === '' ? null : v;
  return out;
}

/** Validates an update's `items` and returns the changes to apply, in order. */
function planItems(ctx: RequestContext, sub: Record<string, any>, items: Params[]): Array<() => void> {
  const current = itemsOf(ctx, sub.id);
  const remaining = new Map(current.map((r) => [r.id, r.object.price.id as string]));
  const steps: Array<() => void> = [];
  items.forEach((item, i) => {
    const param = `items[${i}]`;
    if (item.id) {
      const record = current.find((r) => r.id === item.id);
      if (!record) {
        throw invalidRequest(`No such subscription item: '${item.id}' on subscription ${sub.id}`, { code: 'resource_missing', param: `${param}[id]` });
      }
      if (item.deleted) {
        remaining.delete(item.id);
        steps.push(() => ctx.store.markDeleted(record, { id: record.id, object: 'subscription_item', deleted: true }));
        return;
      }
      const price = item.price ? requirePrice(ctx, item.price, `${param}[price]`, sub.currency) : undefined;
      if (price) remaining.set(item.id, price.id);
      steps.push(() => {
        const o = record.object;
        if (price) o.price = structuredClone(price);
        if (item.quantity != null) o.quantity = item.quantity;
        if ('metadata' in item) applyUpdate(o, item, ['metadata']);
      });
      return;
    }
    if (item.deleted) throw paramError(`Missing required param: ${param}[id].`, 'parameter_missing', `${param}[id]`);
    if (!item.price) throw paramError(`Missing required param: ${param}[price].`, 'parameter_missing', `${param}[price]`);
    const price = requirePrice(ctx, item.price, `${param}[price]`, sub.currency);
    const key = `new_${i}`;
    remaining.set(key, price.id);
    steps.push(() => addItem(ctx, sub, price, item));
  });
  if (items.length > 0) {
    if (remaining.size === 0) {
      throw invalidRequest('A subscription must have at least one active item; cancel the subscription instead of deleting every item.', { param: 'items' });
    }
    const prices = [...remaining.values()];
    const duplicate = prices.find((id, i) => prices.indexOf(id) !== i);
    if (duplicate) throw invalidRequest(`Cannot add multiple subscription items with the same price: ${duplicate}`, { param: 'items' });
  }
  return steps;
}

function setPeriods(ctx: RequestContext, sub: Record<string, any>, start: number, end?: number): void {
  for (const r of itemsOf(ctx, sub.id)) {
    const recurring = r.object.price.recurring ?? { interval: 'month', interval_count: 1 };
    r.object.current_period_start = start;
    r.object.current_period_end = end ?? periodEnd(start, recurring.interval, recurring.interval_count ?? 1);
  }
  refreshItems(ctx, sub);
}

/** The trial is over: active (a new period starts), or paused when configured and nothing can pay. */
function endTrial(ctx: RequestContext, record: StoredRecord, at = ctx.now): void {
  const sub = record.object;
  const canPay = sub.default_payment_method || sub.default_source || customerCanPay(ctx, sub.customer);
  if (sub.trial_settings?.end_behavior?.missing_payment_method === 'pause' && !canPay) {
    sub.status = 'paused';
  } else if (sub.trial_settings?.end_behavior?.missing_payment_method === 'cancel' && !canPay) {
    sub.trial_end = at;
    cancelSubscription(ctx, record, 'cancellation_requested', undefined);
    return;
  } else {
    sub.status = 'active';
  }
  sub.trial_end = at;
  sub.billing_cycle_anchor = at;
  setPeriods(ctx, sub, at);
}

function customerCanPay(ctx: RequestContext, customerId: string): boolean {
  const customer = ctx.store.get(customerId, 'customer')?.object;
  return Boolean(customer?.default_source || customer?.invoice_settings?.default_payment_method);
}

/** Cancels at once (DELETE, a passed cancel_at, the customer deleted), recording customer.subscription.deleted. */
export function cancelSubscription(ctx: RequestContext, record: StoredRecord, reason: string, details: Record<string, any> | undefined): void {
  const sub = record.object;
  sub.status = 'canceled';
  sub.canceled_at = ctx.now;
  sub.ended_at = ctx.now;
  sub.cancellation_details = { comment: null, feedback: null, ...sub.cancellation_details, ...nullable(details), reason };
  emitEvent(ctx, EVENTS.deleted, sub);
}

/**
 * Applies what the emulator clock says has happened since the subscription was last looked at,
 * recording the events Stripe would have sent at the time.
 */
function settle(ctx: RequestContext, record: StoredRecord): void {
  const sub = record.object;
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired') return;
  if (sub.status === 'trialing' && sub.trial_end != null && sub.trial_end <= ctx.now) {
    const before = structuredClone(sub);
    endTrial(ctx, record, sub.trial_end);
    if (sub.status !== 'canceled') {
      emitEvent(ctx, EVENTS.updated, sub, before);
      if (sub.status === 'paused') emitEvent(ctx, 'customer.subscription.paused', sub);
    }
  }
  const periodEndAt = Math.min(...itemsOf(ctx, sub.id).map((r) => r.object.current_period_end as number));
  const due = (sub.cancel_at != null && sub.cancel_at <= ctx.now) || (sub.cancel_at_period_end && periodEndAt <= ctx.now);
  if (due && sub.status !== 'canceled') cancelSubscription(ctx, record, 'cancellation_requested', undefined);
}

function resumeSubscription(ctx: RequestContext, record: StoredRecord, params: Params): void {
  const sub = record.object;
  if (sub.status !== 'paused') {
    throw invalidRequest(`Only subscriptions with status \`paused\` can be resumed; subscription ${sub.id} has status \`${sub.status}\`.`, {
      param: 'subscription',
    });
  }
  const before = structuredClone(sub);
  sub.status = 'active';
  if ((params.billing_cycle_anchor ?? 'now') === 'now') {
    sub.billing_cycle_anchor = ctx.now;
    setPeriods(ctx, sub, ctx.now);
  }
  emitEvent(ctx, EVENTS.updated, sub, before);
  emitEvent(ctx, 'customer.subscription.resumed', sub);
}
