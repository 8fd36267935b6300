/**
 * Money over real HTTP, through the connector's actions against the emulator: finding customers,
 * saved sources and the default source, disputes from the dispute test card, payouts and transfers
 * limited by the available balance, and the balance transactions all of these leave behind (with
 * the events they record, read back with GET /v1/events through the client).
 */
import { StripeError, StripeInvalidRequestError } from '../client/errors';
import { caught, listedEvents, useEmulator } from './support/harness';

const env = useEmulator();
const { run } = env;

/** Event types recorded so far, oldest first. */
const eventTypes = async (): Promise<string[]> => (await listedEvents(env.client)).map((e) => e.type);

function stripeFields(error: StripeError): Record<string, unknown> {
  return { status: error.statusCode, type: error.type, code: error.code };
}

async function available(currency = 'usd'): Promise<number> {
  const balance = await run('retrieve_balance', {});
  return balance.available.find((b: any) => b.currency === currency)?.amount ?? 0;
}

const charge = (amount: number, source = 'tok_visa', extra: Record<string, unknown> = {}) =>
  run('create_charge', { amount, currency: 'usd', source, ...extra });

describe('find_customer', () => {
  it('returns null for an email with no match, the newest match otherwise, and null for a deleted or unknown id', async () => {
    expect(await run('find_customer', { email: 'nobody@example.com' })).toBeNull();

    const older = await run('create_customer', { email: 'dup@example.com', name: 'Older' });
    env.emulator.clock.advance(5);
    const newer = await run('create_customer', { email: 'dup@example.com', name: 'Newer' });
    await run('create_customer', { email: 'Dup@example.com', name: 'Other case' });
    expect((await run('find_customer', { email: 'dup@example.com' })).id).toBe(newer.id);
    expect(env.emulator.requests.at(-1)!.rawQuery).toBe('email=dup%40example.com&limit=1');

    expect((await run('find_customer', { customer_id: older.id })).name).toBe('Older');
    await run('delete_customer', { customer_id: older.id });
    expect(await run('find_customer', { customer_id: older.id })).toBeNull();
    expect(await run('find_customer', { customer_id: 'cus_doesNotExist1' })).toBeNull();
    // After the deletion only the newer one matches, still newest first.
    expect((await run('find_customer', { email: 'dup@example.com' })).id).toBe(newer.id);
  });

  it('still fails loudly on errors other than "not found"', async () => {
    env.emulator.inject({ kind: 'status', status: 401, match: { path: '/v1/customers/*' } });
    const error = await caught(run('find_customer', { customer_id: 'cus_abc' }));
    expect(error.statusCode).toBe(401);
  });
});

describe('customer sources', () => {
  it('adds, lists and deletes saved cards; deleting the default promotes the most recently added one', async () => {
    const customer = await run('create_customer', { email: 'wallet@example.com' });
    expect(customer.default_source).toBeNull();

    const visa = await run('create_customer_source', { customer_id: customer.id, source: 'tok_visa' });
    expect((await run('retrieve_customer', { customer_id: customer.id })).default_source).toBe(visa.id);
    env.emulator.clock.advance(1);
    const mastercard = await run('create_customer_source', { customer_id: customer.id, source: 'tok_mastercard' });
    env.emulator.clock.advance(1);
    const amex = await run('create_customer_source', { customer_id: customer.id, source: 'tok_amex' });
    expect((await run('retrieve_customer', { customer_id: customer.id })).default_source).toBe(visa.id);

    const all = await run('list_customer_sources', { customer_id: customer.id });
    expect(all.data.map((c: any) => c.id)).toEqual([amex.id, mastercard.id, visa.id]);
    expect((await run('list_customer_sources', { customer_id: customer.id, object: 'bank_account' })).data).toEqual([]);

    // Deleting a card that is not the default leaves the default alone.
    await run('delete_customer_source', { customer_id: customer.id, source_id: mastercard.id });
    expect((await run('retrieve_customer', { customer_id: customer.id })).default_source).toBe(visa.id);
    // Deleting the default: the most recently added remaining card becomes the default.
    expect(await run('delete_customer_source', { customer_id: customer.id, source_id: visa.id })).toEqual({ id: visa.id, object: 'card', deleted: true });
    expect((await run('retrieve_customer', { customer_id: customer.id })).default_source).toBe(amex.id);
    await run('delete_customer_source', { customer_id: customer.id, source_id: amex.id });
    expect((await run('retrieve_customer', { customer_id: customer.id })).default_source).toBeNull();

    const gone = await caught(run('retrieve_customer_source', { customer_id: customer.id, source_id: visa.id }));
    expect(gone).toBeInstanceOf(StripeInvalidRequestError);
    expect(stripeFields(gone)).toEqual({ status: 404, type: 'invalid_request_error', code: 'resource_missing' });
    expect(gone.message).toBe(`Customer ${customer.id} does not have a linked source with ID ${visa.id}.`);

    const types = await eventTypes();
    expect(types.filter((t) => t === 'customer.source.created')).toHaveLength(3);
    expect(types.filter((t) => t === 'customer.source.deleted')).toHaveLength(3);
    // default_source changed three times: set by the first card, moved to amex, cleared.
    expect(types.filter((t) => t === 'customer.updated')).toHaveLength(3);
  });

  it('update_customer with a new source replaces (and deletes) the default card, with source events', async () => {
    const customer = await run('create_customer', { source: 'tok_visa' });
    const updated = await run('update_customer', { customer_id: customer.id, source: 'tok_mastercard' });
    expect(updated.default_source).not.toBe(customer.default_source);
    const cards = (await run('list_customer_sources', { customer_id: customer.id })).data;
    expect(cards.map((c: any) => [c.id, c.last4])).toEqual([[updated.default_source, '4444']]);
    expect((await eventTypes()).filter((t) => t.startsWith('customer.source.'))).toEqual(['customer.source.created', 'customer.source.deleted']);
  });

  it('refuses another customer\'s card and a decline card, and the customer can be charged with a saved card', async () => {
    const a = await run('create_customer', { source: 'tok_visa' });
    const b = await run('create_customer', {});
    const wrong = await caught(run('retrieve_customer_source', { customer_id: b.id, source_id: a.default_source }));
    expect(wrong.statusCode).toBe(404);
    const declined = await caught(run('create_customer_source', { customer_id: b.id, source: 'tok_chargeDeclined' }));
    expect(stripeFields(declined)).toMatchObject({ status: 402, type: 'card_error', code: 'card_declined' });
    const added = await run('create_customer_source', { customer_id: b.id, source: 'tok_mastercard' });
    const paid = await run('create_charge', { amount: 900, currency: 'usd', customer: b.id });
    expect(paid.payment_method).toBe(added.id);
  });
});

describe('disputes', () => {
  it('a charge on the dispute token opens a dispute; staged evidence, submit, then close is refused', async () => {
    const disputed = await charge(4000, 'tok_createDispute');
    expect(disputed.status).toBe('succeeded');
    expect((await run('retrieve_charge', { charge_id: disputed.id })).disputed).toBe(true);

    const [dispute] = (await run('list_disputes', { charge: disputed.id })).data;
    expect(dispute).toMatchObject({
      object: 'dispute',
      status: 'needs_response',
      reason: 'fraudulent',
      amount: 4000,
      currency: 'usd',
      charge: disputed.id,
      evidence_details: { has_evidence: false, submission_count: 0, past_due: false },
    });
    expect(dispute.id).toMatch(/^dp_/);
    // The disputed amount is withdrawn at once.
    expect(dispute.balance_transactions).toEqual([expect.objectContaining({ type: 'adjustment', reporting_category: 'dispute', amount: -4000 })]);
    expect(await available()).toBe(0);

    const staged = await run('update_dispute', { dispute_id: dispute.id, evidence: { customer_name: 'Jane' }, submit: false });
    expect(staged).toMatchObject({ status: 'needs_response', evidence: { customer_name: 'Jane' }, evidence_details: { has_evidence: true } });

    const submitted = await run('update_dispute', { dispute_id: dispute.id, evidence: { uncategorized_text: 'Signed delivery receipt.' } });
    expect(submitted).toMatchObject({
      status: 'under_review',
      evidence: { customer_name: 'Jane', uncategorized_text: 'Signed delivery receipt.' },
      evidence_details: { submission_count: 1 },
    });

    const closeRefused = await caught(run('close_dispute', { dispute_id: dispute.id }));
    expect(stripeFields(closeRefused)).toMatchObject({ status: 400, type: 'invalid_request_error' });
    const evidenceRefused = await caught(run('update_dispute', { dispute_id: dispute.id, evidence: { customer_name: 'John' } }));
    expect(stripeFields(evidenceRefused)).toMatchObject({ status: 400, type: 'invalid_request_error' });
    expect(evidenceRefused.param).toBe('evidence');
    // Metadata can still change.
    expect((await run('update_dispute', { dispute_id: dispute.id, metadata: { ticket: 'T-1' } })).metadata).toEqual({ ticket: 'T-1' });
    expect((await run('retrieve_dispute', { dispute_id: dispute.id })).status).toBe('under_review');

    const types = await eventTypes();
    expect(types).toContain('charge.dispute.created');
    expect(types.filter((t) => t === 'charge.dispute.updated')).toHaveLength(3);
    expect(types).not.toContain('charge.dispute.closed');
  });

  it('closing a dispute that needs a response loses it; a closed dispute refuses evidence and a second close', async () => {
    const disputed = await charge(2500, 'tok_createDispute');
    const [dispute] = (await run('list_disputes', { charge: disputed.id })).data;
    const closed = await run('close_dispute', { dispute_id: dispute.id });
    expect(closed.status).toBe('lost');
    expect(stripeFields(await caught(run('close_dispute', { dispute_id: dispute.id })))).toMatchObject({ status: 400, type: 'invalid_request_error' });
    const late = await caught(run('update_dispute', { dispute_id: dispute.id, evidence: { customer_name: 'Jane' } }));
    expect(late.message).toMatch(/already closed/);
    expect(await eventTypes()).toContain('charge.dispute.closed');
  });

  it('a payment intent paid with pm_card_createDispute opens a dispute listed under that payment intent', async () => {
    const pi = await run('create_payment_intent', {
      amount: 2000, currency: 'usd', payment_method: 'pm_card_createDispute', payment_method_types: ['card'], confirm: true,
    });
    expect(pi.status).toBe('succeeded');
    const other = await run('create_payment_intent', {
      amount: 900, currency: 'usd', payment_method: 'pm_card_visa', payment_method_types: ['card'], confirm: true,
    });
    const disputes = (await run('list_disputes', { payment_intent: pi.id })).data;
    expect(disputes).toEqual([expect.objectContaining({ payment_intent: pi.id, charge: pi.latest_charge, amount: 2000, status: 'needs_response' })]);
    expect((await run('list_disputes', { payment_intent: other.id })).data).toEqual([]);
  });

  it('an inquiry moves no money and closes as warning_closed; ordinary cards open no dispute', async () => {
    await charge(1000);
    const inquiry = await charge(1500, 'tok_createDisputeInquiry');
    const disputes = (await run('list_disputes', {})).data;
    expect(disputes).toHaveLength(1);
    expect(disputes[0]).toMatchObject({ charge: inquiry.id, status: 'warning_needs_response', balance_transactions: [] });
    expect(await available()).toBe(2500);
    expect((await run('close_dispute', { dispute_id: disputes[0].id })).status).toBe('warning_closed');
  });
});

describe('payouts', () => {
  it('refuses a payout above the available balance with balance_insufficient; cancel gives the money back', async () => {
    const empty = await caught(run('create_payout', { amount: 100, currency: 'usd' }));
    expect(empty).toBeInstanceOf(StripeInvalidRequestError);
    expect(stripeFields(empty)).toEqual({ status: 400, type: 'invalid_request_error', code: 'balance_insufficient' });

    await charge(1000);
    expect((await caught(run('create_payout', { amount: 1001, currency: 'usd' }))).code).toBe('balance_insufficient');
    expect((await caught(run('create_payout', { amount: 100, currency: 'eur' }))).code).toBe('balance_insufficient');

    const payout = await run('create_payout', { amount: 1000, currency: 'usd', method: 'standard' });
    expect(payout).toMatchObject({ status: 'pending', amount: 1000, automatic: false });
    expect(payout.arrival_date).toBeGreaterThan(payout.created);
    expect(await available()).toBe(0);
    expect((await caught(run('create_payout', { amount: 1, currency: 'usd' }))).code).toBe('balance_insufficient');

    expect((await run('cancel_payout', { payout_id: payout.id })).status).toBe('canceled');
    expect(await available()).toBe(1000);
    expect(stripeFields(await caught(run('cancel_payout', { payout_id: payout.id })))).toMatchObject({ status: 400, type: 'invalid_request_error' });

    expect((await eventTypes()).filter((t) => t.startsWith('payout.'))).toEqual(['payout.created', 'payout.canceled']);
  });
});

describe('transfers', () => {
  it('reduce the available balance, are refused when it is too low, and can be funded by a charge', async () => {
    expect((await caught(run('create_transfer', { amount: 500, currency: 'usd', destination: 'acct_1Seller' }))).code).toBe('balance_insufficient');
    const sale = await charge(3000, 'tok_visa', { transfer_group: 'order_1' });
    const transfer = await run('create_transfer', { amount: 2000, currency: 'usd', destination: 'acct_1Seller', transfer_group: 'order_1' });
    expect(transfer).toMatchObject({ object: 'transfer', destination: 'acct_1Seller', amount: 2000 });
    expect(await available()).toBe(1000);
    expect((await caught(run('create_transfer', { amount: 1001, currency: 'usd', destination: 'acct_1Seller' }))).code).toBe('balance_insufficient');

    // Funded by the charge: limited by what the charge has left, not by the balance.
    const funded = await run('create_transfer', { amount: 1000, currency: 'usd', destination: 'acct_2Other', source_transaction: sale.id });
    expect(funded.source_transaction).toBe(sale.id);
    expect((await caught(run('create_transfer', { amount: 2001, currency: 'usd', destination: 'acct_2Other', source_transaction: sale.id }))).code)
      .toBe('balance_insufficient');

    const own = await caught(run('create_transfer', { amount: 1, currency: 'usd', destination: 'acct_emulator' }));
    expect(stripeFields(own)).toMatchObject({ status: 400, code: 'resource_missing' });
    expect((await run('list_transfers', { transfer_group: 'order_1' })).data.map((t: any) => t.id)).toEqual([transfer.id]);
    expect((await eventTypes()).filter((t) => t === 'transfer.created')).toHaveLength(2);
  });
});

describe('balance transactions', () => {
  it('list every movement after charges, a refund and a payout, newest first, and add up to the balance', async () => {
    const sale = await charge(5000);
    env.emulator.clock.advance(10);
    const refund = await run('create_refund', { charge: sale.id, amount: 1000 });
    env.emulator.clock.advance(10);
    const payout = await run('create_payout', { amount: 2500, currency: 'usd' });
    env.emulator.clock.advance(10);
    await run('create_charge', { amount: 700, currency: 'eur', source: 'tok_visa' });

    const usd = await run('list_balance_transactions', { currency: 'usd' });
    expect(usd.data.map((t: any) => [t.type, t.amount, t.source])).toEqual([
      ['payout', -2500, payout.id],
      ['refund', -1000, refund.id],
      ['charge', 5000, sale.id],
    ]);
    expect(usd.data.map((t: any) => t.id)).toEqual([payout.balance_transaction, refund.balance_transaction, sale.balance_transaction]);
    const net = usd.data.reduce((sum: number, t: any) => sum + t.net, 0);
    expect(net).toBe(1500);
    expect(await available('usd')).toBe(net);
    expect(await available('eur')).toBe(700);

    // Filters, paging, retrieve and expand.
    expect((await run('list_balance_transactions', { source: sale.id })).data.map((t: any) => t.type)).toEqual(['charge']);
    expect((await run('list_balance_transactions', { type: 'payout' })).data).toHaveLength(1);
    const first = await run('list_balance_transactions', { limit: 2 });
    expect(first.has_more).toBe(true);
    const rest = await run('list_balance_transactions', { limit: 2, starting_after: first.data[1].id });
    expect([...first.data, ...rest.data].map((t: any) => t.currency)).toEqual(['eur', 'usd', 'usd', 'usd']);
    expect(rest.has_more).toBe(false);
    const all = await run('list_balance_transactions', { return_all: true });
    expect(all.data).toHaveLength(4);
    const expanded = await run('retrieve_balance_transaction', { balance_transaction_id: payout.balance_transaction, expand: ['source'] });
    expect(expanded.source).toMatchObject({ id: payout.id, object: 'payout' });

    const manual = await caught(run('list_balance_transactions', { payout: payout.id }));
    expect(stripeFields(manual)).toMatchObject({ status: 400, type: 'invalid_request_error' });
    const missing = await caught(run('retrieve_balance_transaction', { balance_transaction_id: 'txn_missing' }));
    expect(stripeFields(missing)).toEqual({ status: 404, type: 'invalid_request_error', code: 'resource_missing' });
  });
});
