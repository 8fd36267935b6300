/**
 * Scheduled polls through BullMQ workers: two workers side by side, 429 and 500 storms, a revoked then
 * restored key, the per-account rate limiter, the lock, and a scan of Redis for secrets.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { AttemptInfo, StripeClient } from '../client/client';
import { AccountRateLimiter, accountHash } from '../triggers/rate-limiter';
import { PollFailedError } from '../triggers/runner';
import { TriggerKeys } from '../triggers/keys';
import { PollLock } from '../triggers/lock';
import { TriggerService, scheduleOffsetMs } from '../triggers/service';
import { QueueSink, type TriggerEvent } from '../triggers/sink';
import { createTriggerWorker, type TriggerWorker } from '../triggers/worker';
import { FAST_RETRIES, TEST_KEY, clientFor, startTestEmulator, type Emulator } from './support/harness';
import { dumpPrefix, startTestRedis, type TestRedis } from './support/redis';
import { createCharges, waitFor } from './support/triggers';

jest.setTimeout(120_000);

const OTHER_KEY = 'sk_test_51OtherAccountKey9876543210zyxwvuTSR';
/** A key that shows up in error messages (the resolver's, a consumer's): it must never reach Redis. */
const LEAK_KEY = 'sk_test_51LeakedInAnErrorMessage0123456789abcd';
const KEYS: Record<string, string> = {
  main: TEST_KEY,
  other: OTHER_KEY,
  // One key per fault test, so a paused bucket or a revoked key touches that test only.
  defer: 'sk_test_51DeferredAccountKey0123456789abcdef',
  soon: 'sk_test_51TransientAccountKey0123456789abcde',
  revoked2: 'sk_test_51RevokedAgainKey0123456789abcdefgh',
};

let redisServer: TestRedis;
let redis: Redis;
let emulator: Emulator;
let client: StripeClient;
let otherClient: StripeClient;
let service: TriggerService;
const workers: TriggerWorker[] = [];
/** Events delivered to onEvent, per subscription, in delivery order. */
const delivered = new Map<string, TriggerEvent[]>();
/** Events whose first delivery failed on purpose (the leak test). */
const failedOnce = new Set<string>();
/** Polls completed per worker. */
const polledBy: number[] = [];

function startWorker(extra: { rateLimits?: { test?: number } } = {}): TriggerWorker {
  const worker = createTriggerWorker({
    connection: redisServer.url,
    prefix: redisServer.prefix,
    resolveCredentials: (_id, ref) => {
      if (ref === 'leaky') throw new Error(`vault refused to hand out ${LEAK_KEY}`);
      return { secret_key: KEYS[ref]! };
    },
    onEvent: (event) => {
      if (event.subscription_id === 'leak-ev' && !failedOnce.has(event.object_id)) {
        failedOnce.add(event.object_id);
        throw new Error(`the webhook refused a request signed with ${LEAK_KEY}`);
      }
      const list = delivered.get(event.subscription_id) ?? [];
      list.push(event);
      delivered.set(event.subscription_id, list);
    },
    concurrency: 4,
    clientOptions: { apiBase: emulator.url, ...FAST_RETRIES },
    rateLimits: extra.rateLimits ?? { test: 10_000 },
    backoff: { baseMs: 200, maxMs: 1_000 },
    lockTtlMs: 5_000,
  });
  workers.push(worker);
  const index = workers.length - 1;
  worker.pollWorker.on('completed', (job) => {
    if (job.returnvalue?.status === 'polled') polledBy[index] = (polledBy[index] ?? 0) + 1;
  });
  return worker;
}

beforeAll(async () => {
  redisServer = await startTestRedis();
  redis = redisServer.client();
  emulator = await startTestEmulator();
  client = clientFor(emulator);
  otherClient = clientFor(emulator, { connection: { secret_key: OTHER_KEY } });
  service = new TriggerService({ redis, prefix: redisServer.prefix });
  startWorker();
  startWorker();
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.close(5_000)));
  await service.close();
  await emulator.close();
  await redisServer.stop();
});

/** Asks for polls until `done()` holds (the workers do the polling). */
async function pollUntil(ids: string[], done: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    for (const id of ids) await service.requestPoll(id);
    await sleep(150);
  }
}

function ids(id: string): string[] {
  return (delivered.get(id) ?? []).map((e) => e.object_id);
}

function expectExactlyOnce(id: string, expected: string[]): void {
  const got = ids(id);
  expect(new Set(got).size).toBe(got.length);
  expect([...got].sort()).toEqual([...expected].sort());
  const created = (delivered.get(id) ?? []).map((e) => e.object.created as number);
  for (let i = 1; i < created.length; i++) expect(created[i]).toBeGreaterThanOrEqual(created[i - 1]!);
}

const baselined = async (id: string) => (await service.status(id))?.state.baselined === true;

describe('trigger workers', () => {
  it('spreads schedules across the interval with a stable per-subscription offset', async () => {
    const offsets = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => scheduleOffsetMs(`sub-${id}`, 600_000));
    expect(new Set(offsets).size).toBe(6);
    expect(offsets.every((o) => o >= 0 && o < 600_000)).toBe(true);
    expect(scheduleOffsetMs('sub-a', 600_000)).toBe(offsets[0]);
    await service.subscribe({ id: 'sched-1', trigger: 'new_charge', options: { every: '10m' }, connection_ref: 'main' });
    const schedulers = await service.pollQueue.getJobSchedulers();
    const mine = schedulers.find((s) => s.key === 'sched-1');
    expect(mine).toMatchObject({ every: 600_000 });
    expect((mine as { offset?: number }).offset).toBe(scheduleOffsetMs('sched-1', 600_000));
    expect(await service.unsubscribe('sched-1')).toBe(true);
    expect((await service.pollQueue.getJobSchedulers()).find((s) => s.key === 'sched-1')).toBeUndefined();
  });

  it('two workers side by side emit each charge once per subscription', async () => {
    const subs = ['pair-1', 'pair-2', 'pair-3', 'pair-4'];
    await createCharges(client, 2);
    for (const id of subs) await service.subscribe({ id, trigger: 'new_charge', options: { every: '1m' }, connection_ref: 'main' });
    await waitFor(async () => (await Promise.all(subs.map(baselined))).every(Boolean), 'baselines');
    const created: string[] = [];
    for (let round = 0; round < 5; round++) {
      created.push(...(await createCharges(client, 30)));
      for (const id of subs) for (let i = 0; i < 3; i++) await service.requestPoll(id);
      await sleep(100);
    }
    await pollUntil(subs, () => subs.every((id) => ids(id).length >= created.length), 'all events');
    await sleep(300);
    for (const id of subs) expectExactlyOnce(id, created);
    // Both workers ran polls.
    expect(polledBy[0]).toBeGreaterThan(0);
    expect(polledBy[1]).toBeGreaterThan(0);
  });

  it('rides out 429 and 500 storms: every charge once', async () => {
    const id = 'storm-1';
    await service.subscribe({ id, trigger: 'new_charge', options: { every: '1m' }, connection_ref: 'main' });
    await waitFor(() => baselined(id), 'baseline');
    const created = await createCharges(client, 250);
    emulator.inject({ kind: 'status', status: 429, count: 12, match: { method: 'GET', path: '/v1/charges' } });
    emulator.inject({ kind: 'status', status: 500, count: 12, match: { method: 'GET', path: '/v1/charges' } });
    emulator.inject({ kind: 'drop', when: 'before', count: 4, match: { method: 'GET', path: '/v1/charges' } });
    const more = createCharges(client, 50);
    await pollUntil([id], () => ids(id).length >= 250, 'first 250 events');
    created.push(...(await more));
    await pollUntil([id], () => ids(id).length >= created.length, 'all events');
    await sleep(300);
    expectExactlyOnce(id, created);
    const statuses = emulator.requests.filter((r) => r.path === '/v1/charges' && r.method === 'GET').map((r) => r.status);
    expect(statuses).toContain(429);
    expect(statuses).toContain(500);
  });

  it('a revoked key marks the subscription failing (error visible, cursor kept) without slowing others, and it recovers', async () => {
    const failing = 'revoked-1';
    const healthy = 'healthy-1';
    await service.subscribe({ id: failing, trigger: 'new_charge', options: { every: '1m' }, connection_ref: 'other' });
    await service.subscribe({ id: healthy, trigger: 'new_charge', options: { every: '1m' }, connection_ref: 'main' });
    await waitFor(async () => (await baselined(failing)) && (await baselined(healthy)), 'baselines');
    const before = (await service.status(failing))!.state;
    emulator.revokeKey(OTHER_KEY);
    await service.requestPoll(failing);
    await waitFor(async () => (await service.status(failing))!.state.status === 'failing', 'failing status');
    const failed = (await service.status(failing))!.state;
    expect(failed.last_error).toMatchObject({ name: 'StripeAuthenticationError', status: 401 });
    expect(String(failed.last_error!.message)).toMatch(/API Key/);
    expect(JSON.stringify(failed.last_error)).not.toContain(OTHER_KEY);
    expect(failed.cursor_id).toBe(before.cursor_id);
    expect(failed.retry_at).toBeGreaterThan(0);
    // Meanwhile the other subscription keeps working.
    const healthyCharges = await createCharges(client, 5);
    await pollUntil([healthy], () => ids(healthy).length >= 5, 'healthy events');
    expectExactlyOnce(healthy, healthyCharges);
    // Retries back off while the key is refused ...
    await waitFor(async () => (await service.status(failing))!.state.consecutive_failures >= 2, 'a second failed attempt');
    expect((await service.status(failing))!.state.status).toBe('failing');
    // ... and the subscription recovers by itself when the key works again, with nothing lost.
    const otherCharges = await createCharges(client, 7);
    emulator.restoreKey(OTHER_KEY);
    await waitFor(async () => (await service.status(failing))!.state.status === 'active', 'recovery', { timeoutMs: 30_000 });
    const state = (await service.status(failing))!.state;
    expect(state.last_error).toBeNull();
    expect(state.consecutive_failures).toBe(0);
    // The emulator gives each key the same platform account, so the failing subscription also sees
    // the healthy one's charges created meanwhile: all are new since its baseline.
    const all = emulator.objects('charge').map((c) => c.id as string);
    const sinceBaseline = all.slice(all.indexOf(before.cursor_id!) + 1);
    expect(sinceBaseline).toHaveLength(12);
    await pollUntil([failing], () => ids(failing).length >= 12, 'events after recovery');
    await sleep(200);
    expectExactlyOnce(failing, sinceBaseline);
    expect(otherCharges.every((c) => sinceBaseline.includes(c))).toBe(true);
    // A charge made with the restored key itself arrives too.
    const own = await createCharges(otherClient, 2);
    await pollUntil([failing], () => ids(failing).length >= sinceBaseline.length + 2, 'events with the restored key');
    expectExactlyOnce(failing, [...sinceBaseline, ...own]);
  });

  it('keeps each account under its rate limit across workers (no 429 from a server limiting at 10/s)', async () => {
    const limited = await startTestEmulator({ rateLimitPerSecond: 10 });
    try {
      const limitedClient = clientFor(limited, { maxRetries: 0 });
      const prefix = `${redisServer.prefix}-rl`; // same hash tag, under the test's prefix (cleaned up with it)
      const mk = () =>
        createTriggerWorker({
          connection: redisServer.url,
          prefix,
          resolveCredentials: () => ({ secret_key: TEST_KEY }),
          concurrency: 4,
          clientOptions: { apiBase: limited.url, maxRetries: 0 },
          rateLimits: { test: 8 },
        });
      const w1 = mk();
      const w2 = mk();
      const svc = new TriggerService({ redis, prefix });
      try {
        for (let i = 0; i < 5; i++) {
          await limitedClient.request({ method: 'POST', path: '/v1/customers', params: { name: `n${i}` } });
          await sleep(150);
        }
        await sleep(1100);
        const subs = Array.from({ length: 24 }, (_, i) => `rl-${i}`);
        limited.clearRequests();
        for (const id of subs) await svc.subscribe({ id, trigger: 'new_customer', options: { backfill: 2 } });
        await waitFor(async () => (await Promise.all(subs.map(async (id) => (await svc.status(id))!.state.baselined))).every(Boolean), 'baselines');
        const gets = limited.requests.filter((r) => r.method === 'GET');
        expect(gets.length).toBeGreaterThanOrEqual(24);
        expect(gets.filter((r) => r.status === 429)).toEqual([]);
      } finally {
        await Promise.all([w1.close(5_000), w2.close(5_000)]);
        await svc.close();
      }
    } finally {
      await limited.close();
    }
  });

  it('lets only one poll of a subscription hold the lock, and only its owner release it', async () => {
    const keys = new TriggerKeys(redisServer.prefix);
    const lock = new PollLock(redis, keys, { ttlMs: 2_000 });
    const a = await lock.acquire('locked-1');
    expect(a).not.toBeNull();
    expect(await lock.acquire('locked-1')).toBeNull();
    // A stale holder's release does not free someone else's lock.
    await redis.set(keys.lock('locked-1'), 'someone-else', 'PX', 2_000);
    await a!.release();
    expect(await redis.get(keys.lock('locked-1'))).toBe('someone-else');
    await redis.del(keys.lock('locked-1'));
  });

  it('masks key-shaped strings in errors before BullMQ stores them (a failed poll, a failed delivery)', async () => {
    // A resolver whose error names a key: the poll job fails, and its failedReason and stack go to Redis.
    await service.subscribe({ id: 'leak-1', trigger: 'new_payout', options: { every: '1m' }, connection_ref: 'leaky' });
    const failedJobs = async () => (await service.pollQueue.getJobs(['failed'], 0, -1)).filter((j) => j?.data?.subscription_id === 'leak-1');
    await waitFor(async () => (await failedJobs()).length > 0, 'the failed poll job');
    for (const job of await failedJobs()) {
      expect(job.failedReason).toContain('sk_test_[redacted]');
      expect(job.failedReason).not.toContain(LEAK_KEY);
      expect(JSON.stringify(job.stacktrace)).not.toContain(LEAK_KEY);
    }
    expect(JSON.stringify((await service.status('leak-1'))!.state.last_error)).toContain('sk_test_[redacted]');
    await service.unsubscribe('leak-1');
    // A consumer's error naming a key: the delivery is retried, and the failed attempt's record is masked.
    await service.subscribe({ id: 'leak-ev', trigger: 'new_charge', options: { every: '1m' }, connection_ref: 'main' });
    await waitFor(() => baselined('leak-ev'), 'baseline');
    const [charge] = await createCharges(client, 1);
    await pollUntil(['leak-ev'], () => ids('leak-ev').length >= 1, 'the redelivered event');
    expect(failedOnce.has(charge!)).toBe(true);
    const job = (await service.eventQueue.getJobs(['completed'], 0, -1)).find((j) => j?.data?.subscription_id === 'leak-ev' && j.data.object_id === charge);
    expect(job!.attemptsMade).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(job!.stacktrace)).toContain('sk_test_[redacted]');
    const leaked = (await dumpPrefix(redis, redisServer.prefix)).filter((e) => e.value.includes(LEAK_KEY) || e.key.includes(LEAK_KEY));
    expect(leaked.map((e) => e.key)).toEqual([]);
    await service.unsubscribe('leak-ev');
  });

  it('the client calls beforeAttempt before every attempt, retries included, and a throw ends the request', async () => {
    const attempts: AttemptInfo[] = [];
    const hooked = clientFor(emulator, { beforeAttempt: (a) => void attempts.push(a) });
    emulator.inject({ kind: 'status', status: 500, count: 2, match: { method: 'GET', path: '/v1/payouts' } });
    await hooked.list('/v1/payouts');
    expect(attempts.map((a) => a.retry)).toEqual([0, 1, 2]);
    expect(attempts[0]!.previous).toBeUndefined();
    expect(attempts[1]!.previous).toMatchObject({ status: 500 });
    const before = emulator.requests.length;
    const refusing = clientFor(emulator, { beforeAttempt: () => Promise.reject(new Error('not now')) });
    await expect(refusing.list('/v1/payouts')).rejects.toThrow('not now');
    expect(emulator.requests.length).toBe(before);
  });

  it('keys the rate-limit bucket by the resolver\'s account id when it gives one (rk_ and sk_ of one account share it)', () => {
    const rk = accountHash({ secret_key: 'rk_test_restricted1', account_id: 'acct_1' });
    expect(accountHash({ secret_key: 'sk_test_secret1', account_id: 'acct_1' })).toBe(rk);
    expect(accountHash({ secret_key: 'rk_test_restricted1' })).not.toBe(rk);
    expect(accountHash({ secret_key: 'sk_test_secret1', account_id: 'acct_2' })).not.toBe(rk);
  });

  describe('the rate limiter on every attempt', () => {
    // A prefix no worker serves: these polls run in the test only.
    const prefix = () => `${redisServer.prefix}-tok`;
    const svcFor = (key: string) =>
      new TriggerService({
        redis,
        prefix: prefix(),
        resolveCredentials: () => ({ secret_key: key }),
        clientOptions: { apiBase: emulator.url, ...FAST_RETRIES },
        rateLimits: { test: 10_000 },
      });

    it('takes a token before every attempt, retries included', async () => {
      const key = 'sk_test_51TokenPerAttemptKey0123456789abcdef';
      const account = accountHash({ secret_key: key });
      const svc = svcFor(key);
      const spy = jest.spyOn(AccountRateLimiter.prototype, 'acquire');
      try {
        await svc.subscribe({ id: 'tokens-1', trigger: 'new_payout' });
        const from = emulator.requests.length;
        emulator.inject({ kind: 'status', status: 500, count: 2, match: { method: 'GET', path: '/v1/payouts' } });
        expect((await svc.pollNow('tokens-1')).outcome.status).toBe('polled');
        expect((await svc.pollNow('tokens-1')).outcome.status).toBe('polled');
        const sent = emulator.requests.slice(from).filter((r) => r.path === '/v1/payouts');
        expect(sent.map((r) => r.status).filter((s) => s === 500)).toHaveLength(2);
        expect(spy.mock.calls.filter((c) => c[0] === account)).toHaveLength(sent.length);
      } finally {
        spy.mockRestore();
        await svc.unsubscribe('tokens-1');
        await svc.close();
      }
    });

    it('a 429 pauses the account for every worker until its Retry-After, not only the poll that got it', async () => {
      const key = 'sk_test_51PausedAccountKey0123456789abcdefg';
      const account = accountHash({ secret_key: key });
      const svc = svcFor(key);
      const otherWorker = new AccountRateLimiter(redisServer.client(), new TriggerKeys(prefix()), { limits: { test: 10_000 } });
      try {
        await svc.subscribe({ id: 'pause-1', trigger: 'new_payout' });
        expect((await svc.pollNow('pause-1')).outcome.status).toBe('polled');
        const from = emulator.requests.length;
        emulator.inject({ kind: 'status', status: 429, retryAfter: 1, count: 1, match: { method: 'GET', path: '/v1/payouts' } });
        const polling = svc.pollNow('pause-1');
        await waitFor(() => emulator.requests.slice(from).some((r) => r.path === '/v1/payouts' && r.status === 429), 'the 429');
        await sleep(150);
        const started = Date.now();
        await otherWorker.acquire(account, 'test');
        expect(Date.now() - started).toBeGreaterThanOrEqual(500);
        expect((await polling).outcome.status).toBe('polled');
        const sent = emulator.requests.slice(from).filter((r) => r.path === '/v1/payouts');
        expect(sent[0]!.status).toBe(429);
        expect(sent[1]!.receivedAt - sent[0]!.receivedAt).toBeGreaterThanOrEqual(950);
      } finally {
        await svc.unsubscribe('pause-1');
        await svc.close();
      }
    });

    it('a long Retry-After ends the poll at once (PollFailedError with retryAt) instead of sleeping in it', async () => {
      const key = 'sk_test_51LongRetryAfterKey0123456789abcdef';
      const svc = svcFor(key);
      try {
        await svc.subscribe({ id: 'long-1', trigger: 'new_payout' });
        expect((await svc.pollNow('long-1')).outcome.status).toBe('polled');
        emulator.inject({ kind: 'status', status: 429, retryAfter: 30, count: 1, match: { method: 'GET', path: '/v1/payouts' } });
        const started = Date.now();
        const error = await svc.pollNow('long-1').then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(Date.now() - started).toBeLessThan(5_000);
        expect(error).toBeInstanceOf(PollFailedError);
        expect((error as PollFailedError).retryAt).toBeGreaterThan(Date.now() + 20_000);
        expect((await svc.status('long-1'))!.state.last_error).toMatchObject({ name: 'RateLimitDeferredError' });
      } finally {
        await svc.unsubscribe('long-1');
        await svc.close();
      }
    });
  });

  it('after a transient failure queues one delayed poll (not a full `every` away); it delivers what the failed poll missed', async () => {
    const id = 'soon-1';
    await service.subscribe({ id, trigger: 'new_customer', options: { every: '1m' }, connection_ref: 'soon' });
    await waitFor(() => baselined(id), 'baseline');
    const customers: string[] = [];
    for (let i = 0; i < 2; i++) customers.push((await client.request<{ id: string }>({ method: 'POST', path: '/v1/customers', params: { name: `s${i}` } })).body.id);
    // Every attempt of two polls' first request fails (the first try and the client's 2 retries, twice).
    const from = emulator.requests.length;
    const failures = () => emulator.requests.slice(from).filter((r) => r.path === '/v1/customers' && r.status === 500).length;
    emulator.inject({ kind: 'status', status: 500, count: 6, match: { method: 'GET', path: '/v1/customers' } });
    await service.requestPoll(id);
    await waitFor(async () => (await service.pollQueue.getJob(`soon-${id}`)) !== undefined, 'the follow-up poll');
    const job = (await service.pollQueue.getJob(`soon-${id}`))!;
    expect(await job.getState()).toBe('delayed');
    expect(job.delay).toBeGreaterThan(25_000);
    expect(job.delay).toBeLessThanOrEqual(30_000);
    expect((await service.status(id))!.state.last_error).toMatchObject({ status: 500 });
    // A second failing poll meanwhile does not add another follow-up.
    await service.requestPoll(id);
    await waitFor(() => failures() >= 6, 'the second failed poll');
    await sleep(300);
    const pending = (await service.pollQueue.getJobs(['delayed', 'waiting', 'active', 'prioritized'], 0, -1)).filter(
      (j) => j?.data?.subscription_id === id && !j.id?.startsWith('repeat:'), // the scheduler's own next slot aside
    );
    expect(pending.map((j) => j.id)).toEqual([`soon-${id}`]);
    expect(ids(id)).toEqual([]);
    await job.promote();
    await waitFor(() => ids(id).length >= 2, 'the events');
    await sleep(200);
    expectExactlyOnce(id, customers);
    await service.unsubscribe(id);
  });

  it('continues at once when a walk stops at max_pages (no wait for the next slot)', async () => {
    const id = 'more-1';
    await service.subscribe({ id, trigger: 'new_charge', options: { every: '1m', max_pages: 1 }, connection_ref: 'main' });
    await waitFor(() => baselined(id), 'baseline');
    const created = await createCharges(client, 230, { concurrency: 8 });
    await service.requestPoll(id); // one request; the continuations are the worker's
    await waitFor(() => ids(id).length >= created.length, 'all 230 events from one requested poll', { timeoutMs: 20_000 });
    await sleep(300);
    expectExactlyOnce(id, created);
    await service.unsubscribe(id);
  });

  it('keeps one retry job per subscription while its key is refused, whatever polls come in between', async () => {
    const id = 'revoked-2';
    await service.subscribe({ id, trigger: 'new_payout', options: { every: '1m' }, connection_ref: 'revoked2' });
    await waitFor(() => baselined(id), 'baseline');
    emulator.revokeKey(KEYS.revoked2!);
    const retryIds = new Set<string>();
    let most = 0;
    const until = Date.now() + 3_000;
    while (Date.now() < until) {
      await service.requestPoll(id);
      const pending = (await service.pollQueue.getJobs(['delayed', 'waiting', 'active', 'prioritized'], 0, -1)).filter((j) => j?.name === 'retry' && j.data?.subscription_id === id);
      for (const j of pending) retryIds.add(j.id!);
      most = Math.max(most, pending.length);
      await sleep(40);
    }
    expect([...retryIds]).toEqual([`retry-${id}`]);
    expect(most).toBe(1);
    expect((await service.status(id))!.state.consecutive_failures).toBeGreaterThanOrEqual(2);
    emulator.restoreKey(KEYS.revoked2!);
    await waitFor(async () => (await service.status(id))!.state.status === 'active', 'recovery by the retry job', { timeoutMs: 10_000 });
    await service.unsubscribe(id);
  });

  it('close(0) with a delivery hanging leaves none of its Redis connections behind (none reconnecting later)', async () => {
    const prefix = `${redisServer.prefix}-close`;
    const names = async () => (await redis.client('LIST') as string).split('\n').filter((line) => line.length > 0).length;
    const before = await names();
    let started = false;
    const worker = createTriggerWorker({
      connection: redisServer.url,
      prefix,
      resolveCredentials: () => ({ secret_key: TEST_KEY }),
      onEvent: () => {
        started = true;
        return new Promise<void>(() => undefined);
      },
    });
    const events = new TriggerService({ redis, prefix });
    await new QueueSink(events.eventQueue).emit([{ subscription_id: 'hang', trigger: 'new_charge', object_id: 'ch_hang', object: { id: 'ch_hang' }, livemode: false, emitted_at: new Date().toISOString() }], { generation: 'g' });
    await waitFor(() => started, 'the hanging delivery');
    expect(await names()).toBeGreaterThan(before);
    await worker.close(0);
    await events.close();
    // BullMQ's pause() used to reconnect the blocking connection after the close had ended it.
    await sleep(1500);
    expect(await names()).toBe(before);
  });

  it('leaves no secret key anywhere in Redis (every key and value scanned)', async () => {
    const entries = await dumpPrefix(redis, redisServer.prefix);
    expect(entries.length).toBeGreaterThan(20);
    const types = new Set(entries.map((e) => e.type));
    expect(types).toEqual(expect.objectContaining(new Set(['hash', 'zset', 'set'])));
    const forbidden = [TEST_KEY, OTHER_KEY, LEAK_KEY, ...Object.values(KEYS), Buffer.from(`${TEST_KEY}:`).toString('base64'), Buffer.from(`${OTHER_KEY}:`).toString('base64')];
    for (const entry of entries) {
      for (const secret of forbidden) {
        expect(entry.key).not.toContain(secret);
        expect(entry.value).not.toContain(secret);
      }
    }
    // Also the whole server, whatever the prefix (it is ours: the test started it).
    if (redisServer.owned) {
      const everything = await dumpPrefix(redis, '');
      for (const entry of everything) for (const secret of forbidden) expect(entry.value).not.toContain(secret);
    }
  });
});
