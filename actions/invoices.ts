import { z } from 'zod';
import { ID_MAX_LENGTH } from '../schemas/limits';
import { defineAction, defineListAction, defineSearchAction, findById, itemExpand } from './define';
import { atMostOne, exactlyOne } from '../schemas/rules';
import { createdRange, currency, customerId, expand, fields, idempotencyKey, metadata, metadataUpdate, paymentMethodId, stripeId } from '../schemas/common';
import { invoiceId, period, priceData, pricing, quantity, signedAmount } from './invoice_items';
import { deletedOf, objectOrNull } from '../schemas/objects/define';
import { invoiceObject } from '../schemas/objects/invoice';
import { lineItemObject } from '../schemas/objects/line_item';

const group = 'invoices';

const collectionMethod = z
  .enum(['charge_automatically', 'send_invoice'])
  .describe('charge_automatically (default): Stripe charges the default payment source; send_invoice: the customer pays from the emailed invoice.');
const daysUntilDue = z.number().int().min(0).describe('With send_invoice: days after finalization until the invoice is due.');
const dueDate = z.number().int().describe('With send_invoice: the due date (unix seconds).');
const source = z
  .string()
  .max(ID_MAX_LENGTH, `at most ${ID_MAX_LENGTH} characters`)
  .regex(/^(card|src|ba)_[A-Za-z0-9_]+$/, 'expected one of the customer\'s card, source or bank account ids')
  .describe('One of the customer\'s saved sources (card_...) to charge.');
const customFields = z
  .array(z.object({ name: z.string().min(1).max(40), value: z.string().min(1).max(140) }).strict())
  .max(4)
  .describe('Up to 4 { name, value } pairs shown on the invoice.');
const invoiceDescription = z.string().max(1500).describe('Memo shown on the invoice.');
const footer = z.string().max(5000).describe('Footer shown on the invoice.');
const statementDescriptor = z.string().max(22).describe('Text on the customer\'s card statement (up to 22 characters).');
const autoAdvance = z.boolean().describe('Let Stripe finalize and collect automatically (default false for invoices created here).');

/** Stripe's rule for when due dates apply. */
function dueDateRule(input: { collection_method?: string; days_until_due?: number | null; due_date?: number | null }, ctx: z.RefinementCtx, creating: boolean): void {
  const hasDue = (input.days_until_due ?? null) !== null || (input.due_date ?? null) !== null;
  if (input.collection_method === 'send_invoice' && creating && !hasDue) {
    ctx.addIssue({ code: 'custom', path: ['days_until_due'], message: 'send_invoice needs days_until_due or due_date' });
  }
  if ((input.collection_method ?? (creating ? 'charge_automatically' : undefined)) === 'charge_automatically' && hasDue) {
    ctx.addIssue({
      code: 'custom',
      path: [(input.days_until_due ?? null) !== null ? 'days_until_due' : 'due_date'],
      message: 'days_until_due and due_date only apply with collection_method send_invoice',
    });
  }
  if ((input.days_until_due ?? null) !== null && (input.due_date ?? null) !== null) {
    ctx.addIssue({ code: 'custom', path: ['due_date'], message: 'give days_until_due or due_date, not both' });
  }
}

export const createInvoice = defineAction({
  key: 'create_invoice',
  title: 'Create invoice',
  description:
    'Creates a draft invoice for a customer. Pending invoice items are left out unless pending_invoice_items_behavior is include (Stripe\'s ' +
    'default is exclude); add lines with add_invoice_lines or create_invoice_item with invoice. send_invoice needs days_until_due or ' +
    'due_date, which only apply to send_invoice. Returns the invoice (status draft).',
  group,
  output: invoiceObject,
  method: 'POST',
  path: '/v1/invoices',
  input: z
    .object({
      customer: customerId.describe('The customer to bill (cus_...).'),
      currency: currency.optional().describe('Currency of the invoice (default the customer\'s, else usd).'),
      collection_method: collectionMethod.optional(),
      days_until_due: daysUntilDue.optional(),
      due_date: dueDate.optional(),
      pending_invoice_items_behavior: z
        .enum(['exclude', 'include'])
        .optional()
        .describe('include: pull in the customer\'s pending invoice items; exclude (default): start empty.'),
      description: invoiceDescription.optional(),
      footer: footer.optional(),
      custom_fields: customFields.optional(),
      auto_advance: autoAdvance.optional(),
      default_source: source.optional().describe('A saved source (card_...) to charge instead of the customer\'s default.'),
      default_payment_method: paymentMethodId.optional().describe('A payment method (pm_...) to charge instead of the customer\'s default.'),
      statement_descriptor: statementDescriptor.optional(),
      subscription: stripeId(['sub'], 'subscription').optional().describe('Bill this subscription\'s pending items.'),
      metadata: metadata.optional(),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict()
    .superRefine((input, ctx) => dueDateRule(input, ctx, true)),
});

export const retrieveInvoice = defineAction({
  key: 'retrieve_invoice',
  title: 'Retrieve invoice',
  description: 'Retrieves an invoice by id, with its first lines, totals and status. Returns the invoice.',
  group,
  output: invoiceObject,
  method: 'GET',
  path: '/v1/invoices/{invoice_id}',
  input: z.object({ invoice_id: invoiceId, expand, fields }).strict(),
});

export const updateInvoice = defineAction({
  key: 'update_invoice',
  title: 'Update invoice',
  description:
    'Updates an invoice. Drafts are fully editable; once finalized only description, footer, custom_fields, auto_advance and metadata ' +
    '(paid or void: metadata only). null clears a field; metadata merges. Returns the invoice.',
  group,
  output: invoiceObject,
  method: 'POST',
  path: '/v1/invoices/{invoice_id}',
  input: z
    .object({
      invoice_id: invoiceId,
      description: invoiceDescription.nullable().optional(),
      footer: footer.nullable().optional(),
      custom_fields: customFields.nullable().optional(),
      statement_descriptor: statementDescriptor.nullable().optional(),
      default_source: source.nullable().optional(),
      default_payment_method: paymentMethodId.nullable().optional(),
      number: z.string().min(1).max(26).nullable().optional().describe('A custom invoice number (drafts only); null lets Stripe assign one.'),
      collection_method: collectionMethod.optional(),
      days_until_due: daysUntilDue.optional(),
      due_date: dueDate.optional(),
      auto_advance: autoAdvance.optional(),
      metadata: metadataUpdate.optional(),
      expand,
    })
    .strict()
    .superRefine((input, ctx) => dueDateRule(input, ctx, false)),
});

export const deleteInvoice = defineAction({
  key: 'delete_invoice',
  title: 'Delete invoice',
  description: 'Permanently deletes a draft invoice (finalized invoices can only be voided); its invoice items become pending again. Returns { id, object, deleted: true }.',
  group,
  output: deletedOf(invoiceObject),
  method: 'DELETE',
  path: '/v1/invoices/{invoice_id}',
  input: z.object({ invoice_id: invoiceId }).strict(),
});

export const finalizeInvoice = defineAction({
  key: 'finalize_invoice',
  title: 'Finalize invoice',
  description:
    'Finalizes a draft: it becomes open, gets its number (customer prefix + sequence, e.g. ABC123-0001), due date and hosted payment page, ' +
    'and its lines are fixed. An invoice with nothing due is paid at once. Returns the invoice.',
  group,
  output: invoiceObject,
  method: 'POST',
  path: '/v1/invoices/{invoice_id}/finalize',
  input: z.object({ invoice_id: invoiceId, auto_advance: autoAdvance.optional(), expand }).strict(),
});

export const payInvoice = defineAction({
  key: 'pay_invoice',
  title: 'Pay invoice',
  description:
    'Collects an open (or uncollectible) invoice now: charges source or payment_method if given, else the invoice\'s or customer\'s default; ' +
    'or, with paid_out_of_band, records a payment made outside Stripe. A draft is finalized first. A decline is a card_error (402) and the ' +
    'invoice stays open. Returns the invoice (status paid).',
  group,
  output: invoiceObject,
  method: 'POST',
  path: '/v1/invoices/{invoice_id}/pay',
  input: z
    .object({
      invoice_id: invoiceId,
      paid_out_of_band: z.boolean().optional().describe('Mark paid without charging (paid by cheque, bank transfer...). Not with source or payment_method.'),
      source: source.optional(),
      payment_method: paymentMethodId.optional().describe('A payment method (pm_...) of the customer to charge. Not with source.'),
      forgive: z.boolean().optional().describe('If the charge covers less than the amount due, forgive the difference.'),
      off_session: z.boolean().optional().describe('The customer is not present (default true).'),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict()
    .superRefine((input, ctx) => {
      if (input.paid_out_of_band && (input.source !== undefined || input.payment_method !== undefined)) {
        ctx.addIssue({ code: 'custom', path: ['paid_out_of_band'], message: 'paid_out_of_band charges nothing: not with source or payment_method' });
      }
    }),
  rules: [atMostOne('source', 'payment_method')],
});

export const sendInvoice = defineAction({
  key: 'send_invoice',
  title: 'Send invoice',
  description: 'Emails the invoice to the customer now (test mode sends no email); a draft is finalized first, a void invoice cannot be sent. Returns the invoice.',
  group,
  output: invoiceObject,
  method: 'POST',
  path: '/v1/invoices/{invoice_id}/send',
  input: z.object({ invoice_id: invoiceId, expand }).strict(),
});

export const voidInvoice = defineAction({
  key: 'void_invoice',
  title: 'Void invoice',
  description: 'Voids an open or uncollectible invoice: it is kept for the record but can no longer be paid. Cannot be undone. Returns the invoice.',
  group,
  output: invoiceObject,
  method: 'POST',
  path: '/v1/invoices/{invoice_id}/void',
  input: z.object({ invoice_id: invoiceId, expand }).strict(),
});

export const markInvoiceUncollectible = defineAction({
  key: 'mark_invoice_uncollectible',
  title: 'Mark invoice uncollectible',
  description: 'Marks an open invoice as uncollectible (bad debt); it can still be paid or voided later. Returns the invoice.',
  group,
  output: invoiceObject,
  method: 'POST',
  path: '/v1/invoices/{invoice_id}/mark_uncollectible',
  input: z.object({ invoice_id: invoiceId, expand }).strict(),
});

export const attachPaymentToInvoice = defineAction({
  key: 'attach_payment_to_invoice',
  title: 'Attach payment to invoice',
  description:
    'Records a payment intent as a payment of the invoice (its payments list). Once the payment intent has succeeded for the amount ' +
    'remaining, the invoice is paid. Returns the invoice.',
  group,
  output: invoiceObject,
  method: 'POST',
  path: '/v1/invoices/{invoice_id}/attach_payment',
  input: z
    .object({
      invoice_id: invoiceId,
      payment_intent: stripeId(['pi'], 'payment intent').describe('The payment intent (pi_...) paying the invoice, in its currency.'),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict(),
});

/** One line for add_lines: an existing pending item, or a new one priced one way. */
const newLine = z
  .object({
    invoice_item: stripeId(['ii'], 'invoice item').optional().describe('A pending invoice item (ii_...) of the customer to move onto the invoice.'),
    amount: signedAmount.optional().describe('Total amount in the smallest currency unit, in the invoice\'s currency; negative for a credit.'),
    price_data: priceData.optional(),
    pricing: pricing.optional().describe('{ price: "price_..." }: a one-time price in the invoice\'s currency.'),
    quantity: quantity.optional(),
    description: z.string().max(5000).optional().describe('Text shown on the line.'),
    discountable: z.boolean().optional(),
    period: period.optional(),
    metadata: metadata.optional(),
  })
  .strict()
  .superRefine((line, ctx) => {
    const ways = ['invoice_item', 'amount', 'price_data', 'pricing'].filter((f) => line[f as keyof typeof line] !== undefined);
    if (ways.length !== 1) {
      ctx.addIssue({ code: 'custom', path: [ways[1] ?? 'amount'], message: 'give exactly one of invoice_item, amount, price_data or pricing' });
    }
    if (line.invoice_item !== undefined && (line.quantity !== undefined || line.discountable !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['quantity'], message: 'an existing invoice_item keeps its own pricing' });
    }
  });

export const addInvoiceLines = defineAction({
  key: 'add_invoice_lines',
  title: 'Add invoice lines',
  description:
    'Adds up to 50 lines to a draft invoice. Each line is exactly one of: invoice_item (move a pending item of the customer onto it), amount, ' +
    'price_data or pricing.price (a new item in the invoice\'s currency). All lines are added or none. Returns the invoice with new totals.',
  group,
  output: invoiceObject,
  method: 'POST',
  path: '/v1/invoices/{invoice_id}/add_lines',
  input: z
    .object({
      invoice_id: invoiceId,
      lines: z.array(newLine).min(1).max(50).describe('The lines to add.'),
      invoice_metadata: metadataUpdate.optional().describe('Metadata to merge into the invoice\'s own metadata.'),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict(),
});

export const findInvoice = defineAction({
  key: 'find_invoice',
  title: 'Find invoice',
  description:
    'Looks an invoice up by id or by its number (e.g. ABC123-0001; give exactly one). Returns the invoice, or null when there is none: ' +
    'an unknown id or number (or a deleted draft) is null, not an error. By number it uses search, which can lag a newly finalized invoice by about a minute.',
  group,
  output: objectOrNull(invoiceObject),
  method: 'GET',
  path: '/v1/invoices/{invoice_id}',
  input: z
    .object({
      invoice_id: invoiceId.optional().describe('The invoice id (in_...). Not with number.'),
      number: z
        .string()
        .min(1)
        .max(26)
        .regex(/^[A-Za-z0-9-]+$/, 'expected an invoice number such as ABC123-0001')
        .optional()
        .describe('The invoice number, e.g. ABC123-0001. Not with invoice_id.'),
      expand,
      fields,
    })
    .strict(),
  rules: [exactlyOne('invoice_id', 'number')],
  async run(ctx, input) {
    if (input.invoice_id !== undefined) {
      return findById(ctx, { key: 'find_invoice', path: '/v1/invoices/{invoice_id}' }, { invoice_id: input.invoice_id, expand: input.expand });
    }
    const result = await ctx.client.search('/v1/invoices/search', { query: `number:'${input.number}'`, limit: 1, expand: itemExpand(input.expand) });
    return result.data[0] ?? null;
  },
});

export const listInvoices = defineListAction({
  key: 'list_invoices',
  title: 'List invoices',
  description: 'Lists invoices, newest first, optionally by customer, subscription, status, collection method or creation time. Returns { data, has_more }.',
  group,
  item: invoiceObject,
  path: '/v1/invoices',
  filters: {
    customer: customerId.optional().describe('Only this customer\'s invoices.'),
    subscription: stripeId(['sub'], 'subscription').optional().describe('Only this subscription\'s invoices.'),
    status: z.enum(['draft', 'open', 'paid', 'uncollectible', 'void']).optional().describe('Only invoices in this status.'),
    collection_method: collectionMethod.optional(),
    created: createdRange,
  },
});

export const searchInvoices = defineSearchAction({
  key: 'search_invoices',
  title: 'Search invoices',
  description:
    'Searches invoices with Stripe\'s search language. Results can lag new writes by about a minute. Returns { data, has_more, next_page }.',
  group,
  item: invoiceObject,
  path: '/v1/invoices/search',
  queryHelp:
    "Stripe search query over number, customer, status, subscription, total, currency, created, receipt_number and metadata, e.g. " +
    "status:'open' AND total>10000, number:'ABC123-0001', metadata['order_id']:'6735'.",
});

export const listInvoiceLineItems = defineListAction({
  key: 'list_invoice_line_items',
  title: 'List invoice line items',
  description: 'Lists the lines of an invoice (the invoice itself shows only the first 10). Returns { data, has_more }.',
  group,
  item: lineItemObject,
  path: '/v1/invoices/{invoice_id}/lines',
  filters: { invoice_id: invoiceId },
});

export const invoiceActions = [
  createInvoice,
  retrieveInvoice,
  updateInvoice,
  deleteInvoice,
  finalizeInvoice,
  payInvoice,
  sendInvoice,
  voidInvoice,
  markInvoiceUncollectible,
  attachPaymentToInvoice,
  addInvoiceLines,
  findInvoice,
  listInvoices,
  searchInvoices,
  listInvoiceLineItems,
];
