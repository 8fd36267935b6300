import { customer, meter, oneTimePrice, recurringPrice, subscription } from '../support/objects';
import type { ActionCase, CaseContext } from './types';

async function checkoutSession(ctx: CaseContext, extra: Record<string, unknown> = {}) {
  const price = await oneTimePrice(ctx);
  return ctx.run('create_checkout_session', {
    mode: 'payment',
    line_items: [{ price: price.id, quantity: 2 }],
    success_url: 'https://example.com/success?session={CHECKOUT_SESSION_ID}',
    ...extra,
  });
}


export const cases: ActionCase[] = [
  // Subscriptions
  {
    key: 'create_subscription',
    input: async (ctx) => {
      const [cus, price] = await Promise.all([customer(ctx), recurringPrice(ctx)]);
      return {
        customer: cus.id,
        items: [{ price: price.id, quantity: 2, metadata: { seat: 'team' } }],
        trial_period_days: 14,
        collection_method: 'send_invoice',
        days_until_due: 30,
        metadata: { plan: 'pro' },
        idempotency_key: 'sub-create-1',
      };
    },
    request: () => ({ method: 'POST', path: '/v1/subscriptions' }),
    check: (sub, input) => {
      expect(sub).toMatchObject({
        object: 'subscription',
        customer: input.customer,
        status: 'trialing',
        currency: 'usd',
        collection_method: 'send_invoice',
        days_until_due: 30,
        metadata: { plan: 'pro' },
      });
      expect(sub.id).toMatch(/^sub_/);
      expect(sub.trial_end - sub.trial_start).toBe(14 * 86_400);
      const [item] = sub.items.data;
      expect(item).toMatchObject({ object: 'subscription_item', subscription: sub.id, quantity: 2, price: { id: input.items[0].price } });
      expect(item.current_period_end).toBe(sub.trial_end);
    },
    invalid: { input: { customer: 'cus_1', items: [{ price: 'price_1' }], trial_end: 'now', trial_period_days: 7 }, field: 'trial_end' },
  },
  {
    key: 'retrieve_subscription',
    input: async (ctx) => ({ subscription_id: (await subscription(ctx)).id, expand: ['customer'] }),
    request: (input) => ({ method: 'GET', path: `/v1/subscriptions/${input.subscription_id}` }),
    check: (sub, input) => {
      expect(sub).toMatchObject({ id: input.subscription_id, status: 'active', customer: { object: 'customer' } });
      expect(sub.items.data[0].current_period_end).toBeGreaterThan(sub.items.data[0].current_period_start);
    },
    invalid: { input: { subscription_id: 'cus_1' }, field: 'subscription_id' },
  },
  {
    key: 'update_subscription',
    input: async (ctx) => {
      const sub = await subscription(ctx);
      return {
        subscription_id: sub.id,
        items: [{ id: sub.items.data[0].id, quantity: 5 }],
        cancel_at_period_end: true,
        pause_collection: { behavior: 'keep_as_draft' },
        proration_behavior: 'none',
        metadata: { seats: '5' },
      };
    },
    request: (input) => ({ method: 'POST', path: `/v1/subscriptions/${input.subscription_id}` }),
    check: (sub) => {
      expect(sub).toMatchObject({
        status: 'active',
        cancel_at_period_end: true,
        pause_collection: { behavior: 'keep_as_draft', resumes_at: null },
        metadata: { seats: '5' },
      });
      expect(sub.items.data).toHaveLength(1);
      expect(sub.items.data[0].quantity).toBe(5);
    },
    invalid: { input: { subscription_id: 'sub_1', items: [{ price: 'price_1', deleted: true }] }, field: 'items.0.id' },
  },
  {
    key: 'cancel_subscription',
    input: async (ctx) => ({
      subscription_id: (await subscription(ctx)).id,
      prorate: false,
      cancellation_details: { feedback: 'too_expensive', comment: 'Too pricey' },
    }),
    request: (input) => ({ method: 'DELETE', path: `/v1/subscriptions/${input.subscription_id}` }),
    check: async (sub, input, ctx) => {
      expect(sub).toMatchObject({
        id: input.subscription_id,
        status: 'canceled',
        canceled_at: expect.any(Number),
        ended_at: expect.any(Number),
        cancellation_details: { feedback: 'too_expensive', comment: 'Too pricey', reason: 'cancellation_requested' },
      });
      // Still retrievable, and out of the default list.
      expect(await ctx.run('retrieve_subscription', { subscription_id: sub.id })).toMatchObject({ status: 'canceled' });
      expect((await ctx.run('list_subscriptions', { customer: sub.customer })).data).toEqual([]);
    },
    invalid: { input: { subscription_id: 'sub_1', cancellation_details: { feedback: 'meh' } }, field: 'cancellation_details.feedback' },
  },
  {
    key: 'resume_subscription',
    input: async (ctx) => {
      // A trial that ends without a payment method, set to pause: the subscription is paused.
      const trialEnd = ctx.emulator.clock.now() + 3600;
      const sub = await subscription(ctx, { trial_end: trialEnd, trial_settings: { end_behavior: { missing_payment_method: 'pause' } } });
      ctx.emulator.clock.advance(7200);
      expect(await ctx.run('retrieve_subscription', { subscription_id: sub.id })).toMatchObject({ status: 'paused' });
      return { subscription_id: sub.id, billing_cycle_anchor: 'now', proration_behavior: 'none' };
    },
    request: (input) => ({ method: 'POST', path: `/v1/subscriptions/${input.subscription_id}/resume` }),
    check: (sub, _input, ctx) => {
      expect(sub.status).toBe('active');
      expect(sub.items.data[0].current_period_start).toBe(ctx.emulator.clock.now());
    },
    invalid: { input: { subscription_id: 'sub_1', billing_cycle_anchor: 'later' }, field: 'billing_cycle_anchor' },
  },
  {
    key: 'list_subscriptions',
    input: async (ctx) => {
      const [cus, basic, pro] = await Promise.all([customer(ctx), recurringPrice(ctx, 900, 'Basic'), recurringPrice(ctx, 2900, 'Pro')]);
      await ctx.run('create_subscription', { customer: cus.id, items: [{ price: basic.id }] });
      await ctx.run('create_subscription', { customer: cus.id, items: [{ price: pro.id }] });
      await subscription(ctx); // another customer's
      return { customer: cus.id, price: pro.id, status: 'active', limit: 5 };
    },
    request: () => ({ method: 'GET', path: '/v1/subscriptions' }),
    check: (result, input) => {
      expect(result.data).toHaveLength(1);
      expect(result.data[0]).toMatchObject({ customer: input.customer, status: 'active' });
      expect(result.data[0].items.data[0].price.id).toBe(input.price);
      expect(result.has_more).toBe(false);
    },
    invalid: { input: { status: 'live' }, field: 'status' },
  },
  {
    key: 'search_subscriptions',
    input: async (ctx) => {
      await subscription(ctx, { metadata: { plan: 'gold' } });
      await subscription(ctx, { metadata: { plan: 'silver' } });
      return { query: "status:'active' AND metadata['plan']:'gold'" };
    },
    request: () => ({ method: 'GET', path: '/v1/subscriptions/search' }),
    check: (result) => {
      expect(result.data).toHaveLength(1);
      expect(result.data[0].metadata).toEqual({ plan: 'gold' });
    },
    invalid: { input: { query: "status:'active'", limit: 0 }, field: 'limit' },
  },
  {
    key: 'list_subscription_items',
    input: async (ctx) => {
      const [cus, a, b] = await Promise.all([customer(ctx), recurringPrice(ctx, 1000, 'Seats'), recurringPrice(ctx, 500, 'Support')]);
      const sub = await ctx.run('create_subscription', { customer: cus.id, items: [{ price: a.id, quantity: 3 }, { price: b.id }] });
      await subscription(ctx); // items of another subscription stay out
      return { subscription: sub.id };
    },
    request: () => ({ method: 'GET', path: '/v1/subscription_items' }),
    check: (result, input) => {
      expect(result.data).toHaveLength(2);
      for (const item of result.data) expect(item).toMatchObject({ object: 'subscription_item', subscription: input.subscription });
      expect(result.data.map((i: any) => i.quantity).sort()).toEqual([1, 3]);
    },
    invalid: { input: { subscription: 'si_123' }, field: 'subscription' },
  },

  // Checkout sessions
  {
    key: 'create_checkout_session',
    input: async (ctx) => {
      const [a, b] = await Promise.all([oneTimePrice(ctx, 2000, 'T-shirt'), oneTimePrice(ctx, 500, 'Sticker')]);
      return {
        mode: 'payment',
        line_items: [
          { price: a.id, quantity: 2 },
          { price: b.id, quantity: 3 },
        ],
        success_url: 'https://example.com/success',
        cancel_url: 'https://example.com/cart',
        customer_email: 'buyer@example.com',
        client_reference_id: 'order_42',
        allow_promotion_codes: true,
        metadata: { order: '42' },
        idempotency_key: 'checkout-order-42',
      };
    },
    request: () => ({ method: 'POST', path: '/v1/checkout/sessions' }),
    check: (session) => {
      expect(session).toMatchObject({
        object: 'checkout.session',
        mode: 'payment',
        status: 'open',
        payment_status: 'unpaid',
        amount_subtotal: 5500,
        amount_total: 5500,
        currency: 'usd',
        customer_email: 'buyer@example.com',
        client_reference_id: 'order_42',
        metadata: { order: '42' },
      });
      expect(session.id).toMatch(/^cs_test_/);
      expect(session.url).toMatch(new RegExp(`^https://checkout\\.stripe\\.com/c/pay/${session.id}`));
      expect(session.expires_at).toBe(session.created + 86_400);
    },
    invalid: { input: { mode: 'subscription', success_url: 'https://example.com/ok' }, field: 'line_items' },
  },
  {
    key: 'retrieve_checkout_session',
    input: async (ctx) => ({ checkout_session_id: (await checkoutSession(ctx)).id, expand: ['line_items'] }),
    request: (input) => ({ method: 'GET', path: `/v1/checkout/sessions/${input.checkout_session_id}` }),
    check: (session, input) => {
      expect(session).toMatchObject({ id: input.checkout_session_id, status: 'open', amount_total: 4000 });
      expect(session.line_items.data).toHaveLength(1);
      expect(session.line_items.data[0]).toMatchObject({ object: 'item', quantity: 2, amount_total: 4000 });
    },
    invalid: { input: { checkout_session_id: 'sub_1' }, field: 'checkout_session_id' },
  },
  {
    key: 'expire_checkout_session',
    input: async (ctx) => ({ checkout_session_id: (await checkoutSession(ctx)).id }),
    request: (input) => ({ method: 'POST', path: `/v1/checkout/sessions/${input.checkout_session_id}/expire` }),
    check: (session, input) => expect(session).toMatchObject({ id: input.checkout_session_id, status: 'expired', url: null }),
    invalid: { input: { checkout_session_id: 'cs_1', reason: 'x' }, field: 'reason' },
  },
  {
    key: 'list_checkout_sessions',
    input: async (ctx) => {
      const cus = await customer(ctx);
      await checkoutSession(ctx, { customer: cus.id });
      const expired = await checkoutSession(ctx, { customer: cus.id });
      await ctx.run('expire_checkout_session', { checkout_session_id: expired.id });
      await checkoutSession(ctx);
      return { customer: cus.id, status: 'open' };
    },
    request: () => ({ method: 'GET', path: '/v1/checkout/sessions' }),
    check: (result, input) => {
      expect(result.data).toHaveLength(1);
      expect(result.data[0]).toMatchObject({ object: 'checkout.session', customer: input.customer, status: 'open' });
    },
    invalid: { input: { status: 'paid' }, field: 'status' },
  },
  {
    key: 'list_checkout_session_line_items',
    input: async (ctx) => {
      const [a, b] = await Promise.all([oneTimePrice(ctx, 2000, 'T-shirt'), oneTimePrice(ctx, 500, 'Sticker')]);
      const session = await ctx.run('create_checkout_session', {
        mode: 'payment',
        line_items: [
          { price: a.id, quantity: 1 },
          { price: b.id, quantity: 4 },
        ],
        success_url: 'https://example.com/ok',
      });
      return { checkout_session_id: session.id, limit: 10 };
    },
    request: (input) => ({ method: 'GET', path: `/v1/checkout/sessions/${input.checkout_session_id}/line_items` }),
    check: (result) => {
      expect(result.data.map((i: any) => [i.description, i.quantity, i.amount_total])).toEqual([
        ['T-shirt', 1, 2000],
        ['Sticker', 4, 2000],
      ]);
    },
    invalid: { input: { checkout_session_id: 'pi_1' }, field: 'checkout_session_id' },
  },

  // Billing meters
  {
    key: 'create_meter_event',
    input: async (ctx) => {
      const [cus] = await Promise.all([customer(ctx), meter(ctx)]);
      return {
        event_name: 'api_requests',
        payload: { stripe_customer_id: cus.id, value: '25' },
        identifier: 'req-0001',
        timestamp: ctx.emulator.clock.now() - 60,
      };
    },
    request: () => ({ method: 'POST', path: '/v1/billing/meter_events' }),
    check: (event, input) => {
      expect(event).toEqual({
        object: 'billing.meter_event',
        created: expect.any(Number),
        event_name: 'api_requests',
        identifier: 'req-0001',
        livemode: false,
        payload: input.payload,
        timestamp: input.timestamp,
      });
    },
    invalid: { input: { event_name: 'api_requests', payload: { stripe_customer_id: 'cus_1', value: 'ten' } }, field: 'payload.value' },
  },
  {
    key: 'list_meters',
    input: async (ctx) => {
      const old = await meter(ctx, 'old_metric', 'Old');
      await ctx.client.request({ method: 'POST', path: `/v1/billing/meters/${old.id}/deactivate` });
      await meter(ctx, 'api_requests', 'API requests');
      return { status: 'active' };
    },
    request: () => ({ method: 'GET', path: '/v1/billing/meters' }),
    check: (result) => {
      expect(result.data).toHaveLength(1);
      expect(result.data[0]).toMatchObject({ object: 'billing.meter', event_name: 'api_requests', status: 'active' });
      expect(result.data[0].id).toMatch(/^mtr_/);
    },
    invalid: { input: { status: 'paused' }, field: 'status' },
  },

  // Events
  {
    key: 'retrieve_event',
    input: async (ctx) => {
      const sub = await subscription(ctx);
      await ctx.run('update_subscription', { subscription_id: sub.id, metadata: { tier: 'gold' } });
      const events = await ctx.run('list_events', { type: 'customer.subscription.updated' });
      return { event_id: events.data[0].id };
    },
    request: (input) => ({ method: 'GET', path: `/v1/events/${input.event_id}` }),
    check: (event, input) => {
      expect(event).toMatchObject({ id: input.event_id, object: 'event', type: 'customer.subscription.updated' });
      expect(event.data.object.metadata).toEqual({ tier: 'gold' });
      expect(event.data.previous_attributes).toEqual({ metadata: {} });
    },
    invalid: { input: { event_id: 'ev_1' }, field: 'event_id' },
  },
  {
    key: 'list_events',
    input: async (ctx) => {
      const sub = await subscription(ctx);
      await ctx.run('cancel_subscription', { subscription_id: sub.id });
      return { types: ['customer.subscription.created', 'customer.subscription.deleted'], created: { gte: ctx.emulator.clock.now() - 60 } };
    },
    request: () => ({ method: 'GET', path: '/v1/events' }),
    check: (result) => {
      expect(result.data.map((e: any) => e.type)).toEqual(['customer.subscription.deleted', 'customer.subscription.created']);
    },
    invalid: { input: { type: 'customer.*', types: ['customer.created'] }, field: 'types' },
  },
];
