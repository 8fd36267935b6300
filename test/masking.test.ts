/**
 * Issue 14, defect 1: every string that leaves an error is masked for the key in all its forms
 * (raw, base64 with and without Basic's `:`, `Basic ...`, URL-encoded), whichever field of Stripe's
 * error body a server or proxy echoes it into, and so is every pino line.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StripeClient } from '../client/client';
import { StripeCardError, StripeError, StripeInputValidationError } from '../client/errors';
import { maskDeep, maskSecrets } from '../client/secrets';
import { closeTransport } from '../client/transport';
import { captureLogs, caught } from './support/harness';
import { findLeaks, keyForms } from './support/leaks';

const KEY = 'sk_test_51MaskingSuiteKeyAbCdEf0123456789xyz';
const RESTRICTED = 'rk_live_51MaskingRestrictedKey9876543210QwErTy';
const FORMS = keyForms(KEY);

describe('maskSecrets', () => {
  it.each(keyForms(KEY).map((form) => [form]))('masks %s inside any text', (form) => {
    const masked = maskSecrets(`before ${form} after`);
    expect(findLeaks([['text', masked]], FORMS)).toEqual([]);
    expect(masked).toMatch(/^before .*\[redacted\].* after$/);
  });

  it('masks a restricted live key and its Authorization value too', () => {
    const auth = `Basic ${Buffer.from(`${RESTRICTED}:`).toString('base64')}`;
    const masked = maskSecrets(`${RESTRICTED} ${auth} x_${RESTRICTED}`);
    expect(findLeaks([['text', masked]], keyForms(RESTRICTED))).toEqual([]);
  });

  it('masks any Basic credential, and leaves "Basic" as a word and ordinary text alone', () => {
    expect(maskSecrets(`Authorization: Basic ${Buffer.from('user:pw').toString('base64')}`)).toBe('Authorization: Basic [redacted]');
    for (const text of ['Basic plan', 'The Basic tier costs 10 usd', 'No such customer: cus_123', 'ch_3MmlLrLkdIwHu7ix0snN0B15', 'network_test_1', 'desk_live_chat']) {
      expect(maskSecrets(text)).toBe(text);
    }
  });

  it('masks keys, values and nested strings of a body', () => {
    const masked = maskDeep({ [KEY]: [{ deep: `Basic ${Buffer.from(`${KEY}:`).toString('base64')}` }], n: 1, ok: true, none: null });
    expect(findLeaks([['body', JSON.stringify(masked)]], FORMS)).toEqual([]);
    expect(masked).toMatchObject({ n: 1, ok: true, none: null });
  });

  it('stays linear on long input without a key', () => {
    // 200 KB of base64-looking text and of "Basic " repeats: a regex that backtracked would not finish.
    const long = 'c2tf'.repeat(50_000) + ' Basic '.repeat(30_000);
    expect(maskSecrets(long)).toHaveLength(long.length);
  });
});

describe('errors from a server that echoes the credential', () => {
  let server: Server;
  let mode: 'json' | 'html' = 'json';
  let base = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      const auth = String(req.headers.authorization);
      const key = Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString().replace(/:$/, '');
      const echo = `${auth} ${key} ${encodeURIComponent(auth)}`;
      if (mode === 'html') {
        res.writeHead(401, { 'Content-Type': 'text/html', 'Request-Id': `req_${key}` }).end(`<html>bad credentials ${echo}</html>`);
        return;
      }
      const error = {
        type: 'card_error',
        code: auth,
        decline_code: key,
        message: `Your card was declined (${echo})`,
        param: Buffer.from(`${key}:`).toString('base64'),
        doc_url: `https://stripe.com/docs/${encodeURIComponent(auth)}`,
        charge: `ch_${key}`,
        payment_intent: { id: `pi_${key}`, last_payment_error: { message: echo } },
        request_log_url: `https://dashboard.stripe.com/logs?auth=${encodeURIComponent(auth)}`,
        advice_code: key,
        [key]: [auth],
      };
      res.writeHead(402, { 'Content-Type': 'application/json', 'Request-Id': `req_${key}` }).end(JSON.stringify({ error }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await closeTransport();
    await new Promise((resolve) => server.close(resolve));
  });

  /** Every string a host, the CLI, MCP or BullMQ could read off the error. */
  function surfaces(error: StripeError): Array<[string, string]> {
    return [
      ['message', error.message],
      ['String()', String(error)],
      ['stack', String(error.stack)],
      ['toJSON', JSON.stringify(error.toJSON())],
      ['raw', String(JSON.stringify(error.raw))],
      ['own fields', JSON.stringify({ ...error })],
    ];
  }

  it('masks message, code, decline_code, param, doc_url, charge, payment_intent, the raw body and the stack', async () => {
    mode = 'json';
    const { logger, lines } = captureLogs('debug');
    const client = new StripeClient({ secret_key: KEY }, { apiBase: base, logger });
    const error = await caught(client.request({ method: 'POST', path: '/v1/charges', params: { amount: 100 } }));
    expect(error).toBeInstanceOf(StripeCardError);
    // The echo happened (so the check below can fail), and only masked forms remain.
    expect(error.message).toContain('[redacted]');
    expect(error.code).toBe('Basic [redacted]');
    expect(error.charge).toBe('ch_sk_test_[redacted]');
    expect(JSON.stringify(error.raw)).toContain('request_log_url');
    expect(findLeaks(surfaces(error), FORMS)).toEqual([]);

    // A host logging the error object through the connector's pino logger gets masked lines too.
    logger.warn({ err: error, raw: error.raw, echoed: `Basic ${Buffer.from(`${KEY}:`).toString('base64')}` }, `failed: ${error.message}`);
    expect(lines.length).toBeGreaterThan(1);
    expect(findLeaks(lines.map((line, i) => [`log line ${i}`, line]), FORMS)).toEqual([]);
  });

  it('masks a proxy\'s HTML page that echoes the header', async () => {
    mode = 'html';
    const error = await caught(new StripeClient({ secret_key: KEY }, { apiBase: base, maxRetries: 0 }).request({ method: 'GET', path: '/v1/balance' }));
    expect(error.statusCode).toBe(401);
    expect(String(error.raw)).toContain('bad credentials');
    expect(findLeaks(surfaces(error), FORMS)).toEqual([]);
  });

  it('masks field problems of a validation error', () => {
    const error = new StripeInputValidationError(`Invalid input ${KEY}`, [{ field: 'path', message: `"/v1/${KEY}" is not a path` }]);
    expect(findLeaks(surfaces(error), FORMS)).toEqual([]);
    expect(error.fields[0]!.message).toContain('sk_test_[redacted]');
  });
});
