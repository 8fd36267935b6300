/**
 * Transfers (params from Stripe's OpenAPI spec: POST /v1/transfers, GET /v1/transfers,
 * GET/POST /v1/transfers/{id}). Connected accounts are not modelled: any well-formed acct_ id other
 * than the caller's own account is accepted as destination, and nothing is credited in that
 * account's partition. A transfer takes money from the available balance (more than that: 400
 * balance_insufficient) unless `source_transaction` names a captured charge in the same currency
 * that still covers it. Events: transfer.created, transfer.updated.
 */
import { invalidRequest } from '../errors';
import { applyUpdate, p, type ParamSpecs } from '../params';
import type { ResourceDefinition } from '../resource';
import { availableByCurrency, balanceInsufficient, findBalanceTransaction } from './balance_transactions';
import { EMPTY_METADATA_ON_CREATE } from './shared';

const CREATE_PARAMS: ParamSpecs = {
  // The spec leaves `amount` optional; the API requires it for a transfer.
  amount: p.integer({ required: true, min: 1 }),
  currency: p.currency({ required: true }),
  description: p.string({ maxLength: 5000 }),
  destination: p.string({ required: true, maxLength: 5000 }),
  metadata: p.metadata(),
  source_transaction: p.string({ emptyable: false }),
  source_type: p.enum(['bank_account', 'card', 'fpx']),
  transfer_group: p.string(),
};

export const transfers: ResourceDefinition = {
  type: 'transfer',
  idPrefix: 'tr_',
  idLength: 24,
  basePath: '/v1/transfers',

  create: {
    params: CREATE_PARAMS,
    handle(ctx, params) {
      if (!/^acct_[A-Za-z0-9]+$/.test(params.destination) || params.destination === ctx.account) {
        throw invalidRequest(`No such destination: '${params.destination}'`, { code: 'resource_missing', param: 'destination' });
      }
      if (params.source_transaction) {
        const charge = ctx.store.require('charge', params.source_transaction, 'source_transaction', 400).object;
        if (!charge.captured || charge.status !== 'succeeded') {
          throw invalidRequest(`The source_transaction ${charge.id} has not been captured; only captured charges can fund a transfer.`, {
            param: 'source_transaction',
          });
        }
        if (charge.currency !== params.currency) {
          throw invalidRequest(`The currency of source_transaction (${charge.currency}) must be the same as the transfer currency (${params.currency}).`, {
            param: 'currency',
          });
        }
        const already = ctx.store
          .live('transfer')
          .filter((r) => r.object.source_transaction === charge.id)
          .reduce((sum, r) => sum + r.object.amount, 0);
        const left = charge.amount_captured - charge.amount_refunded - already;
        if (params.amount > left) {
          throw balanceInsufficient(
            `Insufficient funds in source_transaction ${charge.id}: ${left} ${params.currency} left to transfer, the transfer is ${params.amount}.`,
          );
        }
      } else {
        const available = availableByCurrency(ctx).get(params.currency) ?? 0;
        if (params.amount > available) {
          throw balanceInsufficient(
            `Insufficient funds in Stripe account: the available ${params.currency.toUpperCase()} balance is ${available} and the transfer is ${params.amount} ` +
              '(smallest currency unit). In test mode, add funds with a charge first, or fund the transfer with source_transaction.',
          );
        }
      }
      const id = ctx.ids.next('tr_', 24);
      const object = {
        id,
        object: 'transfer',
        amount: params.amount,
        amount_reversed: 0,
        balance_transaction: ctx.ids.next('txn_', 24),
        created: ctx.now,
        currency: params.currency,
        description: params.description ?? null,
        destination: params.destination,
        destination_payment: ctx.ids.next('py_', 24),
        livemode: ctx.livemode,
        metadata: EMPTY_METADATA_ON_CREATE(params.metadata),
        reversals: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/transfers/${id}/reversals` },
        reversed: false,
        source_transaction: params.source_transaction ?? null,
        source_type: params.source_type ?? 'card',
        transfer_group: params.transfer_group ?? null,
      };
      return ctx.store.insert('transfer', object, ctx.now);
    },
  },

  retrieve: {},

  update: {
    params: { description: p.string({ maxLength: 5000 }), metadata: p.metadata() },
    handle: (_ctx, record, params) => applyUpdate(record.object, params, ['description', 'metadata']),
  },

  list: {
    params: {
      destination: p.string({ maxLength: 5000, emptyable: false }),
      transfer_group: p.string({ maxLength: 5000, emptyable: false }),
    },
    filter: (transfer, params) =>
      (params.destination === undefined || transfer.destination === params.destination) &&
      (params.transfer_group === undefined || transfer.transfer_group === params.transfer_group),
  },

  expandable: { source_transaction: { types: ['charge'] } },
  includable: { balance_transaction: (ctx, transfer) => findBalanceTransaction(ctx, transfer.balance_transaction) },
};
