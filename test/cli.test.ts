import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { renderManifest } from '../connector/manifest';
import { TEST_KEY, startTestEmulator, type Emulator } from './support/harness';

/** The built CLI, as a user runs it (`npm test` builds first). */
const CLI = join(__dirname, '..', 'dist', 'connector', 'cli', 'main.js');
const execFileAsync = promisify(execFile);

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', STRIPE_SECRET_KEY: TEST_KEY, STRIPE_API_BASE: emulator.url, ...env },
      // The manifest is several MB (every action's output schema and sample).
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('stripe-connector CLI', () => {
  it('exits quietly when its reader stops early (manifest | head -1)', async () => {
    // The manifest is far larger than a pipe's buffer, so the CLI is still writing when head exits: EPIPE.
    const { stdout, stderr } = await execFileAsync('bash', ['-c', `"${process.execPath}" "${CLI}" manifest | head -1; echo "status \${PIPESTATUS[0]}"`]);
    expect(stdout).toBe('{\nstatus 0\n');
    expect(stderr).toBe('');
  });

  it('run create_customer prints the customer the emulator stored', async () => {
    const { code, stdout, stderr } = await cli(['run', 'create_customer', '--input', '{"email":"a@b.co"}']);
    expect(code).toBe(0);
    const customer = JSON.parse(stdout);
    expect(customer).toMatchObject({ object: 'customer', email: 'a@b.co' });
    expect(emulator.objects('customer').map((c) => c.id)).toEqual([customer.id]);
    expect(stdout + stderr).not.toContain(TEST_KEY);
  });

  it('exits 2 naming the field for invalid input, and sends nothing', async () => {
    const { code, stdout, stderr } = await cli(['run', 'create_customer', '--input', '{"email": 5}']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const { error } = JSON.parse(stderr);
    expect(error).toMatchObject({ type: 'input_validation_error', fields: [{ field: 'email', message: expect.any(String) }] });
    expect(emulator.requests).toHaveLength(0);
  });

  it('exits 2 for JSON that does not parse, an unknown action, and a publishable key', async () => {
    expect((await cli(['run', 'create_customer', '--input', '{email:'])).code).toBe(2);
    expect((await cli(['run', 'no_such_action'])).code).toBe(2);
    const publishable = await cli(['run', 'retrieve_balance'], { STRIPE_SECRET_KEY: 'pk_test_abcdefghijklmnop' });
    expect(publishable.code).toBe(2);
    expect(JSON.parse(publishable.stderr).error.fields[0].field).toBe('secret_key');
    expect(publishable.stderr).not.toContain('pk_test_abcdefghijklmnop');
    expect(emulator.requests).toHaveLength(0);
  });

  it('exits 1 with Stripe\'s error on stderr when Stripe refuses', async () => {
    const { code, stderr } = await cli(['run', 'retrieve_customer', '--input', '{"customer_id":"cus_missing"}']);
    expect(code).toBe(1);
    expect(JSON.parse(stderr).error).toMatchObject({
      name: 'StripeInvalidRequestError',
      code: 'resource_missing',
      status: 404,
      request_id: emulator.requests[0]!.requestId,
    });
  });

  it('reads --input-file and honours STRIPE_ACCOUNT', async () => {
    const file = join(__dirname, 'fixtures', 'charge-input.json');
    const { code, stdout } = await cli(['run', 'create_charge', '--input-file', file], { STRIPE_ACCOUNT: 'acct_1CliTest' });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ object: 'charge', amount: 1999, currency: 'usd' });
    expect(emulator.requests[0]!.headers['stripe-account']).toBe('acct_1CliTest');
    expect(emulator.objects('charge', 'acct_1CliTest')).toHaveLength(1);
  });

  it('keeps stderr to the one error document even after retries, and logs requests only when asked', async () => {
    emulator.inject({ kind: 'status', status: 500, count: 3 });
    const failed = await cli(['run', 'retrieve_balance']);
    expect(failed.code).toBe(1);
    expect(emulator.requests).toHaveLength(3);
    expect(failed.stderr.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(failed.stderr).error).toMatchObject({ name: 'StripeAPIError', status: 500, retryable: true });

    emulator.clearRequests();
    const logged = await cli(['run', 'retrieve_balance'], { LOG_LEVEL: 'info' });
    expect(logged.code).toBe(0);
    const lines = logged.stderr.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toEqual([expect.objectContaining({ msg: 'stripe request', method: 'GET', path: '/v1/balance', status: 200 })]);
    expect(logged.stderr).not.toContain(TEST_KEY);
  });

  it('exits 2 for a missing input file and for no command (usage on stderr)', async () => {
    const missing = await cli(['run', 'create_customer', '--input-file', '/nonexistent/input.json']);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stderr).error.fields[0].field).toBe('input-file');
    const bare = await cli([]);
    expect([bare.code, bare.stdout]).toEqual([2, '']);
    expect(bare.stderr).toContain('Usage: stripe-connector');
  });

  it('prints the manifest and the action list', async () => {
    const manifest = await cli(['manifest']);
    expect(manifest.stdout).toBe(renderManifest());
    const actions = await cli(['actions']);
    expect(actions.stdout.split('\n')).toContain('create_customer\tCreate customer');
  });
  it('lists the triggers, names the trigger commands in its usage, and refuses to subscribe without an encryption key', async () => {
    const triggers = await cli(['triggers']);
    expect(triggers.code).toBe(0);
    expect(triggers.stdout.split('\n')).toContain('new_charge\tNew charge');
    expect(triggers.stdout.split('\n')).toContain('new_refund\tNew refund');
    const help = await cli(['help']);
    for (const command of ['subscribe <trigger> --id <id>', 'unsubscribe <id>', 'subscriptions', 'poll <id>', 'worker [--concurrency N] [--webhook URL]']) {
      expect(help.stdout).toContain(command);
    }
    // Checked before Redis is touched (none runs here): exit 2 and how to make a key.
    const refused = await cli(['subscribe', 'new_charge', '--id', 'x'], { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(JSON.parse(refused.stderr).error.message).toContain('openssl rand -hex 32');
    const unknown = await cli(['subscribe', 'new_thing', '--id', 'x']);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stderr).error.message).toContain('unknown trigger');
  });
});
