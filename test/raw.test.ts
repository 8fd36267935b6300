import { StripeInputValidationError, StripeInvalidRequestError } from '../client/errors';
import { runAction } from '../connector/registry';
import { caught, clientFor, useEmulator } from './support/harness';

const env = useEmulator();
const raw = (input: unknown) => env.run('raw_api_request', input);

describe('raw_api_request', () => {
  it.each([
    'https://evil.example/v1/charges',
    '/v1/../admin',
    '//evil.example/x',
    '/v1/%2e%2e/x',
    '/v1/%2fevil',
    'v1/charges',
    '/v3/charges',
    '/v1/charges?limit=1',
    '/v1/charges#x',
    '/v1//charges',
    '/v1/./charges',
    '/v1/charges/',
  ])('refuses %s, naming path, and sends nothing', async (path) => {
    const error = await caught(raw({ method: 'GET', path }));
    expect(error).toBeInstanceOf(StripeInputValidationError);
    expect((error as StripeInputValidationError).fields[0]!.field).toBe('path');
    expect(env.emulator.requests).toHaveLength(0);
  });

  it('GET /v1/balance through it works', async () => {
    const balance = await raw({ method: 'GET', path: '/v1/balance' });
    expect(balance).toMatchObject({ object: 'balance', livemode: false });
    expect(env.emulator.requests.map((r) => [r.method, r.path, r.status])).toEqual([['GET', '/v1/balance', 200]]);
  });

  it('POST goes form-encoded with the caller\'s idempotency key, and a replay returns the first result', async () => {
    const input = { method: 'POST', path: '/v1/customers', body: { email: 'raw@example.com', metadata: { via: 'raw' } }, idempotency_key: 'raw-1' };
    const first = await raw(input);
    const second = await raw(input);
    expect(second.id).toBe(first.id);
    const [sent, replay] = env.emulator.requests;
    expect(sent!.rawBody).toBe('email=raw%40example.com&metadata[via]=raw');
    expect(sent!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(sent!.headers['idempotency-key']).toBe('raw-1');
    expect(replay!.idempotentReplayed).toBe(true);
  });

  it('carries the Connect account and maps Stripe\'s errors', async () => {
    const connected = clientFor(env.emulator, { connection: { stripe_account: 'acct_1Raw' } });
    const error = await caught(runAction('raw_api_request', { method: 'GET', path: '/v1/customers/cus_missing' }, { client: connected }));
    expect(error).toBeInstanceOf(StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 404, code: 'resource_missing' });
    expect(env.emulator.requests.at(-1)!.headers['stripe-account']).toBe('acct_1Raw');
  });

  it('sends a /v2/ body as JSON', async () => {
    // The emulator serves no v2 endpoint: the 404 is expected; what matters is what went out.
    await caught(raw({ method: 'POST', path: '/v2/core/event_destinations', body: { name: 'x', enabled_events: ['a.b'] } }));
    const sent = env.emulator.requests.at(-1)!;
    expect(sent.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent.rawBody)).toEqual({ name: 'x', enabled_events: ['a.b'] });
  });

  it('refuses body on GET, query on POST and an idempotency key on GET before sending', async () => {
    for (const [input, field] of [
      [{ method: 'GET', path: '/v1/balance', body: { a: 1 } }, 'body'],
      [{ method: 'POST', path: '/v1/customers', query: { a: 1 } }, 'query'],
      [{ method: 'DELETE', path: '/v1/customers/cus_1', idempotency_key: 'k' }, 'idempotency_key'],
      [{ method: 'PUT', path: '/v1/customers' }, 'method'],
    ] as const) {
      const error = await caught(raw(input));
      expect((error as StripeInputValidationError).fields.map((f) => f.field)).toContain(field);
    }
    expect(env.emulator.requests).toHaveLength(0);
  });
});
