import { z } from 'zod';
import { defineObject } from './define';
import { amount, created, currency, expandable, livemode, metadata, objectId, openEnum, SAMPLE_CREATED } from './fields';
import { discountIds, period, pricing } from './line_item';
import { taxRateObject } from './tax_rate';

export const invoiceItemObject = defineObject(
  'invoiceitem',
  'A charge (or, negative, a credit) for a customer: pending until an invoice includes it, then shown as a line of that invoice.',
  {
    id: objectId('ii'),
    amount: amount.describe('Total in the smallest currency unit (unit amount x quantity); negative for a credit.'),
    currency,
    customer: expandable('customer'),
    date: created.describe('When the item was created (Unix time, seconds).'),
    description: z.string().nullable().describe('Text shown on the invoice line.'),
    discountable: z.boolean().describe('Whether discounts apply to it.'),
    discounts: discountIds.nullable(),
    invoice: expandable('invoice').nullable().describe('The invoice it is on; null while pending.'),
    livemode,
    metadata: metadata.nullable(),
    parent: z
      .looseObject({
        subscription_details: z
          .looseObject({
            subscription: z.string().describe('The subscription (sub_...) that generated the item.'),
            subscription_item: z.string().nullable().optional().describe('The subscription item (si_...), if any.'),
          })
          .nullable(),
        type: openEnum(['subscription_details'], 'What generated the item.'),
      })
      .nullable()
      .describe('What generated the item (a subscription); null for items created directly. API 2025-03-31.basil moved subscription here.'),
    period,
    pricing: pricing.nullable(),
    proration: z.boolean().describe('Whether it is a proration of a subscription change.'),
    quantity: z.number().int().describe('Number of units (deprecated since API 2026-03-25.dahlia: see quantity_decimal).'),
    quantity_decimal: z.string().describe('Number of units as a decimal string, e.g. "1.5" (API 2026-03-25.dahlia).'),
    tax_rates: z.array(taxRateObject.schema).nullable().describe('The tax rates applied to it.'),
    test_clock: expandable('test clock').nullable(),
  },
  {
    id: 'ii_1TZ0aSample0001',
    amount: 4500,
    currency: 'usd',
    customer: 'cus_TZ0aSample0001',
    date: SAMPLE_CREATED,
    description: 'Consulting, 3 hours',
    discountable: true,
    discounts: [],
    invoice: 'in_1TZ0aSample0001',
    livemode: false,
    metadata: { project: 'onboarding' },
    parent: null,
    period: { start: SAMPLE_CREATED, end: SAMPLE_CREATED },
    pricing: {
      price_details: { price: 'price_1TZ0aSample0001', product: 'prod_TZ0aSample0001' },
      type: 'price_details',
      unit_amount_decimal: '1500',
    },
    proration: false,
    quantity: 3,
    quantity_decimal: '3',
    tax_rates: [],
    test_clock: null,
  },
  { summary: ['id', 'amount', 'currency', 'customer', 'description', 'invoice', 'quantity', 'date'] },
);
