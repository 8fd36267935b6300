/** Customers as the other resources see them: payment methods, default payment method, subscriptions, deletion. */
import { StripeCardError, StripeInvalidRequestError } from '../client/errors';
import { caught, useEmulator } from './support/harness';

const env = useEmulator();
const { run } = env;

describe('customers with payment methods and subscriptions', () => {
  it('create_customer attaches payment_method and can make it the invoice default', async () => {
    const pm = await run('create_payment_method', { type: 'card', card: { token: 'tok_visa' } });
    const customer = await run('create_customer', {
      email: 'pm@example.com',
      payment_method: pm.id,
      invoice_settings: { default_payment_method: pm.id },
    });
    expect(customer.invoice_settings.default_payment_method).toBe(pm.id);
    expect((await run('retrieve_payment_method', { payment_method_id: pm.id })).customer).toBe(customer.id);
    const listed = await run('list_customer_payment_methods', { customer_id: customer.id });
    expect(listed.data.map((m: any) => m.id)).toEqual([pm.id]);
  });

  it('refuses a default payment method the customer does not have, and a declining card, storing nothing', async () => {
    const pm = await run('create_payment_method', { type: 'card', card: { token: 'tok_visa' } });
    const customer = await run('create_customer', {});
    const notAttached = await caught(run('update_customer', { customer_id: customer.id, invoice_settings: { default_payment_method: pm.id } }));
    expect(notAttached).toBeInstanceOf(StripeInvalidRequestError);
    expect(notAttached).toMatchObject({ statusCode: 400, param: 'invoice_settings[default_payment_method]' });

    const declining = await run('create_payment_method', { type: 'card', card: { token: 'tok_chargeDeclined' } });
    const before = env.emulator.objects('customer').length;
    const declined = await caught(run('create_customer', { payment_method: declining.id }));
    expect(declined).toBeInstanceOf(StripeCardError);
    expect(env.emulator.objects('customer')).toHaveLength(before);
  });

  it('lists the customer\'s subscriptions under expand, and deleting the customer cancels them', async () => {
    const customer = await run('create_customer', { source: 'tok_visa' });
    const product = await run('create_product', { name: 'Plan' });
    const price = await run('create_price', { product: product.id, currency: 'usd', unit_amount: 900, recurring: { interval: 'month' } });
    const sub = await run('create_subscription', { customer: customer.id, items: [{ price: price.id }] });
    const expanded = await run('retrieve_customer', { customer_id: customer.id, expand: ['subscriptions'] });
    expect(expanded.subscriptions.data.map((s: any) => s.id)).toEqual([sub.id]);

    await run('delete_customer', { customer_id: customer.id });
    const after = await run('retrieve_subscription', { subscription_id: sub.id });
    expect(after).toMatchObject({ status: 'canceled', ended_at: expect.any(Number) });
    const events = await run('list_events', { type: 'customer.subscription.deleted' });
    expect(events.data.map((e: any) => e.data.object.id)).toEqual([sub.id]);
  });

  it('a coupon must exist to be applied', async () => {
    const customer = await run('create_customer', {});
    const missing = await caught(run('raw_api_request', { method: 'POST', path: `/v1/customers/${customer.id}`, body: { coupon: 'NOPE' } }));
    expect(missing).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'coupon' });
    await run('create_coupon', { id: 'TENOFF', percent_off: 10, duration: 'once' });
    const updated = await run('raw_api_request', { method: 'POST', path: `/v1/customers/${customer.id}`, body: { coupon: 'TENOFF' } });
    expect(updated.id).toBe(customer.id);
  });
});

describe('find_customer and find_invoice: null only when Stripe has no such object', () => {
  it('expand works by id and by email or number (list items are expanded under data.)', async () => {
    const customer = await run('create_customer', { email: 'x@example.com', source: 'tok_visa' });
    const byEmail = await run('find_customer', { email: 'x@example.com', expand: ['default_source'] });
    expect(byEmail.default_source).toMatchObject({ object: 'card', customer: customer.id });
    expect(env.emulator.requests.at(-1)!.query).toMatchObject({ expand: ['data.default_source'] });
    const byId = await run('find_customer', { customer_id: customer.id, expand: ['default_source'] });
    expect(byId.default_source).toMatchObject({ object: 'card' });

    await run('create_invoice_item', { customer: customer.id, amount: 700, currency: 'usd' });
    const invoice = await run('create_invoice', { customer: customer.id, pending_invoice_items_behavior: 'include' });
    const open = await run('finalize_invoice', { invoice_id: invoice.id });
    const byNumber = await run('find_invoice', { number: open.number, expand: ['customer'] });
    expect(byNumber).toMatchObject({ id: invoice.id, customer: { id: customer.id, object: 'customer' } });
  });

  it.each([
    ['find_customer', { customer_id: 'cus_1' }, '/v1/customers/cus_1'],
    ['find_customer', { email: 'a@example.com' }, '/v1/customers'],
    ['find_invoice', { invoice_id: 'in_1' }, '/v1/invoices/in_1'],
    ['find_invoice', { number: 'ABC-0001' }, '/v1/invoices/search'],
  ] as const)('%s %j throws on a 401, a 500 and a 404 that is not resource_missing', async (key, input, path) => {
    env.emulator.inject({ kind: 'status', status: 401, count: 1, match: { path } });
    expect((await caught(run(key, input))).statusCode).toBe(401);
    env.emulator.inject({ kind: 'status', status: 500, count: 3, match: { path } });
    expect((await caught(run(key, input))).statusCode).toBe(500);
    // A proxy or a wrong base URL answers 404 without Stripe's code: not "no such customer".
    env.emulator.inject({ kind: 'status', status: 404, count: 1, error: { type: 'invalid_request_error', code: undefined, message: 'Not Found' }, match: { path } });
    expect((await caught(run(key, input))).statusCode).toBe(404);
  });
});
