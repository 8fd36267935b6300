/**
 * Refunds (params from Stripe's OpenAPI spec: POST /v1/refunds, POST /v1/refunds/{refund},
 * POST /v1/refunds/{refund}/cancel, GET /v1/refunds).
 *
 * A refund names a charge or a payment intent (its latest charge), and refunds all or `amount` of
 * what is left on the charge; the charge's amount_refunded and refunded follow (and so does the
 * balance, which reads them). Card refunds succeed at once. Errors as Stripe's: a fully refunded
 * charge is `charge_already_refunded`, more than what is left is `amount_too_large`.
 * Emulator simplification: a refund created with `instructions_email` stands for a payment method
 * without native refunds (Stripe emails the customer for bank details), so it stays in
 * `requires_action` and can be canceled; every other refund cannot (Stripe's error).
 * Events: refund.created, refund.updated, charge.refunded (Stripe also sends charge.refund.updated).
 */
import { invalidRequest, paramError } from '../errors';
import { emitEvent } from '../events';
import { applyUpdate, p, type Params } from '../params';
import type { RequestContext, ResourceDefinition } from '../resource';
import type { StoredRecord } from '../store';
import { displayAmount } from '../money';
import { findBalanceTransaction } from './balance_transactions';
import { EMPTY_METADATA_ON_CREATE } from './shared';


export const refunds: ResourceDefinition = {
  type: 'refund',
  idPrefix: 're_',
  idLength: 24,
  basePath: '/v1/refunds',

  create: {
    params: {
      amount: p.integer({ min: 1 }),
      charge: p.string({ maxLength: 5000 }),
      currency: p.currency(),
      customer: p.string({ maxLength: 5000 }),
      instructions_email: p.email(),
      metadata: p.metadata(),
      origin: p.enum(['customer_balance']),
      payment_intent: p.string({ maxLength: 5000 }),
      reason: p.enum(['duplicate', 'fraudulent', 'requested_by_customer']),
      refund_application_fee: p.boolean(),
      reverse_transfer: p.boolean(),
    },
    handle: createRefund,
  },

  retrieve: {},

  update: {
    params: { metadata: p.metadata() },
    handle(_ctx, record, params) {
      applyUpdate(record.object, params, ['metadata']);
    },
  },

  actions: {
    cancel: {
      params: {},
      handle(ctx, record) {
        const refund = record.object;
        if (refund.status !== 'requires_action') {
          throw invalidRequest(
            `Refund ${refund.id} cannot be canceled because it has a status of ${refund.status}. Only refunds with a status of requires_action can be canceled.`,
            { code: 'refund_cannot_be_canceled' },
          );
        }
        const before = structuredClone(refund);
        refund.status = 'canceled';
        refund.failure_reason = 'merchant_request';
        refund.failure_balance_transaction = ctx.ids.next('txn_', 24);
        const charge = ctx.store.get(refund.charge, 'charge');
        if (charge) {
          charge.object.amount_refunded -= refund.amount;
          charge.object.refunded = charge.object.amount_refunded >= charge.object.amount;
        }
        emitEvent(ctx, 'refund.updated', refund, before);
      },
    },
  },

  list: {
    params: {
      charge: p.string({ maxLength: 5000, emptyable: false }),
      payment_intent: p.string({ maxLength: 5000, emptyable: false }),
    },
    filter: (refund, params) =>
      (params.charge === undefined || refund.charge === params.charge) &&
      (params.payment_intent === undefined || refund.payment_intent === params.payment_intent),
  },

  expandable: { charge: { types: ['charge'] }, payment_intent: { types: ['payment_intent'] } },

  includable: {
    // Derived, not stored: computed from the refund like the charge's (see balance_transactions.ts).
    balance_transaction: (ctx, refund) => findBalanceTransaction(ctx, refund.balance_transaction),
  },
};

function createRefund(ctx: RequestContext, params: Params): StoredRecord {
  if (params.origin) {
    throw invalidRequest('Customer balance refunds (origin) are not supported by the emulator.', { param: 'origin' });
  }
  if (!params.charge && !params.payment_intent) {
    throw paramError('One of the following params should be provided for this request: payment_intent or charge.', 'parameter_missing', undefined);
  }
  let chargeRecord: StoredRecord;
  let paymentIntent: string | null = null;
  if (params.payment_intent) {
    const pi = ctx.store.require('payment_intent', params.payment_intent, 'payment_intent', 400).object;
    const latest = pi.latest_charge ? ctx.store.get(pi.latest_charge, 'charge') : undefined;
    if (!latest || latest.object.status !== 'succeeded' || !latest.object.captured) {
      throw invalidRequest(
        `This PaymentIntent (${pi.id}) does not have a successful charge to refund.`,
        { code: 'charge_not_refundable', param: 'payment_intent' },
      );
    }
    if (params.charge && params.charge !== latest.id) {
      throw invalidRequest(`Charge ${params.charge} does not belong to PaymentIntent ${pi.id}.`, { param: 'charge' });
    }
    chargeRecord = latest;
    paymentIntent = pi.id;
  } else {
    chargeRecord = ctx.store.require('charge', params.charge, 'charge', 400);
    paymentIntent = chargeRecord.object.payment_intent ?? null;
  }
  const charge = chargeRecord.object;
  if (charge.status === 'failed') {
    throw invalidRequest(`Charge ${charge.id} has failed and cannot be refunded.`, { code: 'charge_not_refundable', param: 'charge' });
  }
  if (params.currency && params.currency !== charge.currency) {
    throw invalidRequest(`The currency of the refund (${params.currency}) must match the charge's currency (${charge.currency}).`, { param: 'currency' });
  }
  if (!charge.captured) {
    throw invalidRequest(
      `Charge ${charge.id} has not been captured; cancel its payment intent (or let the authorization expire) to release it.`,
      { code: 'charge_not_refundable', param: params.payment_intent ? 'payment_intent' : 'charge' },
    );
  }
  // A chargeback cannot be refunded (the money is already with the customer); an inquiry can.
  const chargeback = ctx.store.live('dispute').find((d) => d.object.charge === charge.id && !d.object.is_charge_refundable);
  if (chargeback) {
    throw invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, { code: 'charge_disputed' });
  }
  const left = charge.amount - charge.amount_refunded;
  if (left <= 0) {
    throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded' });
  }
  const amount: number = params.amount ?? left;
  if (amount > left) {
    throw invalidRequest(
      charge.amount_refunded - (chargeRecord.hidden.released ?? 0) > 0
        ? `Refund amount (${displayAmount(amount, charge.currency)}) is greater than unrefunded amount on charge (${displayAmount(left, charge.currency)})`
        : `Refund amount (${displayAmount(amount, charge.currency)}) is greater than charge amount (${displayAmount(left, charge.currency)})`,
      { code: 'amount_too_large', param: 'amount' },
    );
  }
  const pending = Boolean(params.instructions_email);
  // Stripe omits (rather than nulls) the fields that do not apply: destination_details while the
  // customer has to act, instructions_email without one, failure_* until the refund fails or is canceled.
  const object: Record<string, any> = {
    id: ctx.ids.next('re_', 24),
    object: 'refund',
    amount,
    // The refund leaves the balance at once, even while waiting for the customer (a cancel gives it back).
    balance_transaction: ctx.ids.next('txn_', 24),
    charge: charge.id,
    created: ctx.now,
    currency: charge.currency,
    ...(pending
      ? { instructions_email: params.instructions_email }
      : { destination_details: { card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' }, type: 'card' } }),
    metadata: EMPTY_METADATA_ON_CREATE(params.metadata),
    payment_intent: paymentIntent,
    reason: params.reason ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: pending ? 'requires_action' : 'succeeded',
    transfer_reversal: null,
  };
  const before = structuredClone(charge);
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded >= charge.amount;
  const record = ctx.store.insert('refund', object, ctx.now);
  emitEvent(ctx, 'charge.refunded', charge, before);
  return record;
}

/** A charge's refunds, newest first (the charge's `refunds` list when expanded). */
export function refundsOf(ctx: RequestContext, chargeId: string): Record<string, any>[] {
  return ctx.store
    .live('refund')
    .filter((r) => r.object.charge === chargeId)
    .map((r) => structuredClone(r.object))
    .reverse();
}
