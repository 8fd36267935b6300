/**
 * The playground in a real browser: Debian's Chromium driven by playwright-core (which downloads no
 * browser), the page built into dist/playground, the emulator over HTTP and a real Redis.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startEmulator } from '../emulator';
import type { Emulator } from '../emulator/types';
import { startPlayground, type Playground } from '../connector/playground/server';
import { call, TEST_KEY } from './support/emulator-http';
import { startTestRedis, type TestRedis } from './support/redis';

// The functions handed to page.evaluate run in the page; the project compiles without the DOM library.
declare const document: any;
declare const requestAnimationFrame: (callback: (time: number) => void) => void;
declare const localStorage: Record<string, string>;
declare const sessionStorage: Record<string, string>;
type HTMLButtonElement = { click(): void };

const ROOT = join(__dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test-artifacts', 'playground');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

jest.setTimeout(90_000);

let emulator: Emulator;
let redis: TestRedis;
let playground: Playground;
let context: BrowserContext;
let page: Page;
let profile: string;
const requestedUrls: string[] = [];
const pageErrors: string[] = [];

async function shot(name: string): Promise<string> {
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

async function chooseAction(key: string): Promise<void> {
  await page.click('#tab-actions');
  await page.fill('#action-search', key);
  await page.click(`[data-action="${key}"]`);
  await page.waitForFunction((k) => document.querySelector('.detail h2 code')?.textContent === k && document.querySelector('.detail form') !== null, key);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; .ci/run does)`);
  if (!existsSync(join(ROOT, 'dist', 'playground', 'index.html'))) throw new Error('dist/playground is not built: run npm run build');
  mkdirSync(ARTIFACTS, { recursive: true });
  emulator = await startEmulator();
  redis = await startTestRedis();
  playground = await startPlayground({ port: 0, apiBase: emulator.url, redisUrl: redis.url, redisPrefix: redis.prefix, assetsDir: join(ROOT, 'dist', 'playground') });
  profile = mkdtempSync(join(tmpdir(), 'playground-chromium-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 } });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('request', (request) => requestedUrls.push(request.url()));
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(playground.url);
});

afterAll(async () => {
  await context?.close();
  await playground?.close();
  await redis?.stop();
  await emulator?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe('the playground page', () => {
  test('the connection form takes an emulator key and shows it masked; Test connection calls GET /v1/balance', async () => {
    await page.fill('#root_secret_key', TEST_KEY);
    await page.click('#connection-form button[type=submit]');
    await page.waitForSelector('#masked-key:has-text("sk_test_...4242")');
    expect(await page.textContent('#mode')).toBe('test');
    emulator.clearRequests();
    await page.click('#test-connection');
    await page.waitForSelector('#connection-message:has-text("Connection OK")');
    expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/balance']);
    // The form was cleared once the server held the key.
    expect(await page.inputValue('#root_secret_key')).toBe('');
    await shot('connection');
  });

  test('every action\'s form renders without a renderer error', async () => {
    await page.click('#tab-actions');
    const keys = await page.$$eval('[data-action]', (buttons) => buttons.map((b) => b.getAttribute('data-action')!));
    expect(keys.length).toBeGreaterThanOrEqual(125);
    // In the page, one after another: click, then wait for that action's form or a renderer error.
    const outcome = await page.evaluate(async (all) => {
      const failures: string[] = [];
      let fields = 0;
      for (const key of all) {
        (document.querySelector(`[data-action="${key}"]`) as HTMLButtonElement).click();
        for (let i = 0; ; i++) {
          await new Promise((r) => requestAnimationFrame(r));
          const error = document.querySelector('.render-error');
          if (error) {
            failures.push(`${key}: ${error.textContent}`);
            break;
          }
          if (document.querySelector('.detail h2 code')?.textContent === key && document.querySelector('.detail form button[type=submit]')) {
            fields += document.querySelectorAll('.detail form input, .detail form select, .detail form textarea').length;
            break;
          }
          if (i > 600) {
            failures.push(`${key}: no form after 600 frames`);
            break;
          }
        }
      }
      return { failures, fields };
    }, keys);
    expect(pageErrors).toEqual([]);
    expect(outcome.failures).toEqual([]);
    expect(outcome.fields).toBeGreaterThan(keys.length);
  });

  test('runs create_customer from the form and shows the result with the output fields', async () => {
    await chooseAction('create_customer');
    await page.fill('#root_email', 'ada@example.com');
    await page.fill('#root_name', 'Ada Lovelace');
    await page.click('.detail form button[type=submit]');
    await page.waitForSelector('#result.ok');
    const result = JSON.parse((await page.textContent('#result-json'))!);
    expect(result).toMatchObject({ object: 'customer', email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(emulator.objects('customer').map((c: any) => c.id)).toEqual([result.id]);
    expect(await page.locator('.output-fields code.present').allTextContents()).toEqual(expect.arrayContaining(['id', 'email', 'name']));
    await shot('create-customer');
  });

  test('an invalid amount is shown at the field and no request is sent', async () => {
    await chooseAction('create_payment_intent');
    emulator.clearRequests();
    const before = requestedUrls.length;
    await page.fill('#root_amount', '1.5');
    await page.fill('#root_currency', 'usd');
    await page.click('.detail form button[type=submit]');
    await page.waitForSelector('#root_amount__error');
    expect(await page.textContent('#root_amount__error')).toMatch(/integer/);
    // The customer field's lookup lists customers (a GET); nothing else reached Stripe.
    const sent = () => emulator.requests.filter((r) => !(r.method === 'GET' && r.path === '/v1/customers')).map((r) => `${r.method} ${r.path}`);
    expect(sent()).toEqual([]);
    expect(requestedUrls.slice(before).filter((url) => url.includes('/run'))).toEqual([]);
    await page.fill('#root_amount', '-5');
    await page.click('.detail form button[type=submit]');
    await page.waitForSelector('#root_amount__error');
    expect(sent()).toEqual([]);
    expect(requestedUrls.slice(before).filter((url) => url.includes('/run'))).toEqual([]);
    await shot('invalid-amount');
  });

  test('the connector\'s own validation errors come back with their field paths', async () => {
    // A metadata key over Stripe's 40 characters is the connector's check (schemas/limits), made on the server.
    const response = await page.evaluate(async () => {
      const r = await fetch('/api/actions/create_charge/run', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: { amount: 100, currency: 'usd', metadata: { ['x'.repeat(41)]: 'v' } } }) });
      return { status: r.status, body: (await r.json()) as any };
    });
    expect(response.status).toBe(400);
    expect(response.body.error.problems[0].field).toMatch(/^metadata/);
  });

  test('picks a customer from a lookup dropdown', async () => {
    const customer = emulator.objects('customer')[0] as { id: string };
    await chooseAction('create_charge');
    const select = page.locator('select[data-lookup="list_customers"]').first();
    await page.waitForSelector(`select[data-lookup="list_customers"] option[value="${customer.id}"]`, { state: 'attached' });
    expect(await select.locator(`option[value="${customer.id}"]`).textContent()).toContain('ada@example.com');
    await select.selectOption(customer.id);
    await page.fill('#root_amount', '2500');
    await page.fill('#root_currency', 'usd');
    await page.fill('#root_source', 'tok_visa');
    await page.click('.detail form button[type=submit]');
    await page.waitForSelector('#result.ok');
    expect(JSON.parse((await page.textContent('#result-json'))!)).toMatchObject({ object: 'charge', customer: customer.id, amount: 2500 });
    await shot('lookup');
    await page.evaluate(() => document.querySelector('.detail h2').scrollIntoView());
    await shot('readme');
  });

  test('subscribes new_charge, and a new charge appears live with the subscription\'s cursor', async () => {
    await page.click('#tab-triggers');
    await page.selectOption('#trigger-select', 'new_charge');
    await page.click('#trigger-form button[type=submit]');
    await page.waitForSelector('#trigger-message:has-text("Subscribed")');
    const row = page.locator('#subscriptions tbody tr').first();
    await page.waitForFunction(() => {
      const status = document.querySelector('#subscriptions tbody tr .status')?.textContent;
      return status !== undefined && status !== 'taking baseline';
    }, undefined, { timeout: 20_000 });
    const charge = await call(emulator.url, 'POST', '/v1/charges', { params: { amount: 4200, currency: 'usd', source: 'tok_visa' } });
    expect(charge.status).toBe(200);
    await row.locator('button:has-text("Poll now")').click();
    await page.waitForSelector(`#events li[data-object="${charge.body.id}"]`, { timeout: 20_000 });
    await page.waitForFunction((id) => document.querySelector('#subscriptions tbody tr .cursor')?.textContent === id, charge.body.id);
    expect(await row.locator('.last-error').textContent()).toBe('-');
    await shot('triggers');
  });

  test('the Agent tab lists the MCP tools with their sizes', async () => {
    await page.click('#tab-agent');
    await page.waitForSelector('#tools tbody tr');
    const names = await page.$$eval('#tools tbody tr[data-tool]', (rows) => rows.map((r) => r.getAttribute('data-tool')));
    expect(names).toEqual(['search_actions', 'describe_action', 'run_read_action', 'run_write_action']);
    const sizes = await page.$$eval('#tools .bytes', (cells) => cells.map((c) => Number(c.textContent)));
    expect(sizes.every((n) => n > 100)).toBe(true);
    await shot('agent');
  });

  test('the key is nowhere in the page, its storage or the URLs it requested', async () => {
    const html = await page.content();
    const storage = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }));
    expect(html).not.toContain(TEST_KEY);
    expect(storage).not.toContain(TEST_KEY);
    expect(requestedUrls.length).toBeGreaterThan(10);
    expect(requestedUrls.filter((url) => url.includes(TEST_KEY) || url.includes('emulatorKey'))).toEqual([]);
    // Only the playground's own origin.
    expect(requestedUrls.filter((url) => !url.startsWith(playground.url))).toEqual([]);
  });

  test('a request with a foreign Host or Origin is refused (DNS rebinding)', async () => {
    const port = new URL(playground.url).port;
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        get({ host: '127.0.0.1', port, path: '/api/connection', headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject);
      });
    expect(await status({ host: `evil.example:${port}` })).toBe(403);
    expect(await status({ host: `127.0.0.1:${port}`, origin: 'http://evil.example' })).toBe(403);
    expect(await status({ host: `127.0.0.1:${port}` })).toBe(200);
  });
});
