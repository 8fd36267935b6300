/**
 * Payments over real HTTP: payment intents (state machine, declines, capture, cancel), refunds,
 * payment methods and setup intents, through the connector's actions against the emulator, and the
 * events they record (read back with GET /v1/events through the client).
 */
import { StripeCardError, StripeError, StripeInvalidRequestError } from '../client/errors';
import { caught, listedEvents, useEmulator } from './support/harness';

const env = useEmulator();
const { run } = env;

/** Event types recorded so far, oldest first. */
const eventTypes = async (): Promise<string[]> => (await listedEvents(env.client)).map((e) => e.type);

/** Stripe's error fields as the connector exposes them. */
function stripeFields(error: StripeError): Record<string, unknown> {
  return { status: error.statusCode, type: error.type, code: error.code, message: error.message };
}

async function customerWithCard(): Promise<{ customer: any; pm: any }> {
  const customer = await run('create_customer', { email: 'pay@example.com' });
  const created = await run('create_payment_method', { type: 'card', card: { token: 'tok_visa' } });
  const pm = await run('attach_payment_method', { payment_method_id: created.id, customer: customer.id });
  return { customer, pm };
}

describe('scenario: pay, capture and refund until nothing is left', () => {
  it('customer -> saved card -> payment intent -> confirm -> capture -> partial refund -> refund the rest -> a third refund fails', async () => {
    const { customer, pm } = await customerWithCard();
    expect(pm.customer).toBe(customer.id);

    const created = await run('create_payment_intent', {
      amount: 2000,
      currency: 'usd',
      customer: customer.id,
      payment_method: pm.id,
      capture_method: 'manual',
      metadata: { order_id: 'o-1' },
    });
    expect(created.status).toBe('requires_confirmation');

    const confirmed = await run('confirm_payment_intent', { payment_intent_id: created.id });
    expect(confirmed).toMatchObject({ status: 'requires_capture', amount_capturable: 2000, amount_received: 0 });
    const authorized = await run('retrieve_charge', { charge_id: confirmed.latest_charge });
    expect(authorized).toMatchObject({ payment_intent: created.id, captured: false, status: 'succeeded', customer: customer.id, payment_method: pm.id });

    const captured = await run('capture_payment_intent', { payment_intent_id: created.id });
    expect(captured).toMatchObject({ status: 'succeeded', amount_received: 2000, amount_capturable: 0 });

    const first = await run('create_refund', { payment_intent: created.id, amount: 500, reason: 'requested_by_customer' });
    expect(first).toMatchObject({ status: 'succeeded', amount: 500, charge: confirmed.latest_charge, payment_intent: created.id });
    expect(await run('retrieve_charge', { charge_id: first.charge })).toMatchObject({ amount_refunded: 500, refunded: false });

    // More than what is left: Stripe's amount_too_large, with both amounts in its message.
    const tooMuch = await caught(run('create_refund', { payment_intent: created.id, amount: 1600 }));
    expect(tooMuch).toBeInstanceOf(StripeInvalidRequestError);
    expect(stripeFields(tooMuch)).toEqual({
      status: 400,
      type: 'invalid_request_error',
      code: 'amount_too_large',
      message: 'Refund amount ($16.00) is greater than unrefunded amount on charge ($15.00)',
    });
    expect(tooMuch.param).toBe('amount');

    const rest = await run('create_refund', { charge: first.charge });
    expect(rest).toMatchObject({ status: 'succeeded', amount: 1500, payment_intent: created.id });
    expect(await run('retrieve_charge', { charge_id: first.charge })).toMatchObject({ amount_refunded: 2000, refunded: true });

    const third = await caught(run('create_refund', { payment_intent: created.id, amount: 100 }));
    expect(third).toBeInstanceOf(StripeInvalidRequestError);
    expect(stripeFields(third)).toEqual({
      status: 400,
      type: 'invalid_request_error',
      code: 'charge_already_refunded',
      message: `Charge ${first.charge} has already been refunded.`,
    });

    const refunds = await run('list_refunds', { payment_intent: created.id });
    expect(refunds.data.map((r: any) => r.amount)).toEqual([1500, 500]);
    const balance = await run('retrieve_balance', {});
    expect(balance.available).toEqual([expect.objectContaining({ currency: 'usd', amount: 0 })]);

    expect(await eventTypes()).toEqual([
      'customer.created',
      'payment_method.attached',
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.amount_capturable_updated',
      'charge.captured',
      'payment_intent.succeeded',
      'charge.refunded',
      'refund.created',
      'charge.refunded',
      'refund.created',
    ]);
  });
});

describe('payment intent state machine', () => {
  it('refuses transitions Stripe refuses, with payment_intent_unexpected_state and its message', async () => {
    const open = await run('create_payment_intent', { amount: 1000, currency: 'usd' });
    const noMethod = await caught(run('confirm_payment_intent', { payment_intent_id: open.id }));
    expect(stripeFields(noMethod)).toEqual({
      status: 400,
      type: 'invalid_request_error',
      code: 'payment_intent_unexpected_state',
      message: expect.stringMatching(/^You cannot confirm this PaymentIntent because it's missing a payment method\./),
    });
    expect(noMethod.payment_intent).toBe(open.id);

    const notCapturable = await caught(run('capture_payment_intent', { payment_intent_id: open.id }));
    expect(stripeFields(notCapturable)).toEqual({
      status: 400,
      type: 'invalid_request_error',
      code: 'payment_intent_unexpected_state',
      message:
        'This PaymentIntent could not be captured because it has a status of requires_payment_method. ' +
        'Only a PaymentIntent with one of the following statuses may be captured: requires_capture.',
    });

    const paid = await run('create_payment_intent', { amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    expect(paid.status).toBe('succeeded');
    const again = await caught(run('confirm_payment_intent', { payment_intent_id: paid.id }));
    expect(again.code).toBe('payment_intent_unexpected_state');
    expect(again.message).toBe('You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed.');

    const cancel = await caught(run('cancel_payment_intent', { payment_intent_id: paid.id }));
    expect(stripeFields(cancel)).toEqual({
      status: 400,
      type: 'invalid_request_error',
      code: 'payment_intent_unexpected_state',
      message:
        'You cannot cancel this PaymentIntent because it has a status of succeeded. Only a PaymentIntent with one of the following ' +
        'statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, processing.',
    });

    const amount = await caught(run('update_payment_intent', { payment_intent_id: paid.id, amount: 5000 }));
    expect([amount.code, amount.param]).toEqual(['payment_intent_unexpected_state', 'amount']);
    // Description and metadata can still change.
    expect(await run('update_payment_intent', { payment_intent_id: paid.id, description: 'late note' })).toMatchObject({ description: 'late note' });

    const canceled = await run('cancel_payment_intent', { payment_intent_id: open.id, cancellation_reason: 'abandoned' });
    const confirmCanceled = await caught(run('confirm_payment_intent', { payment_intent_id: canceled.id, payment_method: 'pm_card_visa' }));
    expect(confirmCanceled.message).toMatch(/^You cannot confirm this PaymentIntent because it has a status of canceled\./);
  });

  it('refuses to capture more than is capturable, and captures part (the rest is released)', async () => {
    const pi = await run('create_payment_intent', { amount: 3000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, capture_method: 'manual' });
    const over = await caught(run('capture_payment_intent', { payment_intent_id: pi.id, amount_to_capture: 3001 }));
    expect([over.statusCode, over.code, over.param]).toEqual([400, 'amount_too_large', 'amount_to_capture']);
    const captured = await run('capture_payment_intent', { payment_intent_id: pi.id, amount_to_capture: 1000 });
    expect(captured).toMatchObject({ status: 'succeeded', amount_received: 1000 });
    const charge = await run('retrieve_charge', { charge_id: pi.latest_charge });
    expect(charge).toMatchObject({ amount_captured: 1000, amount_refunded: 2000, refunded: false });
    // Only the captured 1000 can be refunded.
    const refund = await run('create_refund', { payment_intent: pi.id });
    expect(refund.amount).toBe(1000);
  });

  it('a decline stores a failed charge, returns the intent to requires_payment_method and answers 402; a new card then succeeds', async () => {
    const customer = await run('create_customer', {});
    const error = await caught(
      run('create_payment_intent', { amount: 1200, currency: 'usd', customer: customer.id, payment_method: 'pm_card_chargeDeclined', confirm: true }),
    );
    expect(error).toBeInstanceOf(StripeCardError);
    expect(error).toMatchObject({ statusCode: 402, type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' });
    expect(error.charge).toMatch(/^ch_/);
    expect(error.payment_intent).toMatch(/^pi_/);

    const pi = await run('retrieve_payment_intent', { payment_intent_id: error.payment_intent });
    expect(pi).toMatchObject({ status: 'requires_payment_method', payment_method: null, latest_charge: error.charge, amount_received: 0 });
    expect(pi.last_payment_error).toMatchObject({ type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', charge: error.charge });
    expect(await run('retrieve_charge', { charge_id: error.charge })).toMatchObject({ status: 'failed', paid: false, payment_intent: pi.id });

    const retried = await run('confirm_payment_intent', { payment_intent_id: pi.id, payment_method: 'pm_card_visa' });
    expect(retried).toMatchObject({ status: 'succeeded', last_payment_error: null, amount_received: 1200 });
    expect(retried.latest_charge).not.toBe(error.charge);
    const charges = await run('list_charges', { payment_intent: pi.id });
    expect(charges.data.map((c: any) => c.status)).toEqual(['succeeded', 'failed']);

    expect(await eventTypes()).toEqual([
      'customer.created',
      'payment_intent.created',
      'charge.failed',
      'payment_intent.payment_failed',
      'charge.succeeded',
      'payment_intent.succeeded',
    ]);
  });

  it('canceling an authorized intent releases the charge and records payment_intent.canceled', async () => {
    const pi = await run('create_payment_intent', { amount: 900, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, capture_method: 'manual' });
    const canceled = await run('cancel_payment_intent', { payment_intent_id: pi.id, cancellation_reason: 'duplicate' });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'duplicate', amount_capturable: 0 });
    expect(await run('retrieve_charge', { charge_id: pi.latest_charge })).toMatchObject({ captured: false, refunded: true, amount_refunded: 900 });
    const refund = await caught(run('create_refund', { payment_intent: pi.id }));
    expect(refund.code).toBe('charge_not_refundable');
    const events = await eventTypes();
    expect(events.slice(-2)).toEqual(['charge.refunded', 'payment_intent.canceled']);
    expect(events).not.toContain('charge.created');
  });

  it('setup_future_usage saves the card to the customer on success; a test id makes a new payment method each time', async () => {
    const customer = await run('create_customer', {});
    const pi = await run('create_payment_intent', {
      amount: 1000, currency: 'usd', customer: customer.id, payment_method: 'pm_card_visa', setup_future_usage: 'off_session', confirm: true,
    });
    expect(pi.status).toBe('succeeded');
    expect(pi.payment_method).toMatch(/^pm_(?!card_)/);
    const saved = await run('list_customer_payment_methods', { customer_id: customer.id });
    expect(saved.data.map((pm: any) => pm.id)).toEqual([pi.payment_method]);
    // The saved card pays again off-session, without the test id.
    const renewal = await run('create_payment_intent', {
      amount: 1000, currency: 'usd', customer: customer.id, payment_method: pi.payment_method, confirm: true, off_session: true,
    });
    expect(renewal).toMatchObject({ status: 'succeeded', payment_method: pi.payment_method });
  });

  it('line items set through amount_details are listed, and an update replaces them', async () => {
    // Stripe's amount_details is newer than the spec the create/update actions follow: raw requests set it.
    const created = await env.client.request({
      method: 'POST',
      path: '/v1/payment_intents',
      params: { amount: 3000, currency: 'usd', amount_details: { line_items: [{ product_name: 'Mug', quantity: 3, unit_cost: 1000 }] } },
    });
    const pi = created.body as any;
    expect(pi.amount_details.line_items.data).toEqual([expect.objectContaining({ product_name: 'Mug', quantity: 3, unit_cost: 1000 })]);
    await env.client.request({
      method: 'POST',
      path: `/v1/payment_intents/${pi.id}`,
      params: { amount_details: { line_items: [{ product_name: 'Plate', quantity: 1, unit_cost: 1500 }, { product_name: 'Bowl', quantity: 1, unit_cost: 1500 }] } },
    });
    const bad = await caught(
      env.client.request({ method: 'POST', path: `/v1/payment_intents/${pi.id}`, params: { amount_details: { line_items: [{ product_name: 'X' }] } } }),
    );
    expect([bad.statusCode, bad.code, bad.param]).toEqual([400, 'parameter_missing', 'amount_details[line_items][0][quantity]']);
    const items = await run('list_payment_intent_line_items', { payment_intent_id: pi.id, return_all: true });
    expect(items.data.map((i: any) => i.product_name).sort()).toEqual(['Bowl', 'Plate']);
  });
});

describe('refunds', () => {
  it('refunds a direct charge in full by default, and refuses what Stripe refuses', async () => {
    const charge = await run('create_charge', { amount: 1000, currency: 'usd', source: 'tok_visa' });
    const refund = await run('create_refund', { charge: charge.id, metadata: { why: 'test' } });
    expect(refund).toMatchObject({ amount: 1000, status: 'succeeded', payment_intent: null, metadata: { why: 'test' } });
    const expanded = await env.client.request({ method: 'GET', path: `/v1/charges/${charge.id}`, params: { expand: ['refunds'] } });
    expect((expanded.body as any).refunds.data.map((r: any) => r.id)).toEqual([refund.id]);

    const none = await caught(env.client.request({ method: 'POST', path: '/v1/refunds', params: { amount: 100 } }));
    expect([none.statusCode, none.code]).toEqual([400, 'parameter_missing']);

    const cancel = await caught(run('cancel_refund', { refund_id: refund.id }));
    expect(stripeFields(cancel)).toMatchObject({ status: 400, type: 'invalid_request_error' });
    expect(cancel.message).toMatch(/status of succeeded\. Only refunds with a status of requires_action can be canceled\.$/);

    const updated = await run('update_refund', { refund_id: refund.id, metadata: null });
    expect(updated.metadata).toEqual({});
    const events = await eventTypes();
    expect(events).toEqual(['charge.succeeded', 'charge.refunded', 'refund.created', 'refund.updated']);
  });

  it('refuses to refund a charged-back payment (Stripe\'s charge_disputed)', async () => {
    const pi = await run('create_payment_intent', { amount: 1000, currency: 'usd', payment_method: 'pm_card_createDispute', confirm: true });
    expect(await run('retrieve_charge', { charge_id: pi.latest_charge })).toMatchObject({ disputed: true });
    const error = await caught(run('create_refund', { payment_intent: pi.id }));
    expect(stripeFields(error)).toEqual({
      status: 400,
      type: 'invalid_request_error',
      code: 'charge_disputed',
      message: `Charge ${pi.latest_charge} has been charged back; cannot issue a refund.`,
    });
  });

  it('a refund waiting for the customer can be canceled, which gives the amount back to the charge', async () => {
    const pi = await run('create_payment_intent', { amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    const pending = await run('create_refund', { payment_intent: pi.id, amount: 400, instructions_email: 'jane@example.com' });
    expect(pending.status).toBe('requires_action');
    const canceled = await run('cancel_refund', { refund_id: pending.id });
    expect(canceled.status).toBe('canceled');
    expect(await run('retrieve_charge', { charge_id: pi.latest_charge })).toMatchObject({ amount_refunded: 0, refunded: false });
    expect((await eventTypes()).slice(-1)).toEqual(['refund.updated']);
  });
});

describe('payment methods', () => {
  it('attaches, lists by customer and type, detaches (customer null) and records attached/detached', async () => {
    const { customer, pm } = await customerWithCard();
    const listed = await run('list_customer_payment_methods', { customer_id: customer.id, type: 'card' });
    expect(listed.data.map((m: any) => m.id)).toEqual([pm.id]);
    expect((await run('list_customer_payment_methods', { customer_id: customer.id, type: 'sepa_debit' })).data).toEqual([]);

    const detached = await run('detach_payment_method', { payment_method_id: pm.id });
    expect(detached.customer).toBeNull();
    expect((await run('list_customer_payment_methods', { customer_id: customer.id })).data).toEqual([]);
    const twice = await caught(run('detach_payment_method', { payment_method_id: pm.id }));
    expect(twice.statusCode).toBe(400);
    expect(await eventTypes()).toEqual(['customer.created', 'payment_method.attached', 'payment_method.detached']);
  });

  it('refuses to attach a declined card, and a card of another customer on a payment intent', async () => {
    const customer = await run('create_customer', {});
    const declined = await run('create_payment_method', { type: 'card', card: { token: 'tok_chargeDeclined' } });
    const error = await caught(run('attach_payment_method', { payment_method_id: declined.id, customer: customer.id }));
    expect(error).toBeInstanceOf(StripeCardError);
    expect([error.statusCode, error.code]).toEqual([402, 'card_declined']);

    const { pm } = await customerWithCard();
    const foreign = await caught(run('create_payment_intent', { amount: 1000, currency: 'usd', customer: customer.id, payment_method: pm.id }));
    expect([foreign.statusCode, foreign.param]).toEqual([400, 'payment_method']);
    const unknown = await caught(run('retrieve_payment_method', { payment_method_id: 'pm_doesnotexist' }));
    expect([unknown.statusCode, unknown.code]).toEqual([404, 'resource_missing']);
  });
});

describe('setup intents', () => {
  it('a decline fails the setup; a good card succeeds and is attached; a succeeded intent cannot be canceled', async () => {
    const customer = await run('create_customer', {});
    const si = await run('create_setup_intent', { customer: customer.id });
    expect(si.status).toBe('requires_payment_method');

    const declined = await caught(run('confirm_setup_intent', { setup_intent_id: si.id, payment_method: 'pm_card_chargeDeclined' }));
    expect([declined.statusCode, declined.type, declined.code]).toEqual([402, 'card_error', 'card_declined']);
    const failed = await run('retrieve_setup_intent', { setup_intent_id: si.id });
    expect(failed).toMatchObject({ status: 'requires_payment_method', last_setup_error: { code: 'card_declined' } });

    const ok = await run('confirm_setup_intent', { setup_intent_id: si.id, payment_method: 'pm_card_visa' });
    expect(ok).toMatchObject({ status: 'succeeded', last_setup_error: null });
    const saved = await run('retrieve_payment_method', { payment_method_id: ok.payment_method });
    expect(saved.customer).toBe(customer.id);

    const cancel = await caught(run('cancel_setup_intent', { setup_intent_id: si.id }));
    expect(stripeFields(cancel)).toEqual({
      status: 400,
      type: 'invalid_request_error',
      code: 'setup_intent_unexpected_state',
      message:
        'You cannot cancel this SetupIntent because it has a status of succeeded. Only a SetupIntent with one of the following ' +
        'statuses may be canceled: requires_payment_method, requires_confirmation, requires_action.',
    });
    expect(await eventTypes()).toEqual([
      'customer.created',
      'setup_intent.created',
      'setup_intent.setup_failed',
      'payment_method.attached',
      'setup_intent.succeeded',
    ]);
  });
});
