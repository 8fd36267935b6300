/**
 * The poll itself (baseline, forward walk, look-back sweep, cursor recovery, exactly-once emit),
 * in-process against the emulator and a private Redis, under both same-second list orders.
 */
import type { Redis } from 'ioredis';
import type { StripeClient } from '../client/client';
import { StripeInvalidRequestError } from '../client/errors';
import { runAction } from '../connector/registry';
import { TriggerService } from '../triggers/service';
import { getTrigger, listTriggers } from '../triggers/definitions';
import { isCursorGone } from '../triggers/poller';
import { EncryptionKeyError, connectionRef, open, parseEncryptionKey, seal } from '../triggers/credentials';
import type { TriggerEvent } from '../triggers/sink';
import { CollectingSink, QueueSink } from '../triggers/sink';
import { PollLock } from '../triggers/lock';
import { Poller } from '../triggers/poller';
import { TriggerKeys, eventJobId } from '../triggers/keys';
import { CursorConflictError, SubscriptionStore } from '../triggers/store';
import { FAST_RETRIES, TEST_KEY, clientFor, startTestEmulator, type Emulator } from './support/harness';
import { expectMatchesOutput } from './support/outputs';
import { startTestRedis, type TestRedis } from './support/redis';
import { createCharges, expectExactlyOnce } from './support/triggers';
import type { SameSecondOrder } from '../emulator/types';

jest.setTimeout(120_000);

let redisServer: TestRedis;
const keys = () => new TriggerKeys(redisServer.prefix);
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
    await createCharges(client, 5);
    const id = nextId('base');
    await service.subscribe({ id, trigger: 'new_charge' });
    expect(await poll(service, id)).toEqual([]);
    const state = (await service.status(id))!.state;
    expect(state.baselined).toBe(true);
    expect(state.cursor_id).toMatch(/^ch_/);
    const created = await createCharges(client, 7);
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
      existing.push(...(await createCharges(client, 1)));
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
    await createCharges(client, 3);
    const id = nextId('bulk');
    await service.subscribe({ id, trigger: 'new_charge' });
    await poll(service, id);
    const created: string[] = [];
    for (let second = 1; second <= 5; second++) {
      emulator.clock.set(t + second);
      created.push(...(await createCharges(client, 500, { concurrency: 16 })));
    }
    emulator.clearRequests();
    const events = await poll(service, id);
    expectExactlyOnce(events, created);
    const forwardPages = emulator.requests.filter((r) => r.path === '/v1/charges' && r.method === 'GET' && r.query.ending_before !== undefined);
    expect(forwardPages).toHaveLength(25);
    expect(forwardPages.every((r) => r.query.limit === '100')).toBe(true);
    // Each object's event job exists once in the events queue, under its deterministic id.
    const { generation } = (await service.status(id))!.state;
    expect(generation).toMatch(/^[0-9a-f]{12}$/);
    const job = await service.eventQueue.getJob(eventJobId(id, generation, created[1234]!));
    expect(job?.data.object_id).toBe(created[1234]);
    // The queue holds them in emit order too: a host's own consumer of the queue meets them oldest first.
    const queued = (await service.eventQueue.getJobs(['waiting'], 0, -1, true)).filter((j) => j.data.subscription_id === id);
    expect(queued.map((j) => j.data.object_id)).toEqual(events.map((e) => e.object_id));
    expect(await poll(service, id)).toEqual([]);
  });

  it('continues a capped walk in the next run, in order', async () => {
    const t = emulator.clock.now() - 100;
    emulator.clock.set(t);
    await createCharges(client, 1);
    const id = nextId('capped');
    await service.subscribe({ id, trigger: 'new_charge', options: { max_pages: 2 } });
    await poll(service, id);
    emulator.clock.set(t + 1);
    const created = await createCharges(client, 450, { concurrency: 16 });
    const first = await service.pollNow(id);
    expect(first.outcome).toMatchObject({ status: 'polled', result: { complete: false, emitted: 200 } });
    const rest = await poll(service, id);
    expectExactlyOnce([...first.events, ...rest], created);
  });

  it('an idle poll sends one list request; a few new objects take that same one request', async () => {
    await createCharges(client, 3);
    const id = nextId('idle');
    await service.subscribe({ id, trigger: 'new_charge' });
    await poll(service, id);
    emulator.clearRequests();
    expect(await poll(service, id)).toEqual([]);
    expect(emulator.requests.filter((r) => r.method === 'GET')).toHaveLength(1);
    const created = await createCharges(client, 4);
    emulator.clearRequests();
    expectExactlyOnce(await poll(service, id), created);
    expect(emulator.requests.filter((r) => r.method === 'GET')).toHaveLength(1);
  });

  it('caps the look-back sweep at max_pages: a burst inside the window is not re-read whole by every idle poll', async () => {
    const t = emulator.clock.now() - 100;
    emulator.clock.set(t);
    await createCharges(client, 1);
    const id = nextId('burst');
    await service.subscribe({ id, trigger: 'new_charge', options: { max_pages: 2 } });
    await poll(service, id);
    const burst: string[] = [];
    for (let second = 1; second <= 5; second++) {
      emulator.clock.set(t + second);
      burst.push(...(await createCharges(client, 90, { concurrency: 16 })));
    }
    expectExactlyOnce(await poll(service, id), burst);
    emulator.clearRequests();
    const { outcome, events } = await service.pollNow(id);
    expect(events).toEqual([]);
    expect(outcome).toMatchObject({ status: 'polled', result: { complete: true } });
    // Two pages of the window (the cap; the second ends below the watermark's second), then one
    // forward request that finds nothing newer: not the 5 pages of the whole window.
    expect(emulator.requests.filter((r) => r.method === 'GET')).toHaveLength(3);
    // Same-second objects after the cursor's (listed at either end of that second) still come once.
    const after = await createCharges(client, 2);
    expectExactlyOnce(await poll(service, id), after);
  });

  it('emits objects created in the cursor\'s own second once', async () => {
    const t = emulator.clock.now();
    emulator.clock.set(t);
    await createCharges(client, 4);
    const id = nextId('samesec');
    await service.subscribe({ id, trigger: 'new_charge' });
    expect(await poll(service, id)).toEqual([]);
    const a = await createCharges(client, 5);
    const first = await poll(service, id);
    expectExactlyOnce(first, a);
    const b = await createCharges(client, 3);
    emulator.clock.advance(1);
    const c = await createCharges(client, 2);
    const second = await poll(service, id);
    expectExactlyOnce(second, [...b, ...c]);
    expect(await poll(service, id)).toEqual([]);
  });

  it('emits a late arrival (older created, inside the look-back) once', async () => {
    const t = emulator.clock.now();
    emulator.clock.set(t);
    await createCharges(client, 2);
    const id = nextId('late');
    await service.subscribe({ id, trigger: 'new_charge', options: { lookback_seconds: 60 } });
    await poll(service, id);
    emulator.clock.set(t + 30);
    const onTime = await createCharges(client, 3);
    expectExactlyOnce(await poll(service, id), onTime);
    emulator.clock.set(t + 10);
    const late = await createCharges(client, 2);
    emulator.clock.set(t + 31);
    const after = await createCharges(client, 1);
    const events = await poll(service, id);
    expect(events.map((e) => e.object_id).sort()).toEqual([...late, ...after].sort());
    expect(await poll(service, id)).toEqual([]);
  });

  it('emits a late arrival once when nothing newer came (the cursor stays); an idle poll still ends recorded and unlocked', async () => {
    const t = emulator.clock.now();
    emulator.clock.set(t);
    await createCharges(client, 2);
    const id = nextId('lateonly');
    await service.subscribe({ id, trigger: 'new_charge', options: { lookback_seconds: 60 } });
    await poll(service, id);
    emulator.clock.set(t + 30);
    const onTime = await createCharges(client, 1);
    expectExactlyOnce(await poll(service, id), onTime);
    // Behind the cursor only: the probe's newest object is the cursor, so the finishing write finds them unseen.
    emulator.clock.set(t + 10);
    const late = await createCharges(client, 2);
    emulator.clock.set(t + 31);
    expectExactlyOnce(await poll(service, id), late);
    await redis.hset(keys().state(id), 'last_success_at', '');
    const before = await service.store.getState(id);
    // The idle poll's seen check rides in its finishing script: no ZMSCORE sent on its own.
    const monitor = await redis.monitor();
    const sent: string[] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source !== 'lua') sent.push(String(args[0]).toLowerCase());
    });
    expect(await poll(service, id)).toEqual([]);
    await redis.ping(); // MONITOR delivers in order: once the ping is seen, the poll's commands were
    for (let i = 0; i < 50 && !sent.includes('ping'); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    monitor.disconnect();
    expect(sent).toContain('evalsha');
    expect(sent).not.toContain('zmscore');
    const after = await service.store.getState(id);
    expect(after.version).toBe(before.version); // nothing committed
    expect(after.last_success_at).toMatch(/^\d{4}-/);
    expect(after.status).toBe('active');
    expect(await redis.exists(keys().lock(id))).toBe(0);
  });

  it('polls idle over a look-back window of 8,100 objects (more ids than its finishing script may take)', async () => {
    // All in one second: the probe reads all 82 pages (the cap never cuts the watermark's second), and
    // Redis's Lua refuses to unpack 8,000 ids, so the finish must not be handed them.
    emulator.clock.set(emulator.clock.now());
    await createCharges(client, 8_100, { concurrency: 16 });
    const id = nextId('wide-window');
    await service.subscribe({ id, trigger: 'new_charge', options: { max_pages: 100 } });
    expect(await poll(service, id)).toEqual([]); // baseline: all seen
    expect(await poll(service, id)).toEqual([]);
    const state = await service.store.getState(id);
    expect(state.status).toBe('active');
    expect(state.last_error).toBeNull();
    expect(await redis.exists(keys().lock(id))).toBe(0);
  }, 60_000);

  it('needs no cursor object when everything since the look-back fits in one page (deleted cursor, new_customer)', async () => {
    await createCustomers(client, 3);
    const id = nextId('gone-small');
    await service.subscribe({ id, trigger: 'new_customer' });
    await poll(service, id);
    const cursor = (await service.status(id))!.state.cursor_id!;
    await client.request({ method: 'DELETE', path: `/v1/customers/${cursor}` });
    const b = await createCustomers(client, 5);
    const { outcome, events } = await service.pollNow(id);
    expect(outcome).toMatchObject({ status: 'polled', result: { recovered: false, pages: 1 } });
    expectExactlyOnce(events, b);
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
    // More than a page, newer than the cursor's second: the one-page probe cannot serve, so the sweep
    // and the walk meet the missing cursor.
    emulator.clock.set(emulator.clock.now() + 2);
    const b = await createCustomers(client, 105);
    const { outcome, events } = await service.pollNow(id);
    expect(outcome).toMatchObject({ status: 'polled', result: { recovered: true } });
    expectExactlyOnce(events, b);
    expect(await poll(service, id)).toEqual([]);
    const c = await createCustomers(client, 2);
    expectExactlyOnce(await poll(service, id), c);
  });

  it('new_refund emits each new refund once, oldest first (and the charge filter narrows it)', async () => {
    const charges = await createCharges(client, 3);
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
    await createCharges(client, 2);
    await client.request({ method: 'POST', path: '/v1/charges', params: { amount: 500, currency: 'usd', source: 'tok_chargeDeclined' } }).catch(() => undefined);
    const events = await poll(service, id);
    expect(events).toHaveLength(1);
    expect((events[0]!.object as { type: string }).type).toBe('charge.failed');
  });

  it('new_charge with a status filter emits only matching charges', async () => {
    const id = nextId('status');
    await service.subscribe({ id, trigger: 'new_charge', options: { status: 'failed' } });
    await poll(service, id);
    await createCharges(client, 2);
    await client.request({ method: 'POST', path: '/v1/charges', params: { amount: 500, currency: 'usd', source: 'tok_chargeDeclined' } }).catch(() => undefined);
    const failed = emulator.objects('charge').filter((c) => c.status === 'failed').map((c) => c.id);
    expect(failed).toHaveLength(1);
    expectExactlyOnce(await poll(service, id), failed);
  });

  it('a crash after enqueueing but before recording re-emits nothing (job id dedupe)', async () => {
    const id = nextId('crash');
    await service.subscribe({ id, trigger: 'new_charge' });
    await poll(service, id);
    const created = await createCharges(client, 150, { concurrency: 4 });
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


  it('raising lookback_seconds on a live subscription emits nothing that existed before it (trimmed_below)', async () => {
    const t = emulator.clock.now() - 1000;
    emulator.clock.set(t - 500);
    await createCharges(client, 1);
    emulator.clock.set(t);
    await createCharges(client, 1);
    const id = nextId('raise');
    await service.subscribe({ id, trigger: 'new_charge', options: { lookback_seconds: 60 } });
    expect(await poll(service, id)).toEqual([]);
    emulator.clock.set(t + 100);
    const c = await createCharges(client, 1);
    expectExactlyOnce(await poll(service, id), c);
    await service.subscribe({ id, trigger: 'new_charge', options: { lookback_seconds: 3600 } });
    expect(await poll(service, id)).toEqual([]);
    expect((await service.status(id))!.state.trimmed_below).toBe(t + 40);
    emulator.clock.set(t + 70);
    const late = await createCharges(client, 1);
    emulator.clock.set(t + 101);
    const d = await createCharges(client, 1);
    expectExactlyOnce(await poll(service, id), [...late, ...d]);
    expect(await poll(service, id)).toEqual([]);
  });

  it('a deleted cursor is replaced by the newest object at or below the watermark; the walk stays capped by max_pages', async () => {
    const t = emulator.clock.now() - 100;
    emulator.clock.set(t);
    await createCustomers(client, 3);
    const id = nextId('replace');
    await service.subscribe({ id, trigger: 'new_customer', options: { max_pages: 2 } });
    await poll(service, id);
    expectExactlyOnce(await poll(service, id), []);
    const a = await createCustomers(client, 2);
    expectExactlyOnce(await poll(service, id), a);
    const cursor = (await service.status(id))!.state.cursor_id!;
    await client.request({ method: 'DELETE', path: `/v1/customers/${cursor}` });
    emulator.clock.set(t + 1);
    const b = await createCustomers(client, 350);
    emulator.clearRequests();
    const first = await service.pollNow(id);
    expect(first.outcome).toMatchObject({ status: 'polled', result: { recovered: true, complete: false, emitted: 200 } });
    const lookups = emulator.requests.filter((r) => r.method === 'GET' && r.query.limit === '1');
    expect(lookups).toHaveLength(1);
    expect(lookups[0]!.query.created).toEqual({ lte: String(t) });
    // One list page held at a time: no request pages below the floor, none beyond max_pages forward.
    expect(emulator.requests.filter((r) => r.method === 'GET' && r.query.ending_before !== undefined).length).toBeLessThanOrEqual(3);
    const rest = await poll(service, id);
    expectExactlyOnce([...first.events, ...rest], b);
    expect(await poll(service, id)).toEqual([]);
  });

  it('a baseline on an empty list: the next run starts at the oldest object and walks forward, capped', async () => {
    const id = nextId('empty');
    await service.subscribe({ id, trigger: 'new_customer', options: { max_pages: 1 } });
    expect(await poll(service, id)).toEqual([]);
    expect((await service.status(id))!.state).toMatchObject({ baselined: true, cursor_id: null, watermark: null });
    const created = await createCustomers(client, 150);
    const first = await service.pollNow(id);
    expect(first.outcome).toMatchObject({ status: 'polled', result: { complete: false, emitted: 101 } });
    const rest = await poll(service, id);
    expectExactlyOnce([...first.events, ...rest], created);
  });

  it('a commit refused between enqueueing a page and moving the cursor records nothing of it (one script); the re-run queues nothing twice', async () => {
    const t = emulator.clock.now() - 100;
    emulator.clock.set(t);
    await createCharges(client, 2);
    const id = nextId('atomic');
    await service.subscribe({ id, trigger: 'new_charge' });
    await poll(service, id);
    emulator.clock.set(t + 1);
    const created = await createCharges(client, 150, { concurrency: 4 });
    let batches = 0;
    await expect(
      service.pollNow(id, {
        onEvents: async (events) => {
          // A concurrent writer moves the version after the second page is queued, before its commit.
          if (events.length > 0 && ++batches === 2) await redis.hincrby(keys().state(id), 'version', 1);
        },
      }),
    ).rejects.toThrow('the cursor moved under this poller');
    const store = new SubscriptionStore(redis, keys());
    const state = await store.getState(id);
    expect(state.events_emitted).toBe(100);
    expect((await store.seenIds(id, created)).size).toBe(100);
    const rest = await poll(service, id);
    expect(rest).toHaveLength(50);
    const jobs = (await service.eventQueue.getJobs(['waiting', 'delayed', 'completed'], 0, -1)).filter((j) => j.data.subscription_id === id);
    expect(jobs.map((j) => j.data.object_id).sort()).toEqual([...created].sort());
    expect((await service.status(id))!.state.events_emitted).toBe(150);
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
    await createCharges(client, 150, { concurrency: 4 });
    const id = nextId('nofilter');
    await service.subscribe({ id, trigger: 'new_charge' });
    await poll(service, id);
    const same = await createCharges(client, 3);
    emulator.clock.set(t + 20);
    const later = await createCharges(client, 3);
    emulator.clock.set(t + 5);
    const late = await createCharges(client, 2);
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


describe('review fixes', () => {
  let emulator: Emulator;
  let client: StripeClient;
  let service: TriggerService;
  const run = (key: string, input: unknown): Promise<any> => runAction(key, input, { client });

  beforeAll(async () => {
    emulator = await startTestEmulator();
    client = clientFor(emulator);
    service = serviceFor(emulator);
  });
  afterAll(async () => {
    await service.close();
    await emulator.close();
  });
  beforeEach(() => emulator.reset());

  it('new_payment_link: a link still on the newest page two days later is not emitted again (kept by count, not time)', async () => {
    const price = await run('create_price', { product_data: { name: 'Hat' }, currency: 'usd', unit_amount: 500 });
    const link = async () => (await run('create_payment_link', { line_items: [{ price: price.id, quantity: 1 }] })).id as string;
    await link();
    const id = nextId('links-later');
    await service.subscribe({ id, trigger: 'new_payment_link' });
    expect(await poll(service, id)).toEqual([]);
    const a = await link();
    expect((await poll(service, id)).map((e) => e.object_id)).toEqual([a]);
    const realNow = Date.now.bind(Date);
    const later = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 2 * 86_400_000);
    try {
      expect(await poll(service, id)).toEqual([]);
      expect(await poll(service, id)).toEqual([]);
      const b = await link();
      expect((await poll(service, id)).map((e) => e.object_id)).toEqual([b]);
    } finally {
      later.mockRestore();
    }
  });

  it('new_payment_link: 150 links between two polls are emitted oldest first (the sweep reads behind the cursor, not the newest page)', async () => {
    const price = await run('create_price', { product_data: { name: 'Cap' }, currency: 'usd', unit_amount: 700 });
    const link = async () => (await run('create_payment_link', { line_items: [{ price: price.id, quantity: 1 }] })).id as string;
    await link();
    const id = nextId('links-many');
    await service.subscribe({ id, trigger: 'new_payment_link' });
    expect(await poll(service, id)).toEqual([]);
    const created: string[] = [];
    for (let i = 0; i < 150; i++) created.push(await link());
    expect((await poll(service, id)).map((e) => e.object_id)).toEqual(created);
    expect(await poll(service, id)).toEqual([]);
  });

  it('re-subscribing an id with other filters starts a new generation: its events are queued, not refused as duplicates', async () => {
    const id = nextId('resub');
    await service.subscribe({ id, trigger: 'new_charge' });
    await poll(service, id);
    const [charge] = await createCharges(client, 1);
    expectExactlyOnce(await poll(service, id), [charge!]);
    const before = (await service.status(id))!.state;
    await service.subscribe({ id, trigger: 'new_charge', options: { status: 'succeeded', backfill: 1 } });
    expectExactlyOnce(await poll(service, id), [charge!]);
    const jobs = (await service.eventQueue.getJobs(['waiting', 'delayed', 'completed'], 0, -1)).filter((j) => j.data.subscription_id === id);
    expect(jobs.filter((j) => j.data.object_id === charge)).toHaveLength(2);
    const after = (await service.status(id))!.state;
    expect(after.generation).not.toBe(before.generation);
    expect(after.version).toBeGreaterThan(before.version);
    expect(jobs.map((j) => j.id).sort()).toEqual([eventJobId(id, before.generation, charge!), eventJobId(id, after.generation, charge!)].sort());
  });

  it('two pollers overlapping after a lock expiry: the old one is fenced off, every object is queued and counted once', async () => {
    const t = emulator.clock.now() - 100;
    emulator.clock.set(t);
    await createCharges(client, 1);
    const id = nextId('overlap');
    await service.subscribe({ id, trigger: 'new_charge' });
    await poll(service, id);
    emulator.clock.set(t + 1);
    const created = await createCharges(client, 5);
    const store = new SubscriptionStore(redis, keys());
    const heldA = (await new PollLock(redis, keys(), { ttlMs: 60_000 }).acquire(id))!;
    const queue = new QueueSink(service.eventQueue);
    let second: TriggerEvent[] = [];
    const sinkA = new CollectingSink(async (events, context) => {
      await queue.emit(events, context);
      // A stalls here past its lock's expiry; B takes the lock and polls.
      await redis.del(keys().lock(id));
      second = await poll(service, id);
    });
    const subscription = (await store.getSubscription(id))!;
    const pollerA = new Poller({ store, client, sink: sinkA }, subscription, getTrigger('new_charge'), heldA);
    await expect(pollerA.run()).rejects.toMatchObject({ reason: 'lock_lost' });
    await heldA.release();
    expectExactlyOnce(sinkA.events, created);
    expectExactlyOnce(second, created);
    const jobs = (await service.eventQueue.getJobs(['waiting', 'delayed', 'completed'], 0, -1)).filter((j) => j.data.subscription_id === id);
    expect(jobs.map((j) => j.data.object_id).sort()).toEqual([...created].sort());
    expect((await store.getState(id)).events_emitted).toBe(5);
    expect(await poll(service, id)).toEqual([]);
  });

  it('an unsubscribe during a poll leaves no key of the subscription behind', async () => {
    const id = nextId('unsub-during');
    await service.subscribe({ id, trigger: 'new_charge' });
    await poll(service, id);
    await createCharges(client, 3);
    const { outcome } = await service.pollNow(id, {
      onEvents: async () => {
        await service.unsubscribe(id);
      },
    });
    expect(outcome.status).toBe('unsubscribed');
    expect(await redis.exists(keys().sub(id), keys().state(id), keys().seen(id))).toBe(0);
  });

  it('backfill with a rare post-filter stops searching at max_pages', async () => {
    const t = emulator.clock.now() - 2000;
    emulator.clock.set(t);
    await createCharges(client, 250, { concurrency: 16 });
    emulator.clock.set(t + 1000);
    await createCharges(client, 1);
    const id = nextId('rare');
    await service.subscribe({ id, trigger: 'new_charge', options: { status: 'failed', backfill: 3, max_pages: 1 } });
    emulator.clearRequests();
    expect(await poll(service, id)).toEqual([]);
    expect(emulator.requests.filter((r) => r.method === 'GET' && r.path === '/v1/charges')).toHaveLength(1);
  });

  it('only an ending_before error (or one naming the cursor) counts as the cursor gone, not a missing filter object', () => {
    const missing = (fields: { message: string; param?: string; statusCode: number }) => new StripeInvalidRequestError({ code: 'resource_missing', ...fields });
    expect(isCursorGone(missing({ message: "No such customer: 'cus_Gone'", param: 'customer', statusCode: 404 }), 'ch_Cursor')).toBe(false);
    expect(isCursorGone(missing({ message: "No such customer: 'cus_Gone'", statusCode: 400 }), 'ch_Cursor')).toBe(false);
    expect(isCursorGone(missing({ message: "No such charge: 'ch_Cursor'", param: 'ending_before', statusCode: 404 }), 'ch_Cursor')).toBe(true);
    expect(isCursorGone(missing({ message: "No such customer: 'cus_Cursor'", statusCode: 400 }), 'cus_Cursor')).toBe(true);
  });

  it('new_charge says that its status filter is checked once, when the charge is first seen', () => {
    expect(getTrigger('new_charge').description).toMatch(/pending charge that succeeds later does not fire/);
  });

  it('every trigger emits what the account does, once each, as its output schema says (status=all subscriptions, disputes, payouts, sessions, events)', async () => {
    const types: Record<string, string> = {
      new_charge: 'charge',
      new_refund: 'refund',
      new_customer: 'customer',
      new_payment_intent: 'payment_intent',
      new_invoice: 'invoice',
      new_subscription: 'subscription',
      new_dispute: 'dispute',
      new_payout: 'payout',
      new_checkout_session: 'checkout.session',
    };
    await run('create_customer', { email: 'before@example.com' });
    const subs = listTriggers().filter((t) => t.key !== 'new_payment_link').map((t) => ({ trigger: t, id: nextId(`emit-${t.key}`) }));
    const before = new Map<string, Set<string>>();
    for (const type of [...Object.values(types), 'event']) before.set(type, new Set(emulator.objects(type).map((o) => o.id)));
    for (const { trigger, id } of subs) {
      await service.subscribe({ id, trigger: trigger.key });
      expect(await poll(service, id)).toEqual([]);
    }

    // Payments: a payment intent that succeeds, one that fails, a charge that is disputed, a refund, a payout.
    await run('create_payment_intent', { amount: 1800, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    await run('create_payment_intent', { amount: 1200, currency: 'usd', payment_method: 'pm_card_chargeDeclined', confirm: true }).catch(() => undefined);
    const disputed = await client.request<{ id: string }>({ method: 'POST', path: '/v1/charges', params: { amount: 4000, currency: 'usd', source: 'tok_createDispute' } });
    expect(disputed.body.id).toMatch(/^ch_/);
    const [refunded] = await createCharges(client, 1);
    await run('create_refund', { charge: refunded, amount: 100 });
    await run('create_payout', { amount: 500, currency: 'usd' });
    // Billing: an invoice paid, one whose payment fails, a subscription updated, one canceled (status=all lists it).
    const payer = await run('create_customer', { source: 'tok_visa' });
    const paid = await run('create_invoice', { customer: payer.id });
    await run('add_invoice_lines', { invoice_id: paid.id, lines: [{ amount: 2500, description: 'Work' }] });
    await run('finalize_invoice', { invoice_id: paid.id });
    await run('pay_invoice', { invoice_id: paid.id });
    const decliner = await run('create_customer', { source: 'tok_chargeCustomerFail' });
    const unpaid = await run('create_invoice', { customer: decliner.id });
    await run('add_invoice_lines', { invoice_id: unpaid.id, lines: [{ amount: 4200, description: 'Work' }] });
    await run('finalize_invoice', { invoice_id: unpaid.id });
    await run('pay_invoice', { invoice_id: unpaid.id }).catch(() => undefined);
    const price = await run('create_price', { product_data: { name: 'Pro' }, currency: 'usd', unit_amount: 1500, recurring: { interval: 'month' } });
    const sub = await run('create_subscription', { customer: payer.id, items: [{ price: price.id, quantity: 1 }] });
    await run('update_subscription', { subscription_id: sub.id, items: [{ id: sub.items.data[0].id, quantity: 3 }] });
    await run('cancel_subscription', { subscription_id: sub.id });
    await run('create_checkout_session', { mode: 'payment', line_items: [{ price_data: { currency: 'usd', unit_amount: 900, product_data: { name: 'Mug' } }, quantity: 1 }], success_url: 'https://example.com/ok' });

    const fresh = (type: string) => emulator.objects(type).filter((o) => !before.get(type)!.has(o.id));
    const silent: string[] = [];
    for (const { trigger, id } of subs) {
      const events = await poll(service, id);
      let expected: string[];
      if (trigger.kind === 'list') {
        expected = fresh(types[trigger.key]!).map((o) => o.id);
      } else {
        const wanted = trigger.eventTypes;
        expected = fresh('event')
          .filter((e) => wanted === undefined || wanted.includes(e.type))
          .map((e) => e.id);
      }
      expectExactlyOnce(events, expected);
      for (const event of events) expectMatchesOutput(trigger.output, event, `${trigger.key}'s event ${event.object_id}`);
      if (events.length === 0) silent.push(trigger.key);
    }
    // The emulator has no way to complete a Checkout Session (a customer paying on Stripe's page).
    expect(silent).toEqual(['checkout_session_completed']);
    expect(fresh('subscription').map((s) => s.status)).toEqual(['canceled']);
  });
});

describe('the commit script (seen ids + events counter + cursor, fenced)', () => {
  const record = (id: string, options: Record<string, unknown> = {}) => ({ id, trigger: 'new_charge', options, connection_ref: 'x', every_ms: 600_000, created_at: '' });

  it('refuses a writer without the lock, at a stale version, or after unsubscribe; the watermark never goes down', async () => {
    const store = new SubscriptionStore(redis, keys());
    const id = nextId('cas');
    await store.saveSubscription(record(id), true);
    const { generation, version } = await store.getState(id);
    await redis.set(keys().lock(id), 'token-a');
    const fence = (token: string, v: number) => ({ token, version: v, generation });
    const v1 = await store.commit(id, fence('token-a', version), { cursor: { cursorId: 'ch_1', watermark: 100 }, baselined: true, seen: [{ id: 'ch_1', created: 100 }], emitted: 1 });
    expect(v1).toBe(version + 1);
    await expect(store.commit(id, fence('token-b', v1), { cursor: { cursorId: 'ch_2', watermark: 101 } })).rejects.toMatchObject({ reason: 'lock_lost' });
    await expect(store.commit(id, fence('token-a', version), { cursor: { cursorId: 'ch_2', watermark: 101 } })).rejects.toBeInstanceOf(CursorConflictError);
    expect(await store.commit(id, fence('token-a', v1), { cursor: { cursorId: 'ch_0', watermark: 90 } })).toBe(v1 + 1);
    expect(await store.getState(id)).toMatchObject({ cursor_id: 'ch_0', watermark: 100, version: v1 + 1, baselined: true, events_emitted: 1 });
    expect(await store.seenIds(id, ['ch_1', 'ch_2'])).toEqual(new Set(['ch_1']));
    await store.deleteSubscription(id);
    await expect(store.commit(id, fence('token-a', v1 + 1), { cursor: { cursorId: 'ch_3', watermark: 110 }, seen: [{ id: 'ch_3', created: 110 }], emitted: 1 })).rejects.toMatchObject({
      reason: 'unsubscribed',
    });
    expect(await redis.exists(keys().state(id), keys().seen(id))).toBe(0);
    await redis.del(keys().lock(id));
  });

  it('a reset (other trigger or filters) never sets the version back: a poller still on the old state cannot write', async () => {
    const store = new SubscriptionStore(redis, keys());
    const id = nextId('reset');
    await store.saveSubscription(record(id), true);
    const old = await store.getState(id);
    await redis.set(keys().lock(id), 'token-a');
    await store.saveSubscription(record(id, { status: 'failed' }), true);
    const fresh = await store.getState(id);
    expect(fresh.version).toBe(old.version + 1);
    expect(fresh.generation).not.toBe(old.generation);
    const stale = { token: 'token-a', version: old.version, generation: old.generation };
    await expect(store.commit(id, stale, { cursor: { cursorId: 'ch_old', watermark: 100 }, seen: [{ id: 'ch_old', created: 100 }], emitted: 1 })).rejects.toMatchObject({ reason: 'resubscribed' });
    await expect(store.commit(id, { ...stale, version: fresh.version }, { cursor: { cursorId: 'ch_old', watermark: 100 } })).rejects.toMatchObject({ reason: 'resubscribed' });
    expect(await store.getState(id)).toMatchObject({ cursor_id: null, watermark: null, events_emitted: 0, baselined: false });
    expect(await redis.exists(keys().seen(id))).toBe(0);
    await redis.del(keys().lock(id));
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
