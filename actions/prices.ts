import { z } from 'zod';
import { defineAction, defineListAction, defineSearchAction } from './define';
import { exactlyOne } from '../schemas/rules';
import { createdRange, currency, expand, fields, idempotencyKey, metadata, metadataUpdate, stripeId } from '../schemas/common';
import { amountProblem } from '../schemas/currency';
import { priceObject } from '../schemas/objects/price';

const group = 'prices';
export const priceId = stripeId(['price'], 'price');
/** Shared with products.ts (which imports this file for default_price_data). */
export const productId = stripeId(['prod'], 'product');
export const statementDescriptor = z
  .string()
  .min(5)
  .max(22)
  .regex(/^[^<>\\'"*]*$/, 'must not contain < > \\ \' " *')
  .describe('Text on the customer\'s card statement (5 to 22 characters).');
const interval = z.enum(['day', 'week', 'month', 'year']);
/** At most three years between bills (docs.stripe.com/api/prices/create: 3 years, 36 months, 156 weeks). */
const MAX_INTERVAL_COUNT: Record<z.infer<typeof interval>, number> = { day: 1095, week: 156, month: 36, year: 3 };

const unitAmount = z
  .number()
  .int('expected an integer in the smallest currency unit')
  .min(0)
  .describe('Price per unit in the smallest currency unit (1999 = $19.99 in usd, ¥1999 in jpy); 0 for a free price.');
const unitAmountDecimal = z
  .string()
  .regex(/^\d+(\.\d{1,12})?$/, 'expected a decimal number of smallest currency units, e.g. 0.5')
  .describe('Like unit_amount but with up to 12 decimals, for sub-cent prices: "0.5" is half a cent in usd. Use instead of unit_amount.');
const recurring = z
  .object({
    interval: interval.describe('How often the price is billed: day, week, month or year.'),
    interval_count: z.number().int().min(1).optional().describe('Bill every N intervals (default 1): interval month with 3 is quarterly. At most three years in total (36 months, 156 weeks).'),
  })
  .strict()
  .describe('Makes it a subscription price: {"interval": "month"}. Leave out for a one-time price.');
const taxBehavior = z
  .enum(['exclusive', 'inclusive', 'unspecified'])
  .describe('Whether the amount includes tax (inclusive) or tax is added on top (exclusive). Once set to inclusive or exclusive it cannot change.');
const lookupKey = z.string().min(1).max(200).describe('Your own unique key for fetching the price later (list_prices lookup_keys), e.g. "pro_monthly".');
const transferLookupKey = z.boolean().describe('Move lookup_key here if another price already has it (otherwise that is an error).');

/** A price's amount and recurrence: POST /v1/prices and a product's default_price_data. */
export const priceData = z
  .object({
    currency,
    unit_amount: unitAmount.optional(),
    unit_amount_decimal: unitAmountDecimal.optional(),
    recurring: recurring.optional(),
    tax_behavior: taxBehavior.optional(),
  })
  .strict();

/** The rules of price data (JSON Schema drops refinements, so each is stated in a description). */
export function priceDataRules(
  input: { currency: string; unit_amount?: number; unit_amount_decimal?: string; recurring?: { interval: z.infer<typeof interval>; interval_count?: number } },
  ctx: z.RefinementCtx,
  at: string[] = [],
  customAmount = false,
): void {
  const given = [input.unit_amount !== undefined, input.unit_amount_decimal !== undefined, customAmount].filter(Boolean).length;
  if (given !== 1) {
    ctx.addIssue({
      code: 'custom',
      path: [...at, 'unit_amount'],
      message: given === 0 ? 'give unit_amount (or unit_amount_decimal)' : 'give only one of unit_amount, unit_amount_decimal and custom_unit_amount',
    });
  }
  if (input.unit_amount !== undefined) {
    const problem = amountProblem(input.unit_amount, input.currency);
    if (problem) ctx.addIssue({ code: 'custom', path: [...at, 'unit_amount'], message: problem });
  }
  const count = input.recurring?.interval_count;
  if (input.recurring && count !== undefined && count > MAX_INTERVAL_COUNT[input.recurring.interval]) {
    ctx.addIssue({
      code: 'custom',
      path: [...at, 'recurring', 'interval_count'],
      message: `at most three years between bills: interval_count up to ${MAX_INTERVAL_COUNT[input.recurring.interval]} for ${input.recurring.interval}`,
    });
  }
}

export const createPrice = defineAction({
  key: 'create_price',
  title: 'Create price',
  description:
    'Creates a price for a product: give product (an existing one) or product_data (creates one), not both. ' +
    'Give exactly one of unit_amount, unit_amount_decimal or custom_unit_amount (customer chooses; one-time prices only). ' +
    'Add recurring {interval, interval_count} for a subscription price; without it the price is one-time. ' +
    'Amounts and currency cannot be changed later (create a new price). Returns the price.',
  group,
  output: priceObject,
  method: 'POST',
  path: '/v1/prices',
  input: z
    .object({
      ...priceData.shape,
      product: productId.optional().describe('The product this price is for (prod_...). Not with product_data.'),
      product_data: z
        .object({
          name: z.string().min(1).max(5000).describe('The new product\'s name.'),
          active: z.boolean().optional(),
          metadata: metadata.optional(),
          statement_descriptor: statementDescriptor.optional(),
          unit_label: z.string().max(12).optional(),
        })
        .strict()
        .optional()
        .describe('Creates a new product for this price: {"name": "Pro plan"}. Not with product.'),
      custom_unit_amount: z
        .object({
          enabled: z.literal(true).describe('Must be true.'),
          minimum: z.number().int().min(0).optional().describe('Smallest amount the customer may pay, smallest currency unit.'),
          maximum: z.number().int().min(0).optional().describe('Largest amount the customer may pay, smallest currency unit.'),
          preset: z.number().int().min(0).optional().describe('Amount suggested to the customer, between minimum and maximum.'),
        })
        .strict()
        .optional()
        .describe('Lets the customer choose the amount (pay-what-you-want, donations); one-time prices only, instead of unit_amount.'),
      active: z.boolean().optional().describe('Whether the price can be used for new purchases (default true).'),
      nickname: z.string().max(5000).optional().describe('An internal name, not shown to customers.'),
      lookup_key: lookupKey.optional(),
      transfer_lookup_key: transferLookupKey.optional(),
      metadata: metadata.optional(),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict()
    .superRefine((input, ctx) => {
      priceDataRules(input, ctx, [], input.custom_unit_amount !== undefined);
      const custom = input.custom_unit_amount;
      if (custom && input.recurring) {
        ctx.addIssue({ code: 'custom', path: ['custom_unit_amount'], message: 'custom_unit_amount is for one-time prices only (not with recurring)' });
      }
      if (custom?.minimum !== undefined && custom.maximum !== undefined && custom.minimum > custom.maximum) {
        ctx.addIssue({ code: 'custom', path: ['custom_unit_amount', 'minimum'], message: 'minimum must not exceed maximum' });
      }
      if (custom?.preset !== undefined) {
        if ((custom.minimum !== undefined && custom.preset < custom.minimum) || (custom.maximum !== undefined && custom.preset > custom.maximum)) {
          ctx.addIssue({ code: 'custom', path: ['custom_unit_amount', 'preset'], message: 'preset must be between minimum and maximum' });
        }
      }
      for (const bound of ['minimum', 'maximum', 'preset'] as const) {
        const value = custom?.[bound];
        const problem = value !== undefined ? amountProblem(value, input.currency) : undefined;
        if (problem) ctx.addIssue({ code: 'custom', path: ['custom_unit_amount', bound], message: problem });
      }
    }),
  rules: [exactlyOne('product', 'product_data')],
});

export const retrievePrice = defineAction({
  key: 'retrieve_price',
  title: 'Retrieve price',
  description: 'Retrieves a price by id (expand ["product"] to get its product too). Returns the price.',
  group,
  output: priceObject,
  method: 'GET',
  path: '/v1/prices/{price_id}',
  input: z.object({ price_id: priceId, expand, fields }).strict(),
});

export const updatePrice = defineAction({
  key: 'update_price',
  title: 'Update price',
  description:
    'Updates a price\'s active flag, nickname, lookup key, tax behavior or metadata. Amount, currency and recurrence cannot change: create a new price and archive this one (active false). ' +
    'The product\'s default price cannot be archived. Returns the price.',
  group,
  output: priceObject,
  method: 'POST',
  path: '/v1/prices/{price_id}',
  input: z
    .object({
      price_id: priceId,
      active: z.boolean().optional().describe('false archives the price: existing subscriptions keep it, new purchases cannot use it.'),
      nickname: z.string().max(5000).nullable().optional().describe('An internal name; null clears it.'),
      lookup_key: lookupKey.nullable().optional().describe('Your own unique key for the price; null removes it.'),
      transfer_lookup_key: transferLookupKey.optional(),
      tax_behavior: taxBehavior.optional(),
      metadata: metadataUpdate.optional(),
      expand,
    })
    .strict(),
});

export const listPrices = defineListAction({
  key: 'list_prices',
  title: 'List prices',
  description: 'Lists prices, newest first, optionally by product, active, type, currency, recurrence, lookup keys or creation time. Returns { data, has_more }.',
  group,
  item: priceObject,
  path: '/v1/prices',
  filters: {
    product: productId.optional().describe('Only this product\'s prices.'),
    active: z.boolean().optional().describe('true: only active prices; false: only archived ones.'),
    type: z.enum(['one_time', 'recurring']).optional().describe('Only one-time or only recurring prices.'),
    currency: currency.optional(),
    recurring: z
      .object({
        interval: interval.optional().describe('Only prices billed at this interval.'),
        usage_type: z.enum(['licensed', 'metered']).optional().describe('Only licensed (per seat) or metered prices.'),
      })
      .strict()
      .optional()
      .describe('Only recurring prices with these settings.'),
    lookup_keys: z.array(z.string().min(1).max(200)).min(1).max(10).optional().describe('Only prices with one of these lookup keys (up to 10).'),
    created: createdRange,
  },
});

export const searchPrices = defineSearchAction({
  key: 'search_prices',
  title: 'Search prices',
  description:
    'Searches prices with Stripe\'s search language. Results can lag new writes by about a minute. Returns { data, has_more, next_page }.',
  group,
  item: priceObject,
  path: '/v1/prices/search',
  queryHelp:
    "Stripe search query over active, currency, lookup_key, product, type, created and metadata, e.g. product:'prod_123' AND active:'true', type:'recurring', lookup_key:'pro_monthly'.",
});

export const priceActions = [createPrice, retrievePrice, updatePrice, listPrices, searchPrices];
