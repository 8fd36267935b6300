/**
 * Invoice items (params from Stripe's OpenAPI spec: POST /v1/invoiceitems, POST/DELETE
 * /v1/invoiceitems/{invoiceitem}, GET /v1/invoiceitems). An item without `invoice` is pending: it
 * waits for the customer's next invoice (one created with pending_invoice_items_behavior=include,
 * or add_lines naming it). An item on an invoice can only change, or be deleted, while that
 * invoice is a draft (Stripe's `invoice_not_editable`). Since API 2025-03-31.basil an item is priced
 * with `pricing[price]` or `unit_amount_decimal`: the older top-level `price` and `unit_amount` are
 * unknown parameters, as on Stripe at the version the connector pins.
 */
import { invalidRequest } from '../errors';
import { applyUpdate, p, type ParamSpecs } from '../params';
import type { RequestContext, ResourceDefinition } from '../resource';
import type { StoredRecord } from '../store';
import { PRICING_PARAMS, insertInvoiceItem, repriceItem, syncLine, takeOffInvoice } from './invoice_lines';
import { requireEditable } from './invoices';

const CREATE_PARAMS: ParamSpecs = {
  ...PRICING_PARAMS,
  currency: p.currency(),
  customer: p.id('customer', { required: true }),
  invoice: p.id('invoice'),
  subscription: p.string({ maxLength: 5000 }),
  tax_behavior: p.enum(['exclusive', 'inclusive', 'unspecified']),
  tax_code: p.string({ maxLength: 5000 }),
  unit_amount_decimal: p.string({ maxLength: 5000 }),
};

const UPDATE_PARAMS: ParamSpecs = {
  ...PRICING_PARAMS,
  tax_behavior: p.enum(['exclusive', 'inclusive', 'unspecified']),
  tax_code: p.string({ maxLength: 5000 }),
  unit_amount_decimal: p.string({ maxLength: 5000 }),
};

export const invoiceItems: ResourceDefinition = {
  type: 'invoiceitem',
  idPrefix: 'ii_',
  idLength: 24,
  basePath: '/v1/invoiceitems',

  create: {
    params: CREATE_PARAMS,
    handle(ctx, params) {
      const customer = ctx.store.require('customer', params.customer, 'customer', 400);
      if (params.subscription) ctx.store.require('subscription', params.subscription, 'subscription', 400);
      let invoice: StoredRecord | undefined;
      if (params.invoice) {
        invoice = ctx.store.require('invoice', params.invoice, 'invoice', 400);
        requireEditable(invoice, 'invoice');
        if (invoice.object.customer !== customer.id) {
          throw invalidItemInvoice(invoice.id, customer.id);
        }
      }
      return insertInvoiceItem(ctx, params, customer.id, invoice);
    },
  },

  retrieve: {},

  update: {
    params: UPDATE_PARAMS,
    handle(ctx, record, params) {
      onDraftOnly(ctx, record);
      repriceItem(ctx, record, params);
      applyUpdate(record.object, params, ['description', 'discountable', 'metadata', 'period']);
      syncLine(ctx, record);
    },
  },

  del: {
    handle(ctx, record) {
      onDraftOnly(ctx, record);
      takeOffInvoice(ctx, record);
    },
  },

  list: {
    params: {
      customer: p.string({ maxLength: 5000, emptyable: false }),
      invoice: p.string({ maxLength: 5000, emptyable: false }),
      pending: p.boolean(),
    },
    filter: (item, params) =>
      (params.customer === undefined || item.customer === params.customer) &&
      (params.invoice === undefined || item.invoice === params.invoice) &&
      (params.pending === undefined || (item.invoice === null) === params.pending),
  },

  expandable: { customer: { types: ['customer'] }, invoice: { types: ['invoice'] } },
};

function onDraftOnly(ctx: RequestContext, item: StoredRecord): void {
  const invoice = item.object.invoice ? ctx.store.get(item.object.invoice, 'invoice') : undefined;
  if (invoice && !invoice.deleted) requireEditable(invoice, undefined);
}

function invalidItemInvoice(invoice: string, customer: string) {
  return invalidRequest(`Invoice ${invoice} does not belong to customer ${customer}: an invoice item can only go onto its customer's invoices.`, {
    param: 'invoice',
  });
}
