/**
 * Credit notes (params from Stripe's OpenAPI spec: POST /v1/credit_notes, GET/POST
 * /v1/credit_notes/{id}, POST /v1/credit_notes/{id}/void, GET /v1/credit_notes).
 *
 * Against an open or uncollectible invoice a credit note is pre-payment: it lowers amount_due (an
 * invoice credited in full becomes paid). Against a paid invoice it is post-payment and goes to
 * the customer's credit balance (credit_amount, the default) or is recorded as settled outside
 * Stripe (out_of_band_amount); refunds are not emulated. The amount cannot exceed what is left to
 * credit. Voiding reverses the effect.
 */
import { invalidRequest, paramError } from '../errors';
import { emitEvent } from '../events';
import { applyUpdate, p, type Params, type ParamSpecs } from '../params';
import type { RequestContext, ResourceDefinition } from '../resource';
import type { StoredRecord } from '../store';
import { linesOf, settleAmounts } from './invoice_lines';
import { markInvoicePaid } from './invoices';
import { EMPTY_METADATA_ON_CREATE } from './shared';

const REASONS = ['duplicate', 'fraudulent', 'order_change', 'product_unsatisfactory'];

const CREATE_PARAMS: ParamSpecs = {
  amount: p.integer({ min: 1 }),
  credit_amount: p.integer({ min: 0 }),
  effective_at: p.integer(),
  invoice: p.id('invoice', { required: true }),
  lines: p.array(
    p.object({
      amount: p.integer({ min: 0 }),
      description: p.string({ maxLength: 5000 }),
      invoice_line_item: p.string({ maxLength: 5000 }),
      quantity: p.integer({ min: 0 }),
      tax_rates: p.array(p.string({ maxLength: 5000 }), { emptyable: true }),
      type: p.enum(['custom_line_item', 'invoice_line_item'], { required: true }),
      unit_amount: p.integer({ min: 0 }),
      unit_amount_decimal: p.string({ maxLength: 5000 }),
    }),
  ),
  memo: p.string({ maxLength: 5000 }),
  metadata: p.metadata(),
  out_of_band_amount: p.integer({ min: 0 }),
  reason: p.enum(REASONS),
  refund: p.string({ maxLength: 5000 }),
  refund_amount: p.integer({ min: 0 }),
};

export const creditNotes: ResourceDefinition = {
  type: 'credit_note',
  idPrefix: 'cn_',
  idLength: 24,
  basePath: '/v1/credit_notes',

  create: { params: CREATE_PARAMS, handle: createCreditNote },

  retrieve: {},

  update: {
    params: { memo: p.string({ maxLength: 5000 }), metadata: p.metadata() },
    handle(_ctx, record, params) {
      applyUpdate(record.object, params, ['memo', 'metadata']);
    },
  },

  actions: {
    void: { params: {}, handle: voidCreditNote },
  },

  list: {
    params: { customer: p.string({ maxLength: 5000, emptyable: false }), invoice: p.string({ maxLength: 5000, emptyable: false }) },
    filter: (note, params) =>
      (params.customer === undefined || note.customer === params.customer) && (params.invoice === undefined || note.invoice === params.invoice),
  },

  expandable: { customer: { types: ['customer'] }, invoice: { types: ['invoice'] } },
};

interface NoteLine {
  type: string;
  amount: number;
  quantity: number | null;
  unit: number | null;
  description: string | null;
  invoiceLine: string | null;
}

function createCreditNote(ctx: RequestContext, params: Params): StoredRecord {
  if (params.refund || params.refund_amount) {
    const param = params.refund ? 'refund' : 'refund_amount';
    throw invalidRequest('Refunding through a credit note is not emulated: use credit_amount or out_of_band_amount.', { param });
  }
  const invoice = ctx.store.require('invoice', params.invoice, 'invoice', 400);
  const inv = invoice.object;
  const prePayment = inv.status === 'open' || inv.status === 'uncollectible';
  if (!prePayment && inv.status !== 'paid') {
    throw invalidRequest(`Credit notes can only be issued for open or paid invoices; invoice ${inv.id} is ${inv.status}.`, { param: 'invoice' });
  }

  const lines = noteLines(ctx, invoice, params.lines ?? []);
  const fromLines = lines.reduce((sum, l) => sum + l.amount, 0);
  if (params.amount === undefined && lines.length === 0) {
    throw paramError('Give amount or lines: what the credit note credits.', 'parameter_missing', 'amount');
  }
  if (params.amount !== undefined && lines.length > 0 && params.amount !== fromLines) {
    throw paramError(`amount (${params.amount}) must equal the sum of the lines (${fromLines}).`, undefined, 'amount');
  }
  const amount: number = params.amount ?? fromLines;
  if (amount <= 0) throw paramError('The credit note amount must be positive.', undefined, 'amount');

  const creditable = prePayment ? inv.amount_remaining : inv.amount_paid - inv.post_payment_credit_notes_amount;
  if (amount > creditable) {
    throw invalidRequest(
      `The credit note amount (${amount}) is greater than what can still be credited on invoice ${inv.id} (${creditable}).`,
      { param: 'amount' },
    );
  }

  let creditAmount = 0;
  let outOfBand = 0;
  if (prePayment) {
    if (params.credit_amount || params.out_of_band_amount) {
      const param = params.credit_amount ? 'credit_amount' : 'out_of_band_amount';
      throw paramError(`${param} applies only to credit notes on paid invoices.`, undefined, param);
    }
  } else {
    outOfBand = params.out_of_band_amount ?? 0;
    creditAmount = params.credit_amount ?? amount - outOfBand;
    if (creditAmount + outOfBand !== amount) {
      throw paramError(
        `The sum of credit_amount (${creditAmount}) and out_of_band_amount (${outOfBand}) must equal the credit note amount (${amount}).`,
        undefined,
        'credit_amount',
      );
    }
  }

  const id = ctx.ids.next('cn_', 24);
  const count = ctx.store.live('credit_note').filter((r) => r.object.invoice === inv.id).length;
  const noteLinesData = (lines.length ? lines : [{ type: 'custom_line_item', amount, quantity: 1, unit: amount, description: params.memo ?? null, invoiceLine: null }]).map(
    (l) => ({
      id: ctx.ids.next('cnli_', 24),
      object: 'credit_note_line_item',
      amount: l.amount,
      description: l.description,
      discount_amount: 0,
      discount_amounts: [],
      // Stripe omits invoice_line_item on custom lines (it is never null).
      ...(l.invoiceLine ? { invoice_line_item: l.invoiceLine } : {}),
      livemode: ctx.livemode,
      pretax_credit_amounts: [],
      quantity: l.quantity,
      tax_rates: [],
      taxes: [],
      type: l.type,
      unit_amount: l.unit,
      unit_amount_decimal: l.unit === null ? null : String(l.unit),
    }),
  );
  const object = {
    id,
    object: 'credit_note',
    amount,
    amount_shipping: 0,
    created: ctx.now,
    currency: inv.currency,
    customer: inv.customer,
    customer_balance_transaction: null,
    discount_amount: 0,
    discount_amounts: [],
    effective_at: params.effective_at ?? ctx.now,
    invoice: inv.id,
    lines: { object: 'list', data: noteLinesData, has_more: false, url: `/v1/credit_notes/${id}/lines` },
    livemode: ctx.livemode,
    memo: params.memo ?? null,
    metadata: EMPTY_METADATA_ON_CREATE(params.metadata),
    number: `${inv.number}-CN-${String(count + 1).padStart(2, '0')}`,
    out_of_band_amount: prePayment ? null : outOfBand,
    pdf: `https://pay.stripe.com/credit_notes/acct_emulator/test_${id}/pdf`,
    post_payment_amount: prePayment ? 0 : amount,
    pre_payment_amount: prePayment ? amount : 0,
    pretax_credit_amounts: [],
    reason: params.reason ?? null,
    refunds: [],
    shipping_cost: null,
    status: 'issued',
    subtotal: amount,
    subtotal_excluding_tax: amount,
    total: amount,
    total_excluding_tax: amount,
    total_taxes: [],
    type: prePayment ? 'pre_payment' : 'post_payment',
    voided_at: null,
  };
  const record = ctx.store.insert('credit_note', object, ctx.now, { creditAmount });

  if (prePayment) {
    inv.pre_payment_credit_notes_amount += amount;
    settleAmounts(inv);
    // Credited in full: nothing is left to collect, so Stripe marks the invoice paid.
    if (inv.amount_remaining === 0) markInvoicePaid(ctx, invoice, false);
  } else {
    inv.post_payment_credit_notes_amount += amount;
    adjustBalance(ctx, inv.customer, -creditAmount);
  }
  return record;
}

function noteLines(ctx: RequestContext, invoice: StoredRecord, lines: Params[]): NoteLine[] {
  const invoiceLines = new Map(linesOf(ctx, invoice.id).map((l) => [l.id, l.object]));
  return lines.map((line, i) => {
    const param = `lines[${i}]`;
    if (line.type === 'invoice_line_item') {
      const onInvoice = line.invoice_line_item ? invoiceLines.get(line.invoice_line_item) : undefined;
      if (!line.invoice_line_item) throw paramError(`Missing required param: ${param}[invoice_line_item].`, 'parameter_missing', `${param}[invoice_line_item]`);
      if (!onInvoice) {
        throw invalidRequest(`No such line item on invoice ${invoice.id}: '${line.invoice_line_item}'`, { code: 'resource_missing', param: `${param}[invoice_line_item]` });
      }
      const quantity: number | null = line.quantity ?? null;
      const unitOfLine = onInvoice.quantity ? onInvoice.amount / onInvoice.quantity : onInvoice.amount;
      const amount: number = line.amount ?? (quantity !== null ? Math.round(unitOfLine * quantity) : onInvoice.amount);
      if (amount > onInvoice.amount) {
        throw invalidRequest(`${param}: the amount (${amount}) exceeds the line item's amount (${onInvoice.amount}).`, { param: `${param}[amount]` });
      }
      return { type: line.type, amount, quantity, unit: quantity ? amount / quantity : null, description: line.description ?? onInvoice.description, invoiceLine: onInvoice.id };
    }
    const unit: number | undefined = line.unit_amount ?? (line.unit_amount_decimal !== undefined ? Number(line.unit_amount_decimal) : undefined);
    if (unit === undefined || Number.isNaN(unit)) {
      throw paramError(`Missing required param: ${param}[unit_amount] (a custom line needs a unit amount).`, 'parameter_missing', `${param}[unit_amount]`);
    }
    const quantity: number = line.quantity ?? 1;
    return { type: line.type, amount: Math.round(unit * quantity), quantity, unit, description: line.description ?? null, invoiceLine: null };
  });
}

function voidCreditNote(ctx: RequestContext, record: StoredRecord): void {
  const note = record.object;
  if (note.status === 'void') throw invalidRequest(`Credit note ${note.id} has already been voided.`);
  const invoice = ctx.store.get(note.invoice, 'invoice');
  if (invoice) {
    const inv = invoice.object;
    if (note.type === 'pre_payment') {
      if (inv.status === 'paid' || inv.status === 'void') {
        throw invalidRequest(`Credit note ${note.id} cannot be voided: its invoice is already ${inv.status}.`);
      }
      inv.pre_payment_credit_notes_amount -= note.amount;
      settleAmounts(inv);
    } else {
      inv.post_payment_credit_notes_amount -= note.amount;
      adjustBalance(ctx, note.customer, record.hidden.creditAmount ?? 0);
    }
  }
  note.status = 'void';
  note.voided_at = ctx.now;
  emitEvent(ctx, 'credit_note.voided', note);
}

/** Customer balance: negative is credit Stripe applies to the customer's next invoices. */
function adjustBalance(ctx: RequestContext, customerId: string, delta: number): void {
  const customer = ctx.store.get(customerId, 'customer');
  if (customer && !customer.deleted && delta !== 0) customer.object.balance = (customer.object.balance ?? 0) + delta;
}
