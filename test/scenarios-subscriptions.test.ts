/**
 * Subscriptions, checkout sessions, billing meters and events over real HTTP: the connector's actions
 * against the emulator (state machines, Stripe's errors, the events the polling triggers read).
 */
import { StripeInvalidRequestError } from '../client/errors';
import { caught, useEmulator } from './support/harness';
import { customer, meter, oneTimePrice, recurringPrice, subscription } from './support/objects';

const env = useEmulator();
const { run } = env;

/** Events of a `type` pattern, oldest first. */
async function eventsOf(type: string): Promise<any[]> {
  const page = await run('list_events', { type, limit: 100 });
  return [...page.data].reverse();
}

function errorFields(error: InstanceType<typeof StripeInvalidRequestError> | Error): Record<string, unknown> {
  const e = error as any;
  return { class: e.constructor.name, statusCode: e.statusCode, type: e.type, code: e.code, param: e.param };
}

describe('subscriptions', () => {
  it('lifecycle: create, change the quantity, cancel; customer.subscription.created/updated/deleted in order', async () => {
    const sub = await subscription(env, { metadata: { plan: 'pro' } });
    expect(sub.status).toBe('active');
    const itemId = sub.items.data[0].id;
    expect((await run('list_subscription_items', { subscription: sub.id })).data.map((i: any) => i.id)).toEqual([itemId]);

    const updated = await run('update_subscription', { subscription_id: sub.id, items: [{ id: itemId, quantity: 4 }] });
    expect(updated.items.data).toEqual([expect.objectContaining({ id: itemId, quantity: 4 })]);
    expect((await run('list_subscription_items', { subscription: sub.id })).data[0].quantity).toBe(4);

    const canceled = await run('cancel_subscription', { subscription_id: sub.id });
    expect(canceled).toMatchObject({ id: sub.id, status: 'canceled', canceled_at: expect.any(Number), ended_at: expect.any(Number) });

    const events = await eventsOf('customer.subscription.*');
    expect(events.map((e) => e.type)).toEqual(['customer.subscription.created', 'customer.subscription.updated', 'customer.subscription.deleted']);
    for (const event of events) expect(event.data.object.id).toBe(sub.id);
    const [, update, deletion] = events;
    expect(update.data.object.items.data[0].quantity).toBe(4);
    // previous_attributes holds the changed top-level fields as they were: the item list with quantity 1.
    expect(Object.keys(update.data.previous_attributes)).toEqual(['items']);
    expect(update.data.previous_attributes.items.data[0]).toMatchObject({ id: itemId, quantity: 1 });
    expect(deletion.data.object.status).toBe('canceled');
  });

  it('refuses to resume an active subscription with Stripe\'s error, and changes nothing', async () => {
    const sub = await subscription(env);
    const error = await caught(run('resume_subscription', { subscription_id: sub.id }));
    expect(error).toBeInstanceOf(StripeInvalidRequestError);
    expect(errorFields(error)).toMatchObject({ statusCode: 400, type: 'invalid_request_error' });
    expect(error.message).toMatch(/paused/);
    expect((await run('retrieve_subscription', { subscription_id: sub.id })).status).toBe('active');
    expect((await eventsOf('customer.subscription.*')).map((e) => e.type)).toEqual(['customer.subscription.created']);
  });

  it('a trial set to pause without a payment method pauses when it ends; resume makes it active again', async () => {
    const trialEnd = env.emulator.clock.now() + 3600;
    const sub = await subscription(env, { trial_end: trialEnd, trial_settings: { end_behavior: { missing_payment_method: 'pause' } } });
    expect(sub).toMatchObject({ status: 'trialing', trial_end: trialEnd });
    env.emulator.clock.advance(3601);
    expect((await run('list_subscriptions', { status: 'paused' })).data.map((s: any) => s.id)).toEqual([sub.id]);
    const resumed = await run('resume_subscription', { subscription_id: sub.id });
    expect(resumed.status).toBe('active');
    expect((await eventsOf('customer.subscription.*')).map((e) => e.type)).toEqual([
      'customer.subscription.created',
      'customer.subscription.updated',
      'customer.subscription.paused',
      'customer.subscription.updated',
      'customer.subscription.resumed',
    ]);
    const updates = await eventsOf('customer.subscription.updated');
    expect(updates[0].data.previous_attributes.status).toBe('trialing');
    expect(updates[1].data.previous_attributes.status).toBe('paused');
  });

  it('default_payment_method must be attached to the customer; with one, an ended trial becomes active, not paused', async () => {
    const [cus, price] = await Promise.all([customer(env), recurringPrice(env)]);
    const pm = await run('create_payment_method', { type: 'card', card: { token: 'tok_visa' } });
    const trial = { trial_period_days: 7, trial_settings: { end_behavior: { missing_payment_method: 'pause' } } };
    const unattached = await caught(
      run('create_subscription', { customer: cus.id, items: [{ price: price.id }], default_payment_method: pm.id, ...trial }),
    );
    expect(errorFields(unattached)).toMatchObject({ statusCode: 400, param: 'default_payment_method' });
    await run('attach_payment_method', { payment_method_id: pm.id, customer: cus.id });
    const sub = await run('create_subscription', { customer: cus.id, items: [{ price: price.id }], default_payment_method: pm.id, ...trial });
    expect(sub.status).toBe('trialing');
    env.emulator.clock.advance(7 * 86_400);
    const after = await run('retrieve_subscription', { subscription_id: sub.id, expand: ['default_payment_method'] });
    expect(after).toMatchObject({ status: 'active', default_payment_method: { id: pm.id, object: 'payment_method' } });
    expect(after.items.data[0].current_period_start).toBe(sub.trial_end);
  });

  it('cancel_at_period_end cancels once the period is over (customer.subscription.deleted)', async () => {
    const sub = await subscription(env);
    await run('update_subscription', { subscription_id: sub.id, cancel_at_period_end: true });
    env.emulator.clock.set(sub.items.data[0].current_period_end + 1);
    const after = await run('retrieve_subscription', { subscription_id: sub.id });
    expect(after).toMatchObject({ status: 'canceled', cancel_at_period_end: true });
    expect((await eventsOf('customer.subscription.deleted')).map((e) => e.data.object.id)).toEqual([sub.id]);
    expect((await run('list_subscriptions', { status: 'ended' })).data.map((s: any) => s.id)).toEqual([sub.id]);
    expect((await run('list_subscriptions', {})).data).toEqual([]);
  });

  it('refuses what Stripe refuses: a one-time price, a missing customer, changes to a canceled subscription, a second cancel', async () => {
    const [cus, oneTime] = await Promise.all([customer(env), oneTimePrice(env)]);
    const oneTimeError = await caught(run('create_subscription', { customer: cus.id, items: [{ price: oneTime.id }] }));
    expect(errorFields(oneTimeError)).toMatchObject({ statusCode: 400, param: 'items[0][price]' });
    expect(oneTimeError.message).toMatch(/type=recurring/);

    const price = await recurringPrice(env);
    const missing = await caught(run('create_subscription', { customer: 'cus_doesnotexist', items: [{ price: price.id }] }));
    expect(errorFields(missing)).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'customer' });

    const sub = await run('create_subscription', { customer: cus.id, items: [{ price: price.id }] });
    await run('cancel_subscription', { subscription_id: sub.id });
    const change = await caught(run('update_subscription', { subscription_id: sub.id, cancel_at_period_end: true }));
    expect(errorFields(change)).toMatchObject({ statusCode: 400, param: 'cancel_at_period_end' });
    // Metadata is still allowed.
    expect((await run('update_subscription', { subscription_id: sub.id, metadata: { note: 'churned' } })).metadata).toEqual({ note: 'churned' });
    expect(errorFields(await caught(run('cancel_subscription', { subscription_id: sub.id })))).toMatchObject({ statusCode: 400 });
  });

  it('update: adds and removes items, refuses removing the last one', async () => {
    const sub = await subscription(env);
    const addon = await recurringPrice(env, 500, 'Support');
    const both = await run('update_subscription', { subscription_id: sub.id, items: [{ price: addon.id, quantity: 2 }] });
    expect(both.items.data).toHaveLength(2);
    const first = sub.items.data[0].id;
    const only = await run('update_subscription', { subscription_id: sub.id, items: [{ id: first, deleted: true }] });
    expect(only.items.data.map((i: any) => i.price.id)).toEqual([addon.id]);
    const last = only.items.data[0].id;
    const error = await caught(run('update_subscription', { subscription_id: sub.id, items: [{ id: last, deleted: true }] }));
    expect(errorFields(error)).toMatchObject({ statusCode: 400, param: 'items' });
  });
});

describe('checkout sessions', () => {
  it('create, list line items, expire, and a second expire is refused', async () => {
    const [shirt, sticker] = await Promise.all([oneTimePrice(env, 2000, 'T-shirt'), oneTimePrice(env, 250, 'Sticker')]);
    const session = await run('create_checkout_session', {
      mode: 'payment',
      line_items: [
        { price: shirt.id, quantity: 1 },
        { price: sticker.id, quantity: 4 },
      ],
      success_url: 'https://example.com/thanks',
      client_reference_id: 'order_7',
    });
    expect(session).toMatchObject({ status: 'open', amount_total: 3000, client_reference_id: 'order_7' });
    expect(session.url).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);

    const items = await run('list_checkout_session_line_items', { checkout_session_id: session.id });
    expect(items.data.map((i: any) => [i.price.id, i.quantity, i.amount_total])).toEqual([
      [shirt.id, 1, 2000],
      [sticker.id, 4, 1000],
    ]);
    const firstPage = await run('list_checkout_session_line_items', { checkout_session_id: session.id, limit: 1 });
    expect(firstPage).toMatchObject({ has_more: true, data: [expect.objectContaining({ price: expect.objectContaining({ id: shirt.id }) })] });

    const expired = await run('expire_checkout_session', { checkout_session_id: session.id });
    expect(expired).toMatchObject({ status: 'expired', url: null });
    const again = await caught(run('expire_checkout_session', { checkout_session_id: session.id }));
    expect(again).toBeInstanceOf(StripeInvalidRequestError);
    expect(errorFields(again)).toMatchObject({ statusCode: 400, type: 'invalid_request_error' });
    expect(again.message).toMatch(/status of `expired`/);

    expect((await eventsOf('checkout.session.*')).map((e) => [e.type, e.data.object.id])).toEqual([['checkout.session.expired', session.id]]);
    expect((await run('list_checkout_sessions', { status: 'expired' })).data.map((s: any) => s.id)).toEqual([session.id]);
  });

  it('subscription mode needs a recurring price; payment mode refuses one (the emulator, past the schema)', async () => {
    const [oneTime, recurring] = await Promise.all([oneTimePrice(env), recurringPrice(env)]);
    const noRecurring = await caught(
      run('create_checkout_session', { mode: 'subscription', line_items: [{ price: oneTime.id, quantity: 1 }], success_url: 'https://example.com/ok' }),
    );
    expect(errorFields(noRecurring)).toMatchObject({ statusCode: 400, param: 'line_items' });
    const recurringInPayment = await caught(
      run('create_checkout_session', { mode: 'payment', line_items: [{ price: recurring.id, quantity: 1 }], success_url: 'https://example.com/ok' }),
    );
    expect(errorFields(recurringInPayment)).toMatchObject({ statusCode: 400, param: 'line_items[0][price]' });
    const ok = await run('create_checkout_session', {
      mode: 'subscription',
      line_items: [{ price: recurring.id, quantity: 1 }],
      success_url: 'https://example.com/ok',
    });
    expect(ok).toMatchObject({ mode: 'subscription', status: 'open', amount_total: 1500 });
    // Without line_items the emulator answers as Stripe does (the schema refuses it first).
    const direct = await caught(env.client.request({ method: 'POST', path: '/v1/checkout/sessions', params: { mode: 'payment', success_url: 'https://example.com' } }));
    expect(errorFields(direct)).toMatchObject({ statusCode: 400, param: 'line_items' });
  });
});

describe('billing meters', () => {
  it('a second meter event with the same identifier is refused; another identifier is accepted', async () => {
    const [cus] = await Promise.all([customer(env), meter(env)]);
    const input = { event_name: 'api_requests', payload: { stripe_customer_id: cus.id, value: '3' }, identifier: 'usage-42' };
    expect(await run('create_meter_event', input)).toMatchObject({ object: 'billing.meter_event', identifier: 'usage-42' });
    const duplicate = await caught(run('create_meter_event', input));
    expect(duplicate).toBeInstanceOf(StripeInvalidRequestError);
    expect(errorFields(duplicate)).toMatchObject({ statusCode: 400, type: 'invalid_request_error', param: 'identifier' });
    expect(await run('create_meter_event', { ...input, identifier: 'usage-43' })).toMatchObject({ identifier: 'usage-43' });
    // Uniqueness holds for 24 hours.
    env.emulator.clock.advance(24 * 60 * 60 + 1);
    expect(await run('create_meter_event', input)).toMatchObject({ identifier: 'usage-42' });
    // No v1 events for meter events.
    expect((await eventsOf('billing.*'))).toEqual([]);
  });

  it('refuses an event name without an active meter, an unknown customer and (past the schema) a non-numeric value', async () => {
    const cus = await customer(env);
    const m = await meter(env);
    const noMeter = await caught(run('create_meter_event', { event_name: 'other', payload: { stripe_customer_id: cus.id, value: '1' } }));
    expect(errorFields(noMeter)).toMatchObject({ statusCode: 400, param: 'event_name' });
    const noCustomer = await caught(run('create_meter_event', { event_name: 'api_requests', payload: { stripe_customer_id: 'cus_nobody', value: '1' } }));
    expect(errorFields(noCustomer)).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'payload[stripe_customer_id]' });
    const direct = await caught(
      env.client.request({ method: 'POST', path: '/v1/billing/meter_events', params: { event_name: 'api_requests', payload: { stripe_customer_id: cus.id, value: 'many' } } }),
    );
    expect(errorFields(direct)).toMatchObject({ statusCode: 400, param: 'payload[value]' });
    await env.client.request({ method: 'POST', path: `/v1/billing/meters/${m.id}/deactivate` });
    const inactive = await caught(run('create_meter_event', { event_name: 'api_requests', payload: { stripe_customer_id: cus.id, value: '1' } }));
    expect(errorFields(inactive)).toMatchObject({ statusCode: 400, param: 'event_name' });
    expect((await run('list_meters', { status: 'inactive' })).data.map((x: any) => x.id)).toEqual([m.id]);
  });
});

describe('events', () => {
  it('list_events filters by types[], by a * pattern and by created', async () => {
    const start = env.emulator.clock.now();
    env.emulator.clock.set(start);
    const cus = await customer(env);
    const sub = await run('create_subscription', { customer: cus.id, items: [{ price: (await recurringPrice(env)).id }] });
    env.emulator.clock.advance(100);
    await run('update_subscription', { subscription_id: sub.id, metadata: { a: '1' } });
    await run('cancel_subscription', { subscription_id: sub.id });

    const byTypes = await run('list_events', { types: ['customer.created', 'customer.subscription.deleted'] });
    expect(byTypes.data.map((e: any) => e.type)).toEqual(['customer.subscription.deleted', 'customer.created']);

    const wildcard = await run('list_events', { type: 'customer.subscription.*' });
    expect(wildcard.data.map((e: any) => e.type)).toEqual([
      'customer.subscription.deleted',
      'customer.subscription.updated',
      'customer.subscription.created',
    ]);
    const exact = await run('list_events', { type: 'customer.subscription' });
    expect(exact.data).toEqual([]);

    const recent = await run('list_events', { type: 'customer.*', created: { gte: start + 100 } });
    expect(recent.data.map((e: any) => e.type)).toEqual(['customer.subscription.deleted', 'customer.subscription.updated']);

    // A cursor outside the filter still places the page (as Stripe's lists do).
    const customerEvent = byTypes.data[1];
    const newer = await run('list_events', { type: 'customer.subscription.*', ending_before: customerEvent.id });
    expect(newer.data).toHaveLength(3);

    const retrieved = await run('retrieve_event', { event_id: wildcard.data[1].id });
    expect(retrieved.data.previous_attributes).toEqual({ metadata: {} });

    const both = await caught(env.client.request({ method: 'GET', path: '/v1/events', params: { type: 'customer.*', types: ['customer.created'] } }));
    expect(errorFields(both)).toMatchObject({ statusCode: 400, param: 'types' });
  });
});
