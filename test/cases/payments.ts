import type { ActionCase, CaseContext } from './types';

/** A customer to pay with. */
const newCustomer = (ctx: CaseContext) => ctx.run('create_customer', { email: 'payer@example.com' });

/** A payment intent for 2000 usd on the test visa card, confirmed (succeeded, or requires_capture when manual). */
const paidIntent = async (ctx: CaseContext, extra: Record<string, unknown> = {}) =>
  ctx.run('create_payment_intent', { amount: 2000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, ...extra });

/** A visa card payment method attached to a new customer. */
const savedCard = async (ctx: CaseContext) => {
  const customer = await newCustomer(ctx);
  const pm = await ctx.run('create_payment_method', { type: 'card', card: { token: 'tok_visa' } });
  return ctx.run('attach_payment_method', { payment_method_id: pm.id, customer: customer.id });
};

export const cases: ActionCase[] = [
  // Payment intents
  {
    key: 'create_payment_intent',
    input: async (ctx) => ({
      amount: 2000,
      currency: 'USD',
      customer: (await newCustomer(ctx)).id,
      payment_method: 'pm_card_visa',
      confirm: true,
      description: 'Order 42',
      metadata: { order_id: '42' },
    }),
    request: () => ({ method: 'POST', path: '/v1/payment_intents' }),
    check: (pi, input) => {
      expect(pi).toMatchObject({ object: 'payment_intent', status: 'succeeded', amount: 2000, currency: 'usd', amount_received: 2000 });
      expect(pi.customer).toBe(input.customer);
      expect(pi.latest_charge).toMatch(/^ch_/);
    },
    invalid: { input: { amount: 2000, currency: 'usd', confirm: true }, field: 'payment_method' },
  },
  {
    key: 'retrieve_payment_intent',
    input: async (ctx) => ({ payment_intent_id: (await ctx.run('create_payment_intent', { amount: 1000, currency: 'eur' })).id }),
    request: (input) => ({ method: 'GET', path: `/v1/payment_intents/${input.payment_intent_id}` }),
    check: (pi, input) => expect(pi).toMatchObject({ id: input.payment_intent_id, status: 'requires_payment_method', currency: 'eur' }),
    invalid: { input: { payment_intent_id: 'ch_123' }, field: 'payment_intent_id' },
  },
  {
    key: 'update_payment_intent',
    input: async (ctx) => ({
      payment_intent_id: (await ctx.run('create_payment_intent', { amount: 1000, currency: 'usd', receipt_email: 'a@b.co' })).id,
      amount: 1500,
      payment_method: 'pm_card_mastercard',
      receipt_email: null,
      metadata: { step: 'checkout' },
    }),
    request: (input) => ({ method: 'POST', path: `/v1/payment_intents/${input.payment_intent_id}` }),
    check: (pi) => {
      expect(pi).toMatchObject({ amount: 1500, status: 'requires_confirmation', receipt_email: null, metadata: { step: 'checkout' } });
      expect(pi.payment_method).toMatch(/^pm_/);
    },
    invalid: { input: { payment_intent_id: 'pi_123', amount: 1005, currency: 'bhd' }, field: 'amount' },
  },
  {
    key: 'confirm_payment_intent',
    input: async (ctx) => ({
      payment_intent_id: (await ctx.run('create_payment_intent', { amount: 2500, currency: 'usd', capture_method: 'manual' })).id,
      payment_method: 'pm_card_visa',
    }),
    request: (input) => ({ method: 'POST', path: `/v1/payment_intents/${input.payment_intent_id}/confirm` }),
    check: (pi) => expect(pi).toMatchObject({ status: 'requires_capture', amount_capturable: 2500, amount_received: 0 }),
    invalid: { input: { payment_intent_id: 'pi_123', payment_method: 'card_123' }, field: 'payment_method' },
  },
  {
    key: 'capture_payment_intent',
    input: async (ctx) => ({ payment_intent_id: (await paidIntent(ctx, { capture_method: 'manual' })).id, amount_to_capture: 1500 }),
    request: (input) => ({ method: 'POST', path: `/v1/payment_intents/${input.payment_intent_id}/capture` }),
    check: async (pi, _input, ctx) => {
      expect(pi).toMatchObject({ status: 'succeeded', amount_received: 1500, amount_capturable: 0 });
      const charge = await ctx.run('retrieve_charge', { charge_id: pi.latest_charge });
      expect(charge).toMatchObject({ captured: true, amount_captured: 1500, payment_intent: pi.id });
    },
    invalid: { input: { payment_intent_id: 'pi_123', amount_to_capture: 0 }, field: 'amount_to_capture' },
  },
  {
    key: 'cancel_payment_intent',
    input: async (ctx) => ({
      payment_intent_id: (await ctx.run('create_payment_intent', { amount: 1000, currency: 'usd' })).id,
      cancellation_reason: 'requested_by_customer',
    }),
    request: (input) => ({ method: 'POST', path: `/v1/payment_intents/${input.payment_intent_id}/cancel` }),
    check: (pi) => {
      expect(pi).toMatchObject({ status: 'canceled', cancellation_reason: 'requested_by_customer' });
      expect(pi.canceled_at).toEqual(expect.any(Number));
    },
    invalid: { input: { payment_intent_id: 'pi_123', cancellation_reason: 'bored' }, field: 'cancellation_reason' },
  },
  {
    key: 'list_payment_intents',
    input: async (ctx) => {
      const customer = await newCustomer(ctx);
      await ctx.run('create_payment_intent', { amount: 1000, currency: 'usd', customer: customer.id });
      await ctx.run('create_payment_intent', { amount: 3000, currency: 'usd', customer: customer.id });
      await ctx.run('create_payment_intent', { amount: 5000, currency: 'usd' });
      return { customer: customer.id, created: { gte: 0 } };
    },
    request: () => ({ method: 'GET', path: '/v1/payment_intents' }),
    check: (page, input) => {
      expect(page.data.map((pi: any) => pi.amount).sort()).toEqual([1000, 3000]);
      expect(page.data.every((pi: any) => pi.customer === input.customer)).toBe(true);
    },
    invalid: { input: { customer: 'pi_123' }, field: 'customer' },
  },
  {
    key: 'search_payment_intents',
    input: async (ctx) => {
      await paidIntent(ctx, { metadata: { order_id: 'A-1' } });
      await ctx.run('create_payment_intent', { amount: 700, currency: 'usd', metadata: { order_id: 'A-2' } });
      return { query: "status:'succeeded' AND metadata['order_id']:'A-1'" };
    },
    request: () => ({ method: 'GET', path: '/v1/payment_intents/search' }),
    check: (result) => {
      expect(result.data).toHaveLength(1);
      expect(result.data[0]).toMatchObject({ status: 'succeeded', metadata: { order_id: 'A-1' } });
    },
    invalid: { input: { query: '' }, field: 'query' },
  },
  {
    key: 'list_payment_intent_line_items',
    input: async (ctx) => {
      const pi = await ctx.run('create_payment_intent', {
        amount: 2600,
        currency: 'usd',
        amount_details: {
          line_items: [
            { product_name: 'T-shirt', quantity: 2, unit_cost: 1000, product_code: 'TS-01' },
            { product_name: 'Socks', quantity: 1, unit_cost: 500, tax: { total_tax_amount: 100 } },
          ],
        },
      });
      return { payment_intent_id: pi.id };
    },
    request: (input) => ({ method: 'GET', path: `/v1/payment_intents/${input.payment_intent_id}/amount_details_line_items` }),
    check: (page) => {
      expect(page.data.map((item: any) => item.product_name).sort()).toEqual(['Socks', 'T-shirt']);
      expect(page.data[0]).toMatchObject({ object: 'payment_intent_amount_details_line_item', id: expect.stringMatching(/^uli_/) });
    },
    invalid: { input: { payment_intent_id: 'seti_123' }, field: 'payment_intent_id' },
  },

  // Refunds
  {
    key: 'create_refund',
    input: async (ctx) => ({
      payment_intent: (await paidIntent(ctx)).id,
      amount: 500,
      reason: 'requested_by_customer',
      metadata: { ticket: 'T-9' },
    }),
    request: () => ({ method: 'POST', path: '/v1/refunds' }),
    check: async (refund, input, ctx) => {
      expect(refund).toMatchObject({ object: 'refund', amount: 500, status: 'succeeded', payment_intent: input.payment_intent, reason: 'requested_by_customer' });
      expect(refund.balance_transaction).toMatch(/^txn_/);
      const charge = await ctx.run('retrieve_charge', { charge_id: refund.charge });
      expect(charge).toMatchObject({ amount_refunded: 500, refunded: false });
    },
    invalid: { input: { charge: 'ch_123', payment_intent: 'pi_123' }, field: 'charge' },
  },
  {
    key: 'retrieve_refund',
    input: async (ctx) => {
      const charge = await ctx.run('create_charge', { amount: 1000, currency: 'usd', source: 'tok_visa' });
      return { refund_id: (await ctx.run('create_refund', { charge: charge.id })).id };
    },
    request: (input) => ({ method: 'GET', path: `/v1/refunds/${input.refund_id}` }),
    check: (refund, input) => expect(refund).toMatchObject({ id: input.refund_id, amount: 1000, status: 'succeeded', payment_intent: null }),
    invalid: { input: { refund_id: 'rf_123' }, field: 'refund_id' },
  },
  {
    key: 'update_refund',
    input: async (ctx) => {
      const refund = await ctx.run('create_refund', { payment_intent: (await paidIntent(ctx)).id, metadata: { a: '1', b: '2' } });
      return { refund_id: refund.id, metadata: { a: '', c: '3' } };
    },
    request: (input) => ({ method: 'POST', path: `/v1/refunds/${input.refund_id}` }),
    check: (refund) => expect(refund.metadata).toEqual({ b: '2', c: '3' }),
    invalid: { input: { refund_id: 're_123', reason: 'duplicate' }, field: 'reason' },
  },
  {
    key: 'cancel_refund',
    // A refund waiting for the customer (the emulator's stand-in for a payment method without native refunds).
    input: async (ctx) => {
      const refund = await ctx.run('create_refund', { payment_intent: (await paidIntent(ctx)).id, instructions_email: 'payer@example.com' });
      expect(refund.status).toBe('requires_action');
      return { refund_id: refund.id };
    },
    request: (input) => ({ method: 'POST', path: `/v1/refunds/${input.refund_id}/cancel` }),
    check: async (refund, _input, ctx) => {
      expect(refund).toMatchObject({ status: 'canceled', failure_reason: 'merchant_request' });
      const charge = await ctx.run('retrieve_charge', { charge_id: refund.charge });
      expect(charge.amount_refunded).toBe(0);
    },
    invalid: { input: { refund_id: 'pi_123' }, field: 'refund_id' },
  },
  {
    key: 'list_refunds',
    input: async (ctx) => {
      const pi = await paidIntent(ctx);
      await ctx.run('create_refund', { payment_intent: pi.id, amount: 300 });
      await ctx.run('create_refund', { payment_intent: pi.id, amount: 200 });
      await ctx.run('create_refund', { charge: (await ctx.run('create_charge', { amount: 900, currency: 'usd', source: 'tok_visa' })).id });
      return { payment_intent: pi.id };
    },
    request: () => ({ method: 'GET', path: '/v1/refunds' }),
    check: (page) => expect(page.data.map((r: any) => r.amount).sort()).toEqual([200, 300]),
    invalid: { input: { charge: 'pi_123' }, field: 'charge' },
  },

  // Payment methods
  {
    key: 'create_payment_method',
    input: () => ({ type: 'card', card: { token: 'tok_mastercard' }, billing_details: { name: 'Jane Doe', address: { country: 'FR' } }, metadata: { k: 'v' } }),
    request: () => ({ method: 'POST', path: '/v1/payment_methods' }),
    check: (pm) => {
      expect(pm).toMatchObject({ object: 'payment_method', type: 'card', customer: null, card: { brand: 'mastercard', last4: '4444' } });
      expect(pm.billing_details).toMatchObject({ name: 'Jane Doe', address: { country: 'FR' } });
    },
    invalid: { input: { type: 'card', card: { token: '4242424242424242' } }, field: 'card.token' },
  },
  {
    key: 'attach_payment_method',
    input: async (ctx) => ({
      payment_method_id: (await ctx.run('create_payment_method', { type: 'card', card: { token: 'tok_visa' } })).id,
      customer: (await newCustomer(ctx)).id,
    }),
    request: (input) => ({ method: 'POST', path: `/v1/payment_methods/${input.payment_method_id}/attach` }),
    check: (pm, input) => expect(pm).toMatchObject({ id: input.payment_method_id, customer: input.customer }),
    invalid: { input: { payment_method_id: 'pm_123' }, field: 'customer' },
  },
  {
    key: 'detach_payment_method',
    input: async (ctx) => ({ payment_method_id: (await savedCard(ctx)).id }),
    request: (input) => ({ method: 'POST', path: `/v1/payment_methods/${input.payment_method_id}/detach` }),
    check: (pm) => expect(pm.customer).toBeNull(),
    invalid: { input: { payment_method_id: 'card_123' }, field: 'payment_method_id' },
  },
  {
    key: 'retrieve_payment_method',
    input: async (ctx) => ({ payment_method_id: (await savedCard(ctx)).id }),
    request: (input) => ({ method: 'GET', path: `/v1/payment_methods/${input.payment_method_id}` }),
    check: (pm, input) => {
      expect(pm).toMatchObject({ id: input.payment_method_id, type: 'card', card: { last4: '4242' } });
      expect(pm.customer).toMatch(/^cus_/);
    },
    invalid: { input: { payment_method_id: 'pm_1', expand: ['Customer'] }, field: 'expand.0' },
  },
  {
    key: 'list_customer_payment_methods',
    input: async (ctx) => {
      const pm = await savedCard(ctx);
      const second = await ctx.run('create_payment_method', { type: 'card', card: { token: 'tok_amex' } });
      await ctx.run('attach_payment_method', { payment_method_id: second.id, customer: pm.customer });
      await savedCard(ctx);
      return { customer_id: pm.customer, type: 'card' };
    },
    request: (input) => ({ method: 'GET', path: `/v1/customers/${input.customer_id}/payment_methods` }),
    check: (page, input) => {
      expect(page.data).toHaveLength(2);
      expect(page.data.every((pm: any) => pm.customer === input.customer_id && pm.type === 'card')).toBe(true);
    },
    invalid: { input: { customer_id: 'cus_1', type: 'Credit Card' }, field: 'type' },
  },

  // Setup intents
  {
    key: 'create_setup_intent',
    input: async (ctx) => ({
      customer: (await newCustomer(ctx)).id,
      payment_method: 'pm_card_visa',
      confirm: true,
      usage: 'off_session',
      metadata: { source: 'onboarding' },
    }),
    request: () => ({ method: 'POST', path: '/v1/setup_intents' }),
    check: async (si, input, ctx) => {
      expect(si).toMatchObject({ object: 'setup_intent', status: 'succeeded', customer: input.customer, usage: 'off_session' });
      const pm = await ctx.run('retrieve_payment_method', { payment_method_id: si.payment_method });
      expect(pm.customer).toBe(input.customer);
    },
    invalid: { input: { confirm: true }, field: 'payment_method' },
  },
  {
    key: 'retrieve_setup_intent',
    input: async (ctx) => ({ setup_intent_id: (await ctx.run('create_setup_intent', { description: 'later' })).id }),
    request: (input) => ({ method: 'GET', path: `/v1/setup_intents/${input.setup_intent_id}` }),
    check: (si, input) => expect(si).toMatchObject({ id: input.setup_intent_id, status: 'requires_payment_method', description: 'later' }),
    invalid: { input: { setup_intent_id: 'si_123' }, field: 'setup_intent_id' },
  },
  {
    key: 'confirm_setup_intent',
    input: async (ctx) => ({
      setup_intent_id: (await ctx.run('create_setup_intent', { customer: (await newCustomer(ctx)).id })).id,
      payment_method: 'pm_card_mastercard',
    }),
    request: (input) => ({ method: 'POST', path: `/v1/setup_intents/${input.setup_intent_id}/confirm` }),
    check: async (si, _input, ctx) => {
      expect(si.status).toBe('succeeded');
      const page = await ctx.run('list_customer_payment_methods', { customer_id: si.customer });
      expect(page.data.map((pm: any) => pm.id)).toEqual([si.payment_method]);
    },
    invalid: { input: { setup_intent_id: 'seti_123', payment_method: 'tok_visa' }, field: 'payment_method' },
  },
  {
    key: 'cancel_setup_intent',
    input: async (ctx) => ({
      setup_intent_id: (await ctx.run('create_setup_intent', { payment_method: 'pm_card_visa' })).id,
      cancellation_reason: 'abandoned',
    }),
    request: (input) => ({ method: 'POST', path: `/v1/setup_intents/${input.setup_intent_id}/cancel` }),
    check: (si) => expect(si).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' }),
    invalid: { input: { setup_intent_id: 'seti_123', cancellation_reason: 'fraudulent' }, field: 'cancellation_reason' },
  },
];
