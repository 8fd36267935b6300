import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StripeClient } from '../client/client';
import {
  StripeAPIError,
  StripeAuthenticationError,
  StripeCardError,
  StripeConnectionError,
  StripeIdempotencyError,
  StripeInputValidationError,
  StripeInvalidRequestError,
  StripePermissionError,
  StripeRateLimitError,
} from '../client/errors';
import { STRIPE_API_VERSION, CONNECTOR_VERSION } from '../client/version';
import { TEST_KEY, captureLogs, caught, clientFor, useEmulator } from './support/harness';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const env = useEmulator({ readOnlyKeys: ['rk_test_readOnlyKey0123456789'] });

describe('what every request carries', () => {
  it('sends Basic auth, the pinned version, a User-Agent, and an Idempotency-Key on POST only', async () => {
    const client = clientFor(env.emulator);
    const created = await client.request<{ id: string }>({ method: 'POST', path: '/v1/customers', params: { email: 'a@b.co' } });
    await client.request({ method: 'GET', path: `/v1/customers/${created.body.id}` });
    const [post, get] = env.emulator.requests;
    expect(post!.headers.authorization).toBe(`Basic ${Buffer.from(`${TEST_KEY}:`).toString('base64')}`);
    expect(post!.headers['stripe-version']).toBe(STRIPE_API_VERSION);
    expect(post!.headers['user-agent']).toContain(`stripe-connector/${CONNECTOR_VERSION}`);
    expect(post!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(post!.headers['idempotency-key']).toMatch(UUID_V4);
    expect(post!.headers['stripe-account']).toBeUndefined();
    expect(created.idempotencyKey).toBe(post!.headers['idempotency-key']);
    expect(get!.headers['idempotency-key']).toBeUndefined();
    expect(created.requestId).toBe(post!.requestId);
  });

  it('generates a fresh key per POST and uses the caller\'s key when given', async () => {
    const client = clientFor(env.emulator);
    await client.request({ method: 'POST', path: '/v1/customers' });
    await client.request({ method: 'POST', path: '/v1/customers' });
    await client.request({ method: 'POST', path: '/v1/customers', idempotencyKey: 'order-42-customer' });
    const keys = env.emulator.requests.map((r) => r.headers['idempotency-key']);
    expect(new Set(keys).size).toBe(3);
    expect(keys[2]).toBe('order-42-customer');
  });

  it('sends the connection\'s API version override and connected account', async () => {
    const client = clientFor(env.emulator, { connection: { stripe_account: 'acct_1Connected', api_version: '2025-10-29.clover' } });
    await client.request({ method: 'POST', path: '/v1/customers', params: { name: 'Connected' } });
    const [request] = env.emulator.requests;
    expect(request!.headers['stripe-account']).toBe('acct_1Connected');
    expect(request!.headers['stripe-version']).toBe('2025-10-29.clover');
    expect(env.emulator.objects('customer', 'acct_1Connected')).toHaveLength(1);
    expect(env.emulator.objects('customer')).toHaveLength(0);
  });

  it('puts GET params in the query string, encoded the Stripe way', async () => {
    const client = clientFor(env.emulator);
    await client.request({ method: 'GET', path: '/v1/charges', params: { limit: 3, created: { gte: 1700000000 }, expand: ['data.customer'] } });
    const [request] = env.emulator.requests;
    expect(request!.rawQuery).toBe('limit=3&created[gte]=1700000000&expand[0]=data.customer');
    expect(request!.query).toEqual({ limit: '3', created: { gte: '1700000000' }, expand: ['data.customer'] });
    expect(request!.rawBody).toBe('');
  });

  it('posts nested metadata and arrays that the server reads back as sent', async () => {
    const client = clientFor(env.emulator);
    const { body } = await client.request<{ metadata: Record<string, string>; preferred_locales: string[]; address: { city: string } }>({
      method: 'POST',
      path: '/v1/customers',
      params: { metadata: { plan: 'pro', 'team size': '5 & more' }, preferred_locales: ['fr', 'en'], address: { city: 'Paris' } },
    });
    expect(body.metadata).toEqual({ plan: 'pro', 'team size': '5 & more' });
    expect(body.preferred_locales).toEqual(['fr', 'en']);
    expect(body.address.city).toBe('Paris');
    expect(env.emulator.requests[0]!.rawBody).toContain('metadata[plan]=pro&metadata[team%20size]=5%20%26%20more&preferred_locales[0]=fr');
  });
});

describe('retries', () => {
  it('retries a POST after a 500 with the same idempotency key and creates one customer', async () => {
    env.emulator.inject({ kind: 'status', status: 500, match: { method: 'POST', path: '/v1/customers' } });
    const response = await clientFor(env.emulator).request<{ id: string }>({ method: 'POST', path: '/v1/customers', params: { email: 'once@example.com' } });
    expect(env.emulator.requests.map((r) => r.status)).toEqual([500, 200]);
    const [first, second] = env.emulator.requests;
    expect(second!.headers['idempotency-key']).toBe(first!.headers['idempotency-key']);
    expect(env.emulator.objects('customer').map((c) => c.id)).toEqual([response.body.id]);
    expect(response.retries).toBe(1);
  });

  it('retries after the connection drops once the customer exists, and Stripe replays it: one customer', async () => {
    env.emulator.inject({ kind: 'drop', when: 'after', match: { method: 'POST', path: '/v1/customers' } });
    const response = await clientFor(env.emulator).request<{ id: string }>({ method: 'POST', path: '/v1/customers', params: { email: 'lost@example.com' } });
    expect(env.emulator.requests).toHaveLength(2);
    expect(env.emulator.requests[0]!.status).toBe(0);
    expect(env.emulator.requests[1]!.headers['idempotency-key']).toBe(env.emulator.requests[0]!.headers['idempotency-key']);
    expect(response.replayed).toBe(true);
    expect(env.emulator.objects('customer')).toHaveLength(1);
    expect(env.emulator.objects('customer')[0].id).toBe(response.body.id);
  });

  it('retries a charge whose response timed out without charging twice', async () => {
    // The first attempt outlives the 1 s idle timeout (undici's timers are ~1 s grained); its retry
    // meets the first still running (409, key in use), backs off, and then gets the stored result.
    env.emulator.inject({ kind: 'latency', ms: 2500, match: { method: 'POST', path: '/v1/charges' } });
    const client = clientFor(env.emulator, { timeoutMs: 1000, maxRetries: 5, initialRetryDelayMs: 500, maxRetryDelayMs: 2000 });
    const response = await client.request<{ id: string; amount: number }>({
      method: 'POST',
      path: '/v1/charges',
      params: { amount: 2000, currency: 'usd', source: 'tok_visa' },
    });
    expect(response.retries).toBeGreaterThanOrEqual(1);
    expect(response.replayed).toBe(true);
    expect(new Set(env.emulator.requests.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(env.emulator.objects('charge').map((c) => c.id)).toEqual([response.body.id]);
  });

  it('backs off on 429 with the default schedule (at least 0.5 s before each retry) and succeeds', async () => {
    env.emulator.inject({ kind: 'status', status: 429, count: 2 });
    const client = new StripeClient({ secret_key: TEST_KEY }, { apiBase: env.emulator.url });
    const response = await client.request({ method: 'GET', path: '/v1/balance' });
    expect(response.retries).toBe(2);
    const times = env.emulator.requests.map((r) => r.receivedAt);
    expect(env.emulator.requests.map((r) => r.status)).toEqual([429, 429, 200]);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(500);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(500);
  });

  it('honours Retry-After', async () => {
    env.emulator.inject({ kind: 'status', status: 429, retryAfter: 1 });
    await clientFor(env.emulator).request({ method: 'GET', path: '/v1/balance' });
    const [first, second] = env.emulator.requests;
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(1000);
  });

  it('stops at once when Stripe-Should-Retry is false, on a 429 and on a 500', async () => {
    env.emulator.inject({ kind: 'status', status: 429, shouldRetry: false });
    const rateLimited = await caught(clientFor(env.emulator).request({ method: 'GET', path: '/v1/balance' }));
    expect(rateLimited).toBeInstanceOf(StripeRateLimitError);
    expect(rateLimited.retryable).toBe(false);
    expect(env.emulator.requests).toHaveLength(1);

    env.emulator.inject({ kind: 'status', status: 500, shouldRetry: false });
    const failed = await caught(clientFor(env.emulator).request({ method: 'POST', path: '/v1/customers' }));
    expect(failed).toBeInstanceOf(StripeAPIError);
    expect(env.emulator.requests).toHaveLength(2);
    expect(env.emulator.objects('customer')).toHaveLength(0);
  });

  it('retries a 4xx when Stripe-Should-Retry says true', async () => {
    env.emulator.inject({ kind: 'status', status: 400, shouldRetry: true });
    await clientFor(env.emulator).request({ method: 'GET', path: '/v1/balance' });
    expect(env.emulator.requests.map((r) => r.status)).toEqual([400, 200]);
  });

  it('gives up after maxRetries and says the failure was retryable', async () => {
    env.emulator.inject({ kind: 'status', status: 503, count: 10 });
    const error = await caught(clientFor(env.emulator, { maxRetries: 3 }).request({ method: 'GET', path: '/v1/balance' }));
    expect(error).toBeInstanceOf(StripeAPIError);
    expect(error.retryable).toBe(true);
    expect(env.emulator.requests).toHaveLength(4);
  });

  it('does not retry a card decline or a 404', async () => {
    const client = clientFor(env.emulator);
    await caught(client.request({ method: 'POST', path: '/v1/charges', params: { amount: 500, currency: 'usd', source: 'tok_chargeDeclined' } }));
    await caught(client.request({ method: 'GET', path: '/v1/customers/cus_doesNotExist' }));
    expect(env.emulator.requests).toHaveLength(2);
  });
});

describe('errors map from Stripe responses', () => {
  it.each([
    [401, { type: 'invalid_request_error', message: 'Invalid API Key provided' }, StripeAuthenticationError],
    [403, { type: 'invalid_request_error', code: 'secret_key_required', message: 'not permitted' }, StripePermissionError],
    [402, { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', param: 'source', message: 'Your card has insufficient funds.', doc_url: 'https://docs.stripe.com/error-codes/card-declined' }, StripeCardError],
    [400, { type: 'invalid_request_error', code: 'parameter_missing', param: 'amount', message: 'Missing required param: amount.' }, StripeInvalidRequestError],
    [404, { type: 'invalid_request_error', code: 'resource_missing', param: 'id', message: "No such customer: 'cus_x'" }, StripeInvalidRequestError],
    [429, { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests' }, StripeRateLimitError],
    [400, { type: 'idempotency_error', message: 'Keys for idempotent requests can only be used with the same parameters' }, StripeIdempotencyError],
    [500, { type: 'api_error', message: 'Something went wrong on Stripe\'s end.' }, StripeAPIError],
  ])('HTTP %i %j -> %p', async (status, body, ErrorClass) => {
    env.emulator.inject({ kind: 'status', status, shouldRetry: false, error: body as never });
    const error = await caught(clientFor(env.emulator).request({ method: 'GET', path: '/v1/balance' }));
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error.statusCode).toBe(status);
    expect(error.message).toBe(body.message);
    expect(error.code).toBe((body as { code?: string }).code);
    expect(error.param).toBe((body as { param?: string }).param);
    expect(error.requestId).toMatch(/^req_/);
    expect(error.requestId).toBe(env.emulator.requests[0]!.requestId);
    expect(error.toJSON()).toMatchObject({ status, request_id: error.requestId, message: body.message });
    if (body.type === 'card_error') {
      expect(error).toMatchObject({ type: 'card_error', decline_code: 'insufficient_funds', doc_url: (body as { doc_url?: string }).doc_url });
    }
  });

  it('maps the emulator\'s own refusals: a declined card, a missing customer, a bad key, a read-only key, a reused idempotency key', async () => {
    const client = clientFor(env.emulator);
    const declined = await caught(client.request({ method: 'POST', path: '/v1/charges', params: { amount: 500, currency: 'usd', source: 'tok_chargeDeclined' } }));
    expect(declined).toBeInstanceOf(StripeCardError);
    expect(declined).toMatchObject({ code: 'card_declined', decline_code: 'generic_decline', statusCode: 402 });
    expect(declined.charge).toMatch(/^ch_/);

    const missing = await caught(client.request({ method: 'GET', path: '/v1/customers/cus_nope' }));
    expect(missing).toBeInstanceOf(StripeInvalidRequestError);
    expect(missing).toMatchObject({ code: 'resource_missing', statusCode: 404 });

    const badKey = new StripeClient({ secret_key: 'sk_live_notAcceptedByTheEmulator1' }, { apiBase: env.emulator.url });
    const unauthenticated = await caught(badKey.request({ method: 'GET', path: '/v1/balance' }));
    expect(unauthenticated).toBeInstanceOf(StripeAuthenticationError);
    expect(unauthenticated.message).not.toContain('sk_live_notAcceptedByTheEmulator1');

    const readOnly = new StripeClient({ secret_key: 'rk_test_readOnlyKey0123456789' }, { apiBase: env.emulator.url });
    expect(await caught(readOnly.request({ method: 'POST', path: '/v1/customers' }))).toBeInstanceOf(StripePermissionError);

    await client.request({ method: 'POST', path: '/v1/customers', params: { email: 'x@y.co' }, idempotencyKey: 'reused-key' });
    const reused = await caught(client.request({ method: 'POST', path: '/v1/customers', params: { email: 'other@y.co' }, idempotencyKey: 'reused-key' }));
    expect(reused).toBeInstanceOf(StripeIdempotencyError);
  });

  it('reports an unreachable server as a connection error after retrying', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const client = new StripeClient({ secret_key: TEST_KEY }, { apiBase: `http://127.0.0.1:${port}`, initialRetryDelayMs: 5, maxRetryDelayMs: 5 });
    const error = await caught(client.request({ method: 'GET', path: '/v1/balance' }));
    expect(error).toBeInstanceOf(StripeConnectionError);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('retried 2 times');
  });
});

describe('where the key may go', () => {
  let redirector: Server;
  let elsewhere: Server;
  const elsewhereHits: string[] = [];

  beforeAll(async () => {
    elsewhere = createServer((req, res) => {
      elsewhereHits.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.end('{}');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/v1/balance`;
    redirector = createServer((_req, res) => {
      res.writeHead(302, { Location: target, 'Content-Type': 'text/html' }).end(`Found. Redirecting to ${target}`);
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => redirector.close(resolve));
    await new Promise((resolve) => elsewhere.close(resolve));
  });

  it('never follows a redirect', async () => {
    const client = new StripeClient({ secret_key: TEST_KEY }, { apiBase: `http://127.0.0.1:${(redirector.address() as AddressInfo).port}` });
    const error = await caught(client.request({ method: 'GET', path: '/v1/balance' }));
    expect(error).toBeInstanceOf(StripeAPIError);
    expect(error.statusCode).toBe(302);
    expect(error.message).toContain('redirect');
    expect(elsewhereHits).toEqual([]);
  });

  it('refuses an idempotency key that is not a clean header value, before sending', async () => {
    const error = await caught(clientFor(env.emulator).request({ method: 'POST', path: '/v1/customers', idempotencyKey: 'k\r\nX-Injected: 1' }));
    expect(error).toBeInstanceOf(StripeInputValidationError);
    expect(error.param).toBe('idempotency_key');
    expect(env.emulator.requests).toHaveLength(0);
  });

  it.each([
    'https://evil.example/v1/charges',
    '//evil.example/v1/charges',
    '/v1/../admin',
    '/v1/%2e%2e/x',
    '/v1/customers/cus_1/../../v1/charges',
    '/v1//charges',
    'v1/charges',
    '/v3/anything',
    '/v1/customers?x=1',
  ])('refuses the path %s before sending anything', async (path) => {
    const error = await caught(clientFor(env.emulator).request({ method: 'GET', path }));
    expect(error).toBeInstanceOf(StripeInputValidationError);
    expect(env.emulator.requests).toHaveLength(0);
  });
});

describe('responses that are not Stripe JSON', () => {
  let proxy: Server;
  const answers: Array<[number, string]> = [];

  beforeAll(async () => {
    proxy = createServer((_req, res) => {
      const [status, body] = answers.shift() ?? [200, '{}'];
      res.writeHead(status, { 'Content-Type': status === 200 ? 'application/json' : 'text/html', 'Request-Id': 'req_proxy' }).end(body);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise((resolve) => proxy.close(resolve)));

  const proxyClient = () =>
    new StripeClient({ secret_key: TEST_KEY }, { apiBase: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, initialRetryDelayMs: 5, maxRetryDelayMs: 5 });

  it('maps an HTML error page by its status', async () => {
    answers.push([401, '<html>Unauthorized</html>']);
    const unauthorized = await caught(proxyClient().request({ method: 'GET', path: '/v1/balance' }));
    expect(unauthorized).toBeInstanceOf(StripeAuthenticationError);
    expect(unauthorized).toMatchObject({ statusCode: 401, requestId: 'req_proxy' });

    answers.push([502, '<html>Bad gateway</html>'], [502, '<html>Bad gateway</html>'], [502, '<html>Bad gateway</html>']);
    const badGateway = await caught(proxyClient().request({ method: 'GET', path: '/v1/balance' }));
    expect(badGateway).toBeInstanceOf(StripeAPIError);
    expect(badGateway).toMatchObject({ statusCode: 502, retryable: true });
  });

  it('reports a 200 that is not JSON as an API error', async () => {
    answers.push([200, 'not json']);
    const error = await caught(proxyClient().request({ method: 'GET', path: '/v1/balance' }));
    expect(error).toBeInstanceOf(StripeAPIError);
    expect(error.message).toContain('Invalid JSON');
  });
});

describe('logging', () => {
  it('logs each request with method, path, status, request id, duration and retries, and never the key', async () => {
    const { logger, lines } = captureLogs('debug');
    const client = clientFor(env.emulator, { logger });
    env.emulator.inject({ kind: 'status', status: 500, match: { method: 'POST' } });
    const created = await client.request<{ id: string }>({ method: 'POST', path: '/v1/customers', params: { email: 'log@example.com' } });
    await caught(client.request({ method: 'GET', path: '/v1/customers/cus_missing' }));
    env.emulator.revokeKey('sk_test_revokedKeyForLogTest01');
    const revoked = new StripeClient({ secret_key: 'sk_test_revokedKeyForLogTest01' }, { apiBase: env.emulator.url, logger });
    expect(await caught(revoked.request({ method: 'GET', path: '/v1/balance' }))).toBeInstanceOf(StripeAuthenticationError);
    // A host that logs objects carrying a key or headers gets them redacted too.
    logger.info({ secret_key: TEST_KEY, headers: { authorization: `Bearer ${TEST_KEY}` } }, 'host line');

    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const done = entries.filter((e) => e.msg === 'stripe request');
    expect(done).toEqual([
      expect.objectContaining({ method: 'POST', path: '/v1/customers', status: 200, retries: 1, request_id: expect.stringMatching(/^req_/), duration_ms: expect.any(Number) }),
      expect.objectContaining({ method: 'GET', path: '/v1/customers/cus_missing', status: 404, retries: 0 }),
      expect.objectContaining({ method: 'GET', path: '/v1/balance', status: 401 }),
    ]);
    expect(entries.filter((e) => e.msg === 'stripe request failed; retrying')).toEqual([
      expect.objectContaining({ status: 500, retry: 1, delay_ms: expect.any(Number) }),
    ]);
    expect(created.body.id).toMatch(/^cus_/);
    const everything = lines.join('\n');
    const basic = Buffer.from(`${TEST_KEY}:`).toString('base64');
    for (const secret of [TEST_KEY, basic, 'sk_test_revokedKeyForLogTest01', 'log@example.com']) {
      expect(everything).not.toContain(secret);
    }
    expect(entries.at(-1)).toMatchObject({ secret_key: '[redacted]', headers: { authorization: '[redacted]' } });
  });
});

describe('pagination', () => {
  async function createCustomers(client: StripeClient, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      ids.push((await client.request<{ id: string }>({ method: 'POST', path: '/v1/customers', params: { name: `c${i}` } })).body.id);
    }
    return ids;
  }

  it.each(['newest_first', 'oldest_first'] as const)(
    'walks back and forward through same-second objects exactly once (%s within a second)',
    async (order) => {
      env.emulator.setSameSecondOrder(order);
      env.emulator.clock.set(1_800_000_000);
      const client = clientFor(env.emulator);
      const created = await createCustomers(client, 12);
      env.emulator.clock.advance(1);
      created.push(...(await createCustomers(client, 13)));

      const listed = (await client.list<{ id: string }>('/v1/customers', { limit: 100 })).data.map((c) => c.id);
      expect(new Set(listed)).toEqual(new Set(created));

      const backwards: string[] = [];
      for await (const customer of client.listAll<{ id: string }>('/v1/customers', { limit: 4 })) backwards.push(customer.id);
      expect(backwards).toEqual(listed);

      const oldest = listed.at(-1)!;
      const forwards: string[] = [];
      for await (const customer of client.listAll<{ id: string }>('/v1/customers', { limit: 4, ending_before: oldest })) forwards.push(customer.id);
      expect(forwards).toEqual(listed.slice(0, -1).reverse());
      env.emulator.clock.useRealTime();
    },
  );

  it('listAll reads no page past the cap', async () => {
    const client = clientFor(env.emulator);
    await createCustomers(client, 9);
    env.emulator.clearRequests();
    const seen: string[] = [];
    for await (const customer of client.listAll<{ id: string }>('/v1/customers', { limit: 4 }, { maxItems: 4 })) seen.push(customer.id);
    expect(seen).toHaveLength(4);
    expect(env.emulator.requests).toHaveLength(1);
  });

  it('walks search results over next_page with no gaps or repeats', async () => {
    const client = clientFor(env.emulator);
    for (let i = 0; i < 7; i++) {
      await client.request({ method: 'POST', path: '/v1/customers', params: { email: `p${i}@example.com`, metadata: { batch: 'walk' } } });
    }
    await client.request({ method: 'POST', path: '/v1/customers', params: { email: 'outsider@example.com' } });
    env.emulator.clearRequests();
    const query = { query: "metadata['batch']:'walk'", limit: 3 };
    const all = await client.collectSearch<{ id: string; email: string }>('/v1/customers/search', query);
    expect(all.has_more).toBe(false);
    expect(new Set(all.data.map((c) => c.email))).toEqual(new Set(Array.from({ length: 7 }, (_, i) => `p${i}@example.com`)));
    expect(all.data).toHaveLength(7);
    expect(env.emulator.requests.map((r) => r.query.page !== undefined)).toEqual([false, true, true]);

    env.emulator.clearRequests();
    const firstFive: string[] = [];
    for await (const customer of client.searchAll<{ id: string }>('/v1/customers/search', query, { maxItems: 5 })) firstFive.push(customer.id);
    expect(firstFive).toEqual(all.data.slice(0, 5).map((c) => c.id));
    expect(env.emulator.requests).toHaveLength(2);
  });

  it('stops at the caller\'s cap and says more were left', async () => {
    const client = clientFor(env.emulator);
    await createCustomers(client, 9);
    env.emulator.clearRequests();
    const page = await client.collectList('/v1/customers', { limit: 4 }, { maxItems: 6 });
    expect(page.data).toHaveLength(6);
    expect(page.has_more).toBe(true);
    expect(env.emulator.requests).toHaveLength(2);
    const all = await client.collectList('/v1/customers', { limit: 4 }, { maxItems: 9 });
    expect([all.data.length, all.has_more]).toEqual([9, false]);
  });
});
