import { z } from 'zod';
import { defineAction, defineListAction } from './define';
import { atMostOne, exactlyOne, requires } from '../schemas/rules';
import { createdRange, currency, customerId, expand, fields, idempotencyKey, metadata, metadataUpdate, stripeId } from '../schemas/common';
import { amountProblem } from '../schemas/currency';
import { priceId, productId } from './prices';
import { deletedOf } from '../schemas/objects/define';
import { invoiceItemObject } from '../schemas/objects/invoiceitem';

const group = 'invoice_items';

/** Fragments the invoicing actions share (invoices and credit notes import them from here). */
export const invoiceId = stripeId(['in'], 'invoice');
const invoiceItemId = stripeId(['ii'], 'invoice item');

/** A signed amount: invoice items and lines may be negative (a credit on the invoice). */
export const signedAmount = z
  .number()
  .int('expected an integer in the smallest currency unit')
  .describe('Total amount in the smallest currency unit (1000 = $10.00); negative for a credit. With currency; not with price or price_data.');

export const priceData = z
  .object({
    currency,
    product: productId.describe('The product the inline price belongs to (prod_...).'),
    unit_amount: z.number().int().min(0).describe('Price per unit in the smallest currency unit.'),
    tax_behavior: z.enum(['exclusive', 'inclusive', 'unspecified']).optional(),
  })
  .strict()
  .superRefine((data, ctx) => {
    const problem = amountProblem(data.unit_amount, data.currency);
    if (problem) ctx.addIssue({ code: 'custom', path: ['unit_amount'], message: problem });
  })
  .describe('An inline one-time price: { currency, product, unit_amount }. Not with amount or pricing.');

export const period = z
  .object({ start: z.number().int().describe('Unix seconds.'), end: z.number().int().describe('Unix seconds.') })
  .strict()
  .describe('The service period the item covers (unix seconds); shown on the invoice.');

export const quantity = z.number().int().min(0).describe('Number of units (default 1); the amount is unit price x quantity.');

const itemDescription = z.string().max(5000).describe('Text shown on the invoice line.');

/** The ways to price an item: exactly one on create, at most one on update. */
const PRICINGS = ['amount', 'unit_amount_decimal', 'pricing', 'price_data'];

/** Since API 2025-03-31.basil an item names its price as pricing[price] (top-level price is gone). */
export const pricing = z.object({ price: priceId }).strict();

/** Since basil the per-unit amount is a decimal string (top-level unit_amount is gone). */
const unitAmountDecimal = z
  .string()
  .regex(/^-?\d+(\.\d{1,12})?$/, 'expected a decimal string in the smallest currency unit, e.g. "1050" or "10.5"')
  .describe('Price per unit in the smallest currency unit, as a decimal string (up to 12 decimals), e.g. "1050" = $10.50; times quantity.');

export const createInvoiceItem = defineAction({
  key: 'create_invoice_item',
  title: 'Create invoice item',
  description:
    'Adds a charge (or, with a negative amount, a credit) for a customer. Price it with exactly one of amount (total, with currency), unit_amount_decimal ' +
    '(per unit, with currency), pricing ({ "price": "price_..." }) or price_data. With invoice it goes onto that draft invoice; without, it stays pending until ' +
    'an invoice includes it. Returns the invoice item.',
  group,
  output: invoiceItemObject,
  method: 'POST',
  path: '/v1/invoiceitems',
  input: z
    .object({
      customer: customerId.describe('The customer the item is billed to (cus_...).'),
      amount: signedAmount.optional(),
      currency: currency.optional().describe('Three-letter ISO currency code (usd, jpy...); required with amount or unit_amount_decimal.'),
      unit_amount_decimal: unitAmountDecimal.optional(),
      pricing: pricing.optional().describe('{ "price": "price_..." }: a one-time price giving the unit amount and currency.'),
      price_data: priceData.optional(),
      quantity: quantity.optional(),
      description: itemDescription.optional(),
      invoice: invoiceId.optional().describe('A draft invoice (in_...) of the same customer to put the item on; default: pending for the next invoice.'),
      subscription: stripeId(['sub'], 'subscription').optional().describe('Bill the item with this subscription\'s next invoice.'),
      discountable: z.boolean().optional().describe('Whether discounts apply (default true for positive amounts).'),
      period: period.optional(),
      metadata: metadata.optional(),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict()
    .superRefine((input, ctx) => {
      const problem = input.amount !== undefined && input.currency ? amountProblem(input.amount, input.currency) : undefined;
      if (problem) ctx.addIssue({ code: 'custom', path: ['amount'], message: problem });
    }),
  rules: [exactlyOne(...PRICINGS), requires('amount', 'currency'), requires('unit_amount_decimal', 'currency')],
});

export const retrieveInvoiceItem = defineAction({
  key: 'retrieve_invoice_item',
  title: 'Retrieve invoice item',
  description: 'Retrieves an invoice item by id. Returns the invoice item (invoice is null while it is pending).',
  group,
  output: invoiceItemObject,
  method: 'GET',
  path: '/v1/invoiceitems/{invoice_item_id}',
  input: z.object({ invoice_item_id: invoiceItemId, expand, fields }).strict(),
});

export const updateInvoiceItem = defineAction({
  key: 'update_invoice_item',
  title: 'Update invoice item',
  description:
    'Changes a pending invoice item or one on a draft invoice (items on finalized invoices cannot change). Re-price it with at most one of ' +
    'amount, unit_amount_decimal, pricing or price_data; quantity alone keeps the unit price. Metadata merges. Returns the invoice item.',
  group,
  output: invoiceItemObject,
  method: 'POST',
  path: '/v1/invoiceitems/{invoice_item_id}',
  input: z
    .object({
      invoice_item_id: invoiceItemId,
      amount: signedAmount.optional().describe('New total amount in the smallest currency unit, in the item\'s currency.'),
      unit_amount_decimal: unitAmountDecimal.optional(),
      pricing: pricing.optional().describe('{ "price": "price_..." }: a one-time price in the item\'s currency.'),
      price_data: priceData.optional(),
      quantity: quantity.optional(),
      description: itemDescription.optional(),
      discountable: z.boolean().optional(),
      period: period.optional(),
      metadata: metadataUpdate.optional(),
      expand,
    })
    .strict(),
  rules: [atMostOne(...PRICINGS)],
});

export const deleteInvoiceItem = defineAction({
  key: 'delete_invoice_item',
  title: 'Delete invoice item',
  description: 'Deletes a pending invoice item or one on a draft invoice (its line disappears). Returns { id, object, deleted: true }.',
  group,
  output: deletedOf(invoiceItemObject),
  method: 'DELETE',
  path: '/v1/invoiceitems/{invoice_item_id}',
  input: z.object({ invoice_item_id: invoiceItemId }).strict(),
});

export const listInvoiceItems = defineListAction({
  key: 'list_invoice_items',
  title: 'List invoice items',
  description: 'Lists invoice items, newest first, optionally by customer, invoice, pending or creation time. Returns { data, has_more }.',
  group,
  item: invoiceItemObject,
  path: '/v1/invoiceitems',
  filters: {
    customer: customerId.optional().describe('Only this customer\'s items.'),
    invoice: invoiceId.optional().describe('Only the items on this invoice.'),
    pending: z.boolean().optional().describe('true: only items not yet on an invoice; false: only items on one.'),
    created: createdRange,
  },
});

export const invoiceItemActions = [createInvoiceItem, retrieveInvoiceItem, updateInvoiceItem, deleteInvoiceItem, listInvoiceItems];
