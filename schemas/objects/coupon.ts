import { z } from 'zod';
import { defineObject } from './define';
import { amount, created, currency, livemode, metadata, openEnum, SAMPLE_CREATED } from './fields';

export const couponObject = defineObject(
  'coupon',
  'A Stripe coupon: a percentage or amount off, applied to subscriptions, invoices or checkout (often through promotion codes).',
  {
    id: z.string().min(1).describe('The coupon id: a custom code such as SUMMER-25, or one Stripe generated.'),
    amount_off: amount.nullable().describe('Amount off in the smallest currency unit (500 = $5.00); null for a percent_off coupon.'),
    applies_to: z
      .looseObject({ products: z.array(z.string()).describe('Product ids (prod_...) the coupon applies to.') })
      .optional()
      .describe('The products the coupon is limited to. Only present when expanded (expand ["applies_to"]) and the coupon is limited.'),
    created,
    currency: currency.nullable().describe('Currency of amount_off; null for a percent_off coupon.'),
    duration: openEnum(['once', 'forever', 'repeating'], 'How long the discount lasts on a subscription.'),
    duration_in_months: z.number().int().nullable().describe('Months the discount lasts when duration is repeating; null otherwise.'),
    livemode,
    max_redemptions: z.number().int().nullable().describe('How many times it can be redeemed in total; null for no limit.'),
    metadata: metadata.nullable(),
    name: z.string().nullable().describe('Name shown to customers on invoices and receipts.'),
    percent_off: z.number().nullable().describe('Percentage off (e.g. 25.5); null for an amount_off coupon.'),
    redeem_by: z.number().int().nullable().describe('Last moment it can be redeemed (Unix time, seconds); null for no deadline.'),
    times_redeemed: z.number().int().describe('How many times it has been applied.'),
    valid: z.boolean().describe('Whether it can still be redeemed (false once redeem_by has passed or max_redemptions is reached).'),
  },
  {
    id: 'SUMMER-25',
    amount_off: null,
    applies_to: { products: ['prod_TZ0aSample0001'] },
    created: SAMPLE_CREATED,
    currency: null,
    duration: 'repeating',
    duration_in_months: 3,
    livemode: false,
    max_redemptions: 100,
    metadata: { campaign: 'summer' },
    name: 'Summer sale',
    percent_off: 25,
    redeem_by: SAMPLE_CREATED + 90 * 86400,
    times_redeemed: 4,
    valid: true,
  },
  { summary: ['id', 'name', 'percent_off', 'amount_off', 'currency', 'duration', 'duration_in_months', 'valid', 'times_redeemed'] },
);
