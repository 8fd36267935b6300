/**
 * GET /v1/balance, computed from the partition's charges: per currency, what was captured minus
 * what was refunded afterwards (a partial capture's released remainder never entered the
 * balance). Simplifications: no fees, and funds are available at once (Stripe holds card funds
 * as pending for a few days).
 */
import type { ResourceDefinition } from '../resource';

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
        const net = new Map<string, number>();
        for (const record of ctx.store.live('charge')) {
          const charge = record.object;
          if (!charge.captured) continue;
          const refundedAfterCapture = charge.amount_refunded - (record.hidden.released ?? 0);
          net.set(charge.currency, (net.get(charge.currency) ?? 0) + charge.amount_captured - refundedAfterCapture);
        }
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
