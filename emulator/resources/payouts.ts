/**
 * Payouts (params from Stripe's OpenAPI spec: POST /v1/payouts, GET /v1/payouts, GET/POST
 * /v1/payouts/{id}, POST /v1/payouts/{id}/cancel). A payout takes money from the available balance
 * in its currency (more than that: 400 balance_insufficient) to the account's one external bank
 * account (a fixed ba_ id per account). Status: pending; cancel -> canceled (a payout_cancel balance
 * transaction gives the money back). The emulator never moves a payout to paid or failed by itself
 * (Stripe does when the bank confirms). Events: payout.created, payout.updated, payout.canceled.
 */
import { createHash } from 'node:crypto';
import { invalidRequest } from '../errors';
import { emitEvent } from '../events';
import { applyUpdate, inRange, p, type ParamSpecs } from '../params';
import type { RequestContext, ResourceDefinition } from '../resource';
import { availableByCurrency, balanceInsufficient, findBalanceTransaction } from './balance_transactions';
import { EMPTY_METADATA_ON_CREATE } from './shared';

const CREATE_PARAMS: ParamSpecs = {
  amount: p.integer({ required: true, min: 1 }),
  currency: p.currency({ required: true }),
  description: p.string({ maxLength: 5000 }),
  destination: p.string({ emptyable: false }),
  metadata: p.metadata(),
  method: p.enum(['instant', 'standard']),
  source_type: p.enum(['bank_account', 'card', 'fpx']),
  statement_descriptor: p.string({ maxLength: 22 }),
};

const STANDARD_DELAY_SECONDS = 2 * 24 * 60 * 60;

/** The account's external bank account: one stable id per account. */
export function externalAccountOf(ctx: RequestContext): string {
  return 'ba_' + createHash('sha256').update(`emulator-bank-${ctx.account}`).digest('base64url').replace(/[-_]/g, '').slice(0, 24);
}

export const payouts: ResourceDefinition = {
  type: 'payout',
  idPrefix: 'po_',
  idLength: 24,
  basePath: '/v1/payouts',

  create: {
    params: CREATE_PARAMS,
    handle(ctx, params) {
      const destination = externalAccountOf(ctx);
      if (params.destination !== undefined && params.destination !== destination) {
        throw invalidRequest(`No such external account: '${params.destination}'`, { code: 'resource_missing', param: 'destination' });
      }
      const available = availableByCurrency(ctx).get(params.currency) ?? 0;
      if (params.amount > available) {
        throw balanceInsufficient(
          `You have insufficient funds in your Stripe account for this payout: the available ${params.currency.toUpperCase()} balance is ${available} ` +
            `and the payout is ${params.amount} (smallest currency unit). Use /v1/balance to see your balance.`,
        );
      }
      const method: string = params.method ?? 'standard';
      const id = ctx.ids.next('po_', 24);
      const object = {
        id,
        object: 'payout',
        amount: params.amount,
        application_fee: null,
        application_fee_amount: null,
        arrival_date: method === 'instant' ? ctx.now : ctx.now + STANDARD_DELAY_SECONDS,
        automatic: false,
        balance_transaction: ctx.ids.next('txn_', 24),
        created: ctx.now,
        currency: params.currency,
        description: params.description ?? null,
        destination,
        failure_balance_transaction: null,
        failure_code: null,
        failure_message: null,
        livemode: ctx.livemode,
        metadata: EMPTY_METADATA_ON_CREATE(params.metadata),
        method,
        original_payout: null,
        reconciliation_status: 'not_applicable',
        reversed_by: null,
        source_type: params.source_type ?? 'card',
        statement_descriptor: params.statement_descriptor ?? null,
        status: 'pending',
        // Since API 2024-11-20.acacia; pending until the bank reports the payout (the emulator never does).
        trace_id: { status: 'pending', value: null },
        type: 'bank_account',
      };
      return ctx.store.insert('payout', object, ctx.now);
    },
  },

  retrieve: {},

  update: {
    params: { metadata: p.metadata() },
    handle: (_ctx, record, params) => applyUpdate(record.object, params, ['metadata']),
  },

  actions: {
    cancel: {
      params: {},
      handle(ctx, record) {
        const payout = record.object;
        if (payout.status !== 'pending') {
          throw invalidRequest(`Payout ${payout.id} cannot be canceled: only pending payouts can be, and its status is ${payout.status}.`);
        }
        if (payout.method === 'instant') throw invalidRequest('Instant payouts cannot be canceled.');
        payout.status = 'canceled';
        record.hidden.cancelTransaction = { id: ctx.ids.next('txn_', 24), created: ctx.now };
        emitEvent(ctx, 'payout.canceled', payout);
      },
    },
  },

  list: {
    params: {
      arrival_date: p.range(),
      destination: p.string({ maxLength: 5000, emptyable: false }),
      status: p.string({ maxLength: 5000, emptyable: false }),
    },
    filter: (payout, params) =>
      (params.status === undefined || payout.status === params.status) &&
      (params.destination === undefined || payout.destination === params.destination) &&
      (params.arrival_date === undefined || inRange(payout.arrival_date, params.arrival_date)),
  },

  includable: { balance_transaction: (ctx, payout) => findBalanceTransaction(ctx, payout.balance_transaction) },
};

