import { inspect } from 'node:util';
import { Connection, resolveApiBase } from '../client/connection';
import { StripeInputValidationError } from '../client/errors';
import { TEST_KEY } from './support/keys';

function refusal(run: () => unknown): StripeInputValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof StripeInputValidationError) return error;
    throw error;
  }
  throw new Error('expected a StripeInputValidationError');
}

describe('connection keys', () => {
  it.each([
    ['sk_test_abcdefgh12345678', 'test', false],
    ['sk_live_abcdefgh12345678', 'live', false],
    ['rk_test_abcdefgh12345678', 'test', true],
    ['rk_live_abcdefgh12345678', 'live', true],
  ])('accepts %s as %s mode (restricted: %s)', (key, mode, restricted) => {
    const connection = new Connection({ secret_key: key });
    expect(connection.mode).toBe(mode);
    expect(connection.restricted).toBe(restricted);
  });

  it('refuses a publishable key, naming the field and never echoing the key', () => {
    const key = 'pk_test_abcdefgh12345678';
    const error = refusal(() => new Connection({ secret_key: key }));
    expect(error.fields).toEqual([{ field: 'secret_key', message: expect.stringContaining('publishable key') }]);
    expect(JSON.stringify(error.toJSON())).not.toContain(key);
    expect(error.message).not.toContain(key);
  });

  it.each(['', 'sk_abc', 'whsec_abcdefgh12345678', 'sk_test_short', 'sk_test_abc def ghijkl'])('refuses %j', (key) => {
    expect(refusal(() => new Connection({ secret_key: key })).fields[0]?.field).toBe('secret_key');
  });

  it('checks the connected account and API version formats', () => {
    expect(refusal(() => new Connection({ secret_key: TEST_KEY, stripe_account: 'cus_123' })).fields[0]?.field).toBe('stripe_account');
    expect(refusal(() => new Connection({ secret_key: TEST_KEY, api_version: 'latest' })).fields[0]?.field).toBe('api_version');
    const ok = new Connection({ secret_key: TEST_KEY, stripe_account: 'acct_1Abc', api_version: '2025-10-29.clover' });
    expect([ok.stripeAccount, ok.apiVersion]).toEqual(['acct_1Abc', '2025-10-29.clover']);
  });

  it('keeps the key out of inspection and JSON', () => {
    const connection = new Connection({ secret_key: TEST_KEY });
    expect(inspect(connection, { depth: 5, showHidden: true })).not.toContain(TEST_KEY);
    expect(JSON.stringify(connection)).not.toContain(TEST_KEY);
    expect(connection.authorizationHeader()).toBe(`Basic ${Buffer.from(`${TEST_KEY}:`).toString('base64')}`);
  });
});

describe('API base URL', () => {
  it('defaults to api.stripe.com and takes STRIPE_API_BASE', () => {
    expect(resolveApiBase(undefined)).toBe('https://api.stripe.com');
    expect(resolveApiBase('https://stripe-proxy.example.com')).toBe('https://stripe-proxy.example.com');
    expect(resolveApiBase('http://127.0.0.1:12111')).toBe('http://127.0.0.1:12111');
    expect(resolveApiBase('http://localhost:12111/')).toBe('http://localhost:12111');
    expect(resolveApiBase('http://[::1]:12111')).toBe('http://[::1]:12111');
  });

  it.each([
    'http://api.stripe.com',
    'http://10.0.0.5:8080',
    'ftp://api.stripe.com',
    'https://api.stripe.com/v1',
    'https://user:pass@api.stripe.com',
    'https://api.stripe.com?x=1',
    'not a url',
  ])('refuses %s', (base) => {
    expect(refusal(() => resolveApiBase(base)).fields[0]?.field).toBe('api_base');
  });
});
