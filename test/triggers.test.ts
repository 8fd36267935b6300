/**
 * The poll itself (baseline, forward walk, look-back sweep, cursor recovery, exactly-once emit),
 * in-process against the emulator and a private Redis, under both same-second list orders.
 */
import type { Redis } from 'ioredis';
import type { StripeClient } from '../connector/client';
import { TriggerService } from '../triggers/service';
import { listTriggers } from '../triggers/definitions';
import { EncryptionKeyError, connectionRef, open, parseEncryptionKey, seal } from '../triggers/credentials';
import type { TriggerEvent } from '../triggers/sink';
import { CollectingSink } from '../triggers/sink';
import { TriggerKeys, eventJobId } from '../triggers/keys';
import { CursorConflictError, SubscriptionStore } from '../triggers/store';
import { FAST_RETRIES, TEST_KEY, clientFor, startTestEmulator, type Emulator } from './support/harness';
import { startTestRedis, type TestRedis } from './support/redis';
import type { SameSecondOrder } from '../emulator/types';

jest.setTimeout(120_000);

let redisServer: TestRedis;
let redis: Redis;

beforeAll(async () => {
  redisServer = await startTestRedis();
  redis = redisServer.client();
});
afterAll(async () => {
  await redisServer.stop();
});

let counter = 0;
const nextId = (name: string) => `${name}-${++counter}`;

function serviceFor(emulator: Emulator): TriggerService {
  return new TriggerService({
    redis,
    prefix: redisServer.prefix,
    resolveCredentials: () => ({ secret_key: TEST_KEY }),
    clientOptions: { apiBase: emulator.url, ...FAST_RETRIES },
    rateLimits: { test: 10_000 },
  });
}

async function createCharges(client: StripeClient, n: number, concurrency = 16): Promise<string[]> {
  const ids: string[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      for (let i = next++; i < n; i = next++) {
        const { body } = await client.request<{ id: string }>({ method: 'POST', path: '/v1/charges', params: { amount: 1000 + i, currency: 'usd', source: 'tok_visa' } });
        ids[i] = body.id;
      }
    }),
  );
  return ids;
}

async function createCustomers(client: StripeClient, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await client.request<{ id: string }>({ method: 'POST', path: '/v1/customers', params: { name: `c${i}` } })).body.id);
  return ids;
}

/** Polls until a run completes its walk; returns every event of those runs. */
async function poll(service: TriggerService, id: string): Promise<TriggerEvent[]> {
  const events: TriggerEvent[] = [];
  for (let i = 0; i < 100; i++) {
    const { outcome, events: batch } = await service.pollNow(id);
    events.push(...batch);
    if (outcome.status !== 'polled') throw new Error(`poll ${outcome.status}`);
    if (outcome.result.complete) return events;
  }
  throw new Error('the poll never completed');
}

/** Exactly once and oldest first: the emitted ids are the expected ids, no duplicates, `created` never goes down. */
function expectExactlyOnce(events: TriggerEvent[], expected: string[]): void {
  const ids = events.map((e) => e.object_id);
  expect(new Set(ids).size).toBe(ids.length);
  expect([...ids].sort()).toEqual([...expected].sort());
  const created = events.map((e) => e.object.created as number);
  for (let i = 1; i < created.length; i++) expect(created[i]).toBeGreaterThanOrEqual(created[i - 1]!);
}

describe.each<[SameSecondOrder]>([['newest_first'], ['oldest_first']])('polls with same-second order %s', (order) => {
  let emulator: Emulator;
  let client: StripeClient;
  let service: TriggerService;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    client = clientFor(emulator);
    service = serviceFor(emulator);
  });
  afterAll(async () => {
    await service.close();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.reset();
    emulator.setSameSecondOrder(order);
  });

  it('takes a baseline on the first poll and emits nothing, then emits each new charge once, oldest first', async () => {
    await createCharges(client, 5, 1);
    const id = nextId('base');
    await service.subscribe({ id, trigger: 'new_charge' });
    expect(await poll(service, id)).toEqual([]);
    const state = (await service.status(id))!.state;
    expect(state.baselined).toBe(true);
    expect(state.cursor_id).toMatch(/^ch_/);
    const created = await createCharges(client, 7, 1);
    const events = await poll(service, id);
    expectExactlyOnce(events, created);
    // Inside one second the order is the list's (reversed): creation order when Stripe lists newest first.
    if (order === 'newest_first') expect(events.map((e) => e.object_id)).toEqual(created);
    expect(events[0]).toMatchObject({ subscription_id: id, trigger: 'new_charge', livemode: false });
    expect(events[0]!.emitted_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await poll(service, id)).toEqual([]);
    expect((await service.status(id))!.state.events_emitted).toBe(7);
  });

  it('backfill 3 emits the 3 newest, oldest first, on the first poll', async () => {
    const t = emulator.clock.now() - 100;
    const existing: string[] = [];
    for (let i = 0; i < 6; i++) {
      emulator.clock.set(t + i);
      existing.push(...(await createCharges(client, 1, 1)));
    }
    const id = nextId('backfill');
    await service.subscribe({ id, trigger: 'new_charge', options: { backfill: 3 } });
    const events = await poll(service, id);
    expect(events.map((e) => e.object_id)).toEqual(existing.slice(3));
    expect(await poll(service, id)).toEqual([]);
  });

  it('emits 2,500 charges created between two polls once each, oldest first, over 25 pages', async () => {
    // The clock is set so that none of the 2,500 shares the baseline cursor's second (under
    // oldest_first those would be found by the look-back sweep instead of a forward page).
    const t = emulator.clock.now() - 100;
    emulator.clock.set(t);
    await createCharges(client, 3, 1);
    const id = nextId('bulk');
    await service.subscribe({ id, trigger: 'new_charge' });
    await poll(service, id);
    const created: string[] = [];
    for (let second = 1; second <= 5; second++) {
      emulator.clock.set(t + second);
      created.push(...(await createCharges(client, 500)));
    }
    emulator.clearRequests();
    const events = await poll(service, id);
    expectExactlyOnce(events, created);
    const forwardPages = emulator.requests.filter((r) => r.path === '/v1/charges' && r.method === 'GET' && r.query.ending_before !== undefined);
    expect(forwardPages).toHaveLength(25);
    expect(forwardPages.every((r) => r.query.limit === '100')).toBe(true);
    // Each object's event job exists once in the events queue, under its deterministic id.
    const job = await service.eventQueue.getJob(eventJobId(id, created[1234]!));
    expect(job?.data.object_id).toBe(created[1234]);
    expect(await poll(service, id)).toEqual([]);
  });

  it('continues a capped walk in the next run, in order', async () => {
    const t = emulator.clock.now() - 100;
    emulator.clock.set(t);
    await createCharges(client, 1, 1);
    const id = nextId('capped');
    await service.subscribe({ id, trigger: 'new_charge', options: { max_pages: 2 } });
    await poll(service, id);
    emulator.clock.set(t + 1);
    const created = await createCharges(client, 450);
    const first = await service.pollNow(id);
    expect(first.outcome).toMatchObject({ status: 'polled', result: { complete: false, emitted: 200 } });
    const rest = await poll(service, id);
    expectExactlyOnce([...first.events, ...rest], created);
  });

  it('emits objects created in the cursor\'s own second once', async () => {
    const t = emulator.clock.now();
    emulator.clock.set(t);
    await createCharges(client, 4, 1);
    const id = nextId('samesec');
    await service.subscribe({ id, trigger: 'new_charge' });
    expect(await poll(service, id)).toEqual([]);
    const a = await createCharges(client, 5, 1);
    const first = await poll(service, id);
    expectExactlyOnce(first, a);
    const b = await createCharges(client, 3, 1);
    emulator.clock.advance(1);
    const c = await createCharges(client, 2, 1);
    const second = await poll(service, id);
    expectExactlyOnce(second, [...b, ...c]);
    expect(await poll(service, id)).toEqual([]);
  });

  it('emits a late arrival (older created, inside the look-back) once', async () => {
    const t = emulator.clock.now();
    emulator.clock.set(t);
    await createCharges(client, 2, 1);
    const id = nextId('late');
    await service.subscribe({ id, trigger: 'new_charge', options: { lookback_seconds: 60 } });
    await poll(service, id);
    emulator.clock.set(t + 30);
    const onTime = await createCharges(client, 3, 1);
    expectExactlyOnce(await poll(service, id), onTime);
    emulator.clock.set(t + 10);
    const late = await createCharges(client, 2, 1);
    emulator.clock.set(t + 31);
    const after = await createCharges(client, 1, 1);
    const events = await poll(service, id);
    expect(events.map((e) => e.object_id).sort()).toEqual([...late, ...after].sort());
    expect(await poll(service, id)).toEqual([]);
  });

  it('recovers from a deleted cursor object (new_customer) without loss or duplicates', async () => {
    await createCustomers(client, 3);
    const id = nextId('gone');
    await service.subscribe({ id, trigger: 'new_customer' });
    await poll(service, id);
    const a = await createCustomers(client, 4);
    expectExactlyOnce(await poll(service, id), a);
    const cursor = (await service.status(id))!.state.cursor_id!;
    expect(cursor).toMatch(/^cus_/);
    await client.request({ method: 'DELETE', path: `/v1/customers/${cursor}` });
    const b = await createCustomers(client, 5);
    const { outcome, events } = await service.pollNow(id);
    expect(outcome).toMatchObject({ status: 'polled', result: { recovered: true } });
    expectExactlyOnce(events, b);
    expect(await poll(service, id)).toEqual([]);
    const c = await createCustomers(client, 2);
    expectExactlyOnce(await poll(service, id), c);
  });

  it('new_refund emits each new refund once, oldest first (and the charge filter narrows it)', async () => {
    const charges = await createCharges(client, 3, 1);
    const id = nextId('refunds');
    const one = nextId('refunds-one');
    await service.subscribe({ id, trigger: 'new_refund' });
    await service.subscribe({ id: one, trigger: 'new_refund', options: { charge: charges[1] } });
    await poll(service, id);
    await poll(service, one);
    const refunds: string[] = [];
    for (const charge of charges) {
      for (let i = 0; i < 2; i++) {
        refunds.push((await client.request<{ id: string }>({ method: 'POST', path: '/v1/refunds', params: { charge, amount: 100 } })).body.id);
      }
    }
    const events = await poll(service, id);
    expectExactlyOnce(events, refunds);
    expect(events.every((e) => e.trigger === 'new_refund' && (e.object as { object: string }).object === 'refund')).toBe(true);
    expectExactlyOnce(await poll(service, one), refunds.slice(2, 4));
    expect(await poll(service, id)).toEqual([]);
  });

  it('new_event-based triggers emit the matching events once (object_id = event id)', async () => {
    await createCustomers(client, 1);
    const all = nextId('events');
    const updates = nextId('updates');
    await service.subscribe({ id: all, trigger: 'new_event' });
    await service.subscribe({ id: updates, trigger: 'new_event', options: { types: ['customer.updated'] } });
    await poll(service, all);
    await poll(service, updates);
    const [cus] = await createCustomers(client, 1);
    await client.request({ method: 'POST', path: `/v1/customers/${cus}`, params: { name: 'renamed' } });
    await client.request({ method: 'POST', path: `/v1/customers/${cus}`, params: { name: 'renamed again' } });
    const expectedAll = emulator.objects('event').slice(-3).map((e) => e.id);
    const allEvents = await poll(service, all);
    expectExactlyOnce(allEvents, expectedAll);
    const types = allEvents.map((e) => (e.object as { type: string }).type);
    if (order === 'newest_first') expect(types).toEqual(['customer.created', 'customer.updated', 'customer.updated']);
    else expect(types.sort()).toEqual(['customer.created', 'customer.updated', 'customer.updated']);
    const updateEvents = await poll(service, updates);
    expect(updateEvents.map((e) => e.object_id).sort()).toEqual(expectedAll.slice(1).sort());
    expect(await poll(service, all)).toEqual([]);
  });

  it('payment_failed fires for charge.failed events only', async () => {
    const id = nextId('failed');
    await service.subscribe({ id, trigger: 'payment_failed' });
    await poll(service, id);
    await createCharges(client, 2, 1);
    await client.request({ method: 'POST', path: '/v1/charges', params: { amount: 500, currency: 'usd', source: 'tok_chargeDeclined' } }).catch(() => undefined);
    const events = await poll(service, id);
    expect(events).toHaveLength(1);
    expect((events[0]!.object as { type: string }).type).toBe('charge.failed');
  });

  it('new_charge with a status filter emits only matching charges', async () => {
    const id = nextId('status');
    await service.subscribe({ id, trigger: 'new_charge', options: { status: 'failed' } });
    await poll(service, id);
    await createCharges(client, 2, 1);
    await client.request({ method: 'POST', path: '/v1/charges', params: { amount: 500, currency: 'usd', source: 'tok_chargeDeclined' } }).catch(() => undefined);
    const failed = emulator.objects('charge').filter((c) => c.status === 'failed').map((c) => c.id);
    expect(failed).toHaveLength(1);
    expectExactlyOnce(await poll(service, id), failed);
  });

  it('a crash after enqueueing but before recording re-emits nothing (job id dedupe)', async () => {
    const id = nextId('crash');
    await service.subscribe({ id, trigger: 'new_charge' });
    await poll(service, id);
    const created = await createCharges(client, 150, 4);
    // First attempt: the events reach the queue, then the process "dies" before recording them.
    let calls = 0;
    await expect(
      service.pollNow(id, {
        onEvents: () => {
          if (++calls === 1) throw new Error('crash after enqueue');
        },
      }),
    ).rejects.toThrow('crash after enqueue');
    const queuedBefore = (await service.eventQueue.getJobs(['waiting'], 0, -1)).filter((j) => j.data.subscription_id === id);
    expect(queuedBefore.length).toBeGreaterThan(0);
    const events = await poll(service, id);
    // pollNow returns what this run emitted (all 150 again: they were not recorded) ...
    expectExactlyOnce(events, created);
    // ... but the queue holds each object once: BullMQ refused the second job with the same id.
    const jobs = (await service.eventQueue.getJobs(['waiting', 'delayed', 'completed'], 0, -1)).filter((j) => j.data.subscription_id === id);
    expect(jobs.map((j) => j.data.object_id).sort()).toEqual([...created].sort());
    expect(await poll(service, id)).toEqual([]);
  });
});

describe('a server that ignores created[...] filters', () => {
  let emulator: Emulator;
  let client: StripeClient;
  let service: TriggerService;

  beforeAll(async () => {
    emulator = await startTestEmulator({ honourCreatedFilter: false });
    client = clientFor(emulator);
    service = serviceFor(emulator);
  });
  afterAll(async () => {
    await service.close();
    await emulator.close();
  });

  it.each<[SameSecondOrder]>([['newest_first'], ['oldest_first']])('still emits same-second objects and late arrivals once (%s)', async (order) => {
    emulator.reset();
    emulator.setSameSecondOrder(order);
    const t = emulator.clock.now() - 3600;
    emulator.clock.set(t);
    await createCharges(client, 150, 4);
    const id = nextId('nofilter');
    await service.subscribe({ id, trigger: 'new_charge' });
    await poll(service, id);
    const same = await createCharges(client, 3, 1);
    emulator.clock.set(t + 20);
    const later = await createCharges(client, 3, 1);
    emulator.clock.set(t + 5);
    const late = await createCharges(client, 2, 1);
    emulator.clock.set(t + 21);
    const events = await poll(service, id);
    expect(events.map((e) => e.object_id).sort()).toEqual([...same, ...later, ...late].sort());
    expect(new Set(events.map((e) => e.object_id)).size).toBe(events.length);
    expect(await poll(service, id)).toEqual([]);
    // The sweep stopped at the floor itself: it did not walk to the oldest charges.
    emulator.clearRequests();
    await poll(service, id);
    expect(emulator.requests.filter((r) => r.method === 'GET').length).toBeLessThanOrEqual(3);
  });
});

describe('every trigger', () => {
  let emulator: Emulator;
  let service: TriggerService;
  beforeAll(async () => {
    emulator = await startTestEmulator();
    service = serviceFor(emulator);
  });
  afterAll(async () => {
    await service.close();
    await emulator.close();
  });

  it('new_payment_link (objects without created) emits each new link once', async () => {
    const client = clientFor(emulator);
    const product = (await client.request<{ id: string }>({ method: 'POST', path: '/v1/products', params: { name: 'Hat' } })).body.id;
    const price = (await client.request<{ id: string }>({ method: 'POST', path: '/v1/prices', params: { product, unit_amount: 500, currency: 'usd' } })).body.id;
    const link = async () =>
      (await client.request<{ id: string; created?: number }>({ method: 'POST', path: '/v1/payment_links', params: { line_items: [{ price, quantity: 1 }] } })).body;
    await link();
    const id = nextId('links');
    await service.subscribe({ id, trigger: 'new_payment_link' });
    expect(await poll(service, id)).toEqual([]);
    const created = [(await link()).id, (await link()).id, (await link()).id];
    const events = await poll(service, id);
    expect(events.map((e) => e.object_id)).toEqual(created);
    expect(await poll(service, id)).toEqual([]);
    const more = [(await link()).id];
    expect((await poll(service, id)).map((e) => e.object_id)).toEqual(more);
  });

  it.each(listTriggers().map((t) => [t.key]))('%s polls its endpoint: a baseline, then an empty poll', async (key) => {
    const id = nextId(`all-${key}`);
    await service.subscribe({ id, trigger: key });
    expect(await poll(service, id)).toEqual([]);
    expect(await poll(service, id)).toEqual([]);
    const info = (await service.status(id))!;
    expect(info.state).toMatchObject({ baselined: true, status: 'active', last_error: null });
  });
});

describe('cursor compare-and-set', () => {
  it('refuses a writer without the lock, at a stale version, or after unsubscribe; the watermark never goes down', async () => {
    const keys = new TriggerKeys(redisServer.prefix);
    const store = new SubscriptionStore(redis, keys);
    const id = nextId('cas');
    await store.saveSubscription({ id, trigger: 'new_charge', options: {}, connection_ref: 'x', every_ms: 600_000, created_at: '' }, true);
    await redis.set(keys.lock(id), 'token-a');
    const v1 = await store.casCursor(id, 'token-a', 0, { cursorId: 'ch_1', watermark: 100, baselined: true });
    expect(v1).toBe(1);
    await expect(store.casCursor(id, 'token-b', 1, { cursorId: 'ch_2', watermark: 101 })).rejects.toMatchObject({ reason: 'lock_lost' });
    await expect(store.casCursor(id, 'token-a', 0, { cursorId: 'ch_2', watermark: 101 })).rejects.toBeInstanceOf(CursorConflictError);
    expect(await store.casCursor(id, 'token-a', 1, { cursorId: 'ch_0', watermark: 90 })).toBe(2);
    expect(await store.getState(id)).toMatchObject({ cursor_id: 'ch_0', watermark: 100, version: 2, baselined: true });
    await store.deleteSubscription(id);
    await expect(store.casCursor(id, 'token-a', 2, { cursorId: 'ch_3', watermark: 110 })).rejects.toMatchObject({ reason: 'unsubscribed' });
    expect(await redis.exists(keys.state(id))).toBe(0);
    await redis.del(keys.lock(id));
  });
});

describe('credential encryption', () => {
  it('seals with AES-256-GCM bound to the reference, and parses hex or base64 keys', () => {
    const hex = 'ab'.repeat(32);
    const key = parseEncryptionKey(hex);
    expect(parseEncryptionKey(key.toString('base64'))).toEqual(key);
    expect(() => parseEncryptionKey(undefined)).toThrow('openssl rand -hex 32');
    expect(() => parseEncryptionKey('abcd')).toThrow('openssl rand -hex 32');
    expect(() => parseEncryptionKey(Buffer.alloc(16).toString('base64'))).toThrow(EncryptionKeyError);
    const sealed = seal(key, 'conn-1', JSON.stringify({ secret_key: TEST_KEY }));
    expect(sealed).not.toContain(TEST_KEY);
    expect(sealed).not.toContain(Buffer.from(TEST_KEY).toString('base64'));
    expect(JSON.parse(open(key, 'conn-1', sealed))).toEqual({ secret_key: TEST_KEY });
    expect(() => open(key, 'conn-2', sealed)).toThrow('cannot decrypt');
    expect(() => open(parseEncryptionKey('cd'.repeat(32)), 'conn-1', sealed)).toThrow('cannot decrypt');
    expect(seal(key, 'conn-1', 'x')).not.toBe(seal(key, 'conn-1', 'x'));
    expect(connectionRef({ secret_key: TEST_KEY })).toMatch(/^conn-[0-9a-f]{16}$/);
    expect(connectionRef({ secret_key: TEST_KEY })).not.toBe(connectionRef({ secret_key: TEST_KEY, stripe_account: 'acct_1' }));
  });
});

describe('CollectingSink', () => {
  it('forwards each batch before keeping it', async () => {
    const seen: string[][] = [];
    const sink = new CollectingSink((events) => void seen.push(events.map((e) => e.object_id)));
    const event = { subscription_id: 's', trigger: 'new_charge', object_id: 'ch_1', object: {}, livemode: false, emitted_at: '' };
    await sink.emit([event]);
    expect(seen).toEqual([['ch_1']]);
    expect(sink.events).toEqual([event]);
  });
});
