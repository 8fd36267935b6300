import type { ActionCase, CaseContext } from './types';

const charge = (ctx: CaseContext, fields: Record<string, unknown> = {}) =>
  ctx.run('create_charge', { amount: 5000, currency: 'usd', source: 'tok_visa', ...fields });
const customerWithCard = (ctx: CaseContext) => ctx.run('create_customer', { email: 'cards@example.com', source: 'tok_visa' });
/** A charge on Stripe's dispute test card, and the dispute it opens. */
const dispute = async (ctx: CaseContext) => {
  const disputed = await charge(ctx, { source: 'tok_createDispute', amount: 3000 });
  return (await ctx.run('list_disputes', { charge: disputed.id })).data[0];
};
const payout = async (ctx: CaseContext) => {
  await charge(ctx);
  return ctx.run('create_payout', { amount: 1200, currency: 'usd' });
};
const transfer = async (ctx: CaseContext) => {
  await charge(ctx);
  return ctx.run('create_transfer', { amount: 800, currency: 'usd', destination: 'acct_1Connected', transfer_group: 'order_9' });
};

export const cases: ActionCase[] = [
  {
    key: 'list_balance_transactions',
    input: async (ctx) => {
      await charge(ctx, { amount: 2500 });
      await ctx.run('create_payout', { amount: 1000, currency: 'usd' });
      return { type: 'payout', currency: 'usd', limit: 5 };
    },
    request: () => ({ method: 'GET', path: '/v1/balance_transactions' }),
    check: (page) => {
      expect(page.data).toHaveLength(1);
      expect(page.data[0]).toMatchObject({ object: 'balance_transaction', type: 'payout', amount: -1000, net: -1000, currency: 'usd' });
      expect(page.data[0].source).toMatch(/^po_/);
    },
    invalid: { input: { type: 'charge; payout' }, field: 'type' },
  },
  {
    key: 'retrieve_balance_transaction',
    input: async (ctx) => ({ balance_transaction_id: (await charge(ctx, { amount: 4200 })).balance_transaction, expand: ['source'] }),
    request: (input) => ({ method: 'GET', path: `/v1/balance_transactions/${input.balance_transaction_id}` }),
    check: (txn, input) => {
      expect(txn).toMatchObject({ id: input.balance_transaction_id, type: 'charge', amount: 4200, net: 4200, fee: 0 });
      expect(txn.source).toMatchObject({ object: 'charge', amount: 4200, balance_transaction: input.balance_transaction_id });
    },
    invalid: { input: { balance_transaction_id: 'ch_123' }, field: 'balance_transaction_id' },
  },
  {
    key: 'find_customer',
    input: async (ctx) => {
      await ctx.run('create_customer', { email: 'dup@example.com', name: 'Older' });
      await ctx.run('create_customer', { email: 'dup@example.com', name: 'Newer' });
      await ctx.run('create_customer', { email: 'else@example.com' });
      return { email: 'dup@example.com' };
    },
    request: () => ({ method: 'GET', path: '/v1/customers', params: { email: 'dup@example.com', limit: '1' } }),
    check: (customer) => expect(customer).toMatchObject({ object: 'customer', email: 'dup@example.com', name: 'Newer' }),
    invalid: { input: { customer_id: 'cus_123', email: 'a@b.co' }, field: 'email' },
  },
  {
    key: 'create_customer_source',
    input: async (ctx) => ({ customer_id: (await customerWithCard(ctx)).id, source: 'tok_mastercard', metadata: { label: 'backup' } }),
    request: (input) => ({ method: 'POST', path: `/v1/customers/${input.customer_id}/sources` }),
    check: async (card, input, ctx) => {
      expect(card).toMatchObject({ object: 'card', customer: input.customer_id, last4: '4444', metadata: { label: 'backup' } });
      // The customer already had a default card: the new one does not replace it.
      const customer = await ctx.run('retrieve_customer', { customer_id: input.customer_id });
      expect(customer.default_source).not.toBe(card.id);
    },
    invalid: { input: { customer_id: 'cus_123', source: 'card_123' }, field: 'source' },
  },
  {
    key: 'retrieve_customer_source',
    input: async (ctx) => {
      const customer = await customerWithCard(ctx);
      return { customer_id: customer.id, source_id: customer.default_source };
    },
    request: (input) => ({ method: 'GET', path: `/v1/customers/${input.customer_id}/sources/${input.source_id}` }),
    check: (card, input) => expect(card).toMatchObject({ id: input.source_id, object: 'card', customer: input.customer_id, last4: '4242' }),
    invalid: { input: { customer_id: 'cus_123', source_id: 'pm_123' }, field: 'source_id' },
  },
  {
    key: 'delete_customer_source',
    input: async (ctx) => {
      const customer = await customerWithCard(ctx);
      return { customer_id: customer.id, source_id: customer.default_source };
    },
    request: (input) => ({ method: 'DELETE', path: `/v1/customers/${input.customer_id}/sources/${input.source_id}` }),
    check: async (result, input, ctx) => {
      expect(result).toEqual({ id: input.source_id, object: 'card', deleted: true });
      expect((await ctx.run('retrieve_customer', { customer_id: input.customer_id })).default_source).toBeNull();
    },
    invalid: { input: { customer_id: 'acct_123', source_id: 'card_123' }, field: 'customer_id' },
  },
  {
    key: 'list_customer_sources',
    input: async (ctx) => {
      const customer = await customerWithCard(ctx);
      await ctx.run('create_customer_source', { customer_id: customer.id, source: 'tok_amex' });
      return { customer_id: customer.id, object: 'card', limit: 1 };
    },
    request: (input) => ({ method: 'GET', path: `/v1/customers/${input.customer_id}/sources`, params: { object: 'card', limit: '1' } }),
    check: (page, input) => {
      expect(page.data).toHaveLength(1);
      expect(page.data[0]).toMatchObject({ object: 'card', customer: input.customer_id, last4: '8431' });
      expect(page.has_more).toBe(true);
    },
    invalid: { input: { customer_id: 'cus_123', object: 'paypal' }, field: 'object' },
  },
  {
    key: 'retrieve_dispute',
    input: async (ctx) => ({ dispute_id: (await dispute(ctx)).id, expand: ['charge'] }),
    request: (input) => ({ method: 'GET', path: `/v1/disputes/${input.dispute_id}` }),
    check: (d, input) => {
      expect(d).toMatchObject({ id: input.dispute_id, object: 'dispute', status: 'needs_response', reason: 'fraudulent', amount: 3000 });
      expect(d.charge).toMatchObject({ object: 'charge', disputed: true });
    },
    invalid: { input: { dispute_id: 'ch_123' }, field: 'dispute_id' },
  },
  {
    key: 'update_dispute',
    input: async (ctx) => ({
      dispute_id: (await dispute(ctx)).id,
      evidence: { customer_name: 'Jane Doe', product_description: 'A blue mug', shipping_tracking_number: '1Z999' },
      submit: false,
      metadata: { case: 'c-1' },
    }),
    request: (input) => ({ method: 'POST', path: `/v1/disputes/${input.dispute_id}` }),
    check: (d) => {
      // submit: false stages the evidence: still needs_response.
      expect(d).toMatchObject({ status: 'needs_response', metadata: { case: 'c-1' } });
      expect(d.evidence).toMatchObject({ customer_name: 'Jane Doe', product_description: 'A blue mug', receipt: null });
      expect(d.evidence_details).toMatchObject({ has_evidence: true, submission_count: 0 });
    },
    invalid: { input: { dispute_id: 'dp_123', evidence: { favourite_colour: 'blue' } }, field: 'evidence.favourite_colour' },
  },
  {
    key: 'close_dispute',
    input: async (ctx) => ({ dispute_id: (await dispute(ctx)).id }),
    request: (input) => ({ method: 'POST', path: `/v1/disputes/${input.dispute_id}/close` }),
    check: (d, input) => expect(d).toMatchObject({ id: input.dispute_id, status: 'lost' }),
    invalid: { input: { dispute_id: 'dp-123' }, field: 'dispute_id' },
  },
  {
    key: 'list_disputes',
    input: async (ctx) => {
      await dispute(ctx);
      const second = await charge(ctx, { source: 'tok_createDisputeProductNotReceived', amount: 1800 });
      return { charge: second.id };
    },
    request: () => ({ method: 'GET', path: '/v1/disputes' }),
    check: (page, input) => {
      expect(page.data).toHaveLength(1);
      expect(page.data[0]).toMatchObject({ charge: input.charge, reason: 'product_not_received', amount: 1800 });
    },
    invalid: { input: { payment_intent: 'ch_123' }, field: 'payment_intent' },
  },
  {
    key: 'create_payout',
    input: async (ctx) => {
      await charge(ctx, { amount: 3000 });
      return { amount: 2500, currency: 'USD', description: 'Weekly', method: 'standard', statement_descriptor: 'WEEKLY', metadata: { week: '47' } };
    },
    request: () => ({ method: 'POST', path: '/v1/payouts' }),
    check: async (po, _input, ctx) => {
      expect(po).toMatchObject({ object: 'payout', amount: 2500, currency: 'usd', status: 'pending', method: 'standard', metadata: { week: '47' } });
      const balance = await ctx.run('retrieve_balance', {});
      expect(balance.available).toContainEqual(expect.objectContaining({ currency: 'usd', amount: 500 }));
    },
    invalid: { input: { amount: 1005, currency: 'kwd' }, field: 'amount' },
  },
  {
    key: 'retrieve_payout',
    input: async (ctx) => ({ payout_id: (await payout(ctx)).id }),
    request: (input) => ({ method: 'GET', path: `/v1/payouts/${input.payout_id}` }),
    check: (po, input) => expect(po).toMatchObject({ id: input.payout_id, amount: 1200, status: 'pending' }),
    invalid: { input: { payout_id: 'tr_123' }, field: 'payout_id' },
  },
  {
    key: 'cancel_payout',
    input: async (ctx) => ({ payout_id: (await payout(ctx)).id }),
    request: (input) => ({ method: 'POST', path: `/v1/payouts/${input.payout_id}/cancel` }),
    check: async (po, _input, ctx) => {
      expect(po.status).toBe('canceled');
      const balance = await ctx.run('retrieve_balance', {});
      expect(balance.available).toContainEqual(expect.objectContaining({ currency: 'usd', amount: 5000 }));
    },
    invalid: { input: { payout_id: 'po_1', amount: 5 }, field: 'amount' },
  },
  {
    key: 'list_payouts',
    input: async (ctx) => {
      const canceled = await payout(ctx);
      await ctx.run('cancel_payout', { payout_id: canceled.id });
      await ctx.run('create_payout', { amount: 300, currency: 'usd' });
      return { status: 'pending' };
    },
    request: () => ({ method: 'GET', path: '/v1/payouts' }),
    check: (page) => {
      expect(page.data.map((po: any) => [po.amount, po.status])).toEqual([[300, 'pending']]);
    },
    invalid: { input: { status: 'done' }, field: 'status' },
  },
  {
    key: 'create_transfer',
    input: async (ctx) => {
      await charge(ctx);
      return { amount: 1000, currency: 'usd', destination: 'acct_1Connected', transfer_group: 'order_7', description: 'Seller share', metadata: { order: '7' } };
    },
    request: () => ({ method: 'POST', path: '/v1/transfers' }),
    check: (tr) => {
      expect(tr).toMatchObject({ object: 'transfer', amount: 1000, destination: 'acct_1Connected', transfer_group: 'order_7', reversed: false });
      expect(tr.balance_transaction).toMatch(/^txn_/);
    },
    invalid: { input: { amount: 1000, currency: 'usd', destination: 'cus_123' }, field: 'destination' },
  },
  {
    key: 'retrieve_transfer',
    input: async (ctx) => ({ transfer_id: (await transfer(ctx)).id, expand: ['balance_transaction'] }),
    request: (input) => ({ method: 'GET', path: `/v1/transfers/${input.transfer_id}` }),
    check: (tr, input) => {
      expect(tr).toMatchObject({ id: input.transfer_id, amount: 800, currency: 'usd' });
      expect(tr.balance_transaction).toMatchObject({ object: 'balance_transaction', type: 'transfer', amount: -800, source: input.transfer_id });
    },
    invalid: { input: { transfer_id: 'po_123' }, field: 'transfer_id' },
  },
  {
    key: 'list_transfers',
    input: async (ctx) => {
      await transfer(ctx);
      await ctx.run('create_transfer', { amount: 100, currency: 'usd', destination: 'acct_2Other' });
      return { destination: 'acct_2Other' };
    },
    request: () => ({ method: 'GET', path: '/v1/transfers' }),
    check: (page) => expect(page.data.map((tr: any) => [tr.destination, tr.amount])).toEqual([['acct_2Other', 100]]),
    invalid: { input: { destination: 'acct_1', transfer_group: 5 }, field: 'transfer_group' },
  },
];
