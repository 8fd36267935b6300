/**
 * Checkout sessions (params from Stripe's OpenAPI spec: POST /v1/checkout/sessions,
 * GET /v1/checkout/sessions[/{session}], POST /v1/checkout/sessions/{session}/expire,
 * GET /v1/checkout/sessions/{session}/line_items).
 *
 * A session is created `open` with a hosted url (or a client_secret for ui_mode=embedded_page) and
 * expires_at (default 24 hours). Line items name stored prices or carry price_data; amount_subtotal
 * and amount_total are their sum (no tax, shipping or discounts). Expire moves open -> expired
 * (Stripe's 400 otherwise) and records checkout.session.expired. Completion is a customer paying on
 * Stripe's page, which has no API: it is not emulated, and neither is expiry by the clock.
 */
import { invalidRequest, paramError } from '../errors';
import { emitEvent } from '../events';
import { p, type Params, type ParamSpecs } from '../params';
import type { RequestContext, ResourceDefinition } from '../resource';
import { LIST_PARAMS, listOf } from '../routes';
import { randomAlnum } from '../ids';
import { priceObject } from './products';
import { EMPTY_METADATA_ON_CREATE } from './shared';

const RECURRING = p.object({
  interval: p.enum(['day', 'month', 'week', 'year'], { required: true }),
  interval_count: p.integer({ min: 1 }),
});

const LINE_ITEM = p.object({
  adjustable_quantity: p.object({ enabled: p.boolean({ required: true }), maximum: p.integer({ min: 1 }), minimum: p.integer({ min: 0 }) }),
  dynamic_tax_rates: p.array(p.string({ maxLength: 5000 })),
  price: p.string({ maxLength: 5000 }),
  price_data: p.object({
    currency: p.currency({ required: true }),
    product: p.string({ maxLength: 5000 }),
    product_data: p.object({
      description: p.string({ maxLength: 40000 }),
      images: p.array(p.string()),
      metadata: p.metadata(),
      name: p.string({ required: true, maxLength: 5000 }),
      tax_code: p.string({ maxLength: 5000 }),
    }),
    recurring: RECURRING,
    tax_behavior: p.enum(['exclusive', 'inclusive', 'unspecified']),
    unit_amount: p.integer({ min: 0 }),
  }),
  quantity: p.integer({ min: 0 }),
  tax_rates: p.array(p.string({ maxLength: 5000 })),
});

const MODES = ['payment', 'setup', 'subscription'];

const CREATE_PARAMS: ParamSpecs = {
  allow_promotion_codes: p.boolean(),
  automatic_tax: p.object({ enabled: p.boolean({ required: true }) }),
  billing_address_collection: p.enum(['auto', 'required']),
  cancel_url: p.string({ maxLength: 5000 }),
  client_reference_id: p.string({ maxLength: 200 }),
  currency: p.currency(),
  customer: p.string({ maxLength: 5000 }),
  customer_creation: p.enum(['always', 'if_required']),
  customer_email: p.email(),
  discounts: p.array(p.object({ coupon: p.string({ maxLength: 5000 }), promotion_code: p.string({ maxLength: 5000 }) })),
  expires_at: p.integer(),
  line_items: p.array(LINE_ITEM),
  locale: p.string({ maxLength: 5000 }),
  metadata: p.metadata(),
  // The spec (2024-04-10) leaves mode optional; the API answers "Missing required param: mode".
  mode: p.enum(MODES, { required: true }),
  payment_intent_data: p.object({
    capture_method: p.enum(['automatic', 'automatic_async', 'manual']),
    description: p.string({ maxLength: 1000 }),
    metadata: p.metadata(),
    receipt_email: p.string(),
    setup_future_usage: p.enum(['off_session', 'on_session']),
    statement_descriptor: p.string({ maxLength: 22 }),
    statement_descriptor_suffix: p.string({ maxLength: 22 }),
  }),
  payment_method_collection: p.enum(['always', 'if_required']),
  payment_method_types: p.array(p.string({ maxLength: 5000 })),
  phone_number_collection: p.object({ enabled: p.boolean({ required: true }) }),
  redirect_on_completion: p.enum(['always', 'if_required', 'never']),
  return_url: p.string({ maxLength: 5000 }),
  setup_intent_data: p.object({ description: p.string({ maxLength: 1000 }), metadata: p.metadata() }),
  submit_type: p.enum(['auto', 'book', 'donate', 'pay', 'subscribe']),
  subscription_data: p.object({
    description: p.string({ maxLength: 500 }),
    metadata: p.metadata(),
    trial_end: p.integer(),
    trial_period_days: p.integer({ min: 1 }),
  }),
  success_url: p.string({ maxLength: 5000 }),
  // Values since API 2026-03-25.dahlia (before: embedded, hosted).
  ui_mode: p.enum(['embedded_page', 'hosted_page']),
};

const DAY = 24 * 60 * 60;

/** Line items are stored under their own store type; their objects say `object: 'item'` as Stripe's do. */
export const checkoutLineItems: ResourceDefinition = {
  type: 'checkout_session_line_item',
  idPrefix: 'li_',
  idLength: 24,
  events: false,
};

export const checkoutSessions: ResourceDefinition = {
  type: 'checkout.session',
  idPrefix: 'cs_test_',
  idLength: 58,
  basePath: '/v1/checkout/sessions',
  // Stripe has no checkout.session.created/updated events; expire records checkout.session.expired.
  events: false,

  create: { params: CREATE_PARAMS, handle: createSession },

  retrieve: {},

  actions: {
    expire: {
      params: {},
      handle(ctx, record) {
        const session = record.object;
        if (session.status !== 'open') {
          throw invalidRequest(
            `Only Checkout Sessions with a status of \`open\` can be expired. This Checkout Session has a status of \`${session.status}\`.`,
            { param: 'session' },
          );
        }
        session.status = 'expired';
        session.url = null;
        session.client_secret = null;
        emitEvent(ctx, 'checkout.session.expired', session);
      },
    },
  },

  list: {
    params: {
      customer: p.string({ maxLength: 5000, emptyable: false }),
      customer_details: p.object({ email: p.string({ required: true }) }),
      payment_intent: p.string({ maxLength: 5000, emptyable: false }),
      payment_link: p.string({ maxLength: 5000, emptyable: false }),
      status: p.enum(['complete', 'expired', 'open']),
      subscription: p.string({ maxLength: 5000, emptyable: false }),
    },
    filter: (s, params) =>
      (params.customer == null || s.customer === params.customer) &&
      (params.customer_details == null || (s.customer_details?.email ?? s.customer_email) === params.customer_details.email) &&
      (params.payment_intent == null || s.payment_intent === params.payment_intent) &&
      (params.payment_link == null || s.payment_link === params.payment_link) &&
      (params.status == null || s.status === params.status) &&
      (params.subscription == null || s.subscription === params.subscription),
  },

  expandable: {
    customer: { types: ['customer'] },
    subscription: { types: ['subscription'] },
  },

  includable: {
    line_items: (ctx, session) => lineItemsList(ctx, session.id, {}),
  },

  custom: [
    {
      method: 'GET',
      path: '/v1/checkout/sessions/:session/line_items',
      params: { limit: LIST_PARAMS.limit!, starting_after: LIST_PARAMS.starting_after!, ending_before: LIST_PARAMS.ending_before! },
      handle(ctx, params, path) {
        ctx.store.require('checkout.session', path.session!, 'session');
        return lineItemsList(ctx, path.session!, params);
      },
    },
  ],
};

function lineItemsList(ctx: RequestContext, sessionId: string, params: Params) {
  const records = ctx.store.live('checkout_session_line_item').filter((r) => r.hidden.session === sessionId);
  return listOf(ctx, checkoutLineItems, records, params, `/v1/checkout/sessions/${sessionId}/line_items`);
}

interface PlannedItem {
  price: Record<string, any>;
  quantity: number;
  description: string | null;
}

function planLineItems(ctx: RequestContext, params: Params, mode: string): PlannedItem[] {
  const items: Params[] = params.line_items ?? [];
  if (mode === 'setup') {
    if (items.length > 0) throw invalidRequest('You cannot pass `line_items` in `setup` mode.', { param: 'line_items' });
    return [];
  }
  if (items.length === 0) {
    throw invalidRequest(`\`line_items\` is required in \`${mode}\` mode.`, { param: 'line_items' });
  }
  const planned = items.map((item, i): PlannedItem => {
    const param = `line_items[${i}]`;
    if (item.price && item.price_data) {
      throw invalidRequest(`You may only specify one of these parameters: price, price_data.`, { param: `${param}[price]` });
    }
    let price: Record<string, any>;
    if (item.price) {
      price = ctx.store.require('price', item.price, `${param}[price]`, 400).object;
      if (price.active === false) throw invalidRequest(`The price \`${price.id}\` is not active.`, { param: `${param}[price]` });
    } else if (item.price_data) {
      price = inlinePrice(ctx, item.price_data, `${param}[price_data]`);
    } else {
      throw paramError(`Missing required param: ${param}[price].`, 'parameter_missing', `${param}[price]`);
    }
    if (item.quantity == null && !item.adjustable_quantity?.enabled) {
      throw paramError(`Missing required param: ${param}[quantity].`, 'parameter_missing', `${param}[quantity]`);
    }
    if (mode === 'payment' && price.type === 'recurring') {
      throw invalidRequest(
        'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
        { param: `${param}[price]` },
      );
    }
    const product = typeof price.product === 'string' ? ctx.store.get(price.product, 'product')?.object : undefined;
    return { price, quantity: item.quantity ?? 1, description: price.hidden_name ?? product?.name ?? null };
  });
  if (mode === 'subscription' && !planned.some((item) => item.price.type === 'recurring')) {
    throw invalidRequest('You must provide at least one recurring price in `subscription` mode when using prices.', { param: 'line_items' });
  }
  const currencies = new Set(planned.map((item) => item.price.currency));
  if (currencies.size > 1) {
    throw invalidRequest('All line items must use the same currency.', { param: 'line_items' });
  }
  return planned;
}

/** A price built from price_data: not stored (Stripe creates an archived one-off price). */
function inlinePrice(ctx: RequestContext, data: Params, param: string): Record<string, any> {
  if (data.product) ctx.store.require('product', data.product, `${param}[product]`, 400);
  else if (!data.product_data) throw paramError(`Missing required param: ${param}[product].`, 'parameter_missing', `${param}[product]`);
  if (data.unit_amount == null) throw paramError(`Missing required param: ${param}[unit_amount].`, 'parameter_missing', `${param}[unit_amount]`);
  return {
    ...priceObject(ctx, data.product ?? ctx.ids.next('prod_', 14), data),
    active: false,
    // Not part of the object: the line item's description when the product is made inline.
    hidden_name: data.product_data?.name,
  };
}

function createSession(ctx: RequestContext, params: Params) {
  const mode: string = params.mode;
  const embedded = params.ui_mode === 'embedded_page';
  if (params.customer && params.customer_email) {
    throw invalidRequest('You may only specify one of these parameters: customer, customer_email.', { param: 'customer_email' });
  }
  if (params.customer) ctx.store.require('customer', params.customer, 'customer', 400);
  if (embedded && (params.success_url || params.cancel_url)) {
    throw invalidRequest('`success_url` and `cancel_url` cannot be used with `ui_mode: embedded_page`; use `return_url`.', {
      param: params.success_url ? 'success_url' : 'cancel_url',
    });
  }
  if (embedded && !params.return_url && params.redirect_on_completion !== 'never') {
    throw paramError('Missing required param: return_url.', 'parameter_missing', 'return_url');
  }
  if (!embedded && params.return_url) {
    throw invalidRequest('`return_url` can only be used with `ui_mode: embedded_page`.', { param: 'return_url' });
  }
  if (mode === 'setup' && params.submit_type) {
    throw invalidRequest('`submit_type` can only be used in `payment` and `subscription` mode.', { param: 'submit_type' });
  }
  if (mode !== 'subscription' && params.subscription_data) {
    throw invalidRequest('`subscription_data` can only be used in `subscription` mode.', { param: 'subscription_data' });
  }
  if (mode !== 'payment' && params.payment_intent_data) {
    throw invalidRequest('`payment_intent_data` can only be used in `payment` mode.', { param: 'payment_intent_data' });
  }
  const expiresAt: number = params.expires_at ?? ctx.now + DAY;
  if (expiresAt < ctx.now + 30 * 60 || expiresAt > ctx.now + DAY) {
    throw invalidRequest('The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.', {
      param: 'expires_at',
    });
  }
  const items = planLineItems(ctx, params, mode);
  const currency: string | null = items[0]?.price.currency ?? params.currency ?? null;
  if (mode === 'setup' && !currency && !params.payment_method_types) {
    throw paramError('Missing required param: currency.', 'parameter_missing', 'currency');
  }
  const total = items.reduce((sum, item) => sum + (item.price.unit_amount ?? 0) * item.quantity, 0);

  const secret = randomAlnum(58);
  const id = `${ctx.livemode ? 'cs_live_' : 'cs_test_'}${secret}`;
  const session = {
    id,
    object: 'checkout.session',
    after_expiration: null,
    allow_promotion_codes: params.allow_promotion_codes ?? null,
    amount_subtotal: mode === 'setup' ? null : total,
    amount_total: mode === 'setup' ? null : total,
    automatic_tax: { enabled: params.automatic_tax?.enabled ?? false, liability: null, status: null },
    billing_address_collection: params.billing_address_collection ?? null,
    cancel_url: params.cancel_url ?? null,
    client_reference_id: params.client_reference_id ?? null,
    client_secret: embedded ? `${id}_secret_${randomAlnum(24)}` : null,
    // What the customer entered (shipping details...); since API 2025-03-31.basil there is no top-level shipping_details.
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: ctx.now,
    currency,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: params.customer ?? null,
    customer_creation: params.customer ? null : params.customer_creation ?? (mode === 'payment' ? 'if_required' : 'always'),
    customer_details: params.customer_email ? { address: null, email: params.customer_email, name: null, phone: null, tax_exempt: 'none', tax_ids: null } : null,
    customer_email: params.customer_email ?? null,
    expires_at: expiresAt,
    invoice: null,
    invoice_creation: null,
    livemode: ctx.livemode,
    locale: params.locale ?? null,
    metadata: EMPTY_METADATA_ON_CREATE(params.metadata),
    mode,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: mode === 'payment' ? null : params.payment_method_collection ?? 'always',
    payment_method_types: params.payment_method_types ?? ['card'],
    payment_status: mode === 'setup' ? 'no_payment_required' : 'unpaid',
    phone_number_collection: { enabled: params.phone_number_collection?.enabled ?? false },
    recovered_from: null,
    redirect_on_completion: embedded ? params.redirect_on_completion ?? 'always' : undefined,
    // Only on embedded_page sessions (as redirect_on_completion): hosted sessions omit it.
    return_url: embedded ? params.return_url : undefined,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: params.submit_type ?? null,
    subscription: null,
    success_url: params.success_url ?? null,
    total_details: mode === 'setup' ? null : { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: embedded ? 'embedded_page' : 'hosted_page',
    url: embedded ? null : `https://checkout.stripe.com/c/pay/${id}#${randomAlnum(40)}`,
  };
  if (session.redirect_on_completion === undefined) delete session.redirect_on_completion;
  if (session.return_url === undefined) delete session.return_url;
  const record = ctx.store.insert('checkout.session', session, ctx.now);
  items.forEach((item, i) => {
    const { hidden_name: _hidden, ...price } = item.price;
    const amount = (price.unit_amount ?? 0) * item.quantity;
    const lineItem = {
      id: ctx.ids.next('li_', 24),
      object: 'item',
      amount_discount: 0,
      amount_subtotal: amount,
      amount_tax: 0,
      amount_total: amount,
      currency: price.currency,
      description: item.description,
      price: structuredClone(price),
      quantity: item.quantity,
    };
    // Stripe lists line items in the order given; the store orders newest first, so the first item
    // gets the latest (invisible: items show no `created`) store time.
    ctx.store.insert('checkout_session_line_item', lineItem, ctx.now - i, { session: id });
  });
  return record;
}
