import type { ActionCase, CaseContext } from './types';

/** A customer with a default card (tok_visa), so invoices can be charged. */
async function customer(ctx: CaseContext, fields: Record<string, unknown> = {}): Promise<any> {
  return ctx.run('create_customer', { source: 'tok_visa', ...fields });
}

/** A draft invoice with one line of `amount` (usd). */
async function draft(ctx: CaseContext, amount = 2000): Promise<any> {
  const c = await customer(ctx);
  const invoice = await ctx.run('create_invoice', { customer: c.id });
  return ctx.run('add_invoice_lines', { invoice_id: invoice.id, lines: [{ amount, description: 'Service' }] });
}

async function openInvoice(ctx: CaseContext, amount = 2000): Promise<any> {
  const invoice = await draft(ctx, amount);
  return ctx.run('finalize_invoice', { invoice_id: invoice.id });
}

async function pendingItem(ctx: CaseContext): Promise<any> {
  const c = await customer(ctx);
  return ctx.run('create_invoice_item', { customer: c.id, unit_amount_decimal: '200', currency: 'usd', description: 'Widget' });
}

export const cases: ActionCase[] = [
  // Invoices
  {
    key: 'create_invoice',
    input: async (ctx) => ({
      customer: (await customer(ctx)).id,
      collection_method: 'send_invoice',
      days_until_due: 14,
      description: 'October services',
      metadata: { order: '42' },
    }),
    request: () => ({ method: 'POST', path: '/v1/invoices' }),
    check: (invoice, input) =>
      expect(invoice).toMatchObject({
        object: 'invoice',
        status: 'draft',
        customer: input.customer,
        collection_method: 'send_invoice',
        days_until_due: 14,
        metadata: { order: '42' },
        total: 0,
      }),
    invalid: { input: { customer: 'cus_123', collection_method: 'send_invoice' }, field: 'days_until_due' },
  },
  {
    key: 'retrieve_invoice',
    input: async (ctx) => ({ invoice_id: (await draft(ctx)).id }),
    request: (input) => ({ method: 'GET', path: `/v1/invoices/${input.invoice_id}` }),
    check: (invoice, input) => expect(invoice).toMatchObject({ id: input.invoice_id, status: 'draft', total: 2000, lines: { total_count: 1 } }),
    invalid: { input: { invoice_id: 'ch_123' }, field: 'invoice_id' },
  },
  {
    key: 'update_invoice',
    input: async (ctx) => ({ invoice_id: (await draft(ctx)).id, description: 'Revised', footer: null, metadata: { po: 'PO-7' } }),
    request: (input) => ({ method: 'POST', path: `/v1/invoices/${input.invoice_id}` }),
    check: (invoice) => expect(invoice).toMatchObject({ description: 'Revised', footer: null, metadata: { po: 'PO-7' } }),
    invalid: { input: { invoice_id: 'in_123', collection_method: 'charge_automatically', days_until_due: 3 }, field: 'days_until_due' },
  },
  {
    key: 'delete_invoice',
    input: async (ctx) => ({ invoice_id: (await draft(ctx)).id }),
    request: (input) => ({ method: 'DELETE', path: `/v1/invoices/${input.invoice_id}` }),
    check: async (result, input, ctx) => {
      expect(result).toEqual({ id: input.invoice_id, object: 'invoice', deleted: true });
      expect(await ctx.run('find_invoice', { invoice_id: input.invoice_id })).toBeNull();
    },
    invalid: { input: { invoice_id: 'ii_123' }, field: 'invoice_id' },
  },
  {
    key: 'finalize_invoice',
    input: async (ctx) => ({ invoice_id: (await draft(ctx, 3100)).id, auto_advance: false }),
    request: (input) => ({ method: 'POST', path: `/v1/invoices/${input.invoice_id}/finalize` }),
    check: (invoice) => {
      expect(invoice).toMatchObject({ status: 'open', amount_due: 3100, auto_advance: false });
      expect(invoice.number).toMatch(/^[A-Z0-9]+-0001$/);
      expect(invoice.hosted_invoice_url).toEqual(expect.any(String));
    },
    invalid: { input: { invoice_id: 'in_123', auto_advance: 'yes' }, field: 'auto_advance' },
  },
  {
    key: 'pay_invoice',
    input: async (ctx) => ({ invoice_id: (await openInvoice(ctx, 4500)).id, idempotency_key: 'pay-invoice-case' }),
    request: (input) => ({ method: 'POST', path: `/v1/invoices/${input.invoice_id}/pay` }),
    check: async (invoice, _input, ctx) => {
      expect(invoice).toMatchObject({ status: 'paid', amount_paid: 4500, amount_remaining: 0 });
      const charges = await ctx.run('list_charges', { customer: invoice.customer });
      expect(charges.data.map((c: any) => [c.amount, c.status])).toEqual([[4500, 'succeeded']]);
    },
    invalid: { input: { invoice_id: 'in_123', paid_out_of_band: true, source: 'card_123' }, field: 'paid_out_of_band' },
  },
  {
    key: 'send_invoice',
    input: async (ctx) => ({ invoice_id: (await openInvoice(ctx)).id }),
    request: (input) => ({ method: 'POST', path: `/v1/invoices/${input.invoice_id}/send` }),
    check: async (invoice, input, ctx) => {
      expect(invoice).toMatchObject({ id: input.invoice_id, status: 'open' });
      const events = await ctx.client.list('/v1/events', { limit: 5 });
      expect((events.data[0] as any).type).toBe('invoice.sent');
    },
    invalid: { input: { invoice_id: 'cus_123' }, field: 'invoice_id' },
  },
  {
    key: 'void_invoice',
    input: async (ctx) => ({ invoice_id: (await openInvoice(ctx)).id }),
    request: (input) => ({ method: 'POST', path: `/v1/invoices/${input.invoice_id}/void` }),
    check: (invoice) => expect(invoice).toMatchObject({ status: 'void', status_transitions: { voided_at: expect.any(Number) } }),
    invalid: { input: {}, field: 'invoice_id' },
  },
  {
    key: 'mark_invoice_uncollectible',
    input: async (ctx) => ({ invoice_id: (await openInvoice(ctx)).id }),
    request: (input) => ({ method: 'POST', path: `/v1/invoices/${input.invoice_id}/mark_uncollectible` }),
    check: (invoice) =>
      expect(invoice).toMatchObject({ status: 'uncollectible', status_transitions: { marked_uncollectible_at: expect.any(Number) } }),
    invalid: { input: { invoice_id: 'in_12 3' }, field: 'invoice_id' },
  },
  {
    key: 'attach_payment_to_invoice',
    input: async (ctx) => {
      const invoice = await openInvoice(ctx, 2600);
      const intent = await ctx.run('create_payment_intent', { amount: 2600, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
      return { invoice_id: invoice.id, payment_intent: intent.id };
    },
    request: (input) => ({ method: 'POST', path: `/v1/invoices/${input.invoice_id}/attach_payment` }),
    check: async (invoice, input, ctx) => {
      expect(invoice).toMatchObject({ status: 'paid', amount_paid: 2600, amount_remaining: 0 });
      const expanded = await ctx.run('retrieve_invoice', { invoice_id: input.invoice_id, expand: ['payments'] });
      expect(expanded.payments.data[0]).toMatchObject({ status: 'paid', payment: { type: 'payment_intent', payment_intent: input.payment_intent } });
    },
    invalid: { input: { invoice_id: 'in_123', payment_intent: 'ch_123' }, field: 'payment_intent' },
  },
  {
    key: 'add_invoice_lines',
    input: async (ctx) => {
      const item = await pendingItem(ctx);
      const invoice = await ctx.run('create_invoice', { customer: item.customer });
      return {
        invoice_id: invoice.id,
        lines: [{ invoice_item: item.id }, { amount: 750, description: 'Rush fee', metadata: { kind: 'rush' } }],
        invoice_metadata: { source: 'flow' },
      };
    },
    request: (input) => ({ method: 'POST', path: `/v1/invoices/${input.invoice_id}/add_lines` }),
    check: (invoice) => {
      expect(invoice).toMatchObject({ status: 'draft', subtotal: 950, total: 950, amount_due: 950, metadata: { source: 'flow' } });
      expect(invoice.lines.total_count).toBe(2);
    },
    invalid: { input: { invoice_id: 'in_123', lines: [{ amount: 100, pricing: { price: 'price_123' } }] }, field: 'lines.0.pricing' },
  },
  {
    key: 'find_invoice',
    input: async (ctx) => ({ number: (await openInvoice(ctx)).number }),
    request: (input) => ({ method: 'GET', path: '/v1/invoices/search', params: { query: `number:'${input.number}'`, limit: '1' } }),
    check: (invoice, input) => expect(invoice).toMatchObject({ object: 'invoice', number: input.number, status: 'open' }),
    invalid: { input: { invoice_id: 'in_123', number: 'ABC-0001' }, field: 'number' },
  },
  {
    key: 'list_invoices',
    input: async (ctx) => ({ customer: (await draft(ctx)).customer, status: 'draft' }),
    request: () => ({ method: 'GET', path: '/v1/invoices' }),
    check: (page, input) => {
      expect(page.data).toHaveLength(1);
      expect(page.data[0]).toMatchObject({ customer: input.customer, status: 'draft' });
    },
    invalid: { input: { status: 'overdue' }, field: 'status' },
  },
  {
    key: 'search_invoices',
    input: async (ctx) => ({ query: `customer:'${(await openInvoice(ctx)).customer}' AND status:'open'` }),
    request: () => ({ method: 'GET', path: '/v1/invoices/search' }),
    check: (result) => {
      expect(result.data).toHaveLength(1);
      expect(result.data[0]).toMatchObject({ object: 'invoice', status: 'open' });
    },
    invalid: { input: { query: '' }, field: 'query' },
  },
  {
    key: 'list_invoice_line_items',
    input: async (ctx) => ({ invoice_id: (await draft(ctx, 1234)).id, limit: 5 }),
    request: (input) => ({ method: 'GET', path: `/v1/invoices/${input.invoice_id}/lines` }),
    check: (page, input) => {
      expect(page.data).toHaveLength(1);
      expect(page.data[0]).toMatchObject({ object: 'line_item', amount: 1234, invoice: input.invoice_id });
    },
    invalid: { input: { invoice_id: 'in_123', starting_after: 'il_1', ending_before: 'il_2' }, field: 'ending_before' },
  },

  // Invoice items
  {
    key: 'create_invoice_item',
    input: async (ctx) => ({ customer: (await customer(ctx)).id, amount: 1500, currency: 'usd', description: 'Setup fee', metadata: { sku: 'S1' } }),
    request: () => ({ method: 'POST', path: '/v1/invoiceitems' }),
    check: (item, input) =>
      expect(item).toMatchObject({ object: 'invoiceitem', customer: input.customer, amount: 1500, currency: 'usd', invoice: null, metadata: { sku: 'S1' } }),
    invalid: { input: { customer: 'cus_123', amount: 100 }, field: 'currency' },
  },
  {
    key: 'retrieve_invoice_item',
    input: async (ctx) => ({ invoice_item_id: (await pendingItem(ctx)).id }),
    request: (input) => ({ method: 'GET', path: `/v1/invoiceitems/${input.invoice_item_id}` }),
    check: (item, input) => expect(item).toMatchObject({ id: input.invoice_item_id, amount: 200, quantity: 1 }),
    invalid: { input: { invoice_item_id: 'il_123' }, field: 'invoice_item_id' },
  },
  {
    key: 'update_invoice_item',
    input: async (ctx) => ({ invoice_item_id: (await pendingItem(ctx)).id, quantity: 3, description: 'Three widgets', metadata: { batch: 'b1' } }),
    request: (input) => ({ method: 'POST', path: `/v1/invoiceitems/${input.invoice_item_id}` }),
    check: (item) => expect(item).toMatchObject({ amount: 600, quantity: 3, description: 'Three widgets', metadata: { batch: 'b1' } }),
    invalid: { input: { invoice_item_id: 'ii_123', amount: 100, pricing: { price: 'price_123' } }, field: 'pricing' },
  },
  {
    key: 'delete_invoice_item',
    input: async (ctx) => ({ invoice_item_id: (await pendingItem(ctx)).id }),
    request: (input) => ({ method: 'DELETE', path: `/v1/invoiceitems/${input.invoice_item_id}` }),
    check: (result, input) => expect(result).toEqual({ id: input.invoice_item_id, object: 'invoiceitem', deleted: true }),
    invalid: { input: { invoice_item_id: 'in_123' }, field: 'invoice_item_id' },
  },
  {
    key: 'list_invoice_items',
    input: async (ctx) => ({ customer: (await pendingItem(ctx)).customer, pending: true }),
    request: () => ({ method: 'GET', path: '/v1/invoiceitems' }),
    check: (page, input) => expect(page.data.map((i: any) => [i.customer, i.invoice])).toEqual([[input.customer, null]]),
    invalid: { input: { pending: 'yes' }, field: 'pending' },
  },

  // Credit notes
  {
    key: 'create_credit_note',
    input: async (ctx) => ({ invoice: (await openInvoice(ctx, 5000)).id, amount: 1200, reason: 'order_change', memo: 'Partial refund of scope' }),
    request: () => ({ method: 'POST', path: '/v1/credit_notes' }),
    check: async (note, input, ctx) => {
      expect(note).toMatchObject({ object: 'credit_note', amount: 1200, invoice: input.invoice, reason: 'order_change', status: 'issued', type: 'pre_payment' });
      expect(await ctx.run('retrieve_invoice', { invoice_id: input.invoice })).toMatchObject({ amount_due: 3800 });
    },
    invalid: { input: { invoice: 'in_123' }, field: 'amount' },
  },
  {
    key: 'retrieve_credit_note',
    input: async (ctx) => {
      const invoice = await openInvoice(ctx);
      return { credit_note_id: (await ctx.run('create_credit_note', { invoice: invoice.id, amount: 100 })).id };
    },
    request: (input) => ({ method: 'GET', path: `/v1/credit_notes/${input.credit_note_id}` }),
    check: (note, input) => expect(note).toMatchObject({ id: input.credit_note_id, amount: 100, status: 'issued' }),
    invalid: { input: { credit_note_id: 'in_123' }, field: 'credit_note_id' },
  },
  {
    key: 'void_credit_note',
    input: async (ctx) => {
      const invoice = await openInvoice(ctx);
      return { credit_note_id: (await ctx.run('create_credit_note', { invoice: invoice.id, amount: 500 })).id };
    },
    request: (input) => ({ method: 'POST', path: `/v1/credit_notes/${input.credit_note_id}/void` }),
    check: async (note, _input, ctx) => {
      expect(note).toMatchObject({ status: 'void', voided_at: expect.any(Number) });
      expect(await ctx.run('retrieve_invoice', { invoice_id: note.invoice })).toMatchObject({ amount_due: 2000 });
    },
    invalid: { input: { credit_note_id: 'cn 1' }, field: 'credit_note_id' },
  },
  {
    key: 'list_credit_notes',
    input: async (ctx) => {
      const invoice = await openInvoice(ctx);
      await ctx.run('create_credit_note', { invoice: invoice.id, amount: 300 });
      return { invoice: invoice.id };
    },
    request: () => ({ method: 'GET', path: '/v1/credit_notes' }),
    check: (page, input) => expect(page.data.map((n: any) => [n.invoice, n.amount])).toEqual([[input.invoice, 300]]),
    invalid: { input: { invoice: 'cn_123' }, field: 'invoice' },
  },
];
