/**
 * GET /v1/balance: per currency, the sum of the balance transactions' net (captured charges minus
 * refunds, payouts, transfers and dispute withdrawals; see balance_transactions.ts). A partial
 * capture's released remainder never enters the balance. Simplifications: no fees, and funds are
 * available at once (Stripe holds card funds as pending for a few days).
 */
import type { ResourceDefinition } from '../resource';
import { availableByCurrency } from './balance_transactions';

export const balance: ResourceDefinition = {
  type: 'balance',
  idPrefix: '',
  idLength: 0,
  custom: [
    {
      method: 'GET',
      path: '/v1/balance',
      params: {},
      handle(ctx) {
        const net = availableByCurrency(ctx);
        if (net.size === 0) net.set('usd', 0);
        const currencies = [...net.keys()].sort();
        return {
          object: 'balance',
          available: currencies.map((currency) => ({ amount: net.get(currency)!, currency, source_types: { card: net.get(currency)! } })),
          livemode: ctx.livemode,
          pending: currencies.map((currency) => ({ amount: 0, currency, source_types: { card: 0 } })),
        };
      },
    },
  ],
};
