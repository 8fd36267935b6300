import { z } from 'zod';
import { defineAction, defineListAction } from './define';
import { createdRange, currency, customerId, expand, fields, idempotencyKey, metadata, stripeId } from '../schemas/common';
import { amountProblem } from '../schemas/currency';
import { promotionCodeObject } from '../schemas/objects/promotion_code';
import { couponId } from './coupons';

const group = 'promotion_codes';
const promotionCodeId = stripeId(['promo'], 'promotion code');
const code = z.string().min(1).max(500).regex(/^[A-Za-z0-9]+$/, 'expected letters and digits only, e.g. SUMMER25');

export const createPromotionCode = defineAction({
  key: 'create_promotion_code',
  title: 'Create promotion code',
  description:
    'Creates a code customers type at checkout to get a coupon\'s discount. promotion is required: {"type": "coupon", "coupon": "<coupon id>"} ' +
    '(the API version this connector pins takes the coupon there, not as a top-level coupon). code is optional (generated if left out) and must not match another active code, regardless of case. ' +
    'restrictions.minimum_amount and restrictions.minimum_amount_currency go together. Returns the promotion code.',
  group,
  output: promotionCodeObject,
  method: 'POST',
  path: '/v1/promotion_codes',
  input: z
    .object({
      promotion: z
        .object({
          type: z.literal('coupon').default('coupon').describe('What the code redeems: a coupon.'),
          coupon: couponId.describe('The coupon this code redeems (its id, e.g. SUMMER-25).'),
        })
        .strict()
        .describe('What the code redeems: {"type": "coupon", "coupon": "SUMMER-25"}.'),
      code: code.optional().describe('The text customers enter (letters and digits), e.g. SUMMER25. Default: generated.'),
      active: z.boolean().optional().describe('Whether the code can be redeemed now (default true).'),
      customer: customerId.optional().describe('Only this customer may redeem the code.'),
      max_redemptions: z.number().int().min(1).optional().describe('How many times the code can be redeemed in total.'),
      expires_at: z.number().int().optional().describe('When the code stops working (unix seconds); not after the coupon\'s redeem_by.'),
      restrictions: z
        .object({
          first_time_transaction: z.boolean().optional().describe('Only for customers who have never paid before.'),
          minimum_amount: z.number().int().min(0).optional().describe('Smallest order total the code works on, smallest currency unit; needs minimum_amount_currency.'),
          minimum_amount_currency: currency.optional().describe('Currency of minimum_amount (required with it).'),
        })
        .strict()
        .optional()
        .describe('Who and what the code may be used for.'),
      metadata: metadata.optional(),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict()
    .superRefine((input, ctx) => {
      const r = input.restrictions;
      if (!r) return;
      if (r.minimum_amount !== undefined && r.minimum_amount_currency === undefined) {
        ctx.addIssue({ code: 'custom', path: ['restrictions', 'minimum_amount_currency'], message: 'required with minimum_amount' });
      }
      if (r.minimum_amount === undefined && r.minimum_amount_currency !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['restrictions', 'minimum_amount'], message: 'required with minimum_amount_currency' });
      }
      if (r.minimum_amount !== undefined && r.minimum_amount_currency !== undefined) {
        const problem = amountProblem(r.minimum_amount, r.minimum_amount_currency);
        if (problem) ctx.addIssue({ code: 'custom', path: ['restrictions', 'minimum_amount'], message: problem });
      }
    }),
});

export const retrievePromotionCode = defineAction({
  key: 'retrieve_promotion_code',
  title: 'Retrieve promotion code',
  description:
    'Retrieves a promotion code by id (promo_...); promotion.coupon is the coupon\'s id (expand ["promotion.coupon"] for the coupon itself). ' +
    'To find one by the text customers enter, use list_promotion_codes with code.',
  group,
  output: promotionCodeObject,
  method: 'GET',
  path: '/v1/promotion_codes/{promotion_code_id}',
  input: z.object({ promotion_code_id: promotionCodeId, expand, fields }).strict(),
});

export const listPromotionCodes = defineListAction({
  key: 'list_promotion_codes',
  title: 'List promotion codes',
  description: 'Lists promotion codes, newest first, optionally by the code text, coupon, customer, active flag or creation time. Returns { data, has_more }.',
  group,
  item: promotionCodeObject,
  path: '/v1/promotion_codes',
  filters: {
    code: z.string().min(1).max(500).optional().describe('Only codes with this text (case-insensitive), e.g. SUMMER25.'),
    coupon: couponId.optional().describe('Only codes of this coupon.'),
    customer: customerId.optional().describe('Only codes restricted to this customer.'),
    active: z.boolean().optional().describe('true: only codes that can be redeemed; false: only inactive ones.'),
    created: createdRange,
  },
});

export const promotionCodeActions = [createPromotionCode, retrievePromotionCode, listPromotionCodes];
