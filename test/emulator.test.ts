/**
 * The Stripe emulator, exercised over real sockets as its users (the connector, the demo,
 * trigger and chaos tests) will: wire format, auth, errors, lists and cursors, search, expand,
 * idempotency, faults, charges and balance, and the control API.
 */
import { startEmulator, type Emulator } from '../emulator';
import { call as rawCall, TEST_KEY, type CallOptions } from './support/emulator-http';

let emulator: Emulator;
const call = (method: string, path: string, opts?: CallOptions) => rawCall(emulator.url, method, path, opts);
const createCustomer = async (params: Record<string, unknown> = {}, opts: CallOptions = {}) => {
  const res = await call('POST', '/v1/customers', { params, ...opts });
  expect(res.status).toBe(200);
  return res.body;
};
const ids = (list: { data: { id: string }[] }) => list.data.map((o) => o.id);

beforeAll(async () => {
  emulator = await startEmulator({ readOnlyKeys: ['rk_test_readonly1234'] });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => emulator.reset());

describe('auth and wire format', () => {
  it('rejects a request without a key with 401 and Stripe headers', async () => {
    const res = await call('GET', '/v1/customers', { key: null });
    expect(res.status).toBe(401);
    expect(res.body.error.type).toBe('invalid_request_error');
    expect(res.body.error.message).toMatch(/^You did not provide an API key/);
    expect(res.headers.get('request-id')).toMatch(/^req_[A-Za-z0-9]{14,}$/);
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  it('rejects an unknown key without echoing it', async () => {
    const res = await call('GET', '/v1/customers', { key: 'sk_live_secretvalueabcd' });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/^Invalid API Key provided: sk_live_\*+abcd$/);
    expect(res.body.error.message).not.toContain('secretvalue');
  });

  it('accepts Basic and Bearer auth, and a revoked key gets 401 until restored', async () => {
    expect((await call('GET', '/v1/customers')).status).toBe(200);
    expect((await call('GET', '/v1/customers', { bearer: true })).status).toBe(200);
    emulator.revokeKey(TEST_KEY);
    const revoked = await call('GET', '/v1/customers', { bearer: true });
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.message).toBe(`Invalid API Key provided: sk_test_${'*'.repeat(TEST_KEY.length - 12)}4242`);
    emulator.restoreKey(TEST_KEY);
    expect((await call('GET', '/v1/customers')).status).toBe(200);
  });

  it('lets a read-only restricted key GET but not write (403)', async () => {
    const key = 'rk_test_readonly1234';
    expect((await call('GET', '/v1/customers', { key })).status).toBe(200);
    const res = await call('POST', '/v1/customers', { key, params: { name: 'x' } });
    expect(res.status).toBe(403);
    expect(res.body.error.type).toBe('invalid_request_error');
    expect(res.body.error.message).toContain("Having the 'rak_customer_write' permission");
    expect(res.body.error.message).not.toContain('readonly');
    expect(emulator.objects('customer')).toHaveLength(0);
  });

  it('echoes Stripe-Version (or sends its default) and answers unknown routes with 404', async () => {
    const pinned = await call('GET', '/v1/customers', { headers: { 'stripe-version': '2024-04-10' } });
    expect(pinned.headers.get('stripe-version')).toBe('2024-04-10');
    const unpinned = await call('GET', '/v1/customers');
    expect(unpinned.headers.get('stripe-version')).toBe('2026-08-26.dahlia');
    const res = await call('GET', '/v1/foo');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/^Unrecognized request URL \(GET: \/v1\/foo\)/);
    expect((await call('PUT', '/v1/customers')).status).toBe(404);
  });

  it('accepts live keys only when listed, and marks their objects livemode', async () => {
    const live = await startEmulator({ apiKeys: ['sk_live_abc123', TEST_KEY] });
    try {
      const res = await rawCall(live.url, 'POST', '/v1/customers', { key: 'sk_live_abc123', params: { name: 'L' } });
      expect(res.status).toBe(200);
      expect(res.body.livemode).toBe(true);
      // Live and test data are separate.
      const testList = await rawCall(live.url, 'GET', '/v1/customers');
      expect(testList.body.data).toHaveLength(0);
      expect(live.objects('customer', 'acct_emulator:live')).toHaveLength(1);
      const other = await rawCall(live.url, 'GET', '/v1/customers', { key: 'sk_test_notListed1' });
      expect(other.status).toBe(401);
    } finally {
      await live.close();
    }
    expect((await call('GET', '/v1/customers', { key: 'sk_live_abc123' })).status).toBe(401);
  });

  it('partitions data by Stripe-Account', async () => {
    await createCustomer({ name: 'platform' });
    await createCustomer({ name: 'connected' }, { headers: { 'stripe-account': 'acct_123' } });
    const platform = await call('GET', '/v1/customers');
    const connected = await call('GET', '/v1/customers', { headers: { 'stripe-account': 'acct_123' } });
    expect(platform.body.data.map((c: any) => c.name)).toEqual(['platform']);
    expect(connected.body.data.map((c: any) => c.name)).toEqual(['connected']);
    expect(emulator.objects('customer', 'acct_123')).toHaveLength(1);
  });

  it('rejects JSON bodies like Stripe', async () => {
    const res = await call('POST', '/v1/customers', { rawBody: '{"name":"x"}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('unsupported Content-Type application/json');
  });
});

describe('customers', () => {
  it('creates, retrieves, updates and deletes', async () => {
    const created = await createCustomer({
      email: 'ada@example.com',
      name: 'Ada',
      metadata: { plan: 'pro', team: 'a' },
      address: { city: 'London' },
      source: 'tok_visa',
      preferred_locales: ['en', 'fr'],
    });
    expect(created).toMatchObject({
      object: 'customer',
      email: 'ada@example.com',
      name: 'Ada',
      metadata: { plan: 'pro', team: 'a' },
      address: { city: 'London', country: null, line1: null, line2: null, postal_code: null, state: null },
      balance: 0,
      delinquent: false,
      discount: null,
      livemode: false,
      next_invoice_sequence: 1,
      preferred_locales: ['en', 'fr'],
      tax_exempt: 'none',
      test_clock: null,
      invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    });
    expect(created.id).toMatch(/^cus_[A-Za-z0-9]{14}$/);
    expect(created.default_source).toMatch(/^card_[A-Za-z0-9]{24}$/);
    // The clock runs: allow the request to straddle a second boundary.
    expect(emulator.clock.now() - created.created).toBeGreaterThanOrEqual(0);
    expect(emulator.clock.now() - created.created).toBeLessThanOrEqual(1);
    expect(created).not.toHaveProperty('sources');

    const got = await call('GET', `/v1/customers/${created.id}`);
    expect(got.body).toEqual(created);

    const updated = await call('POST', `/v1/customers/${created.id}`, {
      params: { metadata: { team: '', region: 'eu' }, description: 'vip', invoice_settings: { footer: 'Thanks' } },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.metadata).toEqual({ plan: 'pro', region: 'eu' });
    expect(updated.body.description).toBe('vip');
    expect(updated.body.invoice_settings.footer).toBe('Thanks');

    const unset = await call('POST', `/v1/customers/${created.id}`, { params: { description: '', metadata: '', name: null } });
    expect(unset.body.description).toBeNull();
    expect(unset.body.name).toBeNull();
    expect(unset.body.metadata).toEqual({});
    expect(unset.body.invoice_settings.footer).toBe('Thanks');

    const deleted = await call('DELETE', `/v1/customers/${created.id}`);
    expect(deleted.body).toEqual({ id: created.id, object: 'customer', deleted: true });
    const afterDelete = await call('GET', `/v1/customers/${created.id}`);
    expect(afterDelete.status).toBe(200);
    expect(afterDelete.body).toEqual({ id: created.id, object: 'customer', deleted: true });
    const updateDeleted = await call('POST', `/v1/customers/${created.id}`, { params: { name: 'x' } });
    expect(updateDeleted.status).toBe(404);
    expect((await call('DELETE', `/v1/customers/${created.id}`)).status).toBe(404);
    expect(emulator.objects('customer')).toHaveLength(0);
    expect((await call('GET', '/v1/customers')).body.data).toHaveLength(0);
  });

  it('answers an unknown id with 404 resource_missing', async () => {
    const res = await call('GET', '/v1/customers/cus_missing');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'resource_missing',
      param: 'id',
      message: "No such customer: 'cus_missing'",
    });
  });

  it('validates parameters from the declared spec', async () => {
    const unknown = await call('POST', '/v1/customers', { params: { foo: 'bar' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'parameter_unknown', param: 'foo', message: 'Received unknown parameter: foo' });

    const nested = await call('POST', '/v1/customers', { params: { address: { city: 'x', foo: 'y' } } });
    expect(nested.body.error).toMatchObject({ code: 'parameter_unknown', param: 'address[foo]' });

    const badInt = await call('POST', '/v1/customers', { params: { balance: 'abc' } });
    expect(badInt.body.error).toMatchObject({ code: 'parameter_invalid_integer', param: 'balance', message: 'Invalid integer: abc' });

    const badEnum = await call('POST', '/v1/customers', { params: { tax_exempt: 'sometimes' } });
    expect(badEnum.status).toBe(400);
    expect(badEnum.body.error).toMatchObject({ param: 'tax_exempt', message: 'Invalid tax_exempt: must be one of exempt, none, or reverse' });

    const missingNested = await call('POST', '/v1/customers', { params: { shipping: { name: 'A' } } });
    expect(missingNested.body.error).toMatchObject({ code: 'parameter_missing', param: 'shipping[address]' });

    const notUnsettable = await call('POST', '/v1/customers', { params: { balance: '' } });
    expect(notUnsettable.body.error).toMatchObject({ code: 'parameter_invalid_empty', param: 'balance' });

    const badEmail = await call('POST', '/v1/customers', { params: { email: 'not-an-email' } });
    expect(badEmail.body.error).toMatchObject({ code: 'email_invalid', param: 'email' });

    expect(emulator.objects('customer')).toHaveLength(0);
  });

  it('turns a declining token into a 402 at attach time and stores nothing', async () => {
    const res = await call('POST', '/v1/customers', { params: { source: 'tok_chargeDeclined' } });
    expect(res.status).toBe(402);
    expect(res.body.error).toMatchObject({ type: 'card_error', code: 'card_declined', decline_code: 'generic_decline' });
    expect(emulator.objects('customer')).toHaveLength(0);
    const unknown = await call('POST', '/v1/customers', { params: { source: 'tok_nope' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'resource_missing', param: 'source', message: "No such token: 'tok_nope'" });
  });

  it('replaces the default source when updated with a new token', async () => {
    const c = await createCustomer({ source: 'tok_visa' });
    const updated = await call('POST', `/v1/customers/${c.id}`, { params: { source: 'tok_mastercard', expand: ['default_source', 'sources'] } });
    expect(updated.body.default_source).toMatchObject({ object: 'card', brand: 'MasterCard', last4: '4444', customer: c.id });
    expect(updated.body.sources.data.map((s: any) => s.last4)).toEqual(['4444']);
  });
});

describe('lists and cursors', () => {
  /** 3 customers in second T, 4 in T+1 (frozen clock), 2 in T+5. Returns ids in creation order. */
  async function seed(): Promise<{ created: { id: string; created: number }[]; t: number }> {
    const t = 1_700_000_000;
    const created: { id: string; created: number }[] = [];
    for (const [second, count] of [[t, 3], [t + 1, 4], [t + 5, 2]] as const) {
      emulator.clock.set(second);
      for (let i = 0; i < count; i++) {
        const c = await createCustomer({ name: `c${created.length}` });
        created.push({ id: c.id, created: c.created });
      }
    }
    return { created, t };
  }

  function expectedOrder(created: { id: string; created: number }[], order: 'newest_first' | 'oldest_first'): string[] {
    return created
      .map((c, seq) => ({ ...c, seq }))
      .sort((a, b) => b.created - a.created || (order === 'newest_first' ? b.seq - a.seq : a.seq - b.seq))
      .map((c) => c.id);
  }

  async function walkOlder(limit: number): Promise<string[]> {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await call('GET', '/v1/customers', { params: { limit, ...(after ? { starting_after: after } : {}) } });
      expect(page.status).toBe(200);
      seen.push(...ids(page.body));
      if (!page.body.has_more) return seen;
      after = seen[seen.length - 1];
    }
  }

  /** Forward in time from the oldest object: reverse each page, next cursor = newest of the page. */
  async function walkNewer(oldest: string, limit: number): Promise<string[]> {
    const seen: string[] = [oldest];
    let before = oldest;
    for (;;) {
      const page = await call('GET', '/v1/customers', { params: { limit, ending_before: before } });
      expect(page.status).toBe(200);
      seen.push(...ids(page.body).reverse());
      if (!page.body.has_more) return seen;
      before = page.body.data[0].id;
    }
  }

  it.each(['newest_first', 'oldest_first'] as const)('orders same-second objects %s and cursors visit each object once', async (order) => {
    emulator.setSameSecondOrder(order);
    const { created } = await seed();
    const expected = expectedOrder(created, order);

    const all = await call('GET', '/v1/customers', { params: { limit: 100 } });
    expect(ids(all.body)).toEqual(expected);
    expect(all.body).toMatchObject({ object: 'list', has_more: false, url: '/v1/customers' });

    for (const limit of [1, 2, 3, 4]) {
      expect(await walkOlder(limit)).toEqual(expected);
      const newer = await walkNewer(expected[expected.length - 1]!, limit);
      expect(newer).toEqual([...expected].reverse());
    }
  });

  it('ending_before returns the objects immediately newer, newest first, has_more when more exist', async () => {
    const { created } = await seed();
    const expected = expectedOrder(created, 'newest_first');
    const cursor = expected[5]!;
    const page = await call('GET', '/v1/customers', { params: { limit: 2, ending_before: cursor } });
    expect(ids(page.body)).toEqual([expected[3], expected[4]]);
    expect(page.body.has_more).toBe(true);
    const top = await call('GET', '/v1/customers', { params: { limit: 5, ending_before: cursor } });
    expect(ids(top.body)).toEqual(expected.slice(0, 5));
    expect(top.body.has_more).toBe(false);
  });

  it('filters by created (exact and ranges); the cursor keeps its place when filtered out', async () => {
    const { created, t } = await seed();
    const expected = expectedOrder(created, 'newest_first');
    const count = async (created: unknown) => (await call('GET', '/v1/customers', { params: { created, limit: 100 } })).body.data.length;
    expect(await count(t + 1)).toBe(4);
    expect(await count({ gt: t })).toBe(6);
    expect(await count({ gte: t })).toBe(9);
    expect(await count({ lt: t + 1 })).toBe(3);
    expect(await count({ lte: t + 1, gte: t + 1 })).toBe(4);
    // Cursor is the newest object (created t+5, outside the filter): the page starts after it.
    const page = await call('GET', '/v1/customers', { params: { created: { lte: t + 1 }, starting_after: expected[0], limit: 2 } });
    expect(ids(page.body)).toEqual(expected.slice(2, 4));
  });

  it('ignores created filters when honourCreatedFilter is false', async () => {
    const lax = await startEmulator({ honourCreatedFilter: false });
    try {
      lax.clock.set(1_700_000_000);
      await rawCall(lax.url, 'POST', '/v1/customers');
      lax.clock.set(1_700_000_100);
      await rawCall(lax.url, 'POST', '/v1/customers');
      const res = await rawCall(lax.url, 'GET', '/v1/customers', { params: { created: { gt: 1_700_000_050 } } });
      expect(res.status).toBe(200);
      expect(res.body.data).toHaveLength(2);
    } finally {
      await lax.close();
    }
  });

  it('rejects unknown and deleted cursors with 404, both cursors and a bad limit with 400', async () => {
    const c = await createCustomer();
    const unknown = await call('GET', '/v1/customers', { params: { starting_after: 'cus_nope' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'resource_missing', param: 'starting_after', message: "No such customer: 'cus_nope'" });
    await call('DELETE', `/v1/customers/${c.id}`);
    const deleted = await call('GET', '/v1/customers', { params: { ending_before: c.id } });
    expect(deleted.status).toBe(404);
    expect(deleted.body.error.param).toBe('ending_before');
    const both = await call('GET', '/v1/customers', { params: { starting_after: 'a', ending_before: 'b' } });
    expect(both.status).toBe(400);
    for (const limit of [0, 101, 'ten']) {
      const bad = await call('GET', '/v1/customers', { params: { limit } });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'parameter_invalid_integer', param: 'limit' });
    }
  });

  it('applies per-resource filters (customers by exact email)', async () => {
    await createCustomer({ email: 'a@x.io' });
    await createCustomer({ email: 'b@x.io' });
    const res = await call('GET', '/v1/customers', { params: { email: 'a@x.io' } });
    expect(res.body.data.map((c: any) => c.email)).toEqual(['a@x.io']);
    expect((await call('GET', '/v1/customers', { params: { email: 'A@x.io' } })).body.data).toHaveLength(0);
    expect((await call('GET', '/v1/customers', { params: { bogus: 1 } })).body.error.code).toBe('parameter_unknown');
  });
});

describe('search', () => {
  beforeEach(async () => {
    emulator.clock.set(1_700_000_000);
    await createCustomer({ email: 'Ada@Example.com', name: 'Ada Lovelace', metadata: { tier: 'gold' }, phone: '+15550001' });
    emulator.clock.set(1_700_000_100);
    await createCustomer({ email: 'grace@navy.mil', name: 'Grace Hopper', metadata: { tier: 'silver' } });
    emulator.clock.set(1_700_000_200);
    await createCustomer({ email: 'alan@example.com', name: 'Alan Turing' });
  });
  const search = async (query: string, extra: Record<string, unknown> = {}) =>
    call('GET', '/v1/customers/search', { params: { query, ...extra } });
  const names = (res: { body: any }) => res.body.data.map((c: any) => c.name);

  it('supports exact, substring, metadata, negation, numeric and null clauses', async () => {
    const exact = await search("email:'ada@example.com'");
    expect(exact.status).toBe(200);
    expect(exact.body).toMatchObject({ object: 'search_result', has_more: false, next_page: null, url: '/v1/customers/search' });
    expect(exact.body).not.toHaveProperty('total_count');
    expect(names(exact)).toEqual(['Ada Lovelace']);
    expect(names(await search('email~"example"'))).toEqual(['Alan Turing', 'Ada Lovelace']);
    expect(names(await search("metadata['tier']:'gold'"))).toEqual(['Ada Lovelace']);
    expect(names(await search('-metadata["tier"]:"gold"'))).toEqual(['Alan Turing', 'Grace Hopper']);
    expect(names(await search('created>1700000000'))).toEqual(['Alan Turing', 'Grace Hopper']);
    expect(names(await search('created<=1700000100'))).toEqual(['Grace Hopper', 'Ada Lovelace']);
    expect(names(await search('created:1700000100'))).toEqual(['Grace Hopper']);
    expect(names(await search('phone:null'))).toEqual(['Alan Turing', 'Grace Hopper']);
  });

  it('joins clauses with AND or OR but not both', async () => {
    expect(names(await search("email~'example' AND metadata['tier']:'gold'"))).toEqual(['Ada Lovelace']);
    expect(names(await search("name:'Grace Hopper' OR name:'alan turing'"))).toEqual(['Alan Turing', 'Grace Hopper']);
    const mixed = await search("name:'a' AND name:'b' OR name:'c'");
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.message).toContain('AND and OR');
  });

  it('rejects unsupported fields, short substrings and missing query', async () => {
    const field = await search("shoe_size:'9'");
    expect(field.status).toBe(400);
    expect(field.body.error.message).toContain('`shoe_size`');
    expect((await search("email~'ad'")).status).toBe(400);
    expect((await search('name:Ada')).status).toBe(400);
    const missing = await call('GET', '/v1/customers/search');
    expect(missing.body.error).toMatchObject({ code: 'parameter_missing', param: 'query' });
  });

  it('pages with next_page and counts with expand[]=total_count', async () => {
    const first = await search('created>0', { limit: 2, expand: ['total_count'] });
    expect(names(first)).toEqual(['Alan Turing', 'Grace Hopper']);
    expect(first.body.has_more).toBe(true);
    expect(first.body.total_count).toBe(3);
    expect(typeof first.body.next_page).toBe('string');
    const second = await search('created>0', { limit: 2, page: first.body.next_page });
    expect(names(second)).toEqual(['Ada Lovelace']);
    expect(second.body).toMatchObject({ has_more: false, next_page: null });
    expect((await search("name:'x'", { page: first.body.next_page })).status).toBe(400);
  });

  it('searches charges by amount, status, customer and card last4', async () => {
    const cus = await createCustomer({ source: 'tok_mastercard' });
    await call('POST', '/v1/charges', { params: { amount: 5000, currency: 'usd', customer: cus.id } });
    await call('POST', '/v1/charges', { params: { amount: 700, currency: 'usd', source: 'tok_visa' } });
    await call('POST', '/v1/charges', { params: { amount: 900, currency: 'usd', source: 'tok_chargeDeclined' } });
    const q = async (query: string) => (await call('GET', '/v1/charges/search', { params: { query } })).body.data.map((c: any) => c.amount);
    expect(await q('amount>1000')).toEqual([5000]);
    expect(await q("status:'failed'")).toEqual([900]);
    expect(await q(`customer:'${cus.id}'`)).toEqual([5000]);
    expect(await q("payment_method_details.card.last4:'4242'")).toEqual([700]);
    expect(await q("status:'succeeded' AND amount<1000")).toEqual([700]);
  });
});

describe('expand', () => {
  it('expands ids on objects and lists, and rejects unknown paths', async () => {
    const cus = await createCustomer({ source: 'tok_visa', email: 'e@x.io' });
    const charge = await call('POST', '/v1/charges', { params: { amount: 1000, currency: 'usd', customer: cus.id, expand: ['customer'] } });
    expect(charge.body.customer).toMatchObject({ id: cus.id, object: 'customer', email: 'e@x.io' });
    const nested = await call('GET', `/v1/charges/${charge.body.id}`, { params: { expand: ['customer.default_source'] } });
    expect(nested.body.customer.default_source).toMatchObject({ object: 'card', last4: '4242' });
    const list = await call('GET', '/v1/charges', { params: { expand: ['data.customer'] } });
    expect(list.body.data[0].customer.id).toBe(cus.id);
    const plain = await call('GET', `/v1/charges/${charge.body.id}`);
    expect(plain.body.customer).toBe(cus.id);

    const bad = await call('GET', `/v1/charges/${charge.body.id}`, { params: { expand: ['foo'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('This property cannot be expanded (foo).');
    const badList = await call('GET', '/v1/charges', { params: { expand: ['customer'] } });
    expect(badList.status).toBe(400);
  });

  it('expands a deleted customer to its deleted stub', async () => {
    const cus = await createCustomer({ source: 'tok_visa' });
    const charge = (await call('POST', '/v1/charges', { params: { amount: 1000, currency: 'usd', customer: cus.id } })).body;
    await call('DELETE', `/v1/customers/${cus.id}`);
    const res = await call('GET', `/v1/charges/${charge.id}`, { params: { 'expand[]': 'customer' } });
    expect(res.body.customer).toEqual({ id: cus.id, object: 'customer', deleted: true });
  });
});

describe('idempotency', () => {
  const post = (key: string, params: Record<string, unknown>, headers: Record<string, string> = {}) =>
    call('POST', '/v1/customers', { params, headers: { 'idempotency-key': key, ...headers } });

  it('replays the stored response for the same key and parameters', async () => {
    const first = await post('k1', { name: 'Ada', metadata: { a: '1' } });
    const second = await post('k1', { name: 'Ada', metadata: { a: '1' } });
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('original-request')).toBe(first.headers.get('request-id'));
    expect(second.headers.get('idempotency-key')).toBe('k1');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(emulator.objects('customer')).toHaveLength(1);
    expect(emulator.requests.map((r) => r.idempotentReplayed)).toEqual([false, true]);
  });

  it('rejects the same key with different parameters or another endpoint', async () => {
    await post('k2', { name: 'Ada' });
    const res = await post('k2', { name: 'Grace' });
    expect(res.status).toBe(400);
    expect(res.body.error.type).toBe('idempotency_error');
    expect(res.body.error.message).toMatch(/^Keys for idempotent requests can only be used with the same parameters/);
    const other = await call('POST', '/v1/charges', { params: { amount: 100, currency: 'usd', source: 'tok_visa' }, headers: { 'idempotency-key': 'k2' } });
    expect(other.status).toBe(400);
    expect(other.body.error.type).toBe('idempotency_error');
    expect(emulator.objects('customer')).toHaveLength(1);
  });

  it('scopes keys per account and stores nothing for validation errors', async () => {
    await post('k3', { name: 'Ada' });
    const elsewhere = await post('k3', { name: 'Ada' }, { 'stripe-account': 'acct_other' });
    expect(elsewhere.headers.get('idempotent-replayed')).toBeNull();
    expect(emulator.objects('customer', 'acct_other')).toHaveLength(1);

    expect((await post('k4', { bogus: 'x' })).status).toBe(400);
    const retry = await post('k4', { name: 'Fixed' });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();

    // A business-rule rejection before anything executes (amount_too_small) does not use the key up either.
    const charge = (amount: number) =>
      call('POST', '/v1/charges', { params: { amount, currency: 'usd', source: 'tok_visa' }, headers: { 'idempotency-key': 'k4b' } });
    expect((await charge(10)).body.error.code).toBe('amount_too_small');
    const fixed = await charge(100);
    expect(fixed.status).toBe(200);
    expect(fixed.headers.get('idempotent-replayed')).toBeNull();
  });

  it('stores and replays execution errors such as a card decline', async () => {
    const params = { amount: 1000, currency: 'usd', source: 'tok_chargeDeclined' };
    const first = await call('POST', '/v1/charges', { params, headers: { 'idempotency-key': 'k5' } });
    const again = await call('POST', '/v1/charges', { params, headers: { 'idempotency-key': 'k5' } });
    expect(first.status).toBe(402);
    expect(again.status).toBe(402);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(emulator.objects('charge')).toHaveLength(1);
  });

  it('answers 409 while the first request with the key is still in flight', async () => {
    emulator.inject({ kind: 'latency', ms: 300, match: { method: 'POST', path: '/v1/customers' } });
    const slow = post('k6', { name: 'Ada' });
    await new Promise((r) => setTimeout(r, 50));
    const concurrent = await post('k6', { name: 'Ada' });
    expect(concurrent.status).toBe(409);
    expect(concurrent.body.error).toMatchObject({ type: 'idempotency_error', code: 'idempotency_key_in_use' });
    expect((await slow).status).toBe(200);
    expect((await post('k6', { name: 'Ada' })).headers.get('idempotent-replayed')).toBe('true');
  });

  it('forgets keys after 24 hours of emulator clock', async () => {
    await post('k7', { name: 'Ada' });
    emulator.clock.advance(24 * 60 * 60 + 1);
    const later = await post('k7', { name: 'Grace' });
    expect(later.status).toBe(200);
    expect(emulator.objects('customer')).toHaveLength(2);
  });
});

describe('faults, latency and rate limits', () => {
  it('injects a 429 with Stripe-Should-Retry and Retry-After, once', async () => {
    emulator.inject({ kind: 'status', status: 429, shouldRetry: true, retryAfter: 2 });
    const res = await call('GET', '/v1/customers');
    expect(res.status).toBe(429);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'rate_limit' });
    expect(res.headers.get('stripe-should-retry')).toBe('true');
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    expect((await call('GET', '/v1/customers')).status).toBe(200);
  });

  it('injects 500s without retry headers, count times, only on matching requests', async () => {
    emulator.inject({ kind: 'status', status: 500, count: 2, match: { method: 'POST', path: '/v1/cust*' } });
    expect((await call('GET', '/v1/customers')).status).toBe(200);
    const res = await call('POST', '/v1/customers', { headers: { 'idempotency-key': 'f1' } });
    expect(res.status).toBe(500);
    expect(res.body.error.type).toBe('api_error');
    expect(res.headers.get('stripe-should-retry')).toBeNull();
    expect(res.headers.get('retry-after')).toBeNull();
    expect((await call('POST', '/v1/customers')).status).toBe(500);
    // An injected failure happened before execution: the key was not used up.
    const retry = await call('POST', '/v1/customers', { headers: { 'idempotency-key': 'f1' } });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(emulator.objects('customer')).toHaveLength(1);
  });

  it('overrides the error body and says Stripe-Should-Retry: false', async () => {
    emulator.inject({ kind: 'status', status: 409, shouldRetry: false, error: { type: 'invalid_request_error', code: 'lock_timeout', message: 'busy' } });
    const res = await call('POST', '/v1/customers');
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'lock_timeout', message: 'busy' });
    expect(res.headers.get('stripe-should-retry')).toBe('false');
  });

  it("drop 'before' destroys the socket and nothing happens", async () => {
    emulator.inject({ kind: 'drop', when: 'before' });
    await expect(call('POST', '/v1/customers', { params: { name: 'x' } })).rejects.toThrow();
    expect(emulator.objects('customer')).toHaveLength(0);
    expect(emulator.requests).toHaveLength(1);
    expect(emulator.requests[0]!.status).toBe(0);
  });

  it("drop 'after' creates the object without answering; a retry with the key replays", async () => {
    emulator.inject({ kind: 'drop', when: 'after' });
    const headers = { 'idempotency-key': 'd1' };
    await expect(call('POST', '/v1/customers', { params: { name: 'x' }, headers })).rejects.toThrow();
    expect(emulator.objects('customer')).toHaveLength(1);
    const retry = await call('POST', '/v1/customers', { params: { name: 'x' }, headers });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.id).toBe(emulator.objects('customer')[0].id);
    expect(emulator.objects('customer')).toHaveLength(1);
    expect(emulator.requests.map((r) => r.status)).toEqual([0, 200]);
  });

  it('adds latency globally and per fault', async () => {
    emulator.setLatency(120);
    let started = Date.now();
    await call('GET', '/v1/customers');
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    emulator.setLatency(0);
    emulator.inject({ kind: 'latency', ms: 200 });
    started = Date.now();
    await call('GET', '/v1/customers');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    started = Date.now();
    await call('GET', '/v1/customers');
    expect(Date.now() - started).toBeLessThan(150);
  });

  it('rate-limits per account per second with 429 rate_limit', async () => {
    const limited = await startEmulator({ rateLimitPerSecond: 3 });
    try {
      const results = await Promise.all(Array.from({ length: 10 }, () => rawCall(limited.url, 'GET', '/v1/customers')));
      const limitedOnes = results.filter((r) => r.status === 429);
      // Even if the burst straddles a second boundary, at most 2 x 3 pass.
      expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(6);
      expect(limitedOnes.length).toBeGreaterThanOrEqual(4);
      expect(limitedOnes[0]!.body.error).toMatchObject({ type: 'invalid_request_error', code: 'rate_limit' });
      const other = await rawCall(limited.url, 'GET', '/v1/customers', { headers: { 'stripe-account': 'acct_fresh' } });
      expect(other.status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('charges', () => {
  it('creates a succeeded, captured charge from a token', async () => {
    const res = await call('POST', '/v1/charges', {
      params: { amount: 2000, currency: 'USD', source: 'tok_amex', description: 'Order 1', metadata: { order: '1' } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      object: 'charge',
      amount: 2000,
      amount_captured: 2000,
      amount_refunded: 0,
      captured: true,
      currency: 'usd',
      customer: null,
      description: 'Order 1',
      failure_code: null,
      livemode: false,
      metadata: { order: '1' },
      paid: true,
      refunded: false,
      status: 'succeeded',
      outcome: { type: 'authorized', network_status: 'approved_by_network' },
      payment_method_details: { type: 'card', card: { brand: 'amex', last4: '8431' } },
    });
    expect(res.body.id).toMatch(/^ch_[A-Za-z0-9]{24}$/);
    expect(res.body.balance_transaction).toMatch(/^txn_/);
    expect(res.body.payment_method).toMatch(/^card_/);
  });

  it('stores a failed charge and answers 402 for declining tokens', async () => {
    const res = await call('POST', '/v1/charges', { params: { amount: 1000, currency: 'usd', source: 'tok_chargeDeclined' } });
    expect(res.status).toBe(402);
    expect(res.body.error).toMatchObject({
      type: 'card_error',
      code: 'card_declined',
      decline_code: 'generic_decline',
      message: 'Your card was declined.',
    });
    const stored = emulator.objects('charge');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ id: res.body.error.charge, status: 'failed', paid: false, captured: false, failure_code: 'card_declined', balance_transaction: null });
    const retrieved = await call('GET', `/v1/charges/${res.body.error.charge}`);
    expect(retrieved.body.status).toBe('failed');

    const funds = await call('POST', '/v1/charges', { params: { amount: 1000, currency: 'usd', source: 'tok_chargeDeclinedInsufficientFunds' } });
    expect(funds.body.error).toMatchObject({ code: 'card_declined', decline_code: 'insufficient_funds' });
    const expired = await call('POST', '/v1/charges', { params: { amount: 1000, currency: 'usd', source: 'tok_chargeDeclinedExpiredCard' } });
    expect(expired.body.error).toMatchObject({ code: 'expired_card' });
    expect(emulator.objects('charge').map((c) => c.failure_code)).toEqual(['card_declined', 'card_declined', 'expired_card']);
  });

  it('charges a customer by default source or saved card, and refuses a customer without a card', async () => {
    const cus = await createCustomer({ source: 'tok_visa' });
    const byDefault = await call('POST', '/v1/charges', { params: { amount: 1000, currency: 'usd', customer: cus.id } });
    expect(byDefault.body).toMatchObject({ customer: cus.id, payment_method: cus.default_source, status: 'succeeded' });
    const byCard = await call('POST', '/v1/charges', { params: { amount: 1000, currency: 'usd', customer: cus.id, source: cus.default_source } });
    expect(byCard.status).toBe(200);
    const foreignCard = await call('POST', '/v1/charges', { params: { amount: 1000, currency: 'usd', source: cus.default_source } });
    expect(foreignCard.status).toBe(400);

    const bare = await createCustomer();
    const noCard = await call('POST', '/v1/charges', { params: { amount: 1000, currency: 'usd', customer: bare.id } });
    expect(noCard.status).toBe(402);
    expect(noCard.body.error).toMatchObject({ type: 'card_error', code: 'missing', message: 'Cannot charge a customer that has no active card' });
    const ghost = await call('POST', '/v1/charges', { params: { amount: 1000, currency: 'usd', customer: 'cus_ghost' } });
    expect(ghost.status).toBe(400);
    expect(ghost.body.error).toMatchObject({ code: 'resource_missing', param: 'customer' });
  });

  it('validates amount, currency, source and customer', async () => {
    const missing = await call('POST', '/v1/charges', { params: { currency: 'usd', source: 'tok_visa' } });
    expect(missing.body.error).toMatchObject({ code: 'parameter_missing', param: 'amount', message: 'Missing required param: amount.' });
    const small = await call('POST', '/v1/charges', { params: { amount: 49, currency: 'eur', source: 'tok_visa' } });
    expect(small.body.error).toMatchObject({ code: 'amount_too_small', param: 'amount' });
    const neither = await call('POST', '/v1/charges', { params: { amount: 100, currency: 'usd' } });
    expect(neither.status).toBe(400);
    expect(neither.body.error.message).toBe('Must provide source or customer.');
    const token = await call('POST', '/v1/charges', { params: { amount: 100, currency: 'usd', source: 'tok_x' } });
    expect(token.body.error).toMatchObject({ code: 'resource_missing', param: 'source', message: "No such token: 'tok_x'" });
    const badCapture = await call('POST', '/v1/charges', { params: { amount: 100, currency: 'usd', source: 'tok_visa', capture: 'maybe' } });
    expect(badCapture.body.error).toMatchObject({ param: 'capture', message: 'Invalid boolean: maybe' });
    expect(emulator.objects('charge')).toHaveLength(0);
  });

  it('authorises with capture=false and captures fully, partially, once', async () => {
    const auth = (await call('POST', '/v1/charges', { params: { amount: 1000, currency: 'usd', source: 'tok_visa', capture: false } })).body;
    expect(auth).toMatchObject({ captured: false, amount_captured: 0, status: 'succeeded', paid: true, balance_transaction: null });
    const partial = await call('POST', `/v1/charges/${auth.id}/capture`, { params: { amount: 600 } });
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({ captured: true, amount_captured: 600, amount_refunded: 400, refunded: false });
    expect(partial.body.balance_transaction).toMatch(/^txn_/);
    const again = await call('POST', `/v1/charges/${auth.id}/capture`);
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('charge_already_captured');

    const auth2 = (await call('POST', '/v1/charges', { params: { amount: 1000, currency: 'usd', source: 'tok_visa', capture: false } })).body;
    const tooMuch = await call('POST', `/v1/charges/${auth2.id}/capture`, { params: { amount: 1001 } });
    expect(tooMuch.status).toBe(400);
    const full = await call('POST', `/v1/charges/${auth2.id}/capture`);
    expect(full.body).toMatchObject({ amount_captured: 1000, amount_refunded: 0 });

    const failed = await call('POST', '/v1/charges', { params: { amount: 1000, currency: 'usd', source: 'tok_chargeDeclined' } });
    const captureFailed = await call('POST', `/v1/charges/${failed.body.error.charge}/capture`);
    expect(captureFailed.status).toBe(400);

    const old = (await call('POST', '/v1/charges', { params: { amount: 1000, currency: 'usd', source: 'tok_visa', capture: false } })).body;
    emulator.clock.advance(8 * 24 * 60 * 60);
    const expired = await call('POST', `/v1/charges/${old.id}/capture`);
    expect(expired.body.error.code).toBe('charge_expired_for_capture');
    expect((await call('POST', '/v1/charges/ch_missing/capture')).status).toBe(404);
  });

  it('updates the allowed fields and lists by customer', async () => {
    const cus = await createCustomer({ source: 'tok_visa' });
    const mine = (await call('POST', '/v1/charges', { params: { amount: 1000, currency: 'usd', customer: cus.id } })).body;
    const anon = (await call('POST', '/v1/charges', { params: { amount: 1000, currency: 'usd', source: 'tok_visa', transfer_group: 'g1' } })).body;
    const updated = await call('POST', `/v1/charges/${anon.id}`, {
      params: { description: 'late', metadata: { k: 'v' }, fraud_details: { user_report: 'safe' }, customer: cus.id },
    });
    expect(updated.body).toMatchObject({ description: 'late', metadata: { k: 'v' }, fraud_details: { user_report: 'safe' }, customer: cus.id });
    const change = await call('POST', `/v1/charges/${mine.id}`, { params: { customer: (await createCustomer()).id } });
    expect(change.status).toBe(400);
    expect((await call('POST', `/v1/charges/${mine.id}`, { params: { amount: 5 } })).body.error.code).toBe('parameter_unknown');

    const byCustomer = await call('GET', '/v1/charges', { params: { customer: cus.id } });
    expect(ids(byCustomer.body).sort()).toEqual([mine.id, anon.id].sort());
    const byGroup = await call('GET', '/v1/charges', { params: { transfer_group: 'g1' } });
    expect(ids(byGroup.body)).toEqual([anon.id]);
    expect(byGroup.body.url).toBe('/v1/charges');
  });
});

describe('balance', () => {
  it('is zero in usd by default and sums captured minus refunded per currency', async () => {
    const empty = await call('GET', '/v1/balance');
    expect(empty.body).toEqual({
      object: 'balance',
      available: [{ amount: 0, currency: 'usd', source_types: { card: 0 } }],
      livemode: false,
      pending: [{ amount: 0, currency: 'usd', source_types: { card: 0 } }],
    });
    await call('POST', '/v1/charges', { params: { amount: 1000, currency: 'usd', source: 'tok_visa' } });
    await call('POST', '/v1/charges', { params: { amount: 700, currency: 'eur', source: 'tok_visa' } });
    const auth = (await call('POST', '/v1/charges', { params: { amount: 5000, currency: 'usd', source: 'tok_visa', capture: false } })).body;
    await call('POST', '/v1/charges', { params: { amount: 9000, currency: 'usd', source: 'tok_chargeDeclined' } });
    let balance = (await call('GET', '/v1/balance')).body;
    expect(balance.available).toEqual([
      { amount: 700, currency: 'eur', source_types: { card: 700 } },
      { amount: 1000, currency: 'usd', source_types: { card: 1000 } },
    ]);
    await call('POST', `/v1/charges/${auth.id}/capture`, { params: { amount: 2000 } });
    balance = (await call('GET', '/v1/balance')).body;
    expect(balance.available.find((b: any) => b.currency === 'usd').amount).toBe(3000);
  });
});

describe('request log', () => {
  it('records every API request with parsed params, headers, status and request id', async () => {
    const res = await call('POST', '/v1/customers?expand[]=sources', {
      params: { name: 'Ada', metadata: { a: '1' } },
      headers: { 'stripe-account': 'acct_9', 'idempotency-key': 'log1' },
    });
    await call('GET', '/v1/customers', { params: { limit: 3 } });
    const [post, get] = emulator.requests;
    expect(post).toMatchObject({
      method: 'POST',
      path: '/v1/customers',
      query: { expand: ['sources'] },
      body: { name: 'Ada', metadata: { a: '1' } },
      rawBody: 'name=Ada&metadata%5Ba%5D=1',
      status: 200,
      requestId: res.headers.get('request-id'),
      idempotentReplayed: false,
      account: 'acct_9',
    });
    expect(post!.headers['idempotency-key']).toBe('log1');
    expect(res.body.sources).toMatchObject({ object: 'list', data: [] });
    expect(get).toMatchObject({ method: 'GET', query: { limit: '3' }, rawQuery: 'limit=3', account: 'acct_emulator' });
    emulator.clearRequests();
    expect(emulator.requests).toHaveLength(0);
  });
});

describe('control API over HTTP', () => {
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(emulator.url + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('drives faults, clock, latency, keys, requests, objects and reset', async () => {
    expect((await control('POST', '/_emulator/faults', { kind: 'status', status: 503 })).status).toBe(200);
    expect((await call('GET', '/v1/customers')).status).toBe(503);
    await control('POST', '/_emulator/faults', { kind: 'status', status: 500 });
    await control('DELETE', '/_emulator/faults');
    expect((await call('GET', '/v1/customers')).status).toBe(200);
    expect((await control('POST', '/_emulator/faults', { kind: 'nonsense' })).status).toBe(400);

    const clock = await control('POST', '/_emulator/clock', { set: 1_600_000_000 });
    expect(clock.body.now).toBe(1_600_000_000);
    await control('POST', '/_emulator/clock', { advance: 60 });
    const cus = await createCustomer({ name: 'timed' });
    expect(cus.created).toBe(1_600_000_060);
    await control('POST', '/_emulator/clock', { real: true });
    expect(Math.abs(emulator.clock.now() - Date.now() / 1000)).toBeLessThan(5);

    await control('POST', '/_emulator/latency', { ms: 100 });
    const started = Date.now();
    await call('GET', '/v1/customers');
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    await control('POST', '/_emulator/latency', { ms: 0 });

    await control('POST', '/_emulator/keys/revoke', { key: TEST_KEY });
    expect((await call('GET', '/v1/customers')).status).toBe(401);
    await control('POST', '/_emulator/keys/restore', { key: TEST_KEY });
    expect((await call('GET', '/v1/customers')).status).toBe(200);

    const requests = await control('GET', '/_emulator/requests');
    expect(requests.body.length).toBe(emulator.requests.length);
    expect(requests.body.every((r: any) => !r.path.startsWith('/_emulator'))).toBe(true);
    const objects = await control('GET', '/_emulator/objects/customer');
    expect(objects.body.map((c: any) => c.id)).toEqual([cus.id]);

    expect((await control('POST', '/_emulator/reset')).status).toBe(200);
    expect(emulator.objects('customer')).toHaveLength(0);
    expect(emulator.requests).toHaveLength(0);
    expect((await control('GET', '/_emulator/nope')).status).toBe(404);
  });
});
