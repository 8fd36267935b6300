/**
 * Payment intents (params from Stripe's OpenAPI spec: POST /v1/payment_intents, POST
 * /v1/payment_intents/{intent}, .../confirm, .../capture, .../cancel, GET /v1/payment_intents,
 * GET /v1/payment_intents/search; plus Stripe's newer amount_details[line_items] and
 * GET /v1/payment_intents/{intent}/amount_details_line_items).
 *
 * State machine (card payments, no 3D Secure):
 *   requires_payment_method --(payment_method set)--> requires_confirmation
 *   --confirm--> succeeded (capture_method automatic / automatic_async) or requires_capture (manual)
 *   requires_capture --capture--> succeeded
 *   requires_payment_method | requires_confirmation | requires_action | requires_capture | processing
 *   --cancel--> canceled
 * A decline on confirm stores a failed charge, puts the intent back to requires_payment_method with
 * last_payment_error, and answers 402 card_error (with the intent in the error, as Stripe does).
 * Anything else: 400 `payment_intent_unexpected_state` with Stripe's message.
 * Events: payment_intent.created / succeeded / payment_failed / canceled /
 * amount_capturable_updated (Stripe has no payment_intent.updated), and the charge's own events.
 */
import { invalidRequest, paramError, StripeError } from '../errors';
import { emitEvent } from '../events';
import { applyUpdate, p, type Params, type ParamSpecs } from '../params';
import type { RequestContext, ResourceDefinition } from '../resource';
import { LIST_PARAMS, listOf } from '../routes';
import type { StoredRecord } from '../store';
import type { StripeErrorBody } from '../types';
import type { Decline } from './cards';
import { captureCharge, checkMinimumAmount, insertCharge } from './charges';
import { declineFields, intentUnexpectedState } from './intents';
import { attachPaymentMethod, resolvePaymentMethod } from './payment_methods';
import { ADDRESS_FIELDS, EMPTY_METADATA_ON_CREATE, normalizeShipping, rejectUnmodelledReference } from './shared';

const CAPTURE_METHODS = ['automatic', 'automatic_async', 'manual'] as const;

const SHIPPING = p.object(
  {
    address: p.object(ADDRESS_FIELDS, { required: true }),
    carrier: p.string({ maxLength: 5000 }),
    name: p.string({ required: true, maxLength: 5000 }),
    phone: p.string({ maxLength: 5000 }),
    tracking_number: p.string({ maxLength: 5000 }),
  },
  { emptyable: true },
);

/** Stripe's current amount_details (newer than the 2024-04-10 spec): line items for L2/L3 data. */
const AMOUNT_DETAILS = p.object(
  {
    discount_amount: p.integer({ min: 1, emptyable: true }),
    line_items: p.array(
      p.object({
        discount_amount: p.integer({ min: 1 }),
        product_code: p.string({ maxLength: 12 }),
        product_name: p.string({ required: true, maxLength: 1024 }),
        quantity: p.integer({ required: true, min: 1 }),
        tax: p.object({ total_tax_amount: p.integer({ required: true, min: 0 }) }),
        unit_cost: p.integer({ required: true, min: 0 }),
        unit_of_measure: p.string({ maxLength: 12 }),
      }),
      { emptyable: true, maxItems: 200 },
    ),
    shipping: p.object({ amount: p.integer({ min: 0 }), from_postal_code: p.string(), to_postal_code: p.string() }, { emptyable: true }),
    tax: p.object({ total_tax_amount: p.integer({ required: true, min: 0 }) }, { emptyable: true }),
  },
  { emptyable: true },
);

const PAYMENT_METHOD_OPTIONS = p.object({
  card: p.object({
    capture_method: p.enum(['', 'manual'], { emptyable: true }),
    request_three_d_secure: p.enum(['any', 'automatic', 'challenge']),
    setup_future_usage: p.enum(['', 'none', 'off_session', 'on_session'], { emptyable: true }),
  }),
});

/** Parameters create and update share. */
const COMMON: ParamSpecs = {
  amount_details: AMOUNT_DETAILS,
  application_fee_amount: p.integer({ min: 0, emptyable: true }),
  capture_method: p.enum(CAPTURE_METHODS),
  customer: p.string({ maxLength: 5000 }),
  description: p.string({ maxLength: 1000 }),
  metadata: p.metadata(),
  payment_method: p.string({ maxLength: 5000 }),
  payment_method_configuration: p.string({ maxLength: 100 }),
  payment_method_options: PAYMENT_METHOD_OPTIONS,
  payment_method_types: p.array(p.string({ maxLength: 5000 })),
  receipt_email: p.email({ emptyable: true }),
  setup_future_usage: p.enum(['', 'off_session', 'on_session'], { emptyable: true }),
  shipping: SHIPPING,
  statement_descriptor: p.string({ maxLength: 22 }),
  statement_descriptor_suffix: p.string({ maxLength: 22 }),
  transfer_group: p.string(),
};

const CREATE_PARAMS: ParamSpecs = {
  ...COMMON,
  amount: p.integer({ required: true, min: 1 }),
  automatic_payment_methods: p.object({
    allow_redirects: p.enum(['always', 'never']),
    enabled: p.boolean({ required: true }),
  }),
  confirm: p.boolean(),
  confirmation_method: p.enum(['automatic', 'manual']),
  confirmation_token: p.string({ maxLength: 5000 }),
  currency: p.currency({ required: true }),
  error_on_requires_action: p.boolean(),
  mandate: p.string({ maxLength: 5000 }),
  off_session: p.string({ maxLength: 5000 }),
  on_behalf_of: p.string({ maxLength: 5000 }),
  radar_options: p.object({ session: p.string({ maxLength: 5000 }) }),
  return_url: p.string({ maxLength: 5000 }),
  transfer_data: p.object({ amount: p.integer({ min: 0 }), destination: p.string({ required: true, maxLength: 5000 }) }),
  use_stripe_sdk: p.boolean(),
};

const UPDATE_PARAMS: ParamSpecs = {
  ...COMMON,
  amount: p.integer({ min: 1 }),
  currency: p.currency(),
  transfer_data: p.object({ amount: p.integer({ min: 0 }) }),
};

const CONFIRM_PARAMS: ParamSpecs = {
  capture_method: p.enum(CAPTURE_METHODS),
  client_secret: p.string({ maxLength: 5000 }),
  confirmation_token: p.string({ maxLength: 5000 }),
  error_on_requires_action: p.boolean(),
  mandate: p.string({ maxLength: 5000 }),
  off_session: p.string({ maxLength: 5000 }),
  payment_method: p.string({ maxLength: 5000 }),
  payment_method_options: PAYMENT_METHOD_OPTIONS,
  payment_method_types: p.array(p.string({ maxLength: 5000 })),
  radar_options: p.object({ session: p.string({ maxLength: 5000 }) }),
  receipt_email: p.email({ emptyable: true }),
  return_url: p.string({ maxLength: 5000 }),
  setup_future_usage: p.enum(['', 'off_session', 'on_session'], { emptyable: true }),
  shipping: SHIPPING,
  use_stripe_sdk: p.boolean(),
};

const CAPTURE_PARAMS: ParamSpecs = {
  amount_to_capture: p.integer({ min: 1 }),
  application_fee_amount: p.integer({ min: 0 }),
  final_capture: p.boolean(),
  metadata: p.metadata(),
  statement_descriptor: p.string({ maxLength: 22 }),
  statement_descriptor_suffix: p.string({ maxLength: 22 }),
  transfer_data: p.object({ amount: p.integer({ min: 0 }) }),
};

const CANCEL_PARAMS: ParamSpecs = {
  cancellation_reason: p.enum(['abandoned', 'duplicate', 'fraudulent', 'requested_by_customer']),
};

const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];
const CANCELABLE = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing'];
/** Statuses in which the amount, currency, payment method and capture method may still change. */
const UPDATABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

export const LINE_ITEM_TYPE = 'payment_intent_amount_details_line_item';

/** Line items are stored records (so their list pages with cursors); they have no endpoints of their own. */
export const paymentIntentLineItems: ResourceDefinition = { type: LINE_ITEM_TYPE, idPrefix: 'uli_', idLength: 14, events: false };

export const paymentIntents: ResourceDefinition = {
  type: 'payment_intent',
  idPrefix: 'pi_',
  idLength: 24,
  basePath: '/v1/payment_intents',
  // payment_intent.created is recorded by create itself (before a confirm=true confirmation's events).
  events: { created: false, updated: false },

  create: { params: CREATE_PARAMS, handle: createPaymentIntent },

  retrieve: { params: { client_secret: p.string({ maxLength: 5000 }) } },

  update: {
    params: UPDATE_PARAMS,
    handle(ctx, record, params) {
      const pi = record.object;
      for (const field of ['amount', 'currency', 'payment_method', 'capture_method', 'payment_method_types']) {
        if (field in params && !UPDATABLE.includes(pi.status)) {
          throw unexpectedState(
            pi,
            `This PaymentIntent's ${field} could not be updated because it has a status of ${pi.status}. ` +
              `You may only update the ${field} of a PaymentIntent with one of the following statuses: ${UPDATABLE.join(', ')}.`,
            field,
          );
        }
      }
      if (params.customer) {
        ctx.store.require('customer', params.customer, 'customer', 400);
        if (pi.customer && pi.customer !== params.customer) {
          throw invalidRequest('You cannot change the customer of a PaymentIntent once set.', { param: 'customer' });
        }
      }
      const amount = params.amount ?? pi.amount;
      const currency = params.currency ?? pi.currency;
      if ('amount' in params || 'currency' in params) checkMinimumAmount(amount, currency);
      if (params.payment_method) {
        const pm = resolvePaymentMethod(ctx, params.payment_method, 'payment_method');
        checkOwner(pm, params.customer ?? pi.customer);
        pi.payment_method = pm.id;
        if (pi.status === 'requires_payment_method') pi.status = 'requires_confirmation';
      } else if (params.payment_method === null) {
        pi.payment_method = null;
        if (pi.status === 'requires_confirmation') pi.status = 'requires_payment_method';
      }
      applyUpdate(pi, params, [
        'amount', 'currency', 'customer', 'description', 'metadata', 'receipt_email', 'setup_future_usage',
        'statement_descriptor', 'statement_descriptor_suffix', 'transfer_group', 'capture_method', 'application_fee_amount',
      ]);
      if (params.payment_method_types) pi.payment_method_types = params.payment_method_types;
      if ('shipping' in params) pi.shipping = normalizeShipping(params.shipping, true);
      if ('amount_details' in params) setAmountDetails(ctx, record, params.amount_details);
    },
  },

  actions: {
    confirm: {
      params: CONFIRM_PARAMS,
      handle(ctx, record, params) {
        confirmPaymentIntent(ctx, record, params);
      },
    },
    capture: { params: CAPTURE_PARAMS, handle: capturePaymentIntent },
    cancel: { params: CANCEL_PARAMS, handle: cancelPaymentIntent },
  },

  list: {
    params: { customer: p.string({ maxLength: 5000, emptyable: false }) },
    filter: (pi, params) => params.customer === undefined || pi.customer === params.customer,
  },

  search: {
    fields: {
      amount: { kind: 'number' },
      created: { kind: 'number' },
      currency: { kind: 'string', caseInsensitive: true },
      customer: { kind: 'string' },
      metadata: { kind: 'metadata' },
      status: { kind: 'string' },
    },
  },

  expandable: {
    customer: { types: ['customer'] },
    latest_charge: { types: ['charge'] },
    payment_method: { types: ['payment_method'] },
  },

  custom: [
    {
      method: 'GET',
      path: '/v1/payment_intents/:payment_intent/amount_details_line_items',
      params: { ...LIST_PARAMS },
      handle(ctx, params, path) {
        const id = path.payment_intent!;
        ctx.store.require('payment_intent', id, 'intent');
        const items = ctx.store.live(LINE_ITEM_TYPE).filter((r) => r.hidden.paymentIntent === id);
        return listOf(ctx, paymentIntentLineItems, items, params, `/v1/payment_intents/${id}/amount_details_line_items`);
      },
    },
  ],
};

function createPaymentIntent(ctx: RequestContext, params: Params): StoredRecord {
  checkMinimumAmount(params.amount, params.currency);
  rejectUnmodelledReference(params.confirmation_token, 'ConfirmationToken', 'confirmation_token');
  rejectUnmodelledReference(params.mandate, 'mandate', 'mandate');
  rejectUnmodelledReference(params.payment_method_configuration, 'payment method configuration', 'payment_method_configuration');
  if (params.automatic_payment_methods?.enabled && params.payment_method_types) {
    throw paramError(
      'You may only specify one of these parameters: automatic_payment_methods, payment_method_types.',
      'parameters_exclusive',
      'automatic_payment_methods',
    );
  }
  const customer = params.customer ? ctx.store.require('customer', params.customer, 'customer', 400).id : null;
  const pm = params.payment_method ? resolvePaymentMethod(ctx, params.payment_method, 'payment_method') : undefined;
  const id = ctx.ids.next('pi_', 24);
  const object: Record<string, any> = {
    id,
    object: 'payment_intent',
    amount: params.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: params.application_fee_amount ?? null,
    automatic_payment_methods: params.payment_method_types
      ? null
      : { allow_redirects: params.automatic_payment_methods?.allow_redirects ?? 'always', enabled: true },
    canceled_at: null,
    cancellation_reason: null,
    capture_method: params.capture_method ?? 'automatic_async',
    client_secret: `${id}_secret_${ctx.ids.next('', 25)}`,
    confirmation_method: params.confirmation_method ?? 'automatic',
    created: ctx.now,
    currency: params.currency,
    customer,
    description: params.description ?? null,
    // No `invoice` since 2025-03-31.basil: an invoice lists its payments (invoice.payments) instead.
    last_payment_error: null,
    latest_charge: null,
    livemode: ctx.livemode,
    metadata: EMPTY_METADATA_ON_CREATE(params.metadata),
    next_action: null,
    on_behalf_of: params.on_behalf_of ?? null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: { installments: null, mandate_options: null, network: null, request_three_d_secure: params.payment_method_options?.card?.request_three_d_secure ?? 'automatic' },
    },
    payment_method_types: params.payment_method_types ?? ['card'],
    processing: null,
    receipt_email: params.receipt_email ?? null,
    review: null,
    setup_future_usage: params.setup_future_usage || null,
    shipping: normalizeShipping(params.shipping, true),
    source: null,
    statement_descriptor: params.statement_descriptor ?? null,
    statement_descriptor_suffix: params.statement_descriptor_suffix ?? null,
    status: 'requires_payment_method',
    // A payment intent's transfer_data.amount is only there when given (a charge's is null instead).
    transfer_data: params.transfer_data
      ? { ...(params.transfer_data.amount !== undefined ? { amount: params.transfer_data.amount } : {}), destination: params.transfer_data.destination }
      : null,
    transfer_group: params.transfer_group ?? null,
  };
  if (pm) {
    checkOwner(pm, customer);
    object.payment_method = pm.id;
    object.status = 'requires_confirmation';
  }
  const record = ctx.store.insert('payment_intent', object, ctx.now);
  if (params.amount_details) setAmountDetails(ctx, record, params.amount_details);
  emitEvent(ctx, 'payment_intent.created', object);
  if (params.confirm) confirmPaymentIntent(ctx, record, { off_session: params.off_session });
  return record;
}

/** A payment method saved to a customer can only be used with that customer. */
function checkOwner(pm: StoredRecord, customer: string | null): void {
  const owner = pm.object.customer;
  if (owner && owner !== customer) {
    throw invalidRequest(
      customer
        ? `The provided PaymentMethod ${pm.id} belongs to another Customer (${owner}) than the PaymentIntent (${customer}).`
        : `The provided PaymentMethod ${pm.id} is attached to Customer ${owner}: pass customer=${owner} with it.`,
      { param: 'payment_method' },
    );
  }
}

/**
 * Confirms: charges the payment method (a new charge in the charges resource, with payment_intent
 * set). Also used by other resources (e.g. an invoice paid through a payment intent).
 */
export function confirmPaymentIntent(ctx: RequestContext, record: StoredRecord, params: Params): void {
  const pi = record.object;
  if (!CONFIRMABLE.includes(pi.status)) {
    throw unexpectedState(
      pi,
      pi.status === 'succeeded'
        ? 'You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed.'
        : `You cannot confirm this PaymentIntent because it has a status of ${pi.status}. ` +
            `Only a PaymentIntent with one of the following statuses may be confirmed: requires_confirmation, requires_action, requires_payment_method.`,
    );
  }
  rejectUnmodelledReference(params.confirmation_token, 'ConfirmationToken', 'confirmation_token');
  rejectUnmodelledReference(params.mandate, 'mandate', 'mandate');
  const pmId: string | null = params.payment_method ?? pi.payment_method;
  if (!pmId) {
    throw unexpectedState(
      pi,
      "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent " +
        'with a payment method and then confirm it again, or confirm it again directly with a payment method.',
    );
  }
  const pm = resolvePaymentMethod(ctx, pmId, 'payment_method');
  checkOwner(pm, pi.customer);
  applyUpdate(pi, params, ['capture_method', 'receipt_email']);
  if ('setup_future_usage' in params) pi.setup_future_usage = params.setup_future_usage || null;
  if ('shipping' in params) pi.shipping = normalizeShipping(params.shipping, true);
  if (params.payment_method_types) pi.payment_method_types = params.payment_method_types;
  pi.payment_method = pm.id;

  const decline: Decline | undefined = pm.hidden.decline;
  const manual = pi.capture_method === 'manual';
  const card = pm.object.card;
  const charge = insertCharge(
    ctx,
    {
      amount: pi.amount,
      currency: pi.currency,
      description: pi.description,
      metadata: pi.metadata,
      receipt_email: pi.receipt_email,
      shipping: pi.shipping,
      statement_descriptor: pi.statement_descriptor,
      statement_descriptor_suffix: pi.statement_descriptor_suffix,
      transfer_group: pi.transfer_group,
      application_fee_amount: pi.application_fee_amount,
      on_behalf_of: pi.on_behalf_of,
      transfer_data: pi.transfer_data?.destination ? pi.transfer_data : undefined,
    },
    {
      customer: pi.customer,
      paymentIntent: pi.id,
      capture: !manual,
      paymentMethod: pm.id,
      decline,
      card: {
        brand: card.brand,
        country: card.country,
        cvc_check: card.checks.cvc_check,
        exp_month: card.exp_month,
        exp_year: card.exp_year,
        fingerprint: card.fingerprint,
        funding: card.funding,
        last4: card.last4,
      },
      billingDetails: structuredClone(pm.object.billing_details),
    },
  );
  pi.latest_charge = charge.id;

  if (decline) {
    pi.status = 'requires_payment_method';
    pi.payment_method = null;
    pi.last_payment_error = {
      charge: charge.id,
      ...declineFields(decline),
      ...(decline.param ? { param: decline.param } : {}),
      payment_method: structuredClone(pm.object),
      type: 'card_error',
    };
    emitEvent(ctx, 'payment_intent.payment_failed', pi);
    const body: StripeErrorBody = {
      type: 'card_error',
      ...declineFields(decline),
      charge: charge.id,
      payment_intent: structuredClone(pi),
      payment_method: structuredClone(pm.object),
    };
    if (decline.param) body.param = decline.param;
    throw new StripeError(402, body, 'execution');
  }

  pi.last_payment_error = null;
  // Saving the card for later (setup_future_usage) attaches it to the intent's customer.
  if (pi.setup_future_usage && pi.customer && !pm.object.customer) attachPaymentMethod(ctx, pm, pi.customer);
  if (manual) {
    pi.status = 'requires_capture';
    pi.amount_capturable = pi.amount;
    emitEvent(ctx, 'payment_intent.amount_capturable_updated', pi);
  } else {
    pi.status = 'succeeded';
    pi.amount_received = pi.amount;
    emitEvent(ctx, 'payment_intent.succeeded', pi);
  }
}

function capturePaymentIntent(ctx: RequestContext, record: StoredRecord, params: Params): void {
  const pi = record.object;
  if (pi.status !== 'requires_capture') {
    throw unexpectedState(
      pi,
      `This PaymentIntent could not be captured because it has a status of ${pi.status}. ` +
        'Only a PaymentIntent with one of the following statuses may be captured: requires_capture.',
    );
  }
  const amount: number = params.amount_to_capture ?? pi.amount_capturable;
  if (amount > pi.amount_capturable) {
    throw invalidRequest(
      `The amount_to_capture (${amount}) must be less than or equal to the PaymentIntent's amount_capturable (${pi.amount_capturable}).`,
      { code: 'amount_too_large', param: 'amount_to_capture' },
    );
  }
  const charge = ctx.store.require('charge', pi.latest_charge, 'charge', 400);
  captureCharge(ctx, charge, {
    amount,
    ...pick(params, ['statement_descriptor', 'statement_descriptor_suffix', 'application_fee_amount']),
  });
  applyUpdate(pi, params, ['metadata', 'statement_descriptor', 'statement_descriptor_suffix', 'application_fee_amount']);
  pi.amount_capturable = 0;
  pi.amount_received = amount;
  pi.status = 'succeeded';
  emitEvent(ctx, 'payment_intent.succeeded', pi);
}

function cancelPaymentIntent(ctx: RequestContext, record: StoredRecord, params: Params): void {
  const pi = record.object;
  if (!CANCELABLE.includes(pi.status)) {
    throw unexpectedState(
      pi,
      `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. ` +
        `Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`,
    );
  }
  if (pi.status === 'requires_capture' && pi.latest_charge) {
    // The authorization is released: Stripe shows the uncaptured charge as fully refunded.
    const charge = ctx.store.get(pi.latest_charge, 'charge');
    if (charge) {
      charge.object.amount_refunded = charge.object.amount;
      charge.object.refunded = true;
      charge.hidden.released = charge.object.amount;
      emitEvent(ctx, 'charge.refunded', charge.object);
    }
  }
  pi.status = 'canceled';
  pi.canceled_at = ctx.now;
  pi.cancellation_reason = params.cancellation_reason ?? null;
  pi.amount_capturable = 0;
  emitEvent(ctx, 'payment_intent.canceled', pi);
}

/** Replaces the intent's amount_details (line items become stored records for their list endpoint). */
function setAmountDetails(ctx: RequestContext, record: StoredRecord, details: Params | null): void {
  const pi = record.object;
  for (const item of [...ctx.store.live(LINE_ITEM_TYPE)]) {
    if (item.hidden.paymentIntent === pi.id) ctx.store.markDeleted(item, { id: item.id, object: LINE_ITEM_TYPE, deleted: true });
  }
  const out: Record<string, any> = { tip: {} };
  if (details?.discount_amount) out.discount_amount = details.discount_amount;
  if (details?.shipping) out.shipping = { amount: null, from_postal_code: null, to_postal_code: null, ...details.shipping };
  if (details?.tax) out.tax = details.tax;
  const items: Params[] = details?.line_items ?? [];
  if (items.length) {
    const data = items.map((item) => {
      const object = {
        id: ctx.ids.next('uli_', 14),
        object: LINE_ITEM_TYPE,
        discount_amount: item.discount_amount ?? null,
        payment_method_options: null,
        product_code: item.product_code ?? null,
        product_name: item.product_name,
        quantity: item.quantity,
        tax: item.tax ?? null,
        unit_cost: item.unit_cost,
        unit_of_measure: item.unit_of_measure ?? null,
      };
      ctx.store.insert(LINE_ITEM_TYPE, object, ctx.now, { paymentIntent: pi.id });
      return structuredClone(object);
    });
    out.line_items = { object: 'list', data, has_more: false, url: `/v1/payment_intents/${pi.id}/amount_details_line_items` };
  }
  pi.amount_details = out;
}

function unexpectedState(pi: Record<string, any>, message: string, param?: string): StripeError {
  return intentUnexpectedState('payment_intent', pi, message, param);
}

function pick(params: Params, keys: string[]): Params {
  return Object.fromEntries(keys.filter((k) => k in params).map((k) => [k, params[k]]));
}
