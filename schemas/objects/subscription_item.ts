import { z } from 'zod';
import { defineObject } from './define';
import { created, metadata, objectId, SAMPLE_CREATED } from './fields';
import { discountIds } from './line_item';
import { priceObject } from './price';
import { taxRateObject } from './tax_rate';

/** 2026-02-01T00:00:00Z: one month after SAMPLE_CREATED, the end of the sample's first period. */
const SAMPLE_PERIOD_END = 1769904000;

export const subscriptionItemObject = defineObject(
  'subscription_item',
  'One price a subscription bills, with its quantity and current billing period.',
  {
    id: objectId('si'),
    created,
    current_period_end: z
      .number()
      .int()
      .describe('End of the item\'s current billing period (Unix seconds). API 2025-03-31.basil moved the period from the subscription to its items.'),
    current_period_start: z.number().int().describe('Start of the item\'s current billing period (Unix seconds).'),
    discounts: discountIds,
    metadata,
    price: priceObject.schema.describe('The price billed.'),
    quantity: z.number().int().optional().describe('Number of units billed (absent for metered prices).'),
    subscription: z.string().describe('The subscription (sub_...) the item belongs to.'),
    tax_rates: z.array(taxRateObject.schema).nullable().describe('Tax rates applied to this item (instead of the subscription\'s defaults).'),
  },
  {
    id: 'si_TZ0aSample0001',
    created: SAMPLE_CREATED,
    current_period_end: SAMPLE_PERIOD_END,
    current_period_start: SAMPLE_CREATED,
    discounts: [],
    metadata: { seat: 'team' },
    price: priceObject.sample,
    quantity: 2,
    subscription: 'sub_1TZ0aSample0001',
    tax_rates: [],
  },
  { summary: ['id', 'price.id', 'price.nickname', 'price.unit_amount', 'quantity', 'subscription', 'current_period_end'] },
);
