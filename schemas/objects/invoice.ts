import { z } from 'zod';
import { defineObject } from './define';
import { address, amount, created, currency, expandable, livemode, metadata, objectId, openEnum, SAMPLE_ADDRESS, SAMPLE_CREATED } from './fields';
import { lineItemObject, taxes } from './line_item';

const STATUSES = ['draft', 'open', 'paid', 'uncollectible', 'void'];
const BILLING_REASONS = [
  'automatic_pending_invoice_item_invoice',
  'manual',
  'quote_accept',
  'subscription',
  'subscription_create',
  'subscription_cycle',
  'subscription_threshold',
  'subscription_update',
  'upcoming',
];
const timestamp = (what: string) => z.number().int().nullable().describe(`${what} (Unix time, seconds); null until then.`);

export const invoiceObject = defineObject(
  'invoice',
  'An invoice: what a customer owes (its lines and totals), its status from draft to paid or void, and where to pay it.',
  {
    id: objectId('in'),
    amount_due: amount.describe('Final amount due, in the smallest currency unit (total less credit notes and customer credit).'),
    amount_overpaid: amount.describe('Amount paid beyond what was due (credited to the customer), in the smallest currency unit.'),
    amount_paid: amount.describe('Amount paid so far, in the smallest currency unit.'),
    amount_remaining: amount.describe('amount_due less amount_paid, in the smallest currency unit.'),
    attempted: z.boolean().describe('Whether a payment attempt has been made.'),
    auto_advance: z.boolean().optional().describe('Whether Stripe finalizes and collects it automatically.'),
    billing_reason: openEnum(BILLING_REASONS, 'Why the invoice was created.').nullable(),
    collection_method: openEnum(['charge_automatically', 'send_invoice'], 'charge_automatically charges the default payment method; send_invoice emails the invoice to pay.'),
    created,
    currency,
    custom_fields: z.array(z.looseObject({ name: z.string(), value: z.string() })).nullable().describe('Up to 4 name/value pairs shown on the invoice.'),
    customer: expandable('customer').nullable(),
    customer_address: address.nullable().describe('The customer\'s address (copied at finalization).'),
    customer_email: z.string().nullable(),
    customer_name: z.string().nullable(),
    default_payment_method: expandable('payment method').nullable().describe('The payment method to charge instead of the customer\'s default.'),
    description: z.string().nullable().describe('Memo shown on the invoice.'),
    due_date: timestamp('When payment is due (send_invoice only)'),
    effective_at: timestamp('The date shown on the invoice, set at finalization'),
    footer: z.string().nullable(),
    hosted_invoice_url: z.string().nullable().describe('The page where the customer views and pays the invoice; null while a draft.'),
    invoice_pdf: z.string().nullable().describe('Link to the PDF; null while a draft.'),
    lines: z
      .looseObject({
        object: z.string().describe('Always "list".'),
        data: z.array(lineItemObject.schema).describe('The first lines (up to 10); list_invoice_line_items gives all.'),
        has_more: z.boolean().describe('Whether more lines follow.'),
        url: z.string(),
      })
      .describe('The invoice\'s lines (first page).'),
    livemode,
    metadata: metadata.nullable(),
    number: z.string().nullable().describe('The invoice number, e.g. ABC123-0001; null while a draft.'),
    parent: z
      .looseObject({
        quote_details: z.looseObject({ quote: z.string() }).nullable().describe('Set when a quote generated the invoice.'),
        subscription_details: z
          .looseObject({
            metadata: metadata.nullable().describe('The subscription\'s metadata when the invoice was created.'),
            subscription: expandable('subscription'),
          })
          .nullable()
          .describe('Set when a subscription generated the invoice.'),
        type: openEnum(['quote_details', 'subscription_details'], 'What generated the invoice.'),
      })
      .nullable()
      .describe('What generated the invoice; null for one-off invoices. API 2025-03-31.basil moved invoice.subscription to parent.subscription_details.subscription.'),
    payments: z
      .looseObject({
        data: z.array(
          z.looseObject({
            id: z.string(),
            amount_paid: amount.nullable(),
            amount_requested: amount,
            payment: z
              .looseObject({
                charge: expandable('charge').optional(),
                payment_intent: expandable('payment intent').optional(),
                type: openEnum(['charge', 'payment_intent', 'payment_record'], 'What paid.'),
              })
              .describe('The charge or payment intent.'),
            status: openEnum(['canceled', 'open', 'paid'], 'The payment\'s state.'),
          }),
        ),
        has_more: z.boolean(),
      })
      .optional()
      .describe('The payments of the invoice (only with expand: ["payments"]); API 2025-03-31.basil replaced invoice.charge and payment_intent with it.'),
    post_payment_credit_notes_amount: amount.describe('Total of credit notes issued after payment.'),
    pre_payment_credit_notes_amount: amount.describe('Total of credit notes issued before payment.'),
    receipt_number: z.string().nullable(),
    status: openEnum(STATUSES, 'The invoice\'s state.').nullable(),
    status_transitions: z
      .looseObject({
        finalized_at: timestamp('When it was finalized'),
        marked_uncollectible_at: timestamp('When it was marked uncollectible'),
        paid_at: timestamp('When it was paid'),
        voided_at: timestamp('When it was voided'),
      })
      .describe('When the status changed.'),
    subtotal: amount.describe('Total of the lines before discounts and tax.'),
    total: amount.describe('Total after discounts and tax.'),
    total_excluding_tax: amount.nullable().describe('Total without tax.'),
    total_taxes: taxes.nullable().describe('The taxes of the invoice (API 2025-03-31.basil replaced total_tax_amounts).'),
  },
  {
    id: 'in_1TZ0aSample0001',
    amount_due: 4500,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: 4500,
    attempted: false,
    auto_advance: false,
    billing_reason: 'manual',
    collection_method: 'send_invoice',
    created: SAMPLE_CREATED,
    currency: 'usd',
    custom_fields: [{ name: 'PO number', value: 'PO-7731' }],
    customer: 'cus_TZ0aSample0001',
    customer_address: SAMPLE_ADDRESS,
    customer_email: 'jenny.rosen@example.com',
    customer_name: 'Jenny Rosen',
    default_payment_method: null,
    description: 'Thanks for your business!',
    due_date: SAMPLE_CREATED + 30 * 86_400,
    effective_at: SAMPLE_CREATED + 60,
    footer: null,
    hosted_invoice_url: 'https://invoice.stripe.com/i/acct_TZ0aSample/test_YWNjdF9TYW1wbGUwMDAx',
    invoice_pdf: 'https://pay.stripe.com/invoice/acct_TZ0aSample/test_YWNjdF9TYW1wbGUwMDAx/pdf',
    lines: { object: 'list', data: [lineItemObject.sample], has_more: false, url: '/v1/invoices/in_1TZ0aSample0001/lines' },
    livemode: false,
    metadata: { order_id: '6735' },
    number: 'JR01-0001',
    parent: null,
    payments: {
      object: 'list',
      data: [
        {
          id: 'inpay_1TZ0aSample0001',
          object: 'invoice_payment',
          amount_paid: null,
          amount_requested: 4500,
          payment: { payment_intent: 'pi_3TZ0aSample0001', type: 'payment_intent' },
          status: 'open',
        },
      ],
      has_more: false,
      url: '/v1/invoice_payments?invoice=in_1TZ0aSample0001',
    },
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    status: 'open',
    status_transitions: { finalized_at: SAMPLE_CREATED + 60, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: 4500,
    total: 4500,
    total_excluding_tax: 4500,
    total_taxes: [],
  },
  { summary: ['id', 'number', 'customer', 'customer_email', 'status', 'currency', 'amount_due', 'amount_paid', 'amount_remaining', 'total', 'due_date', 'hosted_invoice_url', 'created', 'metadata'] },
);
