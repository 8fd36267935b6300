/**
 * The n8n package (packages/n8n-nodes-stripe-connector) in n8n's real runtime, against the emulator:
 *
 *   npm run build && node dist/tools/n8n-runtime-check.js [--n8n-version 1.100.1] [--n8n-dir DIR] [--screenshot docs/n8n-editor.png] [--keep]
 *
 * Not part of `npm test`: n8n is not a dependency of this project (installing it takes minutes and
 * 1.3 GB; numbers in the README's n8n section). The first run installs `n8n@<version>` into --n8n-dir
 * (default: <tmp>/n8n-<version>, outside the repository) and later runs reuse it. Then, in a fresh
 * n8n user folder: the package is installed the way the README says (npm install --install-links into
 * .n8n/nodes, where n8n loads community packages from), a credential and workflows are imported with
 * n8n's CLI, and
 *   - `n8n execute` runs create_customer, and a create_customer with a bad email that must fail
 *     naming the field with nothing sent;
 *   - `n8n start` runs the polling trigger (new_charge) of an active workflow: each of 3 charges fires
 *     once, a charge made before activation never; after a restart nothing fires again and one new
 *     charge fires once;
 *   - the credential's test (GET /v1/balance) through n8n's REST API;
 *   - the key is in no n8n output and not in n8n's database file in clear;
 *   - with --screenshot, Debian's Chromium takes the editor's form of a Stripe node.
 * Exits 1 at the first check that fails. --keep leaves the user folder (logs, database) behind.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StripeClient } from '../client/client';
import { closeTransport } from '../client/transport';
import { startEmulator } from '../emulator';
import type { Emulator } from '../emulator/types';

const ROOT = join(__dirname, '..', '..');
const PACKAGE = join(ROOT, 'packages', 'n8n-nodes-stripe-connector');
/** Made up, and long enough to be found if it leaks into n8n's output or database. */
const KEY = 'sk_test_51N8nRuntimeCheckKey0123456789abcdefXYZ';
const CREDENTIAL = { id: 'stripeEmulator01', name: 'Stripe emulator' };
/** Community packages' node types are `<package name>.<node name>` in n8n. */
const NODE = 'n8n-nodes-stripe-connector.stripeConnector';
const TRIGGER = 'n8n-nodes-stripe-connector.stripeConnectorTrigger';
/**
 * Every 10 s. n8n refuses a `*` in a poll's seconds field ("at least a minute") but takes a list of
 * seconds; at its editor's shortest (every minute) the trigger part would take several minutes.
 */
const EVERY_10_S = '0,10,20,30,40,50 * * * * *';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface Args {
  version: string;
  n8nDir: string;
  screenshot?: string;
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Partial<Args> = { version: '1.100.1', keep: false };
  for (let i = 0; i < argv.length; i++) {
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${argv[i - 1]} needs a value`);
      return v;
    };
    switch (argv[i]) {
      case '--n8n-version':
        args.version = value();
        break;
      case '--n8n-dir':
        args.n8nDir = value();
        break;
      case '--screenshot':
        args.screenshot = value();
        break;
      case '--keep':
        args.keep = true;
        break;
      default:
        throw new Error(`unknown argument: ${argv[i]}`);
    }
  }
  return { ...args, n8nDir: args.n8nDir ?? join(tmpdir(), `n8n-${args.version}`) } as Args;
}

function check(ok: boolean, what: string, detail?: unknown): void {
  if (!ok) throw new Error(`FAILED: ${what}${detail === undefined ? '' : `\n${typeof detail === 'string' ? detail : JSON.stringify(detail, null, 2)}`}`);
  process.stdout.write(`ok  ${what}\n`);
}

function npm(cwd: string, args: string[]): void {
  const started = Date.now();
  const result = spawnSync('npm', [...args, '--no-audit', '--no-fund'], { cwd, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed in ${cwd} (exit ${result.status})`);
  process.stdout.write(`npm ${args.join(' ')}: ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

/** n8n at the version asked, installed once outside the repository. */
function installN8n({ version, n8nDir }: Args): string {
  const bin = join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n');
  const installed = join(n8nDir, 'node_modules', 'n8n', 'package.json');
  if (existsSync(bin) && JSON.parse(readFileSync(installed, 'utf8')).version === version) return bin;
  mkdirSync(n8nDir, { recursive: true });
  // n8n-nodes-base depends on xlsx as a tarball on cdn.sheetjs.com, not on the npm registry: a machine
  // that reaches only the registry fails there. 0.18.5, the last xlsx on npm, stands in (only n8n's
  // spreadsheet nodes use it).
  writeFileSync(join(n8nDir, 'package.json'), JSON.stringify({ name: 'n8n-runtime', private: true, overrides: { xlsx: '0.18.5' } }, null, 2));
  npm(n8nDir, ['install', `n8n@${version}`]);
  return bin;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`FAILED: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** One n8n user folder, its CLI and its server; everything n8n prints is kept to look for the key. */
class N8nHome {
  readonly folder: string;
  readonly port: number;
  output = '';
  private server?: ChildProcess;

  constructor(
    private readonly bin: string,
    work: string,
    port: number,
  ) {
    this.folder = join(work, 'home');
    this.port = port;
    mkdirSync(join(this.folder, '.n8n'), { recursive: true });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private env(): NodeJS.ProcessEnv {
    // Only what n8n needs from the developer's environment: no keys or tokens of theirs reach it.
    const inherited = Object.fromEntries(['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'].flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]]])));
    return {
      ...inherited,
      N8N_USER_FOLDER: this.folder,
      N8N_ENCRYPTION_KEY: 'n8n-runtime-check-encryption-key',
      N8N_PORT: String(this.port),
      N8N_HOST: '127.0.0.1',
      N8N_LISTEN_ADDRESS: '127.0.0.1',
      N8N_SECURE_COOKIE: 'false',
      N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
      N8N_DIAGNOSTICS_ENABLED: 'false',
      N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
      N8N_TEMPLATES_ENABLED: 'false',
      N8N_PERSONALIZATION_ENABLED: 'false',
      N8N_LOG_LEVEL: 'info',
    };
  }

  /** Not spawnSync: the emulator answers the nodes from this process's event loop. */
  cli(args: string[]): Promise<{ status: number | null; stdout: string; out: string }> {
    const child = spawn(process.execPath, [this.bin, ...args], { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (status) => {
        this.output += stdout + stderr;
        resolve({ status, stdout, out: stdout + stderr });
      });
    });
  }

  async importJson(kind: 'credentials' | 'workflow', name: string, data: unknown): Promise<void> {
    const file = join(this.folder, `${name}.json`);
    writeFileSync(file, JSON.stringify(data, null, 2));
    const { status, out } = await this.cli([`import:${kind}`, `--input=${file}`]);
    if (status !== 0) throw new Error(`n8n import:${kind} ${name} failed:\n${out}`);
  }

  /** `n8n start`, resolved once the editor is up and `activated` workflows are active. */
  async start(activated: number): Promise<void> {
    const server = spawn(process.execPath, [this.bin, 'start'], { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.server = server;
    let log = '';
    const exited = new Promise<never>((_, reject) => server.once('exit', (code) => reject(new Error(`n8n start exited (${code}):\n${log.slice(-4000)}`))));
    exited.catch(() => undefined);
    for (const stream of [server.stdout!, server.stderr!]) {
      stream.on('data', (chunk: Buffer) => {
        log += chunk;
        this.output += chunk;
        appendFileSync(join(this.folder, 'n8n-start.log'), chunk);
      });
    }
    const ready = until('n8n start', 120_000, () => {
      const failed = /Activation of workflow .* did fail with error: .*/.exec(log);
      if (failed) throw new Error(`FAILED: ${failed[0]}`);
      return log.includes('Editor is now accessible') && (log.match(/Activated workflow/g) ?? []).length >= activated ? true : undefined;
    });
    await Promise.race([ready, exited]);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server || server.exitCode !== null) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.once('exit', () => resolve());
      server.kill('SIGTERM');
    });
  }
}

function workflow(id: string, name: string, nodes: object[], connections: object): object {
  return { id, name, active: false, settings: {}, nodes, connections };
}

function stripeNode(id: string, name: string, position: [number, number], parameters: object, type = NODE): object {
  return { id, name, type, typeVersion: 1, position, parameters, credentials: { stripeConnectorApi: CREDENTIAL } };
}

function manualTrigger(id: string, name: string): object {
  return { id, name, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
}

function manualWorkflow(id: string, name: string, stripe: object): object {
  const trigger = 'When clicking ‘Execute workflow’';
  return workflow(id, name, [manualTrigger(`${id}-manual`, trigger), stripe], { [trigger]: { main: [[{ node: (stripe as { name: string }).name, type: 'main', index: 0 }]] } });
}

/** `n8n execute --rawOutput` prints the run's data as indented JSON among the lines n8n logs. */
function runData(stdout: string): Record<string, Array<{ data?: { main: Array<Array<{ json: Record<string, unknown> }>> } }>> {
  const lines = stdout.split('\n');
  const start = lines.indexOf('{');
  const end = lines.indexOf('}', start);
  return JSON.parse(lines.slice(start, end + 1).join('\n')).data.resultData.runData;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(join(PACKAGE, 'dist', 'nodes'))) throw new Error('the package is not built: run `npm run build` first');
  const started = Date.now();
  const bin = installN8n(args);
  const version = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' }).stdout.trim();
  process.stdout.write(`n8n ${version} (${bin}), node ${process.version}\n`);

  const port = await freePort();
  const emulator: Emulator = await startEmulator();
  const stripe = new StripeClient({ secret_key: KEY }, { apiBase: emulator.url });
  const customers = async (): Promise<Array<{ id: string; name: string | null; email: string | null }>> =>
    (await stripe.request<{ data: Array<{ id: string; name: string | null; email: string | null }> }>({ method: 'GET', path: '/v1/customers', params: { limit: 100 } })).body.data;
  const charge = async (amount: number): Promise<string> =>
    (await stripe.request<{ id: string }>({ method: 'POST', path: '/v1/charges', params: { amount, currency: 'usd', source: 'tok_visa' } })).body.id;
  const polls = (): number => emulator.requests.filter((r) => r.method === 'GET' && r.path === '/v1/charges').length;
  const pollsPast = async (n: number): Promise<void> => {
    const from = polls();
    await until(`${n} polls`, 15_000 * n, () => (polls() >= from + n ? true : undefined));
  };
  // Made just before the try whose finally removes it.
  const work = mkdtempSync(join(tmpdir(), 'n8n-runtime-check-'));
  const n8n = new N8nHome(bin, work, port);
  try {
    const nodes = join(n8n.folder, '.n8n', 'nodes');
    mkdirSync(nodes, { recursive: true });
    writeFileSync(join(nodes, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }, null, 2));
    npm(nodes, ['install', '--install-links', PACKAGE]);

    await n8n.importJson('credentials', 'credentials', [{ ...CREDENTIAL, type: 'stripeConnectorApi', data: { secretKey: KEY, stripeAccount: '', apiVersion: '', apiBase: emulator.url } }]);
    await n8n.importJson(
      'workflow',
      'create-customer',
      manualWorkflow('createCustomer01', 'Stripe: create customer', stripeNode('cc-stripe', 'Create customer', [220, 0], { resource: 'customers', operation: 'create_customer', additionalFields: { name: 'Ada', email: 'ada@example.com', metadata: '{"plan":"pro"}' } })),
    );
    await n8n.importJson(
      'workflow',
      'bad-email',
      manualWorkflow('badEmail00000001', 'Stripe: bad email', stripeNode('be-stripe', 'Create customer', [220, 0], { resource: 'customers', operation: 'create_customer', additionalFields: { email: 'not-an-email' } })),
    );
    const triggerName = 'New charge';
    await n8n.importJson(
      'workflow',
      'new-charge',
      workflow(
        'newCharge0000001',
        'Stripe: new charge',
        [
          stripeNode('nc-trigger', triggerName, [0, 0], { pollTimes: { item: [{ mode: 'custom', cronExpression: EVERY_10_S }] }, trigger: 'new_charge', options: {} }, TRIGGER),
          // What the trigger emits is seen in the emulator: one customer named after each charge.
          stripeNode('nc-record', 'Record charge', [220, 0], { resource: 'customers', operation: 'create_customer', additionalFields: { name: '={{ $json.object_id }}' } }),
        ],
        { [triggerName]: { main: [[{ node: 'Record charge', type: 'main', index: 0 }]] } },
      ),
    );

    // The Stripe node under `n8n execute`.
    emulator.clearRequests();
    let run = await n8n.cli(['execute', '--id=createCustomer01', '--rawOutput']);
    check(run.status === 0, 'n8n execute: create_customer ran', run.out.slice(-3000));
    const [created] = runData(run.stdout)['Create customer']![0]!.data!.main[0]!;
    check(created?.json.object === 'customer' && created.json.name === 'Ada' && created.json.email === 'ada@example.com' && (created.json.metadata as { plan?: string }).plan === 'pro', 'n8n execute: the node output is the customer', created);
    const sent = emulator.requests.filter((r) => r.path === '/v1/customers');
    check(sent.length === 1 && sent[0]!.method === 'POST' && /^n8n-[0-9a-f]{32}$/.test(sent[0]!.headers['idempotency-key'] ?? ''), 'n8n execute: one POST /v1/customers, with the idempotency key derived from the execution', sent.map((r) => [r.method, r.path, r.headers['idempotency-key']]));

    emulator.clearRequests();
    run = await n8n.cli(['execute', '--id=badEmail00000001', '--rawOutput']);
    check(/Execution was NOT successful/.test(run.out) && /Invalid input for create_customer: email/.test(run.out), 'n8n execute: a bad email fails the execution naming the field', run.out.slice(-3000));
    check(emulator.requests.length === 0, 'n8n execute: nothing was sent for the bad email', emulator.requests.map((r) => `${r.method} ${r.path}`));

    // The trigger under `n8n start`: n8n polls an active workflow on its Poll Times.
    const activate = await n8n.cli(['update:workflow', '--id=newCharge0000001', '--active=true']);
    check(activate.status === 0, 'n8n update:workflow --active=true', activate.out);
    const before = await charge(400);
    await n8n.start(1);

    // The credential's test and the editor need a signed-in user: the owner, set up through the REST API.
    const setup = await fetch(`${n8n.url}/rest/owner/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@example.com', firstName: 'Ada', lastName: 'Lovelace', password: 'Runtime-check-1' }),
    });
    const cookie = setup.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='))?.split(';')[0];
    check(setup.ok && cookie !== undefined, 'n8n owner set up', setup.status);
    emulator.clearRequests();
    const tested = await fetch(`${n8n.url}/rest/credentials/test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: cookie! },
      body: JSON.stringify({ credentials: { ...CREDENTIAL, type: 'stripeConnectorApi', data: { secretKey: KEY, apiBase: emulator.url } } }),
    });
    const testResult = (await tested.json()) as { data?: { status?: string } };
    const balance = emulator.requests.filter((r) => r.path === '/v1/balance');
    check(testResult.data?.status === 'OK' && balance.length === 1 && balance[0]!.headers.authorization === `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`, "n8n's credential test: GET /v1/balance with Basic auth, OK", testResult);

    if (args.screenshot) await screenshot(n8n, cookie!, stripe, args.screenshot);

    const firstBatch = [await charge(501), await charge(502), await charge(503)];
    const recorded = async (): Promise<string[]> => (await customers()).map((c) => c.name ?? '').filter((name) => name.startsWith('ch_'));
    await until('3 charges recorded', 60_000, async () => ((await recorded()).length >= 3 ? true : undefined));
    await pollsPast(2);
    let names = await recorded();
    check(names.length === 3 && firstBatch.every((id) => names.includes(id)) && !names.includes(before), 'n8n start: new_charge fired once for each of 3 charges, not for the charge made before activation', { names, firstBatch, before });
    await n8n.stop();
    await n8n.start(1);
    await pollsPast(2);
    check((await recorded()).length === 3, 'n8n restarted: nothing fired again (the cursor is in the workflow static data n8n saved)', await recorded());
    const after = await charge(504);
    await until('the new charge recorded', 30_000, async () => ((await recorded()).includes(after) ? true : undefined));
    await pollsPast(2);
    names = await recorded();
    check(names.length === 4 && names.filter((n) => n === after).length === 1, 'n8n restarted: a new charge fired once', names);

    await n8n.stop();

    check(!n8n.output.includes(KEY), `the key is in none of n8n's output (${n8n.output.length} characters)`);
    const database = ['database.sqlite', 'database.sqlite-wal'].map((f) => join(n8n.folder, '.n8n', f)).filter(existsSync);
    check(database.length > 0 && database.every((f) => !readFileSync(f).includes(KEY)), "the key is not in n8n's database in clear", database);
    process.stdout.write(`all checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  } finally {
    await n8n.stop();
    await emulator.close();
    await closeTransport();
    if (args.keep) process.stdout.write(`kept ${work}\n`);
    else rmSync(work, { recursive: true, force: true });
  }
}

/** The editor with the form of a create_charge node open and its Customer lookup listed by loadOptions. */
async function screenshot(n8n: N8nHome, cookie: string, stripe: StripeClient, file: string): Promise<void> {
  const emails = ['grace@example.com', 'alan@example.com', 'katherine@example.com'];
  const ids: string[] = [];
  for (const email of emails) {
    ids.push((await stripe.request<{ id: string }>({ method: 'POST', path: '/v1/customers', params: { email } })).body.id);
  }
  const node = stripeNode('ch-stripe', 'Charge customer', [220, 0], { resource: 'charges', operation: 'create_charge', amount: 2000, currency: 'usd', additionalFields: { customer: ids[0], description: 'Order 1001' } });
  const created = await fetch(`${n8n.url}/rest/workflows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ ...manualWorkflow('unused', 'Stripe: charge a customer', node), id: undefined }),
  });
  const workflowId = ((await created.json()) as { data: { id: string } }).data.id;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const [name, value] = cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: n8n.url }]);
    const page = await context.newPage();
    await page.goto(`${n8n.url}/workflow/${workflowId}`);
    const canvasNode = page.locator('[data-test-id="canvas-node"]', { hasText: 'Charge customer' }).first();
    await canvasNode.waitFor({ timeout: 60_000 });
    await canvasNode.dblclick();
    await page.locator('[data-test-id="ndv"]').first().waitFor({ timeout: 30_000 });
    await page.locator('[data-test-id="parameter-input-customer"]').first().click();
    const options = page.locator('.el-select-dropdown__item', { hasText: emails[2] });
    await options.first().waitFor({ timeout: 30_000 });
    const listed = await page.locator('.el-select-dropdown__item').allInnerTexts();
    check(emails.every((email, i) => listed.includes(`${email} (${ids[i]})`)), "the editor's Customer dropdown lists the emulator's customers (loadOptions)", listed);
    await page.waitForTimeout(500);
    await page.screenshot({ path: file });
    process.stdout.write(`editor screenshot: ${file}\n`);
  } finally {
    await browser.close();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
