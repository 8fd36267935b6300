import { z } from 'zod';
import { defineAction, defineListAction } from './define';
import { atLeastOne } from '../schemas/rules';
import { amount, createdRange, customerId, expand, fields, idempotencyKey, metadata, stripeId } from '../schemas/common';
import { invoiceId } from './invoice_items';
import { creditNoteObject } from '../schemas/objects/credit_note';

const group = 'credit_notes';
const creditNoteId = stripeId(['cn'], 'credit note');
const nonNegative = z.number().int().min(0);

const creditNoteLine = z
  .object({
    type: z
      .enum(['invoice_line_item', 'custom_line_item'])
      .describe('invoice_line_item: credit (part of) a line of the invoice; custom_line_item: a free-form credit with unit_amount.'),
    invoice_line_item: stripeId(['il'], 'invoice line item').optional().describe('With type invoice_line_item: the line (il_...) to credit.'),
    amount: nonNegative.optional().describe('Amount to credit on this invoice line, in the smallest currency unit (default the whole line).'),
    quantity: nonNegative.optional().describe('Units to credit.'),
    unit_amount: nonNegative.optional().describe('With type custom_line_item: amount per unit in the smallest currency unit.'),
    description: z.string().max(5000).optional().describe('Text shown on the credit note line.'),
  })
  .strict()
  .superRefine((line, ctx) => {
    if (line.type === 'invoice_line_item' && line.invoice_line_item === undefined) {
      ctx.addIssue({ code: 'custom', path: ['invoice_line_item'], message: 'type invoice_line_item needs invoice_line_item' });
    }
    if (line.type === 'custom_line_item' && line.unit_amount === undefined) {
      ctx.addIssue({ code: 'custom', path: ['unit_amount'], message: 'type custom_line_item needs unit_amount' });
    }
  });

export const createCreditNote = defineAction({
  key: 'create_credit_note',
  title: 'Create credit note',
  description:
    'Credits an open or paid invoice, by amount or by lines (give at least one; with both, amount must equal the lines\' sum). On an open ' +
    'invoice it lowers the amount due; on a paid one it credits the customer\'s balance (credit_amount) or records an out_of_band_amount. ' +
    'It cannot exceed what is left to credit. Returns the credit note.',
  group,
  output: creditNoteObject,
  method: 'POST',
  path: '/v1/credit_notes',
  input: z
    .object({
      invoice: invoiceId.describe('The invoice to credit (in_...), open or paid.'),
      amount: amount.optional().describe('Total to credit in the smallest currency unit (1000 = $10.00).'),
      lines: z.array(creditNoteLine).min(1).max(100).optional().describe('What to credit, line by line.'),
      reason: z.enum(['duplicate', 'fraudulent', 'order_change', 'product_unsatisfactory']).optional().describe('Why the invoice is credited.'),
      memo: z.string().max(5000).optional().describe('Note shown on the credit note.'),
      credit_amount: nonNegative.optional().describe('Paid invoices: the part credited to the customer\'s balance (default all of it).'),
      out_of_band_amount: nonNegative.optional().describe('Paid invoices: the part settled outside Stripe.'),
      metadata: metadata.optional(),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict(),
  rules: [atLeastOne('amount', 'lines')],
});

export const retrieveCreditNote = defineAction({
  key: 'retrieve_credit_note',
  title: 'Retrieve credit note',
  description: 'Retrieves a credit note by id. Returns the credit note.',
  group,
  output: creditNoteObject,
  method: 'GET',
  path: '/v1/credit_notes/{credit_note_id}',
  input: z.object({ credit_note_id: creditNoteId, expand, fields }).strict(),
});

export const voidCreditNote = defineAction({
  key: 'void_credit_note',
  title: 'Void credit note',
  description: 'Voids a credit note, reversing its effect on the invoice or the customer\'s balance. Cannot be undone. Returns the credit note (status void).',
  group,
  output: creditNoteObject,
  method: 'POST',
  path: '/v1/credit_notes/{credit_note_id}/void',
  input: z.object({ credit_note_id: creditNoteId, expand }).strict(),
});

export const listCreditNotes = defineListAction({
  key: 'list_credit_notes',
  title: 'List credit notes',
  description: 'Lists credit notes, newest first, optionally by customer, invoice or creation time. Returns { data, has_more }.',
  group,
  item: creditNoteObject,
  path: '/v1/credit_notes',
  filters: {
    customer: customerId.optional().describe('Only this customer\'s credit notes.'),
    invoice: invoiceId.optional().describe('Only credit notes of this invoice.'),
    created: createdRange,
  },
});

export const creditNoteActions = [createCreditNote, retrieveCreditNote, voidCreditNote, listCreditNotes];
