/**
 * The CLI as a person and as a script meet it: each point both at a terminal (a pseudo-terminal, via
 * util-linux `script`) and piped. At a terminal: readable errors, colored results, tables, progress
 * on long walks. Piped or with --json: JSON exactly as scripts read it, and nothing else on stderr.
 */
import { execFile, spawn } from 'node:child_process';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { renderManifest } from '../connector/manifest';
import { COMMANDS } from '../connector/cli/commands';
import { CLI, atTerminal, piped, plain } from './support/cli';
import { TEST_KEY, clientFor, startTestEmulator, type Emulator } from './support/harness';

const execFileAsync = promisify(execFile);
const ROOT = join(__dirname, '..');

let emulator: Emulator;
let env: Record<string, string>;

beforeAll(async () => {
  emulator = await startTestEmulator();
  env = { STRIPE_SECRET_KEY: TEST_KEY, STRIPE_API_BASE: emulator.url };
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const cli = (args: string[], extra: Record<string, string> = {}, stdin?: string) => piped(args, { ...env, ...extra }, stdin);
const tty = (args: string[], extra: Record<string, string> = {}) => atTerminal(args, { ...env, ...extra });
const errorOf = (stderr: string) => JSON.parse(stderr).error;

describe('stripe-connector CLI, piped (what scripts read)', () => {
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
    expect(stdout).toBe(`${JSON.stringify(customer, null, 2)}\n`);
    expect(stderr).toBe('');
    expect(emulator.objects('customer').map((c) => c.id)).toEqual([customer.id]);
    expect(stdout + stderr).not.toContain(TEST_KEY);
  });

  it('exits 2 naming the field for invalid input, and sends nothing', async () => {
    const { code, stdout, stderr } = await cli(['run', 'create_customer', '--input', '{"email": 5}']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(errorOf(stderr)).toMatchObject({ type: 'input_validation_error', fields: [{ field: 'email', message: expect.any(String) }] });
    expect(emulator.requests).toHaveLength(0);
  });

  it('exits 2 for JSON that does not parse, an unknown action, and a publishable key', async () => {
    expect((await cli(['run', 'create_customer', '--input', '{email:'])).code).toBe(2);
    expect((await cli(['run', 'no_such_action'])).code).toBe(2);
    const publishable = await cli(['run', 'retrieve_balance'], { STRIPE_SECRET_KEY: 'pk_test_abcdefghijklmnop' });
    expect(publishable.code).toBe(2);
    expect(errorOf(publishable.stderr).fields[0].field).toBe('secret_key');
    expect(publishable.stderr).not.toContain('pk_test_abcdefghijklmnop');
    expect(emulator.requests).toHaveLength(0);
  });

  it('exits 1 with Stripe\'s error on stderr when Stripe refuses', async () => {
    const { code, stderr } = await cli(['run', 'retrieve_customer', '--input', '{"customer_id":"cus_missing"}']);
    expect(code).toBe(1);
    expect(errorOf(stderr)).toMatchObject({
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

  it('reads the input from stdin with --input - and --input-file -', async () => {
    const viaInput = await cli(['run', 'create_customer', '--input', '-'], {}, '{"email":"stdin@example.com"}');
    expect(viaInput.code).toBe(0);
    expect(JSON.parse(viaInput.stdout)).toMatchObject({ email: 'stdin@example.com' });
    const viaFile = await cli(['run', 'create_customer', '--input-file', '-'], {}, '{"name":"From Stdin"}');
    expect(JSON.parse(viaFile.stdout)).toMatchObject({ name: 'From Stdin' });
    const bad = await cli(['run', 'create_customer', '--input', '-'], {}, 'not json');
    expect(bad.code).toBe(2);
    expect(errorOf(bad.stderr).fields[0].field).toBe('input');
    expect(emulator.objects('customer')).toHaveLength(2);
  });

  it('at a terminal, --input - reads what is typed, up to Ctrl-D', async () => {
    const { code, output } = await atTerminal(['run', 'create_customer', '--input', '-'], env, '{"email":"typed@example.com"}');
    expect(code).toBe(0);
    expect(plain(output)).toContain('"email": "typed@example.com"');
    expect(emulator.objects('customer').map((c) => c.email)).toEqual(['typed@example.com']);
  });

  it('keeps stderr to the one error document even after retries, and logs requests only when asked', async () => {
    emulator.inject({ kind: 'status', status: 500, count: 3 });
    const failed = await cli(['run', 'retrieve_balance']);
    expect(failed.code).toBe(1);
    expect(emulator.requests).toHaveLength(3);
    expect(failed.stderr.trim().split('\n')).toHaveLength(1);
    expect(errorOf(failed.stderr)).toMatchObject({ name: 'StripeAPIError', status: 500, retryable: true });

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
    expect(errorOf(missing.stderr).fields[0].field).toBe('input-file');
    const bare = await cli([]);
    expect([bare.code, bare.stdout]).toEqual([2, '']);
    expect(bare.stderr).toContain('Usage: stripe-connector');
  });

  it('prints the manifest, the action list as key<TAB>title lines, and the triggers the same way', async () => {
    const manifest = await cli(['manifest']);
    expect(manifest.stdout).toBe(renderManifest());
    const actions = await cli(['actions']);
    expect(actions.stdout.split('\n')).toContain('create_customer\tCreate customer');
    expect(actions.stdout.trim().split('\n')).toHaveLength(125);
    const triggers = await cli(['triggers']);
    expect(triggers.stdout.split('\n')).toContain('new_charge\tNew charge');
    expect(triggers.stdout.trim().split('\n')).toHaveLength(18);
  });

  it('filters the actions by group and by search words', async () => {
    const group = await cli(['actions', '--group', 'refunds']);
    expect(group.stdout.trim().split('\n').map((line) => line.split('\t')[0])).toEqual(['create_refund', 'retrieve_refund', 'update_refund', 'cancel_refund', 'list_refunds']);
    const search = await cli(['actions', 'payment intent cancel']);
    expect(search.stdout.trim().split('\n').map((line) => line.split('\t')[0])).toEqual(['cancel_payment_intent']);
    // Words match the key, title and description: create_charge's description tells how to capture later.
    const both = await cli(['actions', '--group', 'charges', 'capture']);
    expect(both.stdout).toBe('create_charge\tCreate charge\ncapture_charge\tCapture charge\n');
    const none = await cli(['actions', 'zzzz']);
    expect([none.code, none.stdout]).toEqual([0, '']);
  });

  it('names the trigger commands in its usage, and refuses to subscribe without an encryption key', async () => {
    const help = await cli(['help']);
    for (const command of ['subscribe <trigger> --id <id>', 'unsubscribe <id>', 'subscriptions', 'poll <id>', 'worker [--concurrency N] [--webhook URL]']) {
      expect(help.stdout).toContain(command);
    }
    // Checked before Redis is touched (none runs here): exit 2 and how to make a key.
    const refused = await cli(['subscribe', 'new_charge', '--id', 'x'], { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(errorOf(refused.stderr).message).toContain('openssl rand -hex 32');
  });
});

describe('--help on every command', () => {
  it.each(COMMANDS.map((c) => [c.name] as const))('%s --help and help %s print its usage and options, exit 0', async (name) => {
    for (const args of [[name, '--help'], [name, '-h'], ['help', name]]) {
      const { code, stdout, stderr } = await cli(args);
      expect({ args, code, stderr }).toEqual({ args, code: 0, stderr: '' });
      expect(stdout).toContain(`Usage: stripe-connector ${name}`);
      expect(stdout).toContain('--json');
    }
  });

  it('at a terminal too, and --version prints the version', async () => {
    const { code, output } = await tty(['worker', '--help']);
    expect(code).toBe(0);
    expect(output).toContain('--concurrency N');
    const version = await cli(['--version']);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('run <action> --help at a terminal too', async () => {
    const { code, output } = await tty(['run', 'create_refund', '--help']);
    expect(code).toBe(0);
    expect(plain(output)).toContain('Rules:\n  give exactly one of charge or payment_intent');
  });

  it('run <action> --help lists the action\'s fields: name, type, required, default, description, and its rules', async () => {
    const refund = await cli(['run', 'create_refund', '--help']);
    expect(refund.code).toBe(0);
    expect(refund.stdout).toContain('create_refund: Create refund (POST /v1/refunds)');
    expect(refund.stdout).toMatch(/\n {2}charge +string\n/);
    expect(refund.stdout).toMatch(/\n {2}reason +one of duplicate\|fraudulent\|requested_by_customer\n/);
    expect(refund.stdout).toContain('Rules:\n  give exactly one of charge or payment_intent');
    const charge = await cli(['run', 'create_charge', '--help']);
    expect(charge.stdout).toMatch(/\n {2}amount +integer {2}\(required\)\n {6}\S/);
    expect(charge.stdout).toContain('give source or customer (at least one)');
    const list = await cli(['run', 'list_customers', '--help']);
    expect(list.stdout).toMatch(/\n {2}limit +integer {2}\(default 10\)/);
    expect(list.stdout).toContain('give starting_after or ending_before, not both');
    const coupon = await cli(['run', 'create_coupon', '--help']);
    expect(coupon.stdout).toContain('amount_off needs currency');
    // The fields and rules come from the action's manifest entry.
    const manifest = JSON.parse(renderManifest()) as { actions: { key: string; input: { properties: object }; rules?: unknown[] }[] };
    const entry = manifest.actions.find((a) => a.key === 'create_refund')!;
    for (const field of Object.keys(entry.input.properties)) expect(refund.stdout).toContain(`\n  ${field} `);
    expect(entry.rules).toEqual([{ kind: 'exactly_one', fields: ['charge', 'payment_intent'] }]);
    expect(emulator.requests).toHaveLength(0);
  });

  it('subscribe <trigger> --help lists the trigger\'s filters and options', async () => {
    const { code, stdout } = await cli(['subscribe', 'new_refund', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Filters (--filter k=v):\n  charge');
    expect(stdout).toMatch(/every +string {2}\(default "10m"\)/);
  });
});

describe('did you mean', () => {
  const cases: Array<[what: string, args: string[], field: string, suggestion: string, valid?: string]> = [
    ['a command', ['rn', 'create_customer'], 'command', 'run', 'manifest'],
    ['an action', ['run', 'create_custmer'], 'action', 'create_customer', undefined],
    ['an option', ['run', 'create_customer', '--inptu', '{}'], '--inptu', '--input', '--input-file'],
    ['a group', ['actions', '--group', 'charge'], '--group', 'charges', 'refunds'],
    ['a trigger', ['subscribe', 'new_chrge', '--id', 'x'], 'trigger', 'new_charge', 'new_refund'],
    ['a trigger filter', ['subscribe', 'new_charge', '--id', 'x', '--filter', 'custmer=cus_1'], 'filter', 'customer', 'status'],
  ];

  it.each(cases)('%s: piped, JSON with did_you_mean and the valid names, exit 2', async (_what, args, field, suggestion, valid) => {
    const { code, stdout, stderr } = await cli(args);
    expect([code, stdout]).toEqual([2, '']);
    const problem = errorOf(stderr).fields[0];
    expect(problem).toMatchObject({ field, did_you_mean: expect.arrayContaining([suggestion]) });
    expect(problem.message).toContain(`did you mean ${suggestion}`);
    if (valid) expect(problem.valid).toContain(valid);
    // No usage text inside the JSON.
    expect(stderr).not.toContain('Usage:');
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each(cases)('%s: at a terminal, a readable error with the suggestion', async (_what, args, field, suggestion, valid) => {
    const { code, output } = await tty(args);
    expect(code).toBe(2);
    const text = plain(output);
    expect(text).toMatch(/^error: /);
    expect(text).toContain(`${field}: `);
    expect(text).toContain(`did you mean ${suggestion}`);
    if (valid) expect(text).toContain(`valid: `);
    expect(text).not.toContain('{"error"');
    expect(output).toContain('\x1b[31merror\x1b[0m');
  });

  it('lists the commands for an unknown command, and the actions by count for an unknown action', async () => {
    const command = errorOf((await cli(['frobnicate'])).stderr).fields[0];
    expect(command.valid).toEqual([...COMMANDS.map((c) => c.name), 'help']);
    const action = errorOf((await cli(['run', 'create_custmer'])).stderr).fields[0];
    expect(action.valid).toHaveLength(125);
    const { output } = await tty(['run', 'create_custmer']);
    expect(plain(output)).toContain('125 valid names');
  });
});

describe('at a terminal', () => {
  it('prints results as colored JSON, and exactly the piped JSON with --json', async () => {
    const colored = await tty(['run', 'retrieve_balance']);
    expect(colored.code).toBe(0);
    expect(colored.output).toContain('\x1b[36m"object"\x1b[0m: \x1b[32m"balance"\x1b[0m');
    expect(JSON.parse(plain(colored.output))).toMatchObject({ object: 'balance' });
    const json = await tty(['run', 'retrieve_balance', '--json']);
    const pipedOut = await cli(['run', 'retrieve_balance']);
    expect(json.output).toBe(pipedOut.stdout);
    const noColor = await tty(['run', 'retrieve_balance'], { NO_COLOR: '1' });
    expect(noColor.output).not.toContain('\x1b[');
  });

  it('shows a readable error: the context, each field, Stripe\'s details; --json keeps the JSON document', async () => {
    const input = await tty(['run', 'create_customer', '--input', '{"email": 5, "balance": "x"}']);
    expect(input.code).toBe(2);
    const lines = plain(input.output).trim().split('\n');
    expect(lines[0]).toBe('error: Invalid input for create_customer');
    expect(lines.slice(1).map((line) => line.split(':')[0]!.trim()).sort()).toEqual(['balance', 'email']);
    const stripe = await tty(['run', 'retrieve_customer', '--input', '{"customer_id":"cus_missing"}']);
    expect(stripe.code).toBe(1);
    const text = plain(stripe.output);
    expect(text).toMatch(/^error: No such customer/);
    expect(text).toContain('  code: resource_missing');
    expect(text).toContain('  status: 404');
    expect(text).toContain(`  request_id: ${emulator.requests.at(-1)!.requestId}`);
    const json = await tty(['run', 'retrieve_customer', '--input', '{"customer_id":"cus_missing"}', '--json']);
    expect(JSON.parse(json.output).error).toMatchObject({ code: 'resource_missing', status: 404 });
  });

  it('lists actions grouped, and triggers as a table', async () => {
    const actions = plain((await tty(['actions', '--group', 'refunds'])).output);
    expect(actions).toMatch(/^refunds\n {2}create_refund +Create refund\n/);
    expect(actions).toContain('5 of 125 actions');
    const triggers = plain((await tty(['triggers'])).output);
    expect(triggers).toMatch(/^TRIGGER +TITLE +POLLS\n/);
    expect(triggers).toMatch(/\nnew_charge +New charge +GET \/v1\/charges\n/);
  });
});

describe('progress of long walks', () => {
  beforeEach(async () => {
    const client = clientFor(emulator);
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(Array.from({ length: 25 }, (_, i) => client.request({ method: 'POST', path: '/v1/customers', params: { email: `walk${batch * 25 + i}@example.com` } })));
    }
    emulator.clearRequests();
  });

  it('at a terminal: pages and items, then a line saying max_items cut the walk', async () => {
    const { code, output } = await tty(['run', 'list_customers', '--input', '{"return_all": true, "max_items": 150}']);
    expect(code).toBe(0);
    const text = plain(output);
    expect(text).toContain('list_customers: 1 page, 100 items...');
    expect(text).toContain('list_customers: 150 items in 2 pages; cut at max_items (150): more remain');
    expect(emulator.requests).toHaveLength(2);
  });

  it('at a terminal: a walk that reads everything says so', async () => {
    const text = plain((await tty(['run', 'list_customers', '--input', '{"return_all": true}'])).output);
    expect(text).toContain('list_customers: 250 items in 3 pages, all of them');
  });

  it('piped: nothing on stderr, the same JSON on stdout', async () => {
    const { code, stdout, stderr } = await cli(['run', 'list_customers', '--input', '{"return_all": true, "max_items": 150}']);
    expect([code, stderr]).toEqual([0, '']);
    expect(JSON.parse(stdout)).toMatchObject({ has_more: true });
    expect(JSON.parse(stdout).data).toHaveLength(150);
  });
});

describe('npm run emulator', () => {
  const status = async (extra: Record<string, string> = {}) =>
    (await execFileAsync(process.execPath, [join(ROOT, 'tools', 'build.mjs'), '--status'], { cwd: ROOT, env: { ...process.env, ...extra } })).stdout.trim();

  it('the build knows whether it is current', async () => {
    // npm test builds first; a jest run straight after editing a source finds the build stale.
    expect(await status()).toBe('current');
    const elsewhere = join(ROOT, 'dist', '.build-inputs.test');
    writeFileSync(elsewhere, 'a record of other inputs');
    try {
      expect(await status({ BUILD_RECORD: elsewhere })).toBe('stale');
    } finally {
      rmSync(elsewhere);
    }
  });

  it('starts on a current build without rebuilding it', async () => {
    expect(await status()).toBe('current');
    const marker = join(ROOT, 'dist', '.build-inputs');
    const before = statSync(join(ROOT, 'dist', 'connector', 'index.js')).mtimeMs;
    const started = Date.now();
    const url = await new Promise<string>((resolve, reject) => {
      // Its own process group, so npm, the shell and the emulator all stop together.
      const child = spawn('npm', ['run', '--silent', 'emulator', '--', '--port', '0'], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
      child.on('error', reject);
      child.stdout.on('data', (chunk: Buffer) => {
        const line = chunk.toString().split('\n').find((l) => l.startsWith('{'));
        if (line) {
          process.kill(-child.pid!, 'SIGTERM');
          resolve(JSON.parse(line).url);
        }
      });
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(statSync(join(ROOT, 'dist', 'connector', 'index.js')).mtimeMs).toBe(before);
    expect(statSync(marker).mtimeMs).toBeLessThan(started);
  });
});
