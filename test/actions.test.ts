import { StripeCardError, StripeInputValidationError, StripeInvalidRequestError } from '../client/errors';
import { sendAction } from '../actions/define';
import { listActions } from '../connector/registry';
import { caught, useEmulator } from './support/harness';

type Obj = { id: string; [field: string]: any };

const env = useEmulator();
const { run } = env;

function lastRequest() {
  return env.emulator.requests.at(-1)!;
}

async function refusal(key: string, input: unknown): Promise<StripeInputValidationError> {
  const error = await caught(run(key, input));
  expect(error).toBeInstanceOf(StripeInputValidationError);
  return error as StripeInputValidationError;
}

describe('every action over HTTP', () => {
  it('create_customer posts Stripe\'s parameter names and returns the customer', async () => {
    const fields = {
      email: 'jane@example.com',
      name: 'Jane',
      metadata: { plan: 'pro' },
      address: { city: 'Lyon', country: 'FR' },
      preferred_locales: ['fr'],
      source: 'tok_visa',
    };
    const customer: Obj = await run('create_customer', { ...fields, idempotency_key: 'signup-jane' });
    expect(customer).toMatchObject({ object: 'customer', email: 'jane@example.com', metadata: { plan: 'pro' } });
    expect(customer.default_source).toMatch(/^card_/);
    const request = lastRequest();
    expect([request.method, request.path]).toEqual(['POST', '/v1/customers']);
    // Every field goes to Stripe under its own name; the idempotency key goes in the header only.
    expect(request.body).toEqual(fields);
    expect(request.headers['idempotency-key']).toBe('signup-jane');
  });

  it('retrieve_customer, update_customer (null clears, metadata merges), delete_customer', async () => {
    const created: Obj = await run('create_customer', { email: 'a@b.co', description: 'VIP', metadata: { a: '1' } });
    const fetched: Obj = await run('retrieve_customer', { customer_id: created.id });
    expect(fetched.id).toBe(created.id);
    expect([lastRequest().method, lastRequest().path]).toEqual(['GET', `/v1/customers/${created.id}`]);

    const updated: Obj = await run('update_customer', { customer_id: created.id, description: null, metadata: { b: '2' }, name: 'Ann' });
    expect(lastRequest().rawBody.split('&').sort()).toEqual(['description=', 'metadata[b]=2', 'name=Ann']);
    expect(updated).toMatchObject({ description: null, name: 'Ann', metadata: { a: '1', b: '2' } });

    const cleared: Obj = await run('update_customer', { customer_id: created.id, address: null, tax_exempt: null, phone: null });
    expect(lastRequest().rawBody.split('&').sort()).toEqual(['address=', 'phone=', 'tax_exempt=']);
    expect(cleared).toMatchObject({ address: null, phone: null });

    const deleted: Obj = await run('delete_customer', { customer_id: created.id });
    expect(deleted).toEqual({ id: created.id, object: 'customer', deleted: true });
    expect([lastRequest().method, lastRequest().path]).toEqual(['DELETE', `/v1/customers/${created.id}`]);
    expect(await run('retrieve_customer', { customer_id: created.id })).toMatchObject({ deleted: true });
  });

  it('list_customers filters by email and pages with cursors', async () => {
    for (const email of ['x@example.com', 'y@example.com', 'x@example.com']) await run('create_customer', { email });
    const page = await run('list_customers', { email: 'x@example.com', limit: 1 });
    expect(lastRequest().rawQuery).toBe('email=x%40example.com&limit=1');
    expect(page.data).toHaveLength(1);
    expect(page.has_more).toBe(true);
    const next = await run('list_customers', { email: 'x@example.com', limit: 1, starting_after: page.data[0].id });
    expect(next.data[0].email).toBe('x@example.com');
    expect(next.data[0].id).not.toBe(page.data[0].id);
    expect(next.has_more).toBe(false);
  });

  it('search_customers sends the query and returns data, has_more, next_page', async () => {
    await run('create_customer', { email: 'findme@example.com', metadata: { tier: 'gold' } });
    await run('create_customer', { email: 'other@example.com' });
    const result = await run('search_customers', { query: "metadata['tier']:'gold'" });
    expect(lastRequest().path).toBe('/v1/customers/search');
    expect(lastRequest().query).toEqual({ query: "metadata['tier']:'gold'", limit: '10' });
    expect(result.data.map((c: Obj) => c.email)).toEqual(['findme@example.com']);
    expect(result).toMatchObject({ has_more: false, next_page: null });
  });

  it('create_charge with a source, with a customer\'s default card, and lowercases the currency', async () => {
    const charge: Obj = await run('create_charge', { amount: 2500, currency: 'USD', source: 'tok_visa', metadata: { order: '42' } });
    expect(charge).toMatchObject({ object: 'charge', amount: 2500, currency: 'usd', status: 'succeeded', paid: true, captured: true });
    expect(lastRequest().body).toEqual({ amount: '2500', currency: 'usd', source: 'tok_visa', metadata: { order: '42' } });

    const customer: Obj = await run('create_customer', { source: 'tok_mastercard' });
    const customerCharge: Obj = await run('create_charge', { amount: 500, currency: 'jpy', customer: customer.id });
    expect(customerCharge).toMatchObject({ customer: customer.id, amount: 500, currency: 'jpy' });
  });

  it('create_charge surfaces a decline as a card error carrying the failed charge', async () => {
    const error = await caught(run('create_charge', { amount: 1000, currency: 'usd', source: 'tok_chargeDeclinedInsufficientFunds' }));
    expect(error).toBeInstanceOf(StripeCardError);
    expect(error).toMatchObject({ code: 'card_declined', decline_code: 'insufficient_funds', statusCode: 402 });
    expect(env.emulator.objects('charge')).toEqual([expect.objectContaining({ id: error.charge, status: 'failed' })]);
  });

  it('retrieve_charge, update_charge, capture_charge (partial)', async () => {
    const authorized: Obj = await run('create_charge', { amount: 3000, currency: 'eur', source: 'tok_visa', capture: false });
    expect(lastRequest().rawBody).toContain('capture=false');
    expect(authorized.captured).toBe(false);

    expect((await run('retrieve_charge', { charge_id: authorized.id })).id).toBe(authorized.id);
    const updated: Obj = await run('update_charge', { charge_id: authorized.id, description: 'Order 7', metadata: { order: '7' } });
    expect(updated).toMatchObject({ description: 'Order 7', metadata: { order: '7' } });

    const captured: Obj = await run('capture_charge', { charge_id: authorized.id, amount: 2000 });
    expect([lastRequest().method, lastRequest().path, lastRequest().rawBody]).toEqual(['POST', `/v1/charges/${authorized.id}/capture`, 'amount=2000']);
    expect(captured).toMatchObject({ captured: true, amount_captured: 2000, amount_refunded: 1000 });

    const again = await caught(run('capture_charge', { charge_id: authorized.id }));
    expect(again).toBeInstanceOf(StripeInvalidRequestError);
    expect(again.code).toBe('charge_already_captured');
  });

  it('list_charges filters by customer and created range; search_charges finds by status', async () => {
    const customer: Obj = await run('create_customer', { source: 'tok_visa' });
    env.emulator.clock.set(1_800_000_000);
    const early: Obj = await run('create_charge', { amount: 1000, currency: 'usd', customer: customer.id });
    env.emulator.clock.set(1_800_000_100);
    const late: Obj = await run('create_charge', { amount: 1500, currency: 'usd', customer: customer.id });
    await run('create_charge', { amount: 700, currency: 'usd', source: 'tok_visa' });
    env.emulator.clock.useRealTime();

    const inRange = await run('list_charges', { customer: customer.id, created: { gte: 1_800_000_050 } });
    expect(lastRequest().rawQuery).toBe(`customer=${customer.id}&created[gte]=1800000050&limit=10`);
    expect(inRange.data.map((c: Obj) => c.id)).toEqual([late.id]);
    const all = await run('list_charges', { customer: customer.id });
    expect(all.data.map((c: Obj) => c.id)).toEqual([late.id, early.id]);

    const found = await run('search_charges', { query: `customer:'${customer.id}' AND amount>1200` });
    expect(found.data.map((c: Obj) => c.id)).toEqual([late.id]);
  });

  it('retrieve_balance reads the balance', async () => {
    await run('create_charge', { amount: 1234, currency: 'usd', source: 'tok_visa' });
    const balance = await run('retrieve_balance', {});
    expect([lastRequest().method, lastRequest().path]).toEqual(['GET', '/v1/balance']);
    expect(balance.object).toBe('balance');
    expect(balance.available).toEqual(expect.arrayContaining([expect.objectContaining({ currency: 'usd', amount: 1234 })]));
  });
});

describe('bad input is refused before any request', () => {
  it.each([
    ['create_customer', { email: 5 }, 'email'],
    ['create_customer', { email: 'not-an-email' }, 'email'],
    ['create_customer', { metadata: { plan: 3 } }, 'metadata.plan'],
    ['create_customer', { nmae: 'typo' }, 'nmae'],
    ['create_customer', { source: 'pm_card_visa' }, 'source'],
    ['create_customer', { idempotency_key: 'order-1\r\nX-Injected: 1' }, 'idempotency_key'],
    ['retrieve_customer', {}, 'customer_id'],
    ['retrieve_customer', { customer_id: 'ch_123' }, 'customer_id'],
    ['update_customer', { customer_id: 'cus_1', balance: 1.5 }, 'balance'],
    ['delete_customer', { customer_id: 'cus_1?expand[]=x' }, 'customer_id'],
    ['list_customers', { limit: 101 }, 'limit'],
    ['list_customers', { max_items: 20000, return_all: true }, 'max_items'],
    ['list_customers', { starting_after: 'cus_1/../x' }, 'starting_after'],
    ['list_customers', { starting_after: 'cus_1', ending_before: 'cus_2' }, 'ending_before'],
    ['update_customer', { customer_id: 'cus_1', balance: null }, 'balance'],
    ['create_customer', { metadata: { 'a[b]': 'x' } }, 'metadata.a[b]'],
    ['search_customers', {}, 'query'],
    ['create_charge', { amount: 1000, currency: 'usd' }, 'source'],
    ['create_charge', { amount: 10.5, currency: 'usd', source: 'tok_visa' }, 'amount'],
    ['create_charge', { amount: 1000, currency: 'dollars', source: 'tok_visa' }, 'currency'],
    ['create_charge', { amount: 1005, currency: 'bhd', source: 'tok_visa' }, 'amount'],
    ['create_charge', { amount: -5, currency: 'usd', source: 'tok_visa' }, 'amount'],
    ['retrieve_charge', { charge_id: 'cus_1' }, 'charge_id'],
    ['update_charge', { charge_id: 'ch_1', fraud_details: { user_report: 'maybe' } }, 'fraud_details.user_report'],
    ['capture_charge', { charge_id: 'ch_1', amount: '100' }, 'amount'],
    ['list_charges', { created: { after: 5 } }, 'created.after'],
    ['search_charges', { query: '' }, 'query'],
    ['retrieve_balance', { expand: ['Bad Path'] }, 'expand.0'],
    // Currency rules wherever an amount meets its currency.
    ['create_payment_intent', { amount: 1000, currency: 'isk', amount_details: { line_items: [{ product_name: 'x', quantity: 1, unit_cost: 150 }] } }, 'amount_details.line_items.0.unit_cost'],
    ['create_price', { product: 'prod_1', currency: 'usd', custom_unit_amount: { enabled: true, minimum: 500, maximum: 900, preset: 1000 } }, 'custom_unit_amount.preset'],
    ['create_price', { product: 'prod_1', currency: 'kwd', custom_unit_amount: { enabled: true, minimum: 1005 } }, 'custom_unit_amount.minimum'],
    ['create_checkout_session', { mode: 'payment', success_url: 'https://x.example/ok', line_items: [{ price_data: { currency: 'bhd', unit_amount: 1234, product: 'prod_1' }, quantity: 1 }] }, 'line_items.0.price_data.unit_amount'],
    ['create_meter_event', { event_name: 'api_calls', payload: { stripe_customer_id: 'cus_1', value: '1234567890123456' } }, 'payload.value'],
    ['list_balance_transactions', { type: 'Charge!' }, 'type'],
  ])('%s %j names %s', async (key, input, field) => {
    const error = await refusal(key, input);
    expect(error.fields.map((f) => f.field)).toContain(field);
    expect(error.message).toContain(field);
    expect(env.emulator.requests).toHaveLength(0);
  });

  it('refuses an id that would change the path: cus_1/../../v1/charges', async () => {
    const error = await refusal('retrieve_customer', { customer_id: 'cus_1/../../v1/charges' });
    expect(error.fields).toEqual([{ field: 'customer_id', message: expect.any(String) }]);
    expect(env.emulator.requests).toHaveLength(0);
  });

  it('re-checks path ids in the runner, even for input that skipped the schema', async () => {
    const action = listActions().find((a) => a.key === 'retrieve_customer')!;
    const error = await caught(sendAction(action, { customer_id: 'cus_1/../../v1/charges' }, { client: env.client }));
    expect(error).toBeInstanceOf(StripeInputValidationError);
    expect((error as StripeInputValidationError).fields[0]!.field).toBe('customer_id');
    expect(env.emulator.requests).toHaveLength(0);
  });

  it('refuses an unknown action', async () => {
    expect((await refusal('refund_everything', {})).fields[0]!.field).toBe('action');
  });
});

describe('return_all', () => {
  it('walks several pages in order with no gaps or repeats, and stops at max_items', async () => {
    env.emulator.clock.set(1_800_000_000);
    const created: string[] = [];
    for (let i = 0; i < 250; i++) {
      if (i % 40 === 0) env.emulator.clock.advance(1);
      created.push(((await run('create_customer', { name: `n${i}` })) as Obj).id);
    }
    env.emulator.clock.useRealTime();
    env.emulator.clearRequests();

    const everything = await run('list_customers', { return_all: true });
    expect(everything.has_more).toBe(false);
    expect(everything.data.map((c: Obj) => c.id)).toEqual([...created].reverse());
    expect(env.emulator.requests.map((r) => r.query.limit)).toEqual(['100', '100', '100']);

    env.emulator.clearRequests();
    const capped = await run('list_customers', { return_all: true, max_items: 120 });
    expect(capped.data.map((c: Obj) => c.id)).toEqual([...created].reverse().slice(0, 120));
    expect(capped.has_more).toBe(true);
    expect(env.emulator.requests).toHaveLength(2);

    const forward = await run('list_customers', { return_all: true, ending_before: created[99] });
    expect(forward.data.map((c: Obj) => c.id)).toEqual(created.slice(100));
  });

  it('walks search pages too', async () => {
    for (let i = 0; i < 15; i++) await run('create_customer', { email: `s${i}@example.com`, metadata: { batch: 'b1' } });
    env.emulator.clearRequests();
    const found = await run('search_customers', { query: "metadata['batch']:'b1'", return_all: true, max_items: 12 });
    expect(found.data).toHaveLength(12);
    expect(new Set(found.data.map((c: Obj) => c.id)).size).toBe(12);
    expect(found.has_more).toBe(true);
  });
});

/** The catalogue the issue asks for, key by key. */
const CATALOGUE = `
retrieve_balance list_balance_transactions retrieve_balance_transaction
create_customer retrieve_customer update_customer delete_customer list_customers search_customers find_customer
create_customer_source retrieve_customer_source delete_customer_source list_customer_sources
create_charge retrieve_charge update_charge capture_charge list_charges search_charges
create_payment_intent retrieve_payment_intent update_payment_intent confirm_payment_intent capture_payment_intent
cancel_payment_intent list_payment_intents search_payment_intents list_payment_intent_line_items
create_refund retrieve_refund update_refund cancel_refund list_refunds
create_invoice retrieve_invoice update_invoice delete_invoice finalize_invoice pay_invoice send_invoice void_invoice
mark_invoice_uncollectible attach_payment_to_invoice add_invoice_lines find_invoice list_invoices search_invoices
list_invoice_line_items create_invoice_item retrieve_invoice_item update_invoice_item delete_invoice_item list_invoice_items
create_subscription retrieve_subscription update_subscription cancel_subscription resume_subscription list_subscriptions
search_subscriptions list_subscription_items
create_product retrieve_product update_product delete_product list_products search_products
create_price retrieve_price update_price list_prices search_prices
create_coupon retrieve_coupon update_coupon delete_coupon list_coupons create_promotion_code retrieve_promotion_code list_promotion_codes
create_payment_link retrieve_payment_link update_payment_link deactivate_payment_link list_payment_links list_payment_link_line_items
create_payment_method attach_payment_method detach_payment_method retrieve_payment_method list_customer_payment_methods
create_checkout_session retrieve_checkout_session expire_checkout_session list_checkout_sessions list_checkout_session_line_items
create_setup_intent retrieve_setup_intent confirm_setup_intent cancel_setup_intent
retrieve_dispute update_dispute close_dispute list_disputes
create_payout retrieve_payout cancel_payout list_payouts
create_credit_note retrieve_credit_note void_credit_note list_credit_notes
create_tax_rate retrieve_tax_rate update_tax_rate list_tax_rates
retrieve_event list_events
create_meter_event list_meters
create_transfer retrieve_transfer list_transfers
raw_api_request
`.trim().split(/\s+/);

describe('the catalogue', () => {
  it('holds the 125 actions of the catalogue, each <verb>_<resource>', () => {
    expect(CATALOGUE).toHaveLength(125);
    expect(listActions().map((a) => a.key).sort()).toEqual([...CATALOGUE].sort());
    for (const action of listActions()) expect(action.key).toMatch(/^[a-z]+(_[a-z0-9]+)+$/);
  });

  it('every create takes an idempotency_key, no GET does, and every GET takes expand', () => {
    for (const action of listActions()) {
      const shape = (action.input as unknown as { shape: Record<string, unknown> }).shape;
      if (action.key.startsWith('create_')) expect([action.key, 'idempotency_key' in shape]).toEqual([action.key, true]);
      if (action.method === 'GET') {
        expect([action.key, 'idempotency_key' in shape]).toEqual([action.key, false]);
        expect([action.key, 'expand' in shape]).toEqual([action.key, true]);
      }
    }
  });
});
