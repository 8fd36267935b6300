import { z } from 'zod';
import { defineObject } from './define';

/**
 * A payment intent's line item (card level 2/3 data), as set by amount_details[line_items] and listed
 * by GET /v1/payment_intents/{id}/amount_details_line_items. Newer than the 2024-04-10 spec: fields
 * from Stripe's current API reference and SDKs.
 */
export const paymentIntentAmountDetailsLineItemObject = defineObject(
  'payment_intent_amount_details_line_item',
  'One line of a payment intent\'s order details: product, quantity, unit cost, discount and tax (card level 2/3 data).',
  {
    id: z.string().describe('Unique identifier of the line item.'),
    discount_amount: z.number().int().nullable().describe('Discount on this line, smallest currency unit (null when none).'),
    payment_method_options: z
      .looseObject({})
      .nullable()
      .describe('Payment-method-specific data for the line (e.g. card commodity_code, klarna product_url); null when none was set.'),
    product_code: z.string().nullable().describe('Your SKU or product code (up to 12 characters).'),
    product_name: z.string().describe('What was sold.'),
    quantity: z.number().int().describe('Number of units.'),
    tax: z
      .looseObject({ total_tax_amount: z.number().int().describe('Tax on this line, smallest currency unit.') })
      .nullable()
      .describe('Tax on this line (null when not given).'),
    unit_cost: z.number().int().describe('Price of one unit, in the smallest currency unit (e.g. cents).'),
    unit_of_measure: z.string().nullable().describe('Unit of measure, e.g. gallons (null when not given).'),
  },
  {
    id: 'uli_TZ0aSample01',
    discount_amount: null,
    payment_method_options: null,
    product_code: 'TSHIRT-BL-M',
    product_name: 'Blue T-shirt',
    quantity: 2,
    tax: { total_tax_amount: 240 },
    unit_cost: 1500,
    unit_of_measure: 'each',
  },
  { summary: ['id', 'product_name', 'product_code', 'quantity', 'unit_cost', 'discount_amount'] },
);
