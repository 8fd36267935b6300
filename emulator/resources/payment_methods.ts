/**
 * Payment methods (params from Stripe's OpenAPI spec: POST /v1/payment_methods,
 * POST /v1/payment_methods/{pm}, .../attach, .../detach, GET /v1/payment_methods,
 * GET /v1/customers/{customer}/payment_methods).
 *
 * Only `type: card` is modelled: a test token (`card[token]=tok_visa`) or one of Stripe's test card
 * numbers. Stripe's magic test ids (`pm_card_visa`, `pm_card_chargeDeclined`, ...) work wherever a
 * payment method id is taken: each use makes a new stored payment method, as on Stripe.
 * Attaching checks the card (decline cards fail with 402, except tok_chargeCustomerFail's card).
 * Events: payment_method.attached / detached / updated (Stripe has no payment_method.created).
 */
import { cardError, invalidRequest, paramError, StripeError } from '../errors';
import { expandObject, checkExpand, parseExpand } from '../expand';
import { emitEvent } from '../events';
import { applyUpdate, p, type Params, type ParamSpecs } from '../params';
import type { RequestContext, ResourceDefinition } from '../resource';
import { LIST_PARAMS, listOf } from '../routes';
import type { StoredRecord } from '../store';
import { cardFromToken, networkOf, type Decline } from './cards';
import { ADDRESS_FIELDS, EMPTY_METADATA_ON_CREATE, normalizeAddress } from './shared';

const BILLING_DETAILS = p.object({
  address: p.object(ADDRESS_FIELDS, { emptyable: true }),
  email: p.email({ emptyable: true }),
  name: p.string({ maxLength: 5000 }),
  phone: p.string({ maxLength: 5000 }),
});

const CARD = p.object({
  token: p.string({ maxLength: 5000 }),
  number: p.string({ maxLength: 5000 }),
  exp_month: p.integer({ min: 1, max: 12 }),
  exp_year: p.integer(),
  cvc: p.string({ maxLength: 5000 }),
  networks: p.object({ preferred: p.enum(['cartes_bancaires', 'mastercard', 'visa']) }),
});

const TYPES = [
  'acss_debit', 'affirm', 'afterpay_clearpay', 'alipay', 'amazon_pay', 'au_becs_debit', 'bacs_debit', 'bancontact', 'blik',
  'boleto', 'card', 'cashapp', 'customer_balance', 'eps', 'fpx', 'giropay', 'grabpay', 'ideal', 'klarna', 'konbini', 'link',
  'mobilepay', 'oxxo', 'p24', 'paynow', 'paypal', 'pix', 'promptpay', 'revolut_pay', 'sepa_debit', 'sofort', 'swish',
  'us_bank_account', 'wechat_pay', 'zip',
] as const;

const CREATE_PARAMS: ParamSpecs = {
  allow_redisplay: p.enum(['always', 'limited', 'unspecified']),
  billing_details: BILLING_DETAILS,
  card: CARD,
  customer: p.string({ maxLength: 5000 }),
  metadata: p.metadata(),
  payment_method: p.string({ maxLength: 5000 }),
  type: p.enum(TYPES),
};

const UPDATE_PARAMS: ParamSpecs = {
  allow_redisplay: p.enum(['always', 'limited', 'unspecified']),
  billing_details: BILLING_DETAILS,
  card: p.object({ exp_month: p.integer({ min: 1, max: 12 }), exp_year: p.integer() }),
  metadata: p.metadata(),
};

/** Stripe's test card numbers (docs.stripe.com/testing) -> the test token with the same behaviour. */
const TEST_NUMBERS: Record<string, string> = {
  '4242424242424242': 'tok_visa',
  '4000056655665556': 'tok_visa_debit',
  '5555555555554444': 'tok_mastercard',
  '378282246310005': 'tok_amex',
  '6011111111111117': 'tok_discover',
  '4000000000000002': 'tok_chargeDeclined',
  '4000000000009995': 'tok_chargeDeclinedInsufficientFunds',
  '4000000000009987': 'tok_chargeDeclinedLostCard',
  '4000000000009979': 'tok_chargeDeclinedStolenCard',
  '4000000000000069': 'tok_chargeDeclinedExpiredCard',
  '4000000000000127': 'tok_chargeDeclinedIncorrectCvc',
  '4000000000000119': 'tok_chargeDeclinedProcessingError',
  '4000000000000341': 'tok_chargeCustomerFail',
};

/** The one decline card Stripe lets you attach (its charges fail later). */
const ATTACHABLE_DECLINE_TOKEN = 'tok_chargeCustomerFail';

export const paymentMethods: ResourceDefinition = {
  type: 'payment_method',
  idPrefix: 'pm_',
  idLength: 24,
  basePath: '/v1/payment_methods',
  events: { created: false, deleted: false },

  create: {
    params: CREATE_PARAMS,
    handle(ctx, params) {
      if (params.payment_method || params.customer) {
        // Cloning a customer's payment method onto a connected account (Connect) is not modelled.
        throw invalidRequest('Cloning payment methods (customer / payment_method on create) is not supported by the emulator.', {
          param: params.payment_method ? 'payment_method' : 'customer',
        });
      }
      if (!params.type) throw paramMissing('type');
      if (params.type !== 'card') {
        throw invalidRequest(`The emulator models only card payment methods, not ${params.type}.`, { param: 'type' });
      }
      if (!params.card) throw paramMissing('card');
      return createCardPaymentMethod(ctx, params);
    },
  },

  retrieve: {},

  update: {
    params: UPDATE_PARAMS,
    handle(_ctx, record, params) {
      const pm = record.object;
      if ('billing_details' in params) pm.billing_details = billingDetails(params.billing_details, pm.billing_details);
      if (params.card) {
        if (params.card.exp_month !== undefined) pm.card.exp_month = params.card.exp_month;
        if (params.card.exp_year !== undefined) pm.card.exp_year = params.card.exp_year;
      }
      applyUpdate(pm, params, ['allow_redisplay', 'metadata']);
    },
  },

  list: {
    params: { customer: p.string({ maxLength: 5000, emptyable: false }), type: p.enum(TYPES) },
    filter: (pm, params) => (params.customer === undefined || pm.customer === params.customer) && (params.type === undefined || pm.type === params.type),
  },

  expandable: { customer: { types: ['customer'] } },

  custom: [
    {
      method: 'POST',
      path: '/v1/payment_methods/:payment_method/attach',
      params: { customer: p.string({ required: true, maxLength: 5000 }) },
      handle(ctx, params, path) {
        const tree = expandTree(ctx, params);
        const record = resolvePaymentMethod(ctx, path.payment_method!, 'payment_method', 404);
        attachPaymentMethod(ctx, record, params.customer);
        return expandObject(ctx, paymentMethods, record.object, tree);
      },
    },
    {
      method: 'POST',
      path: '/v1/payment_methods/:payment_method/detach',
      params: {},
      handle(ctx, params, path) {
        const tree = expandTree(ctx, params);
        const record = ctx.store.require('payment_method', path.payment_method!, 'payment_method');
        const pm = record.object;
        if (!pm.customer) {
          throw invalidRequest(`The payment method you provided is not attached to a customer so detachment is impossible.`, {
            code: 'payment_method_unexpected_state',
          });
        }
        const before = structuredClone(pm);
        pm.customer = null;
        emitEvent(ctx, 'payment_method.detached', pm, before);
        return expandObject(ctx, paymentMethods, pm, tree);
      },
    },
    {
      method: 'GET',
      path: '/v1/customers/:customer/payment_methods',
      params: {
        ...LIST_PARAMS,
        type: p.enum(TYPES),
        allow_redisplay: p.enum(['always', 'limited', 'unspecified']),
      },
      handle(ctx, params, path) {
        ctx.store.require('customer', path.customer!, 'customer');
        const records = ctx.store
          .live('payment_method')
          .filter(
            (r) =>
              r.object.customer === path.customer &&
              (params.type === undefined || r.object.type === params.type) &&
              (params.allow_redisplay === undefined || r.object.allow_redisplay === params.allow_redisplay),
          );
        return listOf(ctx, paymentMethods, records, params, `/v1/customers/${path.customer}/payment_methods`);
      },
    },
  ],
};

function paramMissing(param: string): StripeError {
  return paramError(`Missing required param: ${param}.`, 'parameter_missing', param);
}

function expandTree(ctx: RequestContext, params: Params) {
  const tree = parseExpand(params.expand);
  checkExpand(ctx.registry, paymentMethods, tree);
  return tree;
}

function billingDetails(given: Record<string, any> | null | undefined, current?: Record<string, any>): Record<string, any> {
  const merged = { ...(current ?? {}), ...(given ?? {}) };
  return {
    address: normalizeAddress(merged.address) ?? { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
    email: merged.email ?? null,
    name: merged.name ?? null,
    phone: merged.phone ?? null,
  };
}

function tokenFor(params: Params): { token: string; param: string } {
  const card = params.card as Params;
  if (card.token) return { token: card.token, param: 'card[token]' };
  if (!card.number) throw paramMissing('card[number]');
  if (card.exp_month === undefined) throw paramMissing('card[exp_month]');
  if (card.exp_year === undefined) throw paramMissing('card[exp_year]');
  const token = TEST_NUMBERS[card.number.replace(/\s/g, '')];
  if (!token) {
    throw cardError('Your card number is incorrect.', { code: 'incorrect_number', param: 'number' });
  }
  return { token, param: 'card[number]' };
}

function createCardPaymentMethod(ctx: RequestContext, params: Params): StoredRecord {
  const { token, param } = tokenFor(params);
  const record = fromToken(ctx, token, param, params.billing_details, params.metadata, params.allow_redisplay);
  if (params.card.exp_month !== undefined) record.object.card.exp_month = params.card.exp_month;
  if (params.card.exp_year !== undefined) record.object.card.exp_year = params.card.exp_year;
  return record;
}

function fromToken(
  ctx: RequestContext,
  token: string,
  param: string,
  billing?: Record<string, any> | null,
  metadata?: Record<string, string | null> | null,
  allowRedisplay?: string,
): StoredRecord {
  const card = cardFromToken(ctx, token, null, param);
  const c = card.object;
  const brand = networkOf(c.brand);
  const object = {
    id: ctx.ids.next('pm_', 24),
    object: 'payment_method',
    allow_redisplay: allowRedisplay ?? 'unspecified',
    billing_details: billingDetails(billing),
    card: {
      brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: c.cvc_check },
      country: c.country,
      display_brand: brand,
      exp_month: c.exp_month,
      exp_year: c.exp_year,
      fingerprint: c.fingerprint,
      funding: c.funding,
      generated_from: null,
      last4: c.last4,
      networks: { available: [brand], preferred: null },
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: ctx.now,
    customer: null,
    livemode: ctx.livemode,
    metadata: EMPTY_METADATA_ON_CREATE(metadata),
    type: 'card',
  };
  return ctx.store.insert('payment_method', object, ctx.now, { decline: card.hidden.decline as Decline | undefined, token });
}

/**
 * A payment method a request names: a stored one, or one of Stripe's magic test ids
 * (`pm_card_visa` -> a new payment method from `tok_visa`). Unknown ids: "No such PaymentMethod".
 */
export function resolvePaymentMethod(ctx: RequestContext, id: string, param: string, status = 400): StoredRecord {
  const stored = ctx.store.get(id, 'payment_method');
  if (stored && !stored.deleted) return stored;
  const magic = /^pm_card_(.+)$/.exec(id);
  if (magic && !stored) {
    try {
      return fromToken(ctx, `tok_${magic[1]}`, param);
    } catch (error) {
      if (!(error instanceof StripeError)) throw error;
    }
  }
  throw invalidRequest(`No such PaymentMethod: '${id}'`, { code: 'resource_missing', param, status });
}

/** Attaches to a customer (Stripe checks the card first), recording payment_method.attached. */
export function attachPaymentMethod(ctx: RequestContext, record: StoredRecord, customerId: string): void {
  ctx.store.require('customer', customerId, 'customer', 400);
  const pm = record.object;
  if (pm.customer === customerId) return;
  checkAttachable(record);
  const before = structuredClone(pm);
  pm.customer = customerId;
  emitEvent(ctx, 'payment_method.attached', pm, before);
}

/** A payment method saved to one customer cannot be saved to another; Stripe checks the card when saving it, so a decline card fails here. */
export function checkAttachable(record: StoredRecord): void {
  if (record.object.customer) {
    throw invalidRequest(
      'The payment method you provided has already been attached to a customer.',
      { code: 'payment_method_unexpected_state', param: 'payment_method' },
    );
  }
  const decline = attachDecline(record);
  if (decline) {
    throw cardError(decline.message, { code: decline.code, decline_code: decline.declineCode, param: decline.param });
  }
}

/** How checking the card for saving it fails (a decline card), or undefined when it can be saved. */
export function attachDecline(record: StoredRecord): Decline | undefined {
  return record.hidden.token === ATTACHABLE_DECLINE_TOKEN ? undefined : record.hidden.decline;
}
