/**
 * The Node-RED package in the real Node-RED runtime (embedded, temporary user dir), against the
 * emulator over HTTP and a private Redis: the flow is deployed through the admin API as the editor
 * does, so the key goes the editor's way into the credentials store.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator, type Emulator } from '../emulator';
import { TriggerService } from '../connector';
import { startTestRedis, type TestRedis } from './support/redis';
import { TEST_KEY } from './support/emulator-http';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const RED = require('node-red');
const PACKAGE_DIR = resolve(__dirname, '..', 'packages', 'node-red-contrib-stripe-connector');

jest.setTimeout(Number(process.env.NR_TIMEOUT ?? 90_000));

let emulator: Emulator;
let redis: TestRedis;
let server: Server;
let adminUrl: string;
let userDir: string;
let service: TriggerService;
const received = new Map<string, any[]>();
const SUBSCRIPTION_ID = 'node-red-trig1';

function flow(redisUrl: string, prefix: string) {
  const debug = (id: string) => ({ id, type: 'debug', z: 'tab1', active: false, tosidebar: false, console: false, complete: 'true', wires: [] });
  const inject = (id: string, wire: string, payload = '', payloadType = 'date') => ({
    id, type: 'inject', z: 'tab1', props: [{ p: 'payload' }], payload, payloadType, repeat: '', once: false, wires: [[wire]],
  });
  return [
    { id: 'tab1', type: 'tab', label: 'stripe' },
    { id: 'conn1', type: 'stripe-connection', name: 'emulator', account: '', apiVersion: '', credentials: { secretKey: TEST_KEY } },
    inject('injCustomer', 'actCustomer', '{"email":"ada@example.com"}', 'json'),
    {
      id: 'actCustomer', type: 'stripe-action', z: 'tab1', connection: 'conn1', action: 'create_customer', fromPayload: false,
      fields: { name: { t: 'str', v: 'Ada Lovelace' }, email: { t: 'msg', v: 'payload.email' } }, wires: [['colCustomer']],
    },
    debug('colCustomer'),
    inject('injBad', 'actBad'),
    { id: 'actBad', type: 'stripe-action', z: 'tab1', connection: 'conn1', action: 'create_customer', fields: { email: { t: 'str', v: 'not-an-email' } }, wires: [['colBad']] },
    debug('colBad'),
    inject('injCharge', 'actCharge', '{"description":"from node-red"}', 'json'),
    {
      id: 'actCharge', type: 'stripe-action', z: 'tab1', connection: 'conn1', action: 'create_charge', fromPayload: true,
      fields: { amount: { t: 'num', v: '1250' }, currency: { t: 'str', v: 'usd' }, source: { t: 'str', v: 'tok_visa' } }, wires: [['colCharge']],
    },
    debug('colCharge'),
    inject('injDecline', 'actDecline'),
    {
      id: 'actDecline', type: 'stripe-action', z: 'tab1', connection: 'conn1', action: 'create_charge',
      fields: { amount: { t: 'num', v: '500' }, currency: { t: 'str', v: 'usd' }, source: { t: 'str', v: 'tok_chargeDeclined' } }, wires: [[]],
    },
    { id: 'catch1', type: 'catch', z: 'tab1', scope: ['actBad', 'actDecline'], uncaught: false, wires: [['colCatch']] },
    debug('colCatch'),
    inject('injPoll', 'trig1'),
    {
      id: 'trig1', type: 'stripe-trigger', z: 'tab1', connection: 'conn1', trigger: 'new_charge', options: { status: 'succeeded' }, every: '1m',
      redisUrl, prefix, wires: [['colEvents']],
    },
    debug('colEvents'),
    { id: 'status1', type: 'status', z: 'tab1', scope: ['trig1'], wires: [['colStatus']] },
    debug('colStatus'),
  ];
}

const COLLECTORS = ['colCustomer', 'colBad', 'colCharge', 'colCatch', 'colEvents', 'colStatus'];

/** Records what each collector (a debug node) receives; again after each (re)start, on the new nodes. */
function watchCollectors() {
  for (const id of COLLECTORS) {
    if (!received.has(id)) received.set(id, []);
    RED.nodes.getNode(id).on('input', (msg: any) => received.get(id)!.push(msg));
  }
}

function fire(injectId: string) {
  RED.nodes.getNode(injectId).receive({});
}

async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function startRuntime() {
  // Embedded, the host serves the admin app itself (here on loopback, at the root).
  server = createServer((req, res) => RED.httpAdmin(req, res));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address() as { port: number };
  adminUrl = `http://127.0.0.1:${address.port}`;
  RED.init(server, {
    userDir,
    flowFile: 'flows.json',
    credentialSecret: 'node-red-test-credential-secret',
    nodesDir: [PACKAGE_DIR],
    httpAdminRoot: '/',
    httpNodeRoot: false,
    disableEditor: true,
    logging: { console: { level: process.env.NR_LOG ?? 'off' } },
    editorTheme: { tours: false },
    telemetry: { enabled: false },
    externalModules: { autoInstall: false, palette: { allowInstall: false } },
  });
  // RED.start() resolves before the flows (and the credentials, with their encryption setting) have
  // loaded; a deploy that comes first on a busy machine is saved unencrypted and then wiped by the load.
  const flowsStarted = new Promise<void>((resolve) => RED.events.once('flows:started', () => resolve()));
  await RED.start();
  await flowsStarted;
}

async function stopRuntime() {
  await RED.stop();
  await new Promise<void>((ok) => server.close(() => ok()));
}

async function adminPost(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(adminUrl + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

beforeAll(async () => {
  emulator = await startEmulator({ apiKeys: [TEST_KEY] });
  process.env.STRIPE_API_BASE = emulator.url;
  redis = await startTestRedis();
  service = new TriggerService({ redis: redis.client(), prefix: redis.prefix });
  userDir = mkdtempSync(join(tmpdir(), 'sc-node-red-'));
  await startRuntime();
  const deployed = await adminPost('/flows', flow(redis.url, redis.prefix), { 'Node-RED-Deployment-Type': 'full', 'Node-RED-API-Version': 'v1' });
  expect(deployed.status).toBe(204);
  await waitFor('the deployed flow', () => RED.nodes.getNode('trig1'));
  watchCollectors();
});

afterAll(async () => {
  await stopRuntime();
  await service?.close();
  await redis?.stop();
  await emulator?.close();
  // The nodes use the built package (dist), whose keep-alive sockets are its own.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('../dist/connector').closeTransport();
  rmSync(userDir, { recursive: true, force: true });
});

test('the package loads from its own package.json: three node types, from the node-red.nodes map', () => {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8'));
  expect(pkg.keywords).toContain('node-red');
  expect(Object.keys(pkg['node-red'].nodes)).toEqual(['stripe-connection', 'stripe-action', 'stripe-trigger']);
  for (const type of Object.keys(pkg['node-red'].nodes)) expect(RED.nodes.getType(type)).toBeDefined();
});

test('the Test button endpoint: GET /v1/balance with the stored key, or the one typed in; the key never in the answer', async () => {
  emulator.clearRequests();
  const stored = await adminPost('/stripe-connection/test', { id: 'conn1', secretKey: '__PWRD__' });
  expect(JSON.parse(stored.text)).toEqual({ ok: true, mode: 'test', livemode: false });
  expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/balance']);
  const wrongKey = 'sk_test_notTheRightKey999';
  const refused = await adminPost('/stripe-connection/test', { secretKey: wrongKey });
  const answer = JSON.parse(refused.text);
  expect(answer.ok).toBe(false);
  expect(answer.error).toMatchObject({ name: 'StripeAuthenticationError', status: 401 });
  expect(refused.text).not.toContain(wrongKey);
});

test('create_customer runs from an inject and its result reaches the collector', async () => {
  fire('injCustomer');
  const [msg] = await waitFor('the customer', () => received.get('colCustomer')!.length > 0 && received.get('colCustomer'));
  expect(msg.payload).toMatchObject({ object: 'customer', name: 'Ada Lovelace', email: 'ada@example.com' });
  expect(emulator.objects('customer').map((c: any) => c.id)).toContain(msg.payload.id);
});

test("the editor's data: the manifest, and a lookup field's choices read with the deployed connection", async () => {
  const manifest = (await (await fetch(`${adminUrl}/stripe-connector/manifest`)).json()) as any;
  expect(manifest.actions).toHaveLength(125);
  expect(manifest.triggers.map((t: any) => t.key)).toContain('new_charge');
  const lookup = (await (await fetch(`${adminUrl}/stripe-connector/lookup?connection=conn1&action=list_customers&value=id&label=name`)).json()) as any;
  expect(lookup.ok).toBe(true);
  expect(lookup.items).toContainEqual({ value: received.get('colCustomer')![0].payload.id, label: 'Ada Lovelace' });
});

test('an invalid field fails naming the field, reaches the Catch node, and sends no request', async () => {
  emulator.clearRequests();
  fire('injBad');
  const caught = await waitFor('the caught error', () => received.get('colCatch')!.find((m) => m.error?.source?.id === 'actBad'));
  expect(caught.error.message).toMatch(/^Invalid input for create_customer: email: /);
  expect(caught.error.cause).toMatchObject({ type: 'input_validation_error', param: 'email' });
  await sleep(200);
  // The trigger's baseline poll (GET /v1/charges) may run meanwhile; nothing else may.
  expect(emulator.requests.filter((r) => r.path !== '/v1/charges')).toEqual([]);
  expect(received.get('colBad')).toEqual([]);
});

test('a Stripe error reaches the Catch node with type, code and request_id, never the key', async () => {
  fire('injDecline');
  const caught = await waitFor('the decline', () => received.get('colCatch')!.find((m) => m.error?.source?.id === 'actDecline'));
  expect(caught.error.code).toBe('card_declined');
  expect(caught.error.cause).toMatchObject({ type: 'card_error', code: 'card_declined', decline_code: expect.any(String), request_id: expect.stringMatching(/^req_/) });
  expect(JSON.stringify(caught)).not.toContain(TEST_KEY);
});

test('new_charge (status succeeded: the declined charge is left out) fires once per charge the flow makes (3), a redelivered message charges nothing, and after a restart nothing fires again', async () => {
  await waitFor('the baseline', async () => (await service.status(SUBSCRIPTION_ID))?.state.baselined);
  const charges = received.get('colCharge')!;
  for (let n = 1; n <= 3; n += 1) {
    fire('injCharge');
    await waitFor(`charge ${n}`, () => charges.length === n);
  }
  const chargeIds = charges.map((m) => m.payload.id);
  expect(new Set(chargeIds).size).toBe(3);
  expect(charges[0].payload).toMatchObject({ amount: 1250, currency: 'usd', description: 'from node-red' });

  // The same message again (same _msgid): the derived idempotency key makes it Stripe's replay.
  const before = emulator.objects('charge').length;
  RED.nodes.getNode('actCharge').receive({ ...charges[0], payload: { description: 'from node-red' } });
  await waitFor('the redelivery', () => charges.length === 4);
  expect(charges[3].payload.id).toBe(chargeIds[0]);
  expect(emulator.objects('charge').length).toBe(before);

  fire('injPoll');
  const events = received.get('colEvents')!;
  await waitFor('3 events', () => events.length >= 3);
  await sleep(500);
  expect(events.map((m) => m.payload.id).sort()).toEqual([...chargeIds].sort());
  expect(events.every((m) => m.topic === 'new_charge')).toBe(true);

  await stopRuntime();
  const polledBefore = (await service.status(SUBSCRIPTION_ID))!.state.last_poll_at;
  await startRuntime();
  await waitFor('the restarted flow', () => RED.nodes.getNode('trig1'));
  watchCollectors();
  fire('injPoll');
  await waitFor('a poll after the restart', async () => (await service.status(SUBSCRIPTION_ID))!.state.last_poll_at !== polledBefore);
  await sleep(500);
  expect(events).toHaveLength(3);
  // Kept on close: the restart found the subscription and its cursor.
  expect(await service.status(SUBSCRIPTION_ID)).toMatchObject({ trigger: 'new_charge', connection_ref: 'conn1' });
});

test("the trigger's status shows polling, then failing with the last error when the key is refused", async () => {
  const statuses = received.get('colStatus')!;
  await waitFor('a polling status', () => statuses.find((m) => /^polling/.test(m.status?.text)));
  emulator.revokeKey(TEST_KEY);
  try {
    fire('injPoll');
    const failing = await waitFor('a failing status', () => statuses.find((m) => /^failing: /.test(m.status?.text)), 15_000);
    expect(failing.status.fill).toBe('red');
    expect(failing.status.text).not.toContain(TEST_KEY);
  } finally {
    emulator.restoreKey(TEST_KEY);
  }
});

test('deleting the trigger node from the flow unsubscribes it; a redeploy keeps the stored key', async () => {
  const without = flow(redis.url, redis.prefix)
    .filter((n) => !['trig1', 'injPoll', 'status1', 'colStatus'].includes(n.id))
    // The editor sends a deployed config node back without its credentials (they are kept on the server).
    .map((n) => (n.id === 'conn1' ? { ...n, credentials: undefined } : n));
  const deployed = await adminPost('/flows', without, { 'Node-RED-Deployment-Type': 'full', 'Node-RED-API-Version': 'v1' });
  expect(deployed.status).toBe(204);
  await waitFor('the unsubscribe', async () => (await service.status(SUBSCRIPTION_ID)) === undefined);
  expect(await service.list()).toEqual([]);
});

test('the key is absent from flows.json and present only encrypted in flows_cred.json', () => {
  const flows = readFileSync(join(userDir, 'flows.json'), 'utf8');
  expect(flows).toContain('stripe-connection');
  expect(flows).not.toContain(TEST_KEY);
  const credFile = join(userDir, 'flows_cred.json');
  expect(existsSync(credFile)).toBe(true);
  const creds = readFileSync(credFile, 'utf8');
  expect(creds).not.toContain(TEST_KEY);
  expect(creds).not.toContain('secretKey');
  expect(Object.keys(JSON.parse(creds))).toEqual(['$']);
  // And the runtime, with the credential secret, does read it back.
  expect(RED.nodes.getCredentials('conn1')).toEqual({ secretKey: TEST_KEY });
});
