/**
 * Test-mode card tokens and the card objects they turn into. Cards are stored (type 'card') so
 * a customer's `default_source` and a charge's `payment_method` point at real objects. A customer's
 * cards are reachable at /v1/customers/:customer/sources (params from Stripe's OpenAPI spec): add
 * (the first becomes default_source), retrieve, list (object=card|bank_account; bank accounts are
 * not modelled, so that list is empty), delete (a deleted default is replaced by the most recently
 * added remaining card, or null). Events: customer.source.created, customer.source.deleted, and
 * customer.updated when default_source changes.
 */
import { createHash } from 'node:crypto';
import { cardError, invalidRequest, resourceMissing } from '../errors';
import { emitEvent } from '../events';
import { checkExpand, expandObject, parseExpand } from '../expand';
import { mergeMetadata, p, type Params } from '../params';
import { LIST_PARAMS, listOf } from '../routes';
import type { RequestContext, ResourceDefinition } from '../resource';
import type { StoredRecord } from '../store';

export interface Decline {
  code: 'card_declined' | 'expired_card' | 'incorrect_cvc' | 'processing_error';
  declineCode: string;
  message: string;
  param?: string;
}

interface TestCard {
  brand: string;
  last4: string;
  funding: 'credit' | 'debit' | 'prepaid';
  country: string;
  /** Charges on this card fail this way. */
  decline?: Decline;
  /** Stripe checks a card when it is attached to a customer: decline cards fail there already, except this one. */
  attachable?: boolean;
}

const declined = (declineCode: string, message = 'Your card was declined.'): Decline => ({ code: 'card_declined', declineCode, message });

/** Stripe's documented test tokens (docs.stripe.com/testing). */
const TEST_TOKENS: Record<string, TestCard> = {
  tok_visa: { brand: 'Visa', last4: '4242', funding: 'credit', country: 'US' },
  tok_visa_debit: { brand: 'Visa', last4: '5556', funding: 'debit', country: 'US' },
  tok_mastercard: { brand: 'MasterCard', last4: '4444', funding: 'credit', country: 'US' },
  tok_mastercard_debit: { brand: 'MasterCard', last4: '8210', funding: 'debit', country: 'US' },
  tok_mastercard_prepaid: { brand: 'MasterCard', last4: '5100', funding: 'prepaid', country: 'US' },
  tok_amex: { brand: 'American Express', last4: '8431', funding: 'credit', country: 'US' },
  tok_discover: { brand: 'Discover', last4: '1117', funding: 'credit', country: 'US' },
  tok_diners: { brand: 'Diners Club', last4: '0004', funding: 'credit', country: 'US' },
  tok_jcb: { brand: 'JCB', last4: '0505', funding: 'credit', country: 'JP' },
  tok_unionpay: { brand: 'UnionPay', last4: '0005', funding: 'credit', country: 'CN' },
  tok_chargeDeclined: { brand: 'Visa', last4: '0002', funding: 'credit', country: 'US', decline: declined('generic_decline') },
  tok_chargeDeclinedInsufficientFunds: {
    brand: 'Visa', last4: '9995', funding: 'credit', country: 'US',
    decline: declined('insufficient_funds', 'Your card has insufficient funds.'),
  },
  tok_chargeDeclinedLostCard: { brand: 'Visa', last4: '9987', funding: 'credit', country: 'US', decline: declined('lost_card') },
  tok_chargeDeclinedStolenCard: { brand: 'Visa', last4: '9979', funding: 'credit', country: 'US', decline: declined('stolen_card') },
  tok_chargeDeclinedExpiredCard: {
    brand: 'Visa', last4: '0069', funding: 'credit', country: 'US',
    decline: { code: 'expired_card', declineCode: 'expired_card', message: 'Your card has expired.', param: 'exp_month' },
  },
  tok_chargeDeclinedIncorrectCvc: {
    brand: 'Visa', last4: '0127', funding: 'credit', country: 'US',
    decline: { code: 'incorrect_cvc', declineCode: 'incorrect_cvc', message: "Your card's security code is incorrect.", param: 'cvc' },
  },
  tok_chargeDeclinedProcessingError: {
    brand: 'Visa', last4: '0119', funding: 'credit', country: 'US',
    decline: {
      code: 'processing_error', declineCode: 'processing_error',
      message: 'An error occurred while processing your card. Try again in a little bit.',
    },
  },
  // Charges on these succeed, then a dispute opens (see disputes.ts, which knows them by last4).
  tok_createDispute: { brand: 'Visa', last4: '0259', funding: 'credit', country: 'US' },
  tok_createDisputeProductNotReceived: { brand: 'Visa', last4: '2685', funding: 'credit', country: 'US' },
  tok_createDisputeInquiry: { brand: 'Visa', last4: '1976', funding: 'credit', country: 'US' },
  tok_chargeCustomerFail: {
    brand: 'Visa', last4: '0341', funding: 'credit', country: 'US', decline: declined('generic_decline'), attachable: true,
  },
};

/** Card object brand -> the network name used in payment_method_details. */
const NETWORK: Record<string, string> = {
  Visa: 'visa', MasterCard: 'mastercard', 'American Express': 'amex', Discover: 'discover',
  'Diners Club': 'diners', JCB: 'jcb', UnionPay: 'unionpay',
};

const SOURCES = '/v1/customers/:customer/sources';

export const cards: ResourceDefinition = {
  type: 'card',
  idPrefix: 'card_',
  idLength: 24,
  expandable: { customer: { types: ['customer'] } },
  custom: [
    {
      method: 'POST',
      path: SOURCES,
      params: {
        alipay_account: p.string({ maxLength: 5000 }),
        bank_account: p.string({ maxLength: 5000 }),
        card: p.string({ maxLength: 5000 }),
        metadata: p.metadata(),
        source: p.string({ maxLength: 5000 }),
      },
      handle(ctx, params, path) {
        const tree = expandTree(ctx, params);
        const customer = ctx.store.require('customer', path.customer!, 'customer');
        if (params.bank_account || params.alipay_account) {
          const param = params.bank_account ? 'bank_account' : 'alipay_account';
          throw invalidRequest(`No such token: '${params[param]}'`, { code: 'resource_missing', param });
        }
        const token: string | undefined = params.source ?? params.card ?? undefined;
        if (!token) throw invalidRequest('Missing required param: source.', { code: 'parameter_missing', param: 'source', stage: 'validation' });
        const card = cardFromToken(ctx, token, customer.id, params.source ? 'source' : 'card');
        card.object.metadata = mergeMetadata({}, params.metadata ?? {});
        emitEvent(ctx, 'customer.source.created', card.object);
        if (!customer.object.default_source) setDefaultSource(ctx, customer, card.id);
        return expandObject(ctx, cards, card.object, tree);
      },
    },
    {
      method: 'GET',
      path: SOURCES,
      params: { ...LIST_PARAMS, object: p.string({ maxLength: 5000, emptyable: false }) },
      handle(ctx, params, path) {
        const customer = ctx.store.require('customer', path.customer!, 'customer');
        const records = params.object === undefined || params.object === 'card' ? customerCards(ctx, customer.id) : [];
        return listOf(ctx, cards, records, params, `/v1/customers/${customer.id}/sources`);
      },
    },
    {
      method: 'GET',
      path: `${SOURCES}/:id`,
      params: {},
      handle(ctx, params, path) {
        const tree = expandTree(ctx, params);
        const customer = ctx.store.require('customer', path.customer!, 'customer');
        return expandObject(ctx, cards, linkedSource(ctx, customer.id, path.id!).object, tree);
      },
    },
    {
      method: 'DELETE',
      path: `${SOURCES}/:id`,
      params: {},
      handle(ctx, _params, path) {
        const customer = ctx.store.require('customer', path.customer!, 'customer');
        const card = linkedSource(ctx, customer.id, path.id!);
        const stub = { id: card.id, object: 'card', deleted: true };
        ctx.store.markDeleted(card, stub);
        emitEvent(ctx, 'customer.source.deleted', card.object);
        if (customer.object.default_source === card.id) {
          // Stripe makes the most recently added remaining source the default (none left: null).
          setDefaultSource(ctx, customer, customerCards(ctx, customer.id).at(-1)?.id ?? null);
        }
        return structuredClone(stub);
      },
    },
  ],
};

function expandTree(ctx: RequestContext, params: Params) {
  const tree = parseExpand(params.expand);
  checkExpand(ctx.registry, cards, tree);
  return tree;
}

/** A customer's live cards, oldest first. */
export function customerCards(ctx: RequestContext, customerId: string): StoredRecord[] {
  return ctx.store.live('card').filter((r) => r.object.customer === customerId);
}

function linkedSource(ctx: RequestContext, customerId: string, id: string): StoredRecord {
  const record = ctx.store.get(id, 'card');
  if (record && !record.deleted && record.object.customer === customerId) return record;
  throw invalidRequest(`Customer ${customerId} does not have a linked source with ID ${id}.`, { code: 'resource_missing', param: 'id', status: 404 });
}

function setDefaultSource(ctx: RequestContext, customer: StoredRecord, id: string | null): void {
  const before = structuredClone(customer.object);
  customer.object.default_source = id;
  emitEvent(ctx, 'customer.updated', customer.object, before);
}

/**
 * Turns a token into a stored card, attached to `customer` when given. Throws Stripe's errors for
 * an unknown token (400, param `param`) and for decline cards being attached (402).
 */
export function cardFromToken(ctx: RequestContext, token: string, customer: string | null, param: string): StoredRecord {
  const test = TEST_TOKENS[token];
  if (!test) {
    const what = token.startsWith('tok_') ? 'token' : 'source';
    throw invalidRequest(`No such ${what}: '${token}'`, { code: 'resource_missing', param, status: 400 });
  }
  if (customer && test.decline && !test.attachable) {
    throw cardError(test.decline.message, { code: test.decline.code, decline_code: test.decline.declineCode, param: test.decline.param });
  }
  const date = new Date(ctx.now * 1000);
  const object = {
    id: ctx.ids.next(cards.idPrefix, cards.idLength),
    object: 'card',
    address_city: null,
    address_country: null,
    address_line1: null,
    address_line1_check: null,
    address_line2: null,
    address_state: null,
    address_zip: null,
    address_zip_check: null,
    brand: test.brand,
    country: test.country,
    customer,
    cvc_check: 'pass',
    dynamic_last4: null,
    exp_month: date.getUTCMonth() + 1,
    exp_year: date.getUTCFullYear() + 1,
    fingerprint: createHash('sha256').update(`emulator-card-${token}`).digest('base64url').replace(/[-_]/g, '').slice(0, 16),
    funding: test.funding,
    last4: test.last4,
    metadata: {},
    name: null,
    tokenization_method: null,
    wallet: null,
  };
  return ctx.store.insert('card', object, ctx.now, { decline: test.decline });
}

/**
 * A saved card the request names by id. It must exist and belong to `customer` (null = a card on
 * no customer): a customer's card can only be charged together with that customer.
 */
export function savedCard(ctx: RequestContext, cardId: string, customer: string | null, param: string): StoredRecord {
  const record = ctx.store.get(cardId, 'card');
  if (record && !record.deleted && record.object.customer === customer) return record;
  if (customer) {
    throw invalidRequest(`Customer ${customer} does not have a linked source with ID ${cardId}.`, { code: 'resource_missing', param, status: 400 });
  }
  throw resourceMissing('source', cardId, param, 400);
}

export function networkOf(brand: string): string {
  return NETWORK[brand] ?? 'unknown';
}
