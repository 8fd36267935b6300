/**
 * Balance transactions (GET /v1/balance_transactions, GET /v1/balance_transactions/:id), derived
 * from the objects that move money rather than stored: a captured charge (type charge, its
 * `balance_transaction` id), a refund (type refund, negative), a payout (type payout, negative) and
 * its cancellation (payout_cancel), a transfer (type transfer, negative), and a dispute's withdrawal
 * (the adjustments in the dispute's `balance_transactions`). GET /v1/balance sums their `net`.
 * Simplifications: no fees; funds are available at once; a charge captured later keeps the
 * charge's `created` as the transaction's.
 */
import { checkExpand, checkListExpand, expandObject, parseExpand } from '../expand';
import { invalidRequest, resourceMissing } from '../errors';
import { inRange, p, type Params } from '../params';
import type { RequestContext, ResourceDefinition } from '../resource';
import { LIST_PARAMS } from '../routes';
import { inListOrder, type StoredRecord } from '../store';

interface Movement {
  id: string;
  amount: number;
  currency: string;
  created: number;
  source: string;
  type: string;
  reporting_category: string;
  description: string | null;
}

function transaction(m: Movement): Record<string, any> {
  return {
    id: m.id,
    object: 'balance_transaction',
    amount: m.amount,
    available_on: m.created,
    created: m.created,
    currency: m.currency,
    description: m.description,
    exchange_rate: null,
    fee: 0,
    fee_details: [],
    net: m.amount,
    reporting_category: m.reporting_category,
    source: m.source,
    status: 'available',
    type: m.type,
  };
}

/** A dispute's withdrawal, as the dispute carries it in `balance_transactions`. */
export function disputeTransaction(ctx: RequestContext, dispute: { id: string; amount: number; currency: string; charge: string }): Record<string, any> {
  return transaction({
    id: ctx.ids.next('txn_', 24),
    amount: -dispute.amount,
    currency: dispute.currency,
    created: ctx.now,
    source: dispute.id,
    type: 'adjustment',
    reporting_category: 'dispute',
    description: `Chargeback withdrawal for ${dispute.charge}`,
  });
}

/** Every balance transaction of the partition, oldest first, as list records (not stored). */
export function balanceTransactions(ctx: RequestContext): StoredRecord[] {
  const out: StoredRecord[] = [];
  const add = (from: StoredRecord, object: Record<string, any>, order = 0) =>
    out.push({ id: object.id, type: 'balance_transaction', seq: from.seq + order, created: object.created, object, hidden: {} });
  const live = (type: string) => ctx.store.live(type);

  for (const r of live('charge')) {
    const c = r.object;
    if (typeof c.balance_transaction !== 'string') continue;
    add(r, transaction({
      id: c.balance_transaction, amount: c.amount_captured, currency: c.currency, created: c.created, source: c.id,
      type: 'charge', reporting_category: 'charge', description: c.description ?? null,
    }));
  }
  for (const r of live('refund')) {
    const re = r.object;
    if (typeof re.balance_transaction !== 'string' || re.status === 'failed' || re.status === 'canceled') continue;
    add(r, transaction({
      id: re.balance_transaction, amount: -re.amount, currency: re.currency, created: re.created, source: re.id,
      type: 'refund', reporting_category: 'refund', description: re.description ?? null,
    }));
  }
  for (const r of live('payout')) {
    const po = r.object;
    add(r, transaction({
      id: po.balance_transaction, amount: -po.amount, currency: po.currency, created: po.created, source: po.id,
      type: 'payout', reporting_category: 'payout', description: po.description ?? 'STRIPE PAYOUT',
    }));
    const cancel = r.hidden.cancelTransaction as { id: string; created: number } | undefined;
    if (cancel) {
      add(r, transaction({
        id: cancel.id, amount: po.amount, currency: po.currency, created: cancel.created, source: po.id,
        type: 'payout_cancel', reporting_category: 'payout_reversal', description: `Payout cancellation for ${po.id}`,
      }), 0.5);
    }
  }
  for (const r of live('transfer')) {
    const tr = r.object;
    add(r, transaction({
      id: tr.balance_transaction, amount: -tr.amount, currency: tr.currency, created: tr.created, source: tr.id,
      type: 'transfer', reporting_category: 'transfer', description: tr.description ?? null,
    }));
  }
  for (const r of live('dispute')) {
    (r.object.balance_transactions as Record<string, any>[]).forEach((txn, i) => add(r, structuredClone(txn), i / 10));
  }
  return out.sort((a, b) => a.created - b.created || a.seq - b.seq);
}

/** One balance transaction by id, for `expand[]=balance_transaction` on the objects that carry one. */
export function findBalanceTransaction(ctx: RequestContext, id: unknown): Record<string, any> | null {
  return typeof id === 'string' ? (balanceTransactions(ctx).find((r) => r.id === id)?.object ?? null) : null;
}

/** Available funds per currency: the sum of every transaction's net. */
export function availableByCurrency(ctx: RequestContext): Map<string, number> {
  const net = new Map<string, number>();
  for (const { object } of balanceTransactions(ctx)) net.set(object.currency, (net.get(object.currency) ?? 0) + object.net);
  return net;
}

/** Stripe's answer when a payout or transfer needs more than the available balance. */
export function balanceInsufficient(message: string) {
  return invalidRequest(message, { code: 'balance_insufficient' });
}

export const balanceTransactionsResource: ResourceDefinition = {
  type: 'balance_transaction',
  idPrefix: 'txn_',
  idLength: 24,
  expandable: { source: { types: ['charge', 'refund', 'payout', 'transfer', 'dispute'] } },
  custom: [
    {
      method: 'GET',
      path: '/v1/balance_transactions',
      params: {
        ...LIST_PARAMS,
        currency: p.currency({ emptyable: false }),
        payout: p.string({ maxLength: 5000, emptyable: false }),
        source: p.string({ maxLength: 5000, emptyable: false }),
        type: p.string({ maxLength: 5000, emptyable: false }),
      },
      handle(ctx, params) {
        const itemTree = checkListExpand(ctx.registry, balanceTransactionsResource, parseExpand(params.expand));
        if (params.payout !== undefined) {
          // Stripe lists the transactions of automatic payouts only; the emulator's are all manual.
          ctx.store.require('payout', params.payout, 'payout', 404);
          throw invalidRequest('Balance transaction history can only be filtered on automatic transfers, not manual.', { param: 'payout' });
        }
        const created = ctx.listSettings.honourCreatedFilter ? params.created : undefined;
        const ordered = inListOrder(balanceTransactions(ctx), ctx.listSettings.sameSecondOrder);
        const page = paginate(ordered, params, ({ object: t }) =>
          (!created || inRange(t.created, created)) &&
          (params.currency === undefined || t.currency === params.currency) &&
          (params.source === undefined || t.source === params.source) &&
          (params.type === undefined || t.type === params.type),
        );
        return {
          object: 'list',
          data: page.data.map((r) => expandObject(ctx, balanceTransactionsResource, r.object, itemTree)),
          has_more: page.hasMore,
          url: '/v1/balance_transactions',
        };
      },
    },
    {
      method: 'GET',
      path: '/v1/balance_transactions/:id',
      params: {},
      handle(ctx, params, path) {
        const tree = parseExpand(params.expand);
        checkExpand(ctx.registry, balanceTransactionsResource, tree);
        const found = findBalanceTransaction(ctx, path.id);
        if (!found) throw resourceMissing('balance_transaction', path.id!, 'id', 404);
        return expandObject(ctx, balanceTransactionsResource, found, tree);
      },
    },
  ],
};

/** Stripe's cursor paging over derived records (the store's `paginate` looks cursors up in the store). */
function paginate(ordered: StoredRecord[], params: Params, filter: (r: StoredRecord) => boolean): { data: StoredRecord[]; hasMore: boolean } {
  const limit: number = params.limit ?? 10;
  if (params.starting_after != null && params.ending_before != null) {
    throw invalidRequest('You may only specify one of these parameters: ending_before, starting_after.', {
      code: 'parameters_exclusive',
      param: 'ending_before',
      stage: 'validation',
    });
  }
  const at = (id: string, param: string) => {
    const i = ordered.findIndex((r) => r.id === id);
    if (i < 0) throw resourceMissing('balance_transaction', id, param, 404);
    return i;
  };
  if (params.ending_before != null) {
    const newer = ordered.slice(0, at(params.ending_before, 'ending_before')).filter(filter);
    return { data: newer.slice(Math.max(0, newer.length - limit)), hasMore: newer.length > limit };
  }
  const from = params.starting_after != null ? at(params.starting_after, 'starting_after') + 1 : 0;
  const rest = ordered.slice(from).filter(filter);
  return { data: rest.slice(0, limit), hasMore: rest.length > limit };
}
