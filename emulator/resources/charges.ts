/**
 * Charges (params from Stripe's OpenAPI spec: POST /v1/charges, POST /v1/charges/{id},
 * POST /v1/charges/{id}/capture, GET /v1/charges, GET /v1/charges/search).
 *
 * A charge pays with `source` (a test token or the customer's saved card) or with the customer's
 * default source. Decline cards store a FAILED charge and answer 402 naming it, as Stripe does.
 * `capture: false` authorises only; capture may be partial, the remainder is released (Stripe
 * reports it in amount_refunded).
 */
import { cardError, invalidRequest, paramError } from '../errors';
import { emitEvent } from '../events';
import { applyUpdate, p, type Params, type ParamSpecs } from '../params';
import type { RequestContext, ResourceDefinition } from '../resource';
import type { StoredRecord } from '../store';
import { findBalanceTransaction } from './balance_transactions';
import { cardFromToken, networkOf, savedCard, type Decline } from './cards';
import { openTestDispute } from './disputes';
import { refundsOf } from './refunds';
import { ADDRESS_FIELDS, EMPTY_METADATA_ON_CREATE, normalizeAddress, normalizeShipping } from './shared';

const SHIPPING = p.object({
  address: p.object(ADDRESS_FIELDS, { required: true }),
  carrier: p.string({ maxLength: 5000 }),
  name: p.string({ required: true, maxLength: 5000 }),
  phone: p.string({ maxLength: 5000 }),
  tracking_number: p.string({ maxLength: 5000 }),
}, { emptyable: true });

const CREATE_PARAMS: ParamSpecs = {
  // The spec leaves `amount` optional for legacy reasons; the API requires it.
  amount: p.integer({ required: true, min: 1 }),
  application_fee: p.integer(),
  application_fee_amount: p.integer({ min: 0 }),
  capture: p.boolean(),
  card: p.string({ maxLength: 5000 }),
  currency: p.currency({ required: true }),
  customer: p.id('customer'),
  description: p.string({ maxLength: 40000 }),
  destination: p.string(),
  metadata: p.metadata(),
  on_behalf_of: p.string({ maxLength: 5000 }),
  radar_options: p.object({ session: p.string({ maxLength: 5000 }) }),
  receipt_email: p.email({ emptyable: true }),
  shipping: SHIPPING,
  source: p.string({ maxLength: 5000 }),
  statement_descriptor: p.string({ maxLength: 22 }),
  statement_descriptor_suffix: p.string({ maxLength: 22 }),
  transfer_data: p.object({ amount: p.integer({ min: 0 }), destination: p.string({ required: true, maxLength: 5000 }) }),
  transfer_group: p.string(),
};

const UPDATE_PARAMS: ParamSpecs = {
  customer: p.id('customer'),
  description: p.string({ maxLength: 40000 }),
  fraud_details: p.object({ user_report: p.enum(['', 'fraudulent', 'safe'], { required: true }) }, { emptyable: true }),
  metadata: p.metadata(),
  receipt_email: p.email({ emptyable: true }),
  shipping: SHIPPING,
  transfer_group: p.string(),
};

const CAPTURE_PARAMS: ParamSpecs = {
  amount: p.integer({ min: 1 }),
  application_fee: p.integer(),
  application_fee_amount: p.integer({ min: 0 }),
  receipt_email: p.email({ emptyable: true }),
  statement_descriptor: p.string({ maxLength: 22 }),
  statement_descriptor_suffix: p.string({ maxLength: 22 }),
  transfer_data: p.object({ amount: p.integer({ min: 0 }) }),
  transfer_group: p.string(),
};

/** Smallest chargeable amounts (docs.stripe.com/currencies#minimum-and-maximum-charge-amounts), minor units. */
const MINIMUM_AMOUNT: Record<string, number> = {
  usd: 50, eur: 50, gbp: 30, cad: 50, aud: 50, chf: 50, nzd: 50, sgd: 50, hkd: 400, jpy: 50,
  dkk: 250, nok: 300, sek: 300, pln: 200, czk: 1500, huf: 17500, mxn: 1000, brl: 50, inr: 50,
};

/** Uncaptured charges expire after 7 days. */
const CAPTURE_WINDOW_SECONDS = 7 * 24 * 60 * 60;

export const charges: ResourceDefinition = {
  type: 'charge',
  idPrefix: 'ch_',
  idLength: 24,
  basePath: '/v1/charges',
  // Stripe has no charge.created: creation records charge.succeeded or charge.failed (see insertCharge).
  events: { created: false },

  create: { params: CREATE_PARAMS, handle: createCharge },

  retrieve: {},

  update: {
    params: UPDATE_PARAMS,
    handle(ctx, record, params) {
      const charge = record.object;
      if (params.customer) {
        if (charge.customer && charge.customer !== params.customer) {
          throw invalidRequest(`This charge already belongs to customer ${charge.customer}; its customer cannot be changed.`, { param: 'customer' });
        }
        ctx.store.require('customer', params.customer, 'customer', 400);
        charge.customer = params.customer;
      }
      applyUpdate(charge, params, ['description', 'metadata', 'receipt_email', 'transfer_group']);
      if ('shipping' in params) charge.shipping = normalizeShipping(params.shipping, true);
      if ('fraud_details' in params) {
        const report = params.fraud_details?.user_report;
        charge.fraud_details = report ? { ...charge.fraud_details, user_report: report } : {};
      }
    },
  },

  actions: {
    capture: { params: CAPTURE_PARAMS, handle: captureCharge },
  },

  list: {
    params: {
      customer: p.string({ maxLength: 5000, emptyable: false }),
      payment_intent: p.string({ maxLength: 5000, emptyable: false }),
      transfer_group: p.string({ maxLength: 5000, emptyable: false }),
    },
    filter: (charge, params) =>
      (params.customer === undefined || charge.customer === params.customer) &&
      (params.payment_intent === undefined || charge.payment_intent === params.payment_intent) &&
      (params.transfer_group === undefined || charge.transfer_group === params.transfer_group),
  },

  search: {
    fields: {
      amount: { kind: 'number' },
      'billing_details.address.postal_code': { kind: 'string' },
      created: { kind: 'number' },
      currency: { kind: 'string', caseInsensitive: true },
      customer: { kind: 'string' },
      disputed: { kind: 'boolean' },
      metadata: { kind: 'metadata' },
      'payment_method_details.card.brand': { kind: 'string', caseInsensitive: true },
      'payment_method_details.card.exp_month': { kind: 'number' },
      'payment_method_details.card.exp_year': { kind: 'number' },
      'payment_method_details.card.fingerprint': { kind: 'string' },
      'payment_method_details.card.last4': { kind: 'string' },
      refunded: { kind: 'boolean' },
      status: { kind: 'string' },
    },
  },

  expandable: { customer: { types: ['customer'] }, payment_intent: { types: ['payment_intent'] } },

  includable: {
    // Since API 2022-11-15 a charge's refunds are only returned when expanded.
    refunds: (ctx, charge) => {
      const data = refundsOf(ctx, charge.id);
      return { object: 'list', data, has_more: false, total_count: data.length, url: `/v1/charges/${charge.id}/refunds` };
    },
    balance_transaction: (ctx, charge) => findBalanceTransaction(ctx, charge.balance_transaction),
  },
};

/** Stripe's minimum charge amount for the currency, as its 400 `amount_too_small`. */
export function checkMinimumAmount(amount: number, currency: string): void {
  const minimum = MINIMUM_AMOUNT[currency];
  if (minimum !== undefined && amount < minimum) {
    throw paramError(`Amount must be at least ${minimum} ${currency} (in the currency's smallest unit).`, 'amount_too_small', 'amount');
  }
}

function createCharge(ctx: RequestContext, params: Params): StoredRecord {
  checkMinimumAmount(params.amount, params.currency);
  const source: string | undefined = params.source ?? params.card ?? undefined;
  if (!source && !params.customer) {
    throw paramError('Must provide source or customer.', 'parameter_missing', undefined);
  }
  const customer = params.customer ? ctx.store.require('customer', params.customer, 'customer', 400) : undefined;
  const card = resolveCard(ctx, source, customer, params.source ? 'source' : 'card');
  const c = card.object;
  const record = insertCharge(ctx, params, {
    customer: customer?.id ?? null,
    paymentIntent: null,
    capture: params.capture ?? true,
    paymentMethod: card.id,
    decline: card.hidden.decline,
    card: {
      brand: networkOf(c.brand),
      country: c.country,
      cvc_check: c.cvc_check,
      exp_month: c.exp_month,
      exp_year: c.exp_year,
      fingerprint: c.fingerprint,
      funding: c.funding,
      last4: c.last4,
    },
    billingDetails: {
      address: normalizeAddress({ city: c.address_city, country: c.address_country, line1: c.address_line1, line2: c.address_line2, postal_code: c.address_zip, state: c.address_state }),
      email: null,
      name: c.name,
      phone: null,
    },
  });
  const decline: Decline | undefined = card.hidden.decline;
  if (decline) {
    // The failed charge stays stored (lists and search show it); the error names it.
    throw cardError(decline.message, { code: decline.code, decline_code: decline.declineCode, param: decline.param, charge: record.id });
  }
  return record;
}

/** The card a charge is made on, as payment_method_details.card shows it. */
export interface ChargeCard {
  brand: string;
  country: string | null;
  cvc_check: string | null;
  exp_month: number;
  exp_year: number;
  fingerprint: string;
  funding: string;
  last4: string;
}

export interface ChargeOrigin {
  customer: string | null;
  paymentIntent: string | null;
  capture: boolean;
  paymentMethod: string;
  decline?: Decline;
  card: ChargeCard;
  billingDetails: Record<string, any>;
}

/**
 * Stores a charge (failed when the card declines, authorized only when `capture` is false) and
 * records charge.succeeded or charge.failed. Never throws for a decline: the caller decides (a
 * direct charge answers 402; a payment intent records the failure on itself first).
 * `params` are the charge-level fields (amount, currency, description, metadata, receipt_email,
 * shipping, statement descriptors, transfer_group, application_fee_amount, on_behalf_of, ...).
 */
export function insertCharge(ctx: RequestContext, params: Params, origin: ChargeOrigin): StoredRecord {
  const decline = origin.decline;
  const captured = !decline && origin.capture;
  const id = ctx.ids.next('ch_', 24);
  const c = origin.card;

  const object = {
    id,
    object: 'charge',
    amount: params.amount,
    amount_captured: captured ? params.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: params.application_fee_amount ?? null,
    balance_transaction: captured ? ctx.ids.next('txn_', 24) : null,
    billing_details: origin.billingDetails,
    calculated_statement_descriptor: params.statement_descriptor ?? (params.statement_descriptor_suffix ? `EMULATOR* ${params.statement_descriptor_suffix}` : 'EMULATOR'),
    captured,
    created: ctx.now,
    currency: params.currency,
    customer: origin.customer,
    description: params.description ?? null,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: decline?.code ?? null,
    failure_message: decline?.message ?? null,
    fraud_details: {},
    livemode: ctx.livemode,
    metadata: EMPTY_METADATA_ON_CREATE(params.metadata),
    on_behalf_of: params.on_behalf_of ?? null,
    outcome: outcome(decline),
    paid: !decline,
    payment_intent: origin.paymentIntent,
    payment_method: origin.paymentMethod,
    payment_method_details: {
      card: {
        amount_authorized: decline ? null : params.amount,
        brand: c.brand,
        ...(decline || captured ? {} : { capture_before: ctx.now + CAPTURE_WINDOW_SECONDS }),
        checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: c.cvc_check },
        country: c.country,
        exp_month: c.exp_month,
        exp_year: c.exp_year,
        extended_authorization: { status: 'disabled' },
        fingerprint: c.fingerprint,
        funding: c.funding,
        incremental_authorization: { status: 'unavailable' },
        installments: null,
        last4: c.last4,
        mandate: null,
        multicapture: { status: 'unavailable' },
        network: c.brand,
        network_token: { used: false },
        overcapture: { maximum_amount_capturable: params.amount, status: 'unavailable' },
        three_d_secure: null,
        wallet: null,
      },
      type: 'card',
    },
    radar_options: params.radar_options ?? {},
    receipt_email: params.receipt_email ?? null,
    receipt_number: null,
    receipt_url: decline ? null : `https://pay.stripe.com/receipts/payment/${ctx.ids.next('', 40)}`,
    refunded: false,
    review: null,
    shipping: normalizeShipping(params.shipping, true),
    source_transfer: null,
    statement_descriptor: params.statement_descriptor ?? null,
    statement_descriptor_suffix: params.statement_descriptor_suffix ?? null,
    status: decline ? 'failed' : 'succeeded',
    transfer_data: params.transfer_data ? { amount: params.transfer_data.amount ?? null, destination: params.transfer_data.destination } : null,
    transfer_group: params.transfer_group ?? null,
  };
  const record = ctx.store.insert('charge', object, ctx.now, { released: 0 });
  emitEvent(ctx, decline ? 'charge.failed' : 'charge.succeeded', object);
  openTestDispute(ctx, record); // money group: dispute test cards open a dispute on a captured charge
  return record;
}

function resolveCard(ctx: RequestContext, source: string | undefined, customer: StoredRecord | undefined, param: string): StoredRecord {
  if (source?.startsWith('card_')) return savedCard(ctx, source, customer?.id ?? null, param);
  // A token paid directly: Stripe makes a card for this charge only, attached to no customer.
  if (source) return cardFromToken(ctx, source, null, param);
  const defaultSource: string | null = customer!.object.default_source;
  const card = defaultSource ? ctx.store.get(defaultSource, 'card') : undefined;
  if (!card || card.deleted) {
    throw cardError('Cannot charge a customer that has no active card', { code: 'missing', param: 'card' });
  }
  return card;
}

function outcome(decline: Decline | undefined): Record<string, unknown> {
  if (!decline) {
    return {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: 'approved_by_network',
      reason: null,
      risk_level: 'normal',
      risk_score: 32,
      seller_message: 'Payment complete.',
      type: 'authorized',
    };
  }
  return {
    advice_code: null,
    network_advice_code: null,
    network_decline_code: null,
    network_status: 'declined_by_network',
    reason: decline.declineCode,
    risk_level: 'normal',
    risk_score: 32,
    seller_message:
      decline.declineCode === 'generic_decline'
        ? 'The bank did not return any further details with this decline.'
        : `The bank returned the decline code \`${decline.declineCode}\`.`,
    type: 'issuer_declined',
  };
}

/** Captures an authorized charge (all or `params.amount` of it), recording charge.captured. */
export function captureCharge(ctx: RequestContext, record: StoredRecord, params: Params): void {
  const charge = record.object;
  if (charge.status === 'failed') {
    throw invalidRequest(`Charge ${charge.id} has failed and cannot be captured.`, { param: 'charge' });
  }
  if (charge.captured) {
    throw invalidRequest(`Charge ${charge.id} has already been captured.`, { code: 'charge_already_captured' });
  }
  if (ctx.now - record.created > CAPTURE_WINDOW_SECONDS) {
    throw invalidRequest(`Charge ${charge.id} has expired for capture: uncaptured charges must be captured within 7 days.`, {
      code: 'charge_expired_for_capture',
    });
  }
  const amount: number = params.amount ?? charge.amount;
  if (amount > charge.amount) {
    throw invalidRequest(`The amount to capture (${amount}) cannot exceed the charge's amount (${charge.amount}).`, {
      code: 'amount_too_large',
      param: 'amount',
    });
  }
  charge.captured = true;
  charge.amount_captured = amount;
  // Stripe reports the released remainder of a partial capture as refunded; it never reached the balance.
  charge.amount_refunded = charge.amount - amount;
  record.hidden.released = charge.amount - amount;
  charge.balance_transaction = ctx.ids.next('txn_', 24);
  delete charge.payment_method_details?.card?.capture_before;
  applyUpdate(charge, params, ['receipt_email', 'statement_descriptor', 'statement_descriptor_suffix', 'transfer_group', 'application_fee_amount']);
  emitEvent(ctx, 'charge.captured', charge);
}
