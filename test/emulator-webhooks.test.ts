/**
 * The emulator's webhook side over real sockets: the webhook_endpoints resource, signed deliveries
 * of recorded events to a node:http receiver in this test, retries, the delivery fault switches
 * (seeded), secret rotation, and the control API for all of it. Signatures are checked here with
 * node:crypto, independently of the emulator's signing code.
 */
import { startEmulator, type Emulator } from '../emulator';
import { call as rawCall, type CallOptions } from './support/emulator-http';
import { parseSignature, signedWith, startWebhookRecorder, type ReceivedDelivery, type WebhookRecorder } from './support/webhook-recorder';

let emulator: Emulator;
let receiver: WebhookRecorder;
const call = (method: string, path: string, opts?: CallOptions) => rawCall(emulator.url, method, path, opts);

/** Fast retries so a failing receiver costs tens of ms, not seconds. */
const RETRY_DELAYS = [20, 40, 80];

beforeAll(async () => {
  emulator = await startEmulator({ webhooks: { retryDelaysMs: RETRY_DELAYS, timeoutMs: 2000 } });
  receiver = await startWebhookRecorder();
});
afterAll(async () => {
  await emulator.close();
  await receiver.close();
});
beforeEach(() => {
  emulator.reset();
  receiver.received.length = 0;
  receiver.respond = () => 200;
  receiver.hold = false;
});

async function createEndpoint(params: Record<string, unknown> = {}): Promise<{ id: string; secret: string; [k: string]: any }> {
  const res = await call('POST', '/v1/webhook_endpoints', { params: { url: `${receiver.url}/hook`, enabled_events: ['*'], ...params } });
  expect(res.status).toBe(200);
  return res.body;
}

async function createCustomers(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await call('POST', '/v1/customers', { params: { name: `c${i}` } });
    expect(res.status).toBe(200);
    ids.push(res.body.id);
  }
  return ids;
}

const eventOf = (d: ReceivedDelivery) => JSON.parse(d.rawBody);
const objectIds = (ds: ReceivedDelivery[]) => ds.map((d) => eventOf(d).data.object.id as string);

describe('webhook_endpoints resource', () => {
  it('names the missing or invalid parameter', async () => {
    const missingUrl = await call('POST', '/v1/webhook_endpoints', { params: { enabled_events: ['*'] } });
    expect(missingUrl.status).toBe(400);
    expect(missingUrl.body.error).toMatchObject({ type: 'invalid_request_error', code: 'parameter_missing', param: 'url' });

    const missingEvents = await call('POST', '/v1/webhook_endpoints', { params: { url: receiver.url } });
    expect(missingEvents.status).toBe(400);
    expect(missingEvents.body.error).toMatchObject({ code: 'parameter_missing', param: 'enabled_events' });

    for (const url of ['ftp://example.com/hook', 'not a url', 'javascript:alert(1)']) {
      const bad = await call('POST', '/v1/webhook_endpoints', { params: { url, enabled_events: ['*'] } });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'url_invalid', param: 'url' });
    }

    const badType = await call('POST', '/v1/webhook_endpoints', { params: { url: receiver.url, enabled_events: ['charge.succeeded', 'Not An Event'] } });
    expect(badType.status).toBe(400);
    expect(badType.body.error.param).toBe('enabled_events[1]');

    const listWithCreated = await call('GET', '/v1/webhook_endpoints', { params: { created: 5 } });
    expect(listWithCreated.status).toBe(400);
    expect(listWithCreated.body.error.param).toBe('created');
    expect(emulator.objects('webhook_endpoint')).toHaveLength(0);
  });

  it('creates, lists, retrieves, updates and deletes; the secret is in the create response only', async () => {
    const created = await createEndpoint({
      enabled_events: ['charge.succeeded', 'customer.created'],
      description: 'orders',
      metadata: { stripe_connector: 'abc' },
    });
    expect(created).toMatchObject({
      object: 'webhook_endpoint',
      api_version: null,
      application: null,
      description: 'orders',
      enabled_events: ['charge.succeeded', 'customer.created'],
      livemode: false,
      metadata: { stripe_connector: 'abc' },
      status: 'enabled',
      url: `${receiver.url}/hook`,
    });
    expect(created.id).toMatch(/^we_[A-Za-z0-9]{24}$/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9]{32}$/);

    const retrieved = await call('GET', `/v1/webhook_endpoints/${created.id}`);
    expect(retrieved.status).toBe(200);
    const { secret, ...withoutSecret } = created;
    expect(retrieved.body).toEqual(withoutSecret);
    const list = await call('GET', '/v1/webhook_endpoints');
    expect(list.body).toMatchObject({ object: 'list', url: '/v1/webhook_endpoints', has_more: false });
    expect(list.body.data).toEqual([withoutSecret]);
    expect(JSON.stringify([retrieved.body, list.body])).not.toContain(secret);

    const updated = await call('POST', `/v1/webhook_endpoints/${created.id}`, {
      params: { url: `${receiver.url}/other`, enabled_events: ['*'], description: '', metadata: { stripe_connector: '' }, disabled: 'true' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ url: `${receiver.url}/other`, enabled_events: ['*'], description: null, metadata: {}, status: 'disabled' });
    expect(updated.body.secret).toBeUndefined();
    const enabled = await call('POST', `/v1/webhook_endpoints/${created.id}`, { params: { disabled: 'false' } });
    expect(enabled.body.status).toBe('enabled');
    const badUpdate = await call('POST', `/v1/webhook_endpoints/${created.id}`, { params: { url: 'mailto:x@y.z' } });
    expect(badUpdate.body.error).toMatchObject({ param: 'url' });

    const deleted = await call('DELETE', `/v1/webhook_endpoints/${created.id}`);
    expect(deleted.body).toEqual({ id: created.id, object: 'webhook_endpoint', deleted: true });
    expect((await call('GET', `/v1/webhook_endpoints/${created.id}`)).status).toBe(404);
    expect((await call('GET', '/v1/webhook_endpoints')).body.data).toEqual([]);
    // Endpoints record no events (Stripe has no webhook_endpoint.* events).
    expect((await call('GET', '/v1/events')).body.data).toEqual([]);
  });

  it("refuses a 17th endpoint (Stripe's cap of 16 per account and mode)", async () => {
    for (let i = 0; i < 16; i++) await createEndpoint();
    const over = await call('POST', '/v1/webhook_endpoints', { params: { url: receiver.url, enabled_events: ['*'] } });
    expect(over.status).toBe(400);
    expect(over.body.error.type).toBe('invalid_request_error');
    expect(over.body.error.message).toMatch(/maximum of 16 test mode webhook endpoints/);
    expect(emulator.objects('webhook_endpoint')).toHaveLength(16);
    // Another account has its own 16.
    const other = await call('POST', '/v1/webhook_endpoints', { params: { url: receiver.url, enabled_events: ['*'] }, headers: { 'stripe-account': 'acct_other' } });
    expect(other.status).toBe(200);
  });
});

describe('signed delivery', () => {
  it('POSTs the event, as GET /v1/events/:id shows it, to each endpoint that wants its type only', async () => {
    const customers = await createEndpoint({ url: `${receiver.url}/customers`, enabled_events: ['customer.created'] });
    const charges = await createEndpoint({ url: `${receiver.url}/charges`, enabled_events: ['charge.succeeded'] });
    const customer = (await call('POST', '/v1/customers', { params: { email: 'a@example.com' } })).body;
    await emulator.webhooks.idle();

    expect(receiver.received.map((d) => d.path)).toEqual(['/customers']);
    const [delivery] = receiver.received as [ReceivedDelivery];
    expect(delivery.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(delivery.headers['user-agent']).toBe('Stripe/1.0 (+https://stripe.com/docs/webhooks)');
    const event = eventOf(delivery);
    expect(event).toMatchObject({ object: 'event', type: 'customer.created', data: { object: { id: customer.id } } });
    // pending_webhooks counts this very delivery while it is being sent; 0 once it got its 2xx.
    expect(event.pending_webhooks).toBe(1);
    const stored = await call('GET', `/v1/events/${event.id}`);
    expect(stored.body).toEqual({ ...event, pending_webhooks: 0 });

    const { t, v1 } = parseSignature(delivery.headers['stripe-signature']);
    expect(Math.abs(t - Date.now() / 1000)).toBeLessThan(300);
    expect(v1).toHaveLength(1);
    expect(signedWith(delivery, customers.secret)).toBe(true);
    expect(signedWith(delivery, charges.secret)).toBe(false);
    expect(signedWith({ ...delivery, rawBody: delivery.rawBody.replace(customer.id, 'cus_tampered') }, customers.secret)).toBe(false);

    const charge = (await call('POST', '/v1/charges', { params: { amount: 500, currency: 'usd', source: 'tok_visa' } })).body;
    await emulator.webhooks.idle();
    const chargeDelivery = receiver.received[1]!;
    expect(receiver.received).toHaveLength(2);
    expect(chargeDelivery.path).toBe('/charges');
    expect(eventOf(chargeDelivery)).toMatchObject({ type: 'charge.succeeded', data: { object: { id: charge.id } } });
    expect(signedWith(chargeDelivery, charges.secret)).toBe(true);
    expect(emulator.webhooks.stats(customers.id)).toMatchObject({ attempts: 1, delivered: 1, failed: 0 });
    expect(emulator.webhooks.stats(charges.id)).toMatchObject({ attempts: 1, delivered: 1, failed: 0 });
  });

  it("signs with the machine's time even when the emulator clock is set, unless told to follow that clock", async () => {
    await createEndpoint();
    emulator.clock.set(1_600_000_000);
    await createCustomers(1);
    await emulator.webhooks.idle();
    expect(eventOf(receiver.received[0]!).created).toBe(1_600_000_000);
    expect(Math.abs(parseSignature(receiver.received[0]!.headers['stripe-signature']).t - Date.now() / 1000)).toBeLessThan(300);

    const aged = await startEmulator({ webhooks: { signatureClock: 'emulator' } });
    try {
      await rawCall(aged.url, 'POST', '/v1/webhook_endpoints', { params: { url: receiver.url, enabled_events: ['*'] } });
      aged.clock.set(1_600_000_000);
      await rawCall(aged.url, 'POST', '/v1/customers', {});
      await aged.webhooks.idle();
      expect(parseSignature(receiver.received[1]!.headers['stripe-signature']).t).toBe(1_600_000_000);
    } finally {
      await aged.close();
    }
  });

  it('answers the API request while the delivery is still in flight', async () => {
    await createEndpoint();
    receiver.hold = true;
    const res = await call('POST', '/v1/customers', {});
    expect(res.status).toBe(200);
    // The receiver has the delivery but has not answered it: the API response did not wait for it.
    await waitUntil(() => receiver.received.length === 1);
    const event = eventOf(receiver.received[0]!);
    expect((await call('GET', `/v1/events/${event.id}`)).body.pending_webhooks).toBe(1);
    expect((await call('GET', '/v1/events', { params: { delivery_success: 'false' } })).body.data.map((e: any) => e.id)).toEqual([event.id]);
    receiver.release();
    await emulator.webhooks.idle();
    expect((await call('GET', `/v1/events/${event.id}`)).body.pending_webhooks).toBe(0);
    expect((await call('GET', '/v1/events', { params: { delivery_success: 'false' } })).body.data).toEqual([]);
    expect((await call('GET', '/v1/events', { params: { delivery_success: 'true' } })).body.data.map((e: any) => e.id)).toEqual([event.id]);
  });

  it('retries after a 500, re-signed each time, until a 2xx', async () => {
    const endpoint = await createEndpoint({ enabled_events: ['customer.created'] });
    receiver.respond = (_d, n) => (n < 2 ? 500 : 200);
    await createCustomers(1);
    await emulator.webhooks.idle();
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((d) => eventOf(d).id)).size).toBe(1);
    for (const d of receiver.received) expect(signedWith(d, endpoint.secret)).toBe(true);
    expect(emulator.webhooks.stats(endpoint.id)).toMatchObject({ attempts: 3, delivered: 1, failed: 0 });
    expect(emulator.webhooks.deliveries()).toMatchObject([{ endpoint: endpoint.id, outcome: 'delivered', responses: [500, 500, 200] }]);
  });

  it('gives up after the configured attempts (4), also when nothing listens', async () => {
    const failing = await createEndpoint({ enabled_events: ['customer.created'] });
    const unreachable = await createEndpoint({ enabled_events: ['customer.created'], url: 'http://127.0.0.1:1/hook' });
    receiver.respond = () => 503;
    await createCustomers(1);
    await emulator.webhooks.idle();
    expect(receiver.received).toHaveLength(4);
    expect(emulator.webhooks.stats(failing.id)).toMatchObject({ attempts: 4, delivered: 0, failed: 1 });
    expect(emulator.webhooks.stats(unreachable.id)).toMatchObject({ attempts: 4, delivered: 0, failed: 1 });
    const log = emulator.webhooks.deliveries();
    expect(log.find((d) => d.endpoint === unreachable.id)!.responses).toEqual(['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED']);
    const event = (await call('GET', '/v1/events')).body.data[0];
    expect(event.pending_webhooks).toBe(2);
  });

  it('sends nothing to a disabled or deleted endpoint, and stops retrying one disabled meanwhile', async () => {
    const disabled = await createEndpoint();
    const deleted = await createEndpoint();
    await call('POST', `/v1/webhook_endpoints/${disabled.id}`, { params: { disabled: 'true' } });
    await call('DELETE', `/v1/webhook_endpoints/${deleted.id}`);
    await createCustomers(2);
    await emulator.webhooks.idle();
    expect(receiver.received).toHaveLength(0);
    expect(emulator.webhooks.stats()).toEqual({});
    expect((await call('GET', '/v1/events')).body.data.map((e: any) => e.pending_webhooks)).toEqual([0, 0]);

    const retried = await createEndpoint();
    receiver.respond = () => 500;
    await createCustomers(1);
    await waitUntil(() => receiver.received.length === 1);
    await call('POST', `/v1/webhook_endpoints/${retried.id}`, { params: { disabled: 'true' } });
    await emulator.webhooks.idle();
    expect(receiver.received).toHaveLength(1);
    expect(emulator.webhooks.stats(retried.id)).toMatchObject({ attempts: 1, canceled: 1, failed: 0 });
  });

  it('delivers events of other accounts to a connect endpoint only', async () => {
    const own = await createEndpoint({ url: `${receiver.url}/own` });
    await createEndpoint({ url: `${receiver.url}/connect`, connect: 'true' });
    await call('POST', '/v1/customers', { headers: { 'stripe-account': 'acct_connected1' } });
    await call('POST', '/v1/customers', {});
    await emulator.webhooks.idle();
    expect(receiver.received.map((d) => d.path).sort()).toEqual(['/connect', '/own']);
    expect(signedWith(receiver.received.find((d) => d.path === '/own')!, own.secret)).toBe(true);
  });
});

describe('secret rotation', () => {
  it('signs with the new secret first and the old one second during the overlap, then the new one only', async () => {
    const endpoint = await createEndpoint();
    const { secret: rolled } = emulator.webhooks.rollSecret(endpoint.id, { expiresIn: 60 });
    expect(rolled).toMatch(/^whsec_/);
    expect(rolled).not.toBe(endpoint.secret);
    await createCustomers(1);
    await emulator.webhooks.idle();
    const overlap = receiver.received[0]!;
    const { t, v1 } = parseSignature(overlap.headers['stripe-signature']);
    expect(v1).toHaveLength(2);
    expect(signedWith({ ...overlap, headers: { 'stripe-signature': `t=${t},v1=${v1[0]}` } }, rolled)).toBe(true);
    expect(signedWith({ ...overlap, headers: { 'stripe-signature': `t=${t},v1=${v1[1]}` } }, endpoint.secret)).toBe(true);

    // Rolled again through the control API, with no overlap: only the newest secret signs.
    const res = await fetch(`${emulator.url}/_emulator/webhooks/endpoints/${endpoint.id}/roll_secret`, { method: 'POST', body: '{}' });
    const { secret: newest } = (await res.json()) as { secret: string };
    await createCustomers(1);
    await emulator.webhooks.idle();
    const after = receiver.received[1]!;
    expect(parseSignature(after.headers['stripe-signature']).v1).toHaveLength(1);
    expect(signedWith(after, newest)).toBe(true);
    expect(signedWith(after, rolled)).toBe(false);
    expect(signedWith(after, endpoint.secret)).toBe(false);
  });
});

describe('delivery faults (seeded)', () => {
  const N = 20;

  it('drops deliveries: never sent, not retried, the same ones for the same seed', async () => {
    const run = async () => {
      emulator.reset();
      receiver.received.length = 0;
      const endpoint = await createEndpoint();
      emulator.webhooks.setFaults({ seed: 7, dropRate: 0.3 });
      const ids = await createCustomers(N);
      await emulator.webhooks.idle();
      const stats = emulator.webhooks.stats(endpoint.id);
      const droppedIndexes = emulator.webhooks.deliveries().flatMap((d, i) => (d.outcome === 'dropped' ? [i] : []));
      return { ids, stats, received: objectIds(receiver.received), droppedIndexes };
    };
    const first = await run();
    expect(first.droppedIndexes).toHaveLength(first.stats.dropped);
    expect(first.stats.dropped).toBeGreaterThan(0);
    expect(first.stats.dropped).toBeLessThan(N);
    expect(first.received).toHaveLength(N - first.stats.dropped);
    expect(first.stats).toMatchObject({ attempts: N - first.stats.dropped, delivered: N - first.stats.dropped });
    expect(new Set([...first.received, ...first.ids]).size).toBe(N);
    const second = await run();
    expect(second.droppedIndexes).toEqual(first.droppedIndexes);
  });

  it('duplicates deliveries: a second, separately signed delivery of the same event', async () => {
    const endpoint = await createEndpoint();
    emulator.webhooks.setFaults({ seed: 3, duplicateRate: 0.4 });
    const ids = await createCustomers(N);
    await emulator.webhooks.idle();
    const stats = emulator.webhooks.stats(endpoint.id);
    expect(stats.duplicated).toBeGreaterThan(0);
    expect(stats.duplicated).toBeLessThan(N);
    expect(receiver.received).toHaveLength(N + stats.duplicated);
    expect(new Set(objectIds(receiver.received))).toEqual(new Set(ids));
    const perEvent = new Map<string, number>();
    for (const d of receiver.received) perEvent.set(eventOf(d).id, (perEvent.get(eventOf(d).id) ?? 0) + 1);
    expect([...perEvent.values()].filter((n) => n === 2)).toHaveLength(stats.duplicated);
    for (const d of receiver.received) expect(signedWith(d, endpoint.secret)).toBe(true);
    const copies = emulator.webhooks.deliveries().filter((d) => d.duplicateOf !== null);
    expect(copies).toHaveLength(stats.duplicated);
  });

  it('signs some deliveries with a wrong secret', async () => {
    const endpoint = await createEndpoint();
    emulator.webhooks.setFaults({ seed: 11, badSignatureRate: 0.25 });
    await createCustomers(N);
    await emulator.webhooks.idle();
    const stats = emulator.webhooks.stats(endpoint.id);
    const bad = receiver.received.filter((d) => !signedWith(d, endpoint.secret));
    expect(stats.badSignatures).toBeGreaterThan(0);
    expect(bad).toHaveLength(stats.badSignatures);
    const flagged = new Set(emulator.webhooks.deliveries().filter((d) => d.badSignature).map((d) => d.event));
    expect(new Set(bad.map((d) => eventOf(d).id))).toEqual(flagged);
    for (const d of bad) expect(parseSignature(d.headers['stripe-signature']).v1).toHaveLength(1);
  });

  it('delays deliveries by a fixed or random number of ms', async () => {
    await createEndpoint();
    emulator.webhooks.setFaults({ delayMs: { min: 150, max: 250 } });
    const sentAt = Date.now();
    await createCustomers(1);
    await emulator.webhooks.idle();
    expect(receiver.received[0]!.at - sentAt).toBeGreaterThanOrEqual(150);
    emulator.webhooks.clearFaults();
    const again = Date.now();
    await createCustomers(1);
    await emulator.webhooks.idle();
    // Without the delay the delivery comes well before the 150 ms the fault imposed.
    expect(receiver.received[1]!.at - again).toBeLessThan(150);
  });

  it('reorders deliveries within a window', async () => {
    await createEndpoint();
    emulator.webhooks.setFaults({ seed: 5, reorder: { window: 10 } });
    const ids = await createCustomers(N);
    await emulator.webhooks.idle();
    const received = objectIds(receiver.received);
    expect([...received].sort()).toEqual([...ids].sort());
    expect(received).not.toEqual(ids);
    // Each window of 10 is released as a whole: shuffled inside it, never across windows.
    expect(new Set(received.slice(0, 10))).toEqual(new Set(ids.slice(0, 10)));
  });

  it('releases a partial reorder window after maxHoldMs', async () => {
    await createEndpoint();
    emulator.webhooks.setFaults({ reorder: { window: 50, maxHoldMs: 30 } });
    await createCustomers(3);
    await emulator.webhooks.idle();
    expect(receiver.received).toHaveLength(3);
  });

  it('rejects malformed switches, and clearFaults() restores plain delivery', async () => {
    expect(() => emulator.webhooks.setFaults({ dropRate: 2 })).toThrow(/dropRate/);
    expect(() => emulator.webhooks.setFaults({ reorder: { window: 1 } })).toThrow(/reorder/);
    expect(() => emulator.webhooks.setFaults({ delayMs: { min: 5, max: 1 } })).toThrow(/delayMs/);
    expect(() => emulator.webhooks.setFaults({ droprate: 0.1 } as never)).toThrow(/unknown webhook fault: droprate/);
    const endpoint = await createEndpoint();
    emulator.webhooks.setFaults({ dropRate: 1 });
    await createCustomers(2);
    emulator.clearFaults();
    await createCustomers(2);
    await emulator.webhooks.idle();
    expect(receiver.received).toHaveLength(2);
    expect(emulator.webhooks.stats(endpoint.id)).toMatchObject({ dropped: 2, delivered: 2 });
  });
});

describe('control API', () => {
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${emulator.url}/_emulator/webhooks${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('sets and clears faults, waits for idle and reads stats and deliveries over HTTP', async () => {
    const endpoint = await createEndpoint();
    expect((await control('POST', '/faults', { dropRate: 1.5 })).status).toBe(400);
    expect((await control('POST', '/faults', { seed: 1, dropRate: 1 })).status).toBe(200);
    await createCustomers(2);
    expect((await control('DELETE', '/faults')).status).toBe(200);
    await createCustomers(1);
    expect((await control('POST', '/idle', { timeoutMs: 5000 })).body).toEqual({ ok: true });
    expect(receiver.received).toHaveLength(1);
    expect((await control('GET', `/stats?endpoint=${endpoint.id}`)).body).toMatchObject({ dropped: 2, delivered: 1, attempts: 1 });
    expect(Object.keys((await control('GET', '/stats')).body)).toEqual([endpoint.id]);
    expect((await control('GET', '/deliveries')).body.map((d: any) => d.outcome)).toEqual(['dropped', 'dropped', 'delivered']);
    expect((await control('POST', '/endpoints/we_missing/roll_secret', {})).status).toBe(400);
  });

  it('answers idle with 504 while a delivery is still held', async () => {
    await createEndpoint();
    receiver.hold = true;
    await createCustomers(1);
    const res = await control('POST', '/idle', { timeoutMs: 50 });
    expect(res.status).toBe(504);
    expect(res.body.error.message).toMatch(/1 webhook deliveries still busy/);
    receiver.release();
    await emulator.webhooks.idle();
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
