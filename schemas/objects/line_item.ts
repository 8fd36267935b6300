import { z } from 'zod';
import { defineObject } from './define';
import { amount, currency, expandable, livemode, metadata, objectId, openEnum, SAMPLE_CREATED } from './fields';

/** Pieces the invoice, invoice item and credit note schemas share with the line items. */

export const discountAmounts = z
  .array(z.looseObject({ amount, discount: expandable('discount') }))
  .describe('The discount taken off, per discount applied.');

export const discountIds = z.array(expandable('discount')).describe('The discounts applied (di_... ids, or objects when expanded).');

export const pretaxCreditAmounts = z
  .array(
    z.looseObject({
      amount,
      type: openEnum(['credit_balance_transaction', 'discount'], 'What the credit comes from.'),
    }),
  )
  .describe('Credits applied before tax (discounts, credit grants).');

export const taxes = z
  .array(
    z.looseObject({
      amount,
      tax_behavior: openEnum(['exclusive', 'inclusive'], 'Whether the tax is included in the amount.'),
      taxable_amount: amount.nullable().describe('The amount the tax was computed on, in the smallest currency unit.'),
      type: openEnum(['tax_rate_details'], 'Where the tax comes from.'),
    }),
  )
  .describe('The taxes computed, one entry per tax.');

export const period = z
  .looseObject({
    start: z.number().int().describe('Unix seconds.'),
    end: z.number().int().describe('Unix seconds.'),
  })
  .describe('The service period the amount covers.');

/** How an invoice item or line is priced (API 2025-03-31.basil replaced price/unit_amount with this). */
export const pricing = z
  .looseObject({
    price_details: z
      .looseObject({ price: z.string().describe('The price (price_...).'), product: z.string().describe('The price\'s product (prod_...).') })
      .optional()
      .describe('The price the amount comes from.'),
    type: openEnum(['price_details'], 'The kind of pricing.'),
    unit_amount_decimal: z
      .string()
      .nullable()
      .describe('Price per unit in the smallest currency unit, as a decimal string (e.g. "1050" = $10.50).'),
  })
  .describe('How the amount is priced: the price and the unit amount.');

const prorationDetails = z
  .looseObject({
    credited_items: z
      .looseObject({ invoice: z.string(), invoice_line_items: z.array(z.string()) })
      .nullable()
      .describe('For a proration credit: the lines it credits.'),
  })
  .nullable()
  .describe('Proration details; null when not a proration.');

export const lineItemObject = defineObject(
  'line_item',
  'A line of an invoice: an amount for an invoice item or a subscription item, with its quantity, pricing and period.',
  {
    id: objectId('il'),
    amount: amount.describe('The line\'s amount in the smallest currency unit (negative for a credit).'),
    currency,
    description: z.string().nullable(),
    discount_amounts: discountAmounts.nullable(),
    discountable: z.boolean().describe('Whether discounts apply to this line (always false for prorations).'),
    discounts: discountIds,
    invoice: z.string().nullable().describe('The invoice (in_...) the line is on.'),
    livemode,
    metadata,
    parent: z
      .looseObject({
        invoice_item_details: z
          .looseObject({
            invoice_item: z.string().describe('The invoice item (ii_...) behind the line.'),
            proration: z.boolean(),
            proration_details: prorationDetails,
            subscription: z.string().nullable().describe('The subscription (sub_...) the item belongs to, if any.'),
          })
          .nullable()
          .describe('Set when an invoice item generated the line.'),
        subscription_item_details: z
          .looseObject({
            invoice_item: z.string().nullable(),
            proration: z.boolean(),
            proration_details: prorationDetails,
            subscription: z.string().nullable().describe('The subscription (sub_...).'),
            subscription_item: z.string().describe('The subscription item (si_...) behind the line.'),
          })
          .nullable()
          .describe('Set when a subscription item generated the line.'),
        type: openEnum(['invoice_item_details', 'subscription_item_details'], 'What generated the line.'),
      })
      .nullable()
      .describe('What generated the line (API 2025-03-31.basil moved invoice_item, subscription, proration here).'),
    period,
    pretax_credit_amounts: pretaxCreditAmounts.nullable(),
    pricing: pricing.nullable(),
    quantity: z.number().int().nullable().describe('Number of units (deprecated since API 2026-03-25.dahlia: see quantity_decimal).'),
    quantity_decimal: z.string().nullable().describe('Number of units as a decimal string, e.g. "1.5" (API 2026-03-25.dahlia).'),
    taxes: taxes.nullable(),
  },
  {
    id: 'il_1TZ0aSample0001',
    amount: 4500,
    currency: 'usd',
    description: 'Consulting, 3 hours',
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: 'in_1TZ0aSample0001',
    livemode: false,
    metadata: { project: 'onboarding' },
    parent: {
      invoice_item_details: { invoice_item: 'ii_1TZ0aSample0001', proration: false, proration_details: { credited_items: null }, subscription: null },
      subscription_item_details: null,
      type: 'invoice_item_details',
    },
    period: { start: SAMPLE_CREATED, end: SAMPLE_CREATED },
    pretax_credit_amounts: [],
    pricing: {
      price_details: { price: 'price_1TZ0aSample0001', product: 'prod_TZ0aSample0001' },
      type: 'price_details',
      unit_amount_decimal: '1500',
    },
    quantity: 3,
    quantity_decimal: '3',
    taxes: [],
  },
  { summary: ['id', 'amount', 'currency', 'description', 'quantity', 'pricing.price_details.price', 'period'] },
);
