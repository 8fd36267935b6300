/**
 * Invoices (params from Stripe's OpenAPI spec: POST /v1/invoices, POST/GET/DELETE
 * /v1/invoices/{invoice}, .../finalize, .../pay, .../send, .../void, .../mark_uncollectible,
 * GET /v1/invoices, /v1/invoices/search, /v1/invoices/{invoice}/lines; add_lines and
 * attach_payment from Stripe's current API reference).
 *
 * State machine: draft -> open (finalize, or pay/send on a draft: number `<customer invoice_prefix>-0001`, due date,
 * hosted URL; a zero amount due is paid at once) -> paid (pay: a charge on the given source or the
 * default source, or paid_out_of_band; attach_payment with a succeeded payment intent) | void |
 * uncollectible (from open; it can still be paid or voided). Only drafts are deleted or have their
 * lines changed. Pending invoice items join a new invoice only with
 * pending_invoice_items_behavior=include: since API 2022-08-01 the default is `exclude`.
 * Totals come from the lines (no tax, discounts or customer balance are applied).
 */
import { randomBytes } from 'node:crypto';
import { invalidRequest, paramError, StripeError } from '../errors';
import { recordEvent, emitEvent } from '../events';
import { LIST_PARAMS, listOf } from '../routes';
import { applyUpdate, inRange, p, type Params, type ParamSpecs } from '../params';
import type { RequestContext, ResourceDefinition } from '../resource';
import type { StoredRecord } from '../store';
import { PRICING_PARAMS, insertInvoiceItem, invoiceLineItems, linesOf, putOnInvoice, refreshInvoice, settleAmounts, takeOffInvoice } from './invoice_lines';
import { EMPTY_METADATA_ON_CREATE } from './shared';

const DAY = 24 * 60 * 60;

const CUSTOM_FIELDS = p.array(p.object({ name: p.string({ required: true, maxLength: 40 }), value: p.string({ required: true, maxLength: 140 }) }), {
  emptyable: true,
  maxItems: 4,
});

/** Parameters that create and update share. */
const COMMON: ParamSpecs = {
  auto_advance: p.boolean(),
  automatic_tax: p.object({ enabled: p.boolean({ required: true }) }),
  collection_method: p.enum(['charge_automatically', 'send_invoice']),
  custom_fields: CUSTOM_FIELDS,
  days_until_due: p.integer({ min: 0 }),
  default_payment_method: p.string({ maxLength: 5000 }),
  default_source: p.string({ maxLength: 5000 }),
  description: p.string({ maxLength: 1500 }),
  due_date: p.integer(),
  effective_at: p.integer(),
  footer: p.string({ maxLength: 5000 }),
  metadata: p.metadata(),
  number: p.string({ maxLength: 26 }),
  statement_descriptor: p.string({ maxLength: 22 }),
};

const CREATE_PARAMS: ParamSpecs = {
  ...COMMON,
  currency: p.currency(),
  customer: p.id('customer'),
  pending_invoice_items_behavior: p.enum(['exclude', 'include']),
  subscription: p.string({ maxLength: 5000 }),
};

/** What a finalized (open or uncollectible) invoice still lets you change; paid and void ones only metadata. */
const EDITABLE_WHEN_OPEN = ['auto_advance', 'custom_fields', 'description', 'footer', 'metadata'];

/** A line of add_lines: a new item priced as create_invoice_item prices one, or an existing pending invoice_item. */
const LINE_PARAMS = p.object({ ...PRICING_PARAMS, invoice_item: p.string({ maxLength: 5000 }) });

export const invoices: ResourceDefinition = {
  type: 'invoice',
  idPrefix: 'in_',
  idLength: 24,
  basePath: '/v1/invoices',

  create: { params: CREATE_PARAMS, handle: createInvoice },

  retrieve: {},

  update: {
    params: COMMON,
    handle(ctx, record, params) {
      const o = record.object;
      if (o.status !== 'draft') {
        const allowed = o.status === 'open' || o.status === 'uncollectible' ? EDITABLE_WHEN_OPEN : ['metadata'];
        const refused = Object.keys(params).find((k) => k !== 'expand' && !allowed.includes(k));
        if (refused) {
          throw invalidRequest(
            `You can't change \`${refused}\` on a ${o.status} invoice: once finalized, an invoice's amounts, dates and collection settings are fixed.`,
            { code: 'invoice_not_editable', param: refused },
          );
        }
      }
      const next = { ...o, ...pick(params, ['collection_method', 'days_until_due', 'due_date']) };
      if (params.collection_method === 'charge_automatically') {
        next.days_until_due = null;
        next.due_date = null;
      }
      checkCollection(next);
      if (params.default_source) ctx.store.require('card', params.default_source, 'default_source', 400);
      checkPaymentMethod(ctx, params.default_payment_method, o.customer);
      applyUpdate(o, { ...params, ...pick(next, ['days_until_due', 'due_date']) }, [
        'auto_advance', 'collection_method', 'custom_fields', 'days_until_due', 'default_payment_method', 'default_source',
        'description', 'due_date', 'effective_at', 'footer', 'metadata', 'number', 'statement_descriptor',
      ]);
      if (params.automatic_tax) o.automatic_tax = automaticTax(params.automatic_tax.enabled);
    },
  },

  del: {
    handle(ctx, record) {
      if (record.object.status !== 'draft') {
        throw invalidRequest(`You can only delete draft invoices; this one is ${record.object.status}. Void it instead.`, { code: 'invoice_not_editable' });
      }
      // The invoice's items go back to pending, as if never added.
      for (const item of ctx.store.live('invoiceitem').filter((r) => r.object.invoice === record.id)) takeOffInvoice(ctx, item);
    },
  },

  actions: {
    finalize: {
      params: { auto_advance: p.boolean() },
      handle(ctx, record, params) {
        if (record.object.status !== 'draft') {
          throw invalidRequest("This invoice is already finalized, you can't re-finalize a non-draft invoice.", { code: 'invoice_not_editable' });
        }
        if (params.auto_advance !== undefined) record.object.auto_advance = params.auto_advance;
        finalize(ctx, record);
      },
    },
    pay: {
      params: {
        forgive: p.boolean(),
        mandate: p.string({ maxLength: 5000 }),
        off_session: p.boolean(),
        paid_out_of_band: p.boolean(),
        payment_method: p.string({ maxLength: 5000 }),
        source: p.string({ maxLength: 5000 }),
      },
      handle: payInvoice,
    },
    send: {
      params: {},
      handle(ctx, record) {
        if (record.object.status === 'void') {
          throw invalidRequest('This invoice has been voided and cannot be sent.', { code: 'invoice_not_editable' });
        }
        // Stripe finalizes drafts before sending them.
        if (record.object.status === 'draft') finalize(ctx, record);
        emitEvent(ctx, 'invoice.sent', record.object);
      },
    },
    void: {
      params: {},
      handle(ctx, record) {
        const o = record.object;
        if (o.status !== 'open' && o.status !== 'uncollectible') throw notOpen();
        o.status = 'void';
        o.status_transitions.voided_at = ctx.now;
        o.auto_advance = false;
        emitEvent(ctx, 'invoice.voided', o);
      },
    },
    mark_uncollectible: {
      params: {},
      handle(ctx, record) {
        const o = record.object;
        if (o.status !== 'open') {
          throw invalidRequest(`You can only mark open invoices as uncollectible; this invoice is ${o.status}.`, { code: 'invoice_not_editable' });
        }
        o.status = 'uncollectible';
        o.status_transitions.marked_uncollectible_at = ctx.now;
        o.auto_advance = false;
        emitEvent(ctx, 'invoice.marked_uncollectible', o);
      },
    },
    add_lines: {
      params: { invoice_metadata: p.metadata(), lines: p.array(LINE_PARAMS, { required: true, maxItems: 50 }) },
      handle: addLines,
    },
    attach_payment: {
      params: { payment_intent: p.string({ maxLength: 5000 }), payment_record: p.string({ maxLength: 5000 }) },
      handle: attachPayment,
    },
  },

  list: {
    params: {
      collection_method: p.enum(['charge_automatically', 'send_invoice'], { emptyable: false }),
      customer: p.string({ maxLength: 5000, emptyable: false }),
      due_date: p.range(),
      status: p.enum(['draft', 'open', 'paid', 'uncollectible', 'void'], { emptyable: false }),
      subscription: p.string({ maxLength: 5000, emptyable: false }),
    },
    filter: (invoice, params) =>
      (params.customer === undefined || invoice.customer === params.customer) &&
      (params.subscription === undefined || invoice.parent?.subscription_details?.subscription === params.subscription) &&
      (params.status === undefined || invoice.status === params.status) &&
      (params.collection_method === undefined || invoice.collection_method === params.collection_method) &&
      (params.due_date === undefined || (invoice.due_date !== null && inRange(invoice.due_date, params.due_date))),
  },

  search: {
    fields: {
      created: { kind: 'number' },
      currency: { kind: 'string', caseInsensitive: true },
      customer: { kind: 'string' },
      last_finalization_error_code: { kind: 'string', path: 'last_finalization_error.code' },
      metadata: { kind: 'metadata' },
      number: { kind: 'string' },
      receipt_number: { kind: 'string' },
      status: { kind: 'string' },
      subscription: { kind: 'string', path: 'parent.subscription_details.subscription' },
      total: { kind: 'number' },
    },
  },

  expandable: { customer: { types: ['customer'] }, default_source: { types: ['card'] } },

  includable: {
    payments: (_ctx, invoice) => ({
      object: 'list',
      data: structuredClone(paymentsOf(_ctx, invoice.id)),
      has_more: false,
      url: `/v1/invoice_payments?invoice=${invoice.id}`,
    }),
  },

  custom: [
    {
      method: 'GET',
      path: '/v1/invoices/:invoice/lines',
      params: { ...LIST_PARAMS },
      handle(ctx, params, path) {
        ctx.store.require('invoice', path.invoice!, 'invoice');
        return listOf(ctx, invoiceLineItems, linesOf(ctx, path.invoice!), params, `/v1/invoices/${path.invoice}/lines`);
      },
    },
  ],
};

/** A draft's lines and amounts can change; anything else is Stripe's invoice_not_editable. */
export function requireEditable(invoice: StoredRecord, param: string | undefined): void {
  if (invoice.object.status !== 'draft') {
    throw invalidRequest(
      `Invoice ${invoice.id} is ${invoice.object.status} and can no longer be edited: only draft invoices take new or changed lines. ` +
        'Create invoice items for the customer\'s next invoice instead.',
      { code: 'invoice_not_editable', param },
    );
  }
}

function createInvoice(ctx: RequestContext, params: Params): StoredRecord {
  if (!params.customer) throw paramError('Missing required param: customer.', 'parameter_missing', 'customer');
  const customer = ctx.store.require('customer', params.customer, 'customer', 400).object;
  if (params.subscription) ctx.store.require('subscription', params.subscription, 'subscription', 400);
  if (params.default_source) ctx.store.require('card', params.default_source, 'default_source', 400);
  checkPaymentMethod(ctx, params.default_payment_method, customer.id);
  const collection = params.collection_method ?? 'charge_automatically';
  checkCollection({ collection_method: collection, days_until_due: params.days_until_due, due_date: params.due_date });

  const include = params.pending_invoice_items_behavior === 'include';
  const pending = include ? ctx.store.live('invoiceitem').filter((r) => r.object.customer === customer.id && r.object.invoice === null) : [];
  const currency: string = params.currency ?? customer.currency ?? pending[0]?.object.currency ?? 'usd';
  const id = ctx.ids.next('in_', 24);
  const object = {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'Stripe Emulator',
    account_tax_ids: null,
    amount_due: 0,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: params.auto_advance ?? false,
    automatic_tax: automaticTax(params.automatic_tax?.enabled ?? false),
    billing_reason: 'manual',
    collection_method: collection,
    confirmation_secret: null,
    created: ctx.now,
    currency,
    custom_fields: params.custom_fields ?? null,
    customer: customer.id,
    customer_address: customer.address ?? null,
    customer_email: customer.email ?? null,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    customer_shipping: customer.shipping ?? null,
    customer_tax_exempt: customer.tax_exempt ?? 'none',
    customer_tax_ids: [],
    days_until_due: params.days_until_due ?? null,
    default_payment_method: params.default_payment_method ?? null,
    default_source: params.default_source ?? null,
    default_tax_rates: [],
    description: params.description ?? null,
    discounts: [],
    due_date: params.due_date ?? null,
    effective_at: params.effective_at ?? null,
    ending_balance: null,
    footer: params.footer ?? null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/invoices/${id}/lines` },
    livemode: ctx.livemode,
    metadata: EMPTY_METADATA_ON_CREATE(params.metadata),
    next_payment_attempt: null,
    number: params.number ?? null,
    on_behalf_of: null,
    // Since API 2025-03-31.basil the subscription is under parent (invoice.subscription is gone).
    parent: params.subscription
      ? { quote_details: null, subscription_details: { metadata: {}, subscription: params.subscription }, type: 'subscription_details' }
      : null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: ctx.now,
    period_start: ctx.now,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: customer.balance ?? 0,
    statement_descriptor: params.statement_descriptor ?? null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: 0,
    subtotal_excluding_tax: 0,
    test_clock: null,
    total: 0,
    total_discount_amounts: [],
    total_excluding_tax: 0,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: ctx.now,
  };
  const record = ctx.store.insert('invoice', object, ctx.now, { payments: [] });
  for (const item of pending.filter((r) => r.object.currency === currency)) putOnInvoice(ctx, item, record);
  refreshInvoice(ctx, record);
  return record;
}

function finalize(ctx: RequestContext, record: StoredRecord): void {
  const o = record.object;
  const customer = ctx.store.get(o.customer, 'customer');
  if (!o.number) {
    const c = customer?.object;
    const sequence: number = c?.next_invoice_sequence ?? 1;
    o.number = `${c?.invoice_prefix ?? 'EMULATOR'}-${String(sequence).padStart(4, '0')}`;
    if (c) c.next_invoice_sequence = sequence + 1;
  }
  o.status = 'open';
  o.status_transitions.finalized_at = ctx.now;
  o.effective_at = o.effective_at ?? ctx.now;
  if (o.collection_method === 'send_invoice' && o.due_date === null) o.due_date = ctx.now + (o.days_until_due ?? 0) * DAY;
  const token = randomBytes(18).toString('base64url').replace(/[-_]/g, 'x');
  o.hosted_invoice_url = `https://invoice.stripe.com/i/acct_emulator/test_${token}`;
  o.invoice_pdf = `https://pay.stripe.com/invoice/acct_emulator/test_${token}/pdf`;
  o.ending_balance = o.starting_balance;
  refreshInvoice(ctx, record);
  emitEvent(ctx, 'invoice.finalized', o);
  // Nothing to collect: Stripe marks a zero-amount invoice paid on finalization.
  if (o.amount_due === 0) markInvoicePaid(ctx, record, false);
}

function payInvoice(ctx: RequestContext, record: StoredRecord, params: Params): void {
  const o = record.object;
  if (o.status === 'paid') throw invalidRequest('Invoice is already paid.');
  if (o.status === 'void') throw invalidRequest('This invoice has been voided and cannot be paid.', { code: 'invoice_not_editable' });
  if (params.paid_out_of_band && (params.source || params.payment_method)) {
    throw paramError('paid_out_of_band cannot be combined with source or payment_method.', undefined, 'paid_out_of_band');
  }
  // Paying a draft finalizes it first, as Stripe does.
  if (o.status === 'draft') finalize(ctx, record);
  if (o.status === 'paid') return;
  if (params.paid_out_of_band) {
    markInvoicePaid(ctx, record, true);
    return;
  }
  const customer = ctx.store.get(o.customer, 'customer')?.object;
  // Stripe's order: what the request names, the invoice's defaults, then the customer's.
  const paymentMethod: string | undefined = params.source
    ? undefined
    : (params.payment_method ?? o.default_payment_method ?? (o.default_source ? undefined : customer?.invoice_settings?.default_payment_method) ?? undefined);
  const source: string | undefined = params.source ?? o.default_source ?? undefined;
  o.attempted = true;
  o.attempt_count += 1;
  const paid = paymentMethod ? payWithPaymentMethod(ctx, record, paymentMethod) : payWithSource(ctx, record, source);
  o.amount_paid += paid;
  markInvoicePaid(ctx, record, false);
}

/** Charges a source (or the customer's default source) through the charges rules; returns the amount paid. */
function payWithSource(ctx: RequestContext, record: StoredRecord, source: string | undefined): number {
  const o = record.object;
  const chargeDef = ctx.registry.get('charge')!;
  let charge: StoredRecord;
  try {
    charge = chargeDef.create!.handle(ctx, {
      amount: o.amount_remaining,
      currency: o.currency,
      customer: o.customer,
      ...(source ? { source } : {}),
      description: `Payment for Invoice ${o.number}`,
    });
  } catch (error) {
    if (error instanceof StripeError && error.status === 402) {
      const failed = error.body.charge ? ctx.store.get(error.body.charge, 'charge') : undefined;
      if (failed) {
        recordEvent(ctx, chargeDef, 'created', failed.object);
        recordPayment(ctx, record, { type: 'charge', charge: failed.id }, 'failed', 0);
      }
      emitEvent(ctx, 'invoice.payment_failed', o);
    }
    throw error;
  }
  // What POST /v1/charges would record for it (the charges rules decide which events).
  recordEvent(ctx, chargeDef, 'created', charge.object);
  recordPayment(ctx, record, { type: 'charge', charge: charge.id }, 'paid', charge.object.amount);
  return charge.object.amount;
}

/** Pays with a payment method: a payment intent confirmed off session, as Stripe creates for invoices. */
function payWithPaymentMethod(ctx: RequestContext, record: StoredRecord, paymentMethod: string): number {
  const o = record.object;
  const intentDef = ctx.registry.get('payment_intent');
  if (!intentDef?.create) {
    throw invalidRequest(`No such PaymentMethod: '${paymentMethod}'`, { code: 'resource_missing', param: 'payment_method', status: 400 });
  }
  let intent: StoredRecord;
  try {
    intent = intentDef.create.handle(ctx, {
      amount: o.amount_remaining,
      currency: o.currency,
      customer: o.customer,
      payment_method: paymentMethod,
      confirm: true,
      off_session: 'true',
      description: `Payment for Invoice ${o.number}`,
      metadata: {},
    });
  } catch (error) {
    if (error instanceof StripeError && error.status === 402) {
      const failed: string | undefined = (error.body as Record<string, any>).payment_intent?.id;
      if (failed) recordPayment(ctx, record, { type: 'payment_intent', payment_intent: failed }, 'failed', 0);
      emitEvent(ctx, 'invoice.payment_failed', o);
    }
    throw error;
  }
  recordEvent(ctx, intentDef, 'created', intent.object);
  const received: number = intent.object.amount_received ?? 0;
  if (intent.object.status !== 'succeeded' || received <= 0) {
    recordPayment(ctx, record, { type: 'payment_intent', payment_intent: intent.id }, 'open', 0);
    throw invalidRequest(`The payment intent ${intent.id} paying this invoice did not succeed (status ${intent.object.status}).`, {
      code: 'invoice_payment_intent_requires_action',
    });
  }
  recordPayment(ctx, record, { type: 'payment_intent', payment_intent: intent.id }, 'paid', received);
  return received;
}

/** Marks an invoice paid (out of band: its remaining amount counts as paid) and records invoice.paid. */
export function markInvoicePaid(ctx: RequestContext, record: StoredRecord, outOfBand: boolean): void {
  const o = record.object;
  if (outOfBand) o.amount_paid += o.amount_remaining;
  settleAmounts(o);
  o.status = 'paid';
  o.status_transitions.paid_at = ctx.now;
  o.auto_advance = false;
  o.next_payment_attempt = null;
  if (!outOfBand) o.receipt_number = o.amount_paid > 0 ? `${Math.floor(1000 + Math.random() * 9000)}-${Math.floor(1000 + Math.random() * 9000)}` : null;
  emitEvent(ctx, 'invoice.paid', o);
  if (!outOfBand) emitEvent(ctx, 'invoice.payment_succeeded', o);
}

function addLines(ctx: RequestContext, record: StoredRecord, params: Params): void {
  requireEditable(record, 'lines');
  const o = record.object;
  const chosen = new Set<string>();
  // Everything is checked before anything changes, so a refused request adds no line.
  const plans = (params.lines as Params[]).map((line, i) => {
    const param = `lines[${i}]`;
    if (line.invoice_item) {
      const others = Object.keys(line).filter((k) => k !== 'invoice_item' && k !== 'metadata' && k !== 'description' && k !== 'period');
      if (others.length) throw paramError(`${param}[invoice_item] cannot be combined with ${others.join(', ')}.`, undefined, `${param}[${others[0]}]`);
      const item = ctx.store.require('invoiceitem', line.invoice_item, `${param}[invoice_item]`, 400);
      if (item.object.invoice !== null || chosen.has(item.id)) {
        throw invalidRequest(`Invoice item ${item.id} is already on an invoice: only pending invoice items can be added.`, { param: `${param}[invoice_item]` });
      }
      if (item.object.customer !== o.customer || item.object.currency !== o.currency) {
        throw invalidRequest(`Invoice item ${item.id} must belong to the invoice's customer and be in its currency (${o.currency}).`, {
          param: `${param}[invoice_item]`,
        });
      }
      chosen.add(item.id);
      return { line, item };
    }
    return { line, item: undefined };
  });
  for (const { line, item } of plans) {
    if (item) {
      applyUpdate(item.object, line, ['description', 'metadata', 'period']);
      putOnInvoice(ctx, item, record);
      emitEvent(ctx, 'invoiceitem.updated', item.object);
    } else {
      const created = insertInvoiceItem(ctx, line, o.customer, record);
      emitEvent(ctx, 'invoiceitem.created', created.object);
    }
  }
  if (params.invoice_metadata !== undefined) applyUpdate(o, { metadata: params.invoice_metadata }, ['metadata']);
  refreshInvoice(ctx, record);
}

function attachPayment(ctx: RequestContext, record: StoredRecord, params: Params): void {
  const o = record.object;
  if (params.payment_record) {
    throw invalidRequest(`No such payment record: '${params.payment_record}'`, { code: 'resource_missing', param: 'payment_record', status: 400 });
  }
  if (!params.payment_intent) throw paramError('Missing required param: payment_intent.', 'parameter_missing', 'payment_intent');
  const intent = ctx.store.require('payment_intent', params.payment_intent, 'payment_intent', 400).object;
  if (o.status !== 'open' && o.status !== 'uncollectible' && o.status !== 'draft') {
    throw invalidRequest(`You can only attach payments to draft, open or uncollectible invoices; this invoice is ${o.status}.`, { code: 'invoice_not_editable' });
  }
  if (paymentsOf(ctx, record.id).some((p) => p.payment.payment_intent === intent.id)) {
    throw invalidRequest(`Payment intent ${intent.id} is already attached to this invoice.`, { param: 'payment_intent' });
  }
  if (intent.currency !== o.currency) {
    throw invalidRequest(`The payment intent's currency (${intent.currency}) must match the invoice's (${o.currency}).`, { param: 'payment_intent' });
  }
  const succeeded = intent.status === 'succeeded';
  const received: number = succeeded ? (intent.amount_received ?? intent.amount) : 0;
  recordPayment(ctx, record, { type: 'payment_intent', payment_intent: intent.id }, succeeded ? 'paid' : 'open', received, intent.amount);
  if (o.status === 'draft' || !succeeded) return;
  o.amount_paid += received;
  settleAmounts(o);
  if (o.amount_remaining === 0) markInvoicePaid(ctx, record, false);
}

function recordPayment(
  ctx: RequestContext,
  record: StoredRecord,
  payment: Record<string, string>,
  status: 'paid' | 'open' | 'failed',
  amountPaid: number,
  requested = record.object.amount_remaining,
): void {
  const payments: Record<string, any>[] = record.hidden.payments;
  payments.unshift({
    id: ctx.ids.next('inpay_', 24),
    object: 'invoice_payment',
    amount_paid: status === 'paid' ? amountPaid : null,
    amount_requested: requested,
    created: ctx.now,
    currency: record.object.currency,
    invoice: record.id,
    is_default: payments.length === 0,
    livemode: ctx.livemode,
    payment,
    status: status === 'failed' ? 'canceled' : status,
    status_transitions: { canceled_at: status === 'failed' ? ctx.now : null, paid_at: status === 'paid' ? ctx.now : null },
  });
}

function paymentsOf(ctx: RequestContext, invoiceId: string): Record<string, any>[] {
  return ctx.store.get(invoiceId, 'invoice')?.hidden.payments ?? [];
}

function notOpen(): StripeError {
  return invalidRequest("You can only pass in open invoices. This invoice isn't open.");
}

function checkCollection(o: { collection_method?: string; days_until_due?: number | null; due_date?: number | null }): void {
  const hasDue = (o.days_until_due ?? null) !== null || (o.due_date ?? null) !== null;
  if (o.collection_method === 'send_invoice' && !hasDue) {
    throw paramError('Invoices with collection_method=send_invoice need days_until_due or due_date.', 'parameter_missing', 'days_until_due');
  }
  if (o.collection_method === 'charge_automatically' && hasDue && (o.days_until_due ?? null) !== null) {
    throw paramError('days_until_due can only be set when collection_method is send_invoice.', undefined, 'days_until_due');
  }
  if (o.collection_method === 'charge_automatically' && (o.due_date ?? null) !== null) {
    throw paramError('due_date can only be set when collection_method is send_invoice.', undefined, 'due_date');
  }
}

/** An invoice's default payment method must be one of its customer's. */
function checkPaymentMethod(ctx: RequestContext, id: string | null | undefined, customer: string): void {
  if (!id) return;
  const pm = ctx.store.require('payment_method', id, 'default_payment_method', 400);
  if (pm.object.customer !== customer) {
    throw invalidRequest(`The payment method ${id} must be attached to the invoice's customer (${customer}) first.`, { param: 'default_payment_method' });
  }
}

function automaticTax(enabled: boolean): Record<string, unknown> {
  return { disabled_reason: null, enabled, liability: enabled ? { type: 'self' } : null, provider: null, status: null };
}

function pick(params: Params, keys: string[]): Params {
  return Object.fromEntries(keys.filter((k) => k in params).map((k) => [k, params[k]]));
}
