import { z } from 'zod';
import { defineObject } from './define';
import { amount, created, currency, expandable, livemode, metadata, objectId, openEnum, SAMPLE_CREATED } from './fields';

export const priceObject = defineObject(
  'price',
  'A Stripe price: how much and how often a product is charged (one-time or recurring), in one currency.',
  {
    id: objectId('price'),
    active: z.boolean().describe('Whether the price can be used for new purchases; false when archived.'),
    billing_scheme: openEnum(['per_unit', 'tiered'], 'How the amount is computed from the quantity.'),
    created,
    currency,
    custom_unit_amount: z
      .looseObject({
        maximum: amount.nullable().describe('Largest amount the customer may pay, smallest currency unit.'),
        minimum: amount.nullable().describe('Smallest amount the customer may pay, smallest currency unit.'),
        preset: amount.nullable().describe('Amount suggested to the customer, smallest currency unit.'),
      })
      .nullable()
      .describe('Set when the customer chooses the amount (pay what you want); null otherwise.'),
    livemode,
    lookup_key: z.string().nullable().describe('Your own unique key for fetching the price.'),
    metadata,
    nickname: z.string().nullable().describe('An internal name, not shown to customers.'),
    product: expandable('product').describe('The product this price is for (prod_...), or the product object when expanded.'),
    recurring: z
      .looseObject({
        interval: openEnum(['day', 'week', 'month', 'year'], 'How often the price is billed.'),
        interval_count: z.number().int().describe('Bill every N intervals (3 with month is quarterly).'),
        meter: z.string().nullable().describe('The billing meter of a metered price; null otherwise.'),
        usage_type: openEnum(['licensed', 'metered'], 'licensed: billed by quantity; metered: billed by usage.'),
      })
      .nullable()
      .describe('How often a subscription price bills; null for a one-time price.'),
    tax_behavior: openEnum(['exclusive', 'inclusive', 'unspecified'], 'Whether the amount includes tax.').nullable(),
    tiers_mode: openEnum(['graduated', 'volume'], 'How tiers apply (tiered prices only).').nullable(),
    transform_quantity: z
      .looseObject({
        divide_by: z.number().int().describe('The quantity is divided by this number.'),
        round: openEnum(['down', 'up'], 'Rounding after the division.'),
      })
      .nullable()
      .describe('Quantity transformation before billing; null when none.'),
    type: openEnum(['one_time', 'recurring'], 'one_time for a single purchase, recurring for a subscription.'),
    unit_amount: amount
      .nullable()
      .describe('Price per unit in the smallest currency unit (1999 = $19.99); null for custom-amount, tiered, or fractional (unit_amount_decimal) prices.'),
    unit_amount_decimal: z
      .string()
      .nullable()
      .describe('unit_amount as a decimal string, which may have up to 12 decimals (sub-cent prices).'),
  },
  {
    id: 'price_1TZ0aSamplePrice0001',
    active: true,
    billing_scheme: 'per_unit',
    created: SAMPLE_CREATED,
    currency: 'usd',
    custom_unit_amount: null,
    livemode: false,
    lookup_key: 'pro_monthly',
    metadata: {},
    nickname: 'Pro monthly',
    product: 'prod_TZ0aSample0001',
    recurring: { interval: 'month', interval_count: 1, meter: null, usage_type: 'licensed' },
    tax_behavior: 'exclusive',
    tiers_mode: null,
    transform_quantity: null,
    type: 'recurring',
    unit_amount: 1999,
    unit_amount_decimal: '1999',
  },
  { summary: ['id', 'product', 'nickname', 'active', 'currency', 'unit_amount', 'type', 'recurring.interval', 'recurring.interval_count', 'lookup_key', 'created'] },
);
