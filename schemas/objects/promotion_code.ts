import { z } from 'zod';
import { defineObject } from './define';
import { amount, created, currency, expandable, livemode, metadata, objectId, openEnum, SAMPLE_CREATED } from './fields';

export const promotionCodeObject = defineObject(
  'promotion_code',
  'A Stripe promotion code: the text customers enter to get a coupon\'s discount, with its own limits.',
  {
    id: objectId('promo'),
    active: z.boolean().describe('Whether the code can be redeemed now.'),
    code: z.string().describe('The text customers enter, e.g. SUMMER25 (matched case-insensitively).'),
    created,
    customer: expandable('customer').nullable().describe('The only customer who may redeem it; null for anyone.'),
    expires_at: z.number().int().nullable().describe('When the code stops working (Unix time, seconds); null for never.'),
    livemode,
    max_redemptions: z.number().int().nullable().describe('How many times it can be redeemed in total; null for no limit.'),
    metadata: metadata.nullable(),
    // API 2025-09-30.clover: the coupon moved from a top-level `coupon` object to promotion.coupon.
    promotion: z
      .looseObject({
        coupon: expandable('coupon').nullable().describe('The coupon\'s id, or the coupon object with expand ["promotion.coupon"].'),
        type: openEnum(['coupon'], 'What the code redeems.'),
      })
      .describe('What the code redeems: {"type": "coupon", "coupon": "<coupon id>"}.'),
    restrictions: z
      .looseObject({
        currency_options: z
          .record(z.string(), z.looseObject({ minimum_amount: amount }))
          .optional()
          .describe('minimum_amount per other currency.'),
        first_time_transaction: z.boolean().describe('Only for customers who have never paid before.'),
        minimum_amount: amount.nullable().describe('Smallest order total the code works on, smallest currency unit; null for none.'),
        minimum_amount_currency: currency.nullable().describe('Currency of minimum_amount.'),
      })
      .describe('Who and what the code may be used for.'),
    times_redeemed: z.number().int().describe('How many times it has been redeemed.'),
  },
  {
    id: 'promo_1TZ0aSamplePromo0001',
    active: true,
    code: 'SUMMER25',
    created: SAMPLE_CREATED,
    customer: null,
    expires_at: null,
    livemode: false,
    max_redemptions: 50,
    metadata: { channel: 'newsletter' },
    promotion: { coupon: 'SUMMER-25', type: 'coupon' },
    restrictions: { currency_options: {}, first_time_transaction: true, minimum_amount: 2000, minimum_amount_currency: 'usd' },
    times_redeemed: 0,
  },
  { summary: ['id', 'code', 'active', 'customer', 'expires_at', 'times_redeemed', 'max_redemptions', 'promotion.coupon'] },
);
