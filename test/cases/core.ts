import type { ActionCase, CaseContext } from './types';

const newCustomer = (ctx: CaseContext, fields: Record<string, unknown> = {}) => ctx.run('create_customer', { email: 'core@example.com', ...fields });
const newCharge = (ctx: CaseContext, fields: Record<string, unknown> = {}) =>
  ctx.run('create_charge', { amount: 2000, currency: 'usd', source: 'tok_visa', ...fields });

export const cases: ActionCase[] = [
  {
    key: 'retrieve_balance',
    input: async (ctx) => {
      await ctx.run('create_charge', { amount: 2000, currency: 'eur', source: 'tok_visa' });
      return {};
    },
    request: () => ({ method: 'GET', path: '/v1/balance' }),
    check: (balance) => expect(balance.available).toEqual([expect.objectContaining({ amount: 2000, currency: 'eur' })]),
    invalid: { input: { currency: 'usd' }, field: 'currency' },
  },
  {
    key: 'create_customer',
    input: () => ({ email: 'jane@example.com', name: 'Jane Doe', metadata: { crm_id: '42' }, source: 'tok_visa', preferred_locales: ['fr'] }),
    request: () => ({ method: 'POST', path: '/v1/customers' }),
    check: (customer) => {
      expect(customer).toMatchObject({ object: 'customer', email: 'jane@example.com', name: 'Jane Doe', metadata: { crm_id: '42' }, preferred_locales: ['fr'] });
      expect(customer.id).toMatch(/^cus_/);
      expect(customer.default_source).toMatch(/^card_/);
    },
    invalid: { input: { email: 'not-an-email' }, field: 'email' },
  },
  {
    key: 'retrieve_customer',
    input: async (ctx) => ({ customer_id: (await newCustomer(ctx, { source: 'tok_visa' })).id, expand: ['default_source'] }),
    request: (input) => ({ method: 'GET', path: `/v1/customers/${input.customer_id}` }),
    check: (customer, input) => {
      expect(customer.id).toBe(input.customer_id);
      expect(customer.default_source).toMatchObject({ object: 'card', last4: '4242', customer: input.customer_id });
    },
    invalid: { input: { customer_id: 'ch_123' }, field: 'customer_id' },
  },
  {
    key: 'update_customer',
    input: async (ctx) => ({
      customer_id: (await newCustomer(ctx, { description: 'old', metadata: { a: '1' } })).id,
      description: null,
      name: 'Renamed',
      metadata: { b: '2' },
    }),
    request: (input) => ({ method: 'POST', path: `/v1/customers/${input.customer_id}` }),
    check: (customer) => expect(customer).toMatchObject({ description: null, name: 'Renamed', metadata: { a: '1', b: '2' } }),
    invalid: { input: { customer_id: 'cus_1', tax_exempt: 'sometimes' }, field: 'tax_exempt' },
  },
  {
    key: 'delete_customer',
    input: async (ctx) => ({ customer_id: (await newCustomer(ctx)).id }),
    request: (input) => ({ method: 'DELETE', path: `/v1/customers/${input.customer_id}` }),
    check: async (result, input, ctx) => {
      expect(result).toEqual({ id: input.customer_id, object: 'customer', deleted: true });
      expect(await ctx.run('retrieve_customer', { customer_id: input.customer_id })).toMatchObject({ deleted: true });
    },
    invalid: { input: { customer_id: 'cus-1' }, field: 'customer_id' },
  },
  {
    key: 'list_customers',
    input: async (ctx) => {
      await newCustomer(ctx, { email: 'other@example.com' });
      await newCustomer(ctx, { email: 'listed@example.com' });
      return { email: 'listed@example.com', limit: 5 };
    },
    request: () => ({ method: 'GET', path: '/v1/customers' }),
    check: (page) => {
      expect(page.data).toHaveLength(1);
      expect(page.data[0].email).toBe('listed@example.com');
      expect(page.has_more).toBe(false);
    },
    invalid: { input: { limit: 500 }, field: 'limit' },
  },
  {
    key: 'search_customers',
    input: async (ctx) => {
      await newCustomer(ctx, { email: 'search-me@example.com', metadata: { plan: 'pro' } });
      await newCustomer(ctx, { email: 'not-me@example.com', metadata: { plan: 'free' } });
      return { query: "metadata['plan']:'pro'" };
    },
    request: () => ({ method: 'GET', path: '/v1/customers/search' }),
    check: (result) => {
      expect(result.data.map((c: any) => c.email)).toEqual(['search-me@example.com']);
      expect(result).toMatchObject({ has_more: false, next_page: null });
    },
    invalid: { input: { query: '' }, field: 'query' },
  },
  {
    key: 'create_charge',
    input: () => ({ amount: 1500, currency: 'EUR', source: 'tok_mastercard', description: 'Order 7', metadata: { order: '7' }, capture: false }),
    request: () => ({ method: 'POST', path: '/v1/charges' }),
    check: (charge) => {
      expect(charge).toMatchObject({ object: 'charge', amount: 1500, currency: 'eur', status: 'succeeded', captured: false, metadata: { order: '7' } });
      expect(charge.payment_method_details.card.last4).toBe('4444');
    },
    invalid: { input: { amount: 1500, currency: 'usd' }, field: 'source' },
  },
  {
    key: 'retrieve_charge',
    input: async (ctx) => ({ charge_id: (await newCharge(ctx)).id, expand: ['balance_transaction'] }),
    request: (input) => ({ method: 'GET', path: `/v1/charges/${input.charge_id}` }),
    check: (charge, input) => {
      expect(charge.id).toBe(input.charge_id);
      expect(charge.balance_transaction).toMatchObject({ object: 'balance_transaction', amount: 2000, type: 'charge', source: input.charge_id });
    },
    invalid: { input: { charge_id: 'pi_123' }, field: 'charge_id' },
  },
  {
    key: 'update_charge',
    input: async (ctx) => ({
      charge_id: (await newCharge(ctx, { metadata: { a: '1' } })).id,
      description: 'Updated',
      metadata: { b: '2' },
      fraud_details: { user_report: 'safe' },
    }),
    request: (input) => ({ method: 'POST', path: `/v1/charges/${input.charge_id}` }),
    check: (charge) => {
      expect(charge).toMatchObject({ description: 'Updated', metadata: { a: '1', b: '2' } });
      expect(charge.fraud_details.user_report).toBe('safe');
    },
    invalid: { input: { charge_id: 'ch_1', fraud_details: { user_report: 'maybe' } }, field: 'fraud_details.user_report' },
  },
  {
    key: 'capture_charge',
    input: async (ctx) => ({ charge_id: (await newCharge(ctx, { capture: false, amount: 5000 })).id, amount: 3000 }),
    request: (input) => ({ method: 'POST', path: `/v1/charges/${input.charge_id}/capture` }),
    check: (charge) => {
      expect(charge).toMatchObject({ captured: true, amount: 5000, amount_captured: 3000 });
      expect(charge.balance_transaction).toMatch(/^txn_/);
    },
    invalid: { input: { charge_id: 'ch_1', amount: 12.5 }, field: 'amount' },
  },
  {
    key: 'list_charges',
    input: async (ctx) => {
      const customer = await newCustomer(ctx, { source: 'tok_visa' });
      await newCharge(ctx);
      await newCharge(ctx, { customer: customer.id, source: undefined, amount: 777 });
      return { customer: customer.id };
    },
    request: () => ({ method: 'GET', path: '/v1/charges' }),
    check: (page, input) => {
      expect(page.data).toHaveLength(1);
      expect(page.data[0]).toMatchObject({ customer: input.customer, amount: 777 });
    },
    invalid: { input: { payment_intent: 'ch_123' }, field: 'payment_intent' },
  },
  {
    key: 'search_charges',
    input: async (ctx) => {
      await newCharge(ctx, { amount: 600 });
      await newCharge(ctx, { amount: 9000, metadata: { big: 'yes' } });
      return { query: 'amount>5000', limit: 5 };
    },
    request: () => ({ method: 'GET', path: '/v1/charges/search' }),
    check: (result) => {
      expect(result.data).toHaveLength(1);
      expect(result.data[0]).toMatchObject({ amount: 9000, metadata: { big: 'yes' } });
    },
    invalid: { input: { query: 'amount>5000', limit: 0 }, field: 'limit' },
  },
];
