/**
 * Subscription items (GET /v1/subscription_items?subscription=..., GET /v1/subscription_items/{item}).
 * Items are created, changed and removed through their subscription (emulator/resources/subscriptions.ts);
 * this file only serves them. Since API 2025-03-31 the billing period lives on each item
 * (current_period_start / current_period_end), not on the subscription.
 */
import { p } from '../params';
import type { RequestContext, ResourceDefinition } from '../resource';
import type { StoredRecord } from '../store';

export const subscriptionItems: ResourceDefinition = {
  type: 'subscription_item',
  idPrefix: 'si_',
  idLength: 14,
  basePath: '/v1/subscription_items',
  // Stripe reports item changes through customer.subscription.updated only.
  events: false,
  retrieve: {},
  list: {
    params: { subscription: p.string({ required: true, maxLength: 5000, emptyable: false }) },
    filter: (item, params) => item.subscription === params.subscription,
  },
};

/** The live items of one subscription, oldest first. */
export function itemsOf(ctx: RequestContext, subscriptionId: string): StoredRecord[] {
  return ctx.store.live('subscription_item').filter((r) => r.object.subscription === subscriptionId);
}

/** End of a billing period that starts at `start` (unix seconds), in whole calendar units as Stripe bills. */
export function periodEnd(start: number, interval: string, count: number): number {
  const d = new Date(start * 1000);
  switch (interval) {
    case 'day':
      d.setUTCDate(d.getUTCDate() + count);
      break;
    case 'week':
      d.setUTCDate(d.getUTCDate() + 7 * count);
      break;
    case 'year':
      d.setUTCFullYear(d.getUTCFullYear() + count);
      break;
    default: {
      // Month ends clamp (Jan 31 + 1 month = Feb 28/29), as Stripe does.
      const day = d.getUTCDate();
      d.setUTCDate(1);
      d.setUTCMonth(d.getUTCMonth() + count);
      const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
      d.setUTCDate(Math.min(day, last));
    }
  }
  return Math.floor(d.getTime() / 1000);
}
