import { z } from 'zod';
import { defineObject } from './define';
import { amount, currency, objectId } from './fields';
import { priceObject } from './price';

/** The line items of a payment link or a checkout session (object `item`). */
export const itemObject = defineObject(
  'item',
  'A line item of a payment link or checkout session: a price, its quantity and the resulting amounts.',
  {
    id: objectId('li'),
    amount_discount: amount.describe('Total discount, smallest currency unit; 0 when none.'),
    amount_subtotal: amount.describe('Total before discounts and taxes, smallest currency unit.'),
    amount_tax: amount.describe('Total tax, smallest currency unit; 0 when none.'),
    amount_total: amount.describe('Total after discounts and taxes, smallest currency unit.'),
    currency,
    // Nullable since a later API version than the 2024-04-10 spec (defaults to the product's name).
    description: z.string().nullable().describe('What is sold, shown to the customer; defaults to the product\'s name.'),
    price: priceObject.schema.nullable().describe('The price sold (the full price object).'),
    quantity: z.number().int().nullable().describe('How many units.'),
  },
  {
    id: 'li_1TZ0aSampleItem0001',
    amount_discount: 0,
    amount_subtotal: 3998,
    amount_tax: 0,
    amount_total: 3998,
    currency: 'usd',
    description: 'Pro plan',
    price: priceObject.sample,
    quantity: 2,
  },
  { summary: ['id', 'description', 'price.id', 'quantity', 'amount_total', 'currency'] },
);

/**
 * An object's `line_items` sub-list: not sent unless expanded (expand ["line_items"]), hence
 * optional on the objects that carry it.
 */
export const itemList = z
  .looseObject({
    object: z.literal('list'),
    data: z.array(itemObject.schema).describe('The line items, in the order given.'),
    has_more: z.boolean().describe('Whether more line items follow (list them with the line items action).'),
    url: z.string(),
  })
  .optional()
  .describe('The line items; only present when expanded (expand ["line_items"]).');
