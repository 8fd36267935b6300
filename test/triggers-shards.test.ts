/**
 * Shards on one Redis (the cluster itself: triggers-cluster.test.ts): the slot arithmetic, the shard
 * prefixes and a subscription's shard; subscriptions, polls, events and failed events in their own
 * shard's keys and queues while list/status/unsubscribe/pollNow/FailedEvents see all of them; workers
 * serving some of the shards; one rate-limit bucket per account across shards; and a refusal to
 * start with another shard count than the Redis holds.
 */
import type { Redis } from 'ioredis';
import type { StripeClient } from '../client/client';
import { closeTransport } from '../client/transport';
import { EVENT_QUEUE, TriggerKeys } from '../triggers/keys';
import { bullmq } from '../triggers/queue-libs';
import { TriggerService } from '../triggers/service';
import { CLUSTER_SLOTS, ShardCountMismatchError, keySlot, servedShards, shardIndex, shardPrefixes } from '../triggers/shards';
import type { TriggerEvent } from '../triggers/sink';
import { createTriggerWorker, type TriggerWorker } from '../triggers/worker';
import { piped } from './support/cli';
import { FAST_RETRIES, TEST_KEY, clientFor, startTestEmulator, type Emulator } from './support/harness';
import { scanKeys, startTestRedis, type TestRedis } from './support/redis';
import { createCharges, waitFor } from './support/triggers';

jest.setTimeout(60_000);

const SHARDS = 3;

let redisServer: TestRedis;
let redis: Redis;
let emulator: Emulator;
let client: StripeClient;
/** Prefixes of their own (under the test's unique tag), so each test starts with an empty Redis layout. */
let prefixCount = 0;
const services: TriggerService[] = [];
const workers: TriggerWorker[] = [];

function freshPrefix(): string {
  return redisServer.prefix.replace('}', `-p${prefixCount++}}`);
}

function serviceOn(prefix: string, shards: number): TriggerService {
  const service = new TriggerService({
    redis,
    prefix,
    shards,
    resolveCredentials: () => ({ secret_key: TEST_KEY }),
    clientOptions: { apiBase: emulator.url, ...FAST_RETRIES },
    rateLimits: { test: 10_000 },
  });
  services.push(service);
  return service;
}

const scan = async (pattern: string) => (await scanKeys(redis, pattern)).sort();

/** Ids whose shards (of SHARDS) are 0, 1, 2, 0, 1, 2... : `count` of them. */
function idsOverShards(stem: string, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const id = `${stem}-${i}`;
    if (shardIndex(id, SHARDS) === out.length % SHARDS) out.push(id);
  }
  return out;
}

const cli = (args: string[], extra: Record<string, string>) =>
  piped(args, { REDIS_URL: redisServer.url, STRIPE_API_BASE: emulator.url, CONNECTOR_ENCRYPTION_KEY: 'ab'.repeat(32), ...extra });

const errorOf = (stderr: string) => JSON.parse(stderr).error as { fields: Array<{ field: string; message: string }> };

beforeAll(async () => {
  redisServer = await startTestRedis();
  redis = redisServer.client();
  emulator = await startTestEmulator();
  client = clientFor(emulator);
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.close(5_000)));
  await Promise.all(services.map((s) => s.close()));
  await closeTransport();
  await emulator.close();
  await redisServer.stop();
});

describe('slots, shard prefixes and a subscription\'s shard', () => {
  it('computes cluster slots as Redis does (its documented examples), hash tags by Redis\'s rule', () => {
    expect(keySlot('somekey')).toBe(11058);
    expect(keySlot('foo{hash_tag}')).toBe(2515);
    expect(keySlot('{user1000}.following')).toBe(keySlot('{user1000}.followers'));
    expect(keySlot('foo{}{bar}')).not.toBe(keySlot('bar')); // an empty first tag: the whole key is hashed
    expect(keySlot('foo{{bar}}zap')).toBe(keySlot('{bar')); // the tag runs to the first }
  });

  it('one shard is the base prefix; N shards get one tag each, in the i-th N-th of the slots', () => {
    expect(shardPrefixes('{stripe-connector}', 1)).toEqual(['{stripe-connector}']);
    expect(new TriggerKeys().sub('a')).toBe('{stripe-connector}:trg:sub:a');
    for (const count of [2, 3, 6, 16]) {
      const prefixes = shardPrefixes('app:{stripe-connector}', count);
      expect(new Set(prefixes).size).toBe(count);
      prefixes.forEach((prefix, i) => {
        expect(prefix).toMatch(new RegExp(`^app:\\{stripe-connector:${i}\\.\\d+\\}$`));
        const slot = keySlot(prefix);
        expect(slot).toBeGreaterThanOrEqual(Math.floor((i * CLUSTER_SLOTS) / count));
        expect(slot).toBeLessThan(Math.floor(((i + 1) * CLUSTER_SLOTS) / count));
      });
      expect(shardPrefixes('app:{stripe-connector}', count)).toEqual(prefixes);
    }
    expect(() => shardPrefixes('no-tag', 2)).toThrow(/hash tag/);
    for (const bad of [0, 257, 1.5]) expect(() => new TriggerKeys('{x}', bad)).toThrow(/^shards: expected a whole number from 1 to 256/);
  });

  it('spreads subscription ids evenly and keeps each in its shard', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[shardIndex(`sub-${i}`, 4)]!++;
    for (const n of counts) expect(n).toBeGreaterThan(850);
    expect(shardIndex('sub-7', 4)).toBe(shardIndex('sub-7', 4));
    const keys = new TriggerKeys('{t}', 4);
    const prefix = keys.prefixOf('sub-7');
    for (const key of [keys.sub('sub-7'), keys.state('sub-7'), keys.seen('sub-7'), keys.lock('sub-7'), keys.subs(keys.shardOf('sub-7'))]) {
      expect(keySlot(key)).toBe(keySlot(prefix));
    }
    // Shared: the rate buckets, the credentials and the shard count, under the base prefix.
    for (const key of [keys.rate('h'), keys.cred('r'), keys.shardCountKey()]) expect(key.startsWith('{t}:')).toBe(true);
  });

  it('checks the shards a worker is given', () => {
    expect(servedShards(3, undefined)).toEqual([0, 1, 2]);
    expect(servedShards(3, [2, 0, 2])).toEqual([0, 2]);
    expect(() => servedShards(3, [])).toThrow(/^serveShards: give at least one shard/);
    expect(() => servedShards(3, [3])).toThrow(/^serveShards: 3 is not a shard; there are 3/);
  });
});

describe('a service with 3 shards on one Redis', () => {
  it('keeps each subscription in its shard; list, status, pollNow and unsubscribe see them all', async () => {
    const prefix = freshPrefix();
    const service = serviceOn(prefix, SHARDS);
    const ids = idsOverShards('spread', 6);
    await createCharges(client, 2);
    for (const id of ids) await service.subscribe({ id, trigger: 'new_charge', options: { every: '1m' } });
    expect((await service.list()).map((s) => s.id)).toEqual([...ids].sort());
    for (const [shard, shardPrefix] of service.keys.shardPrefixes.entries()) {
      const mine = ids.filter((id) => shardIndex(id, SHARDS) === shard);
      expect(await redis.smembers(`${shardPrefix}:trg:subs`)).toEqual(expect.arrayContaining(mine));
      expect(await scan(`${shardPrefix}:trg:sub:*`)).toEqual(mine.map((id) => `${shardPrefix}:trg:sub:${id}`).sort());
      expect((await scan(`${shardPrefix}:trigger-polls:*`)).length).toBeGreaterThan(0);
    }
    // Nothing of theirs under the base prefix but the shard count.
    expect(await scan(`${prefix}:*`)).toEqual([`${prefix}:trg:shards`]);
    expect(await redis.get(`${prefix}:trg:shards`)).toBe('3');
    expect(() => service.pollQueue).toThrow(/one shard only; this service has 3: use pollQueueOf/);
    expect(() => service.eventQueue).toThrow(/use eventQueueOf/);

    const [first] = ids as [string];
    expect((await service.pollNow(first)).outcome).toMatchObject({ status: 'polled', result: { baseline: true } });
    const created = await createCharges(client, 3);
    const { outcome, events } = await service.pollNow(first);
    expect(outcome.status).toBe('polled');
    expect(events.map((e) => e.object_id)).toEqual(created);
    const jobsOf = async (shard: number) => (await service.eventQueueOfShard(shard).getJobs(['waiting', 'delayed', 'prioritized'], 0, -1)).map((j) => j.data.object_id);
    expect(await jobsOf(service.keys.shardOf(first))).toEqual(expect.arrayContaining(created));
    for (const shard of [0, 1, 2].filter((s) => s !== service.keys.shardOf(first))) expect(await jobsOf(shard)).toEqual([]);
    expect((await service.status(first))?.state.events_emitted).toBe(3);

    expect(await service.unsubscribe(first)).toBe(true);
    expect(await service.status(first)).toBeUndefined();
    for (const kind of ['sub', 'state', 'seen', 'lock']) expect(await scan(`*:trg:${kind}:${first}`)).toEqual([]);
    expect((await service.list()).map((s) => s.id)).toEqual(ids.slice(1).sort());
  });

  it('refuses another shard count than the one recorded, and sharding a prefix that holds unsharded subscriptions', async () => {
    const prefix = freshPrefix();
    await serviceOn(prefix, SHARDS).subscribe({ id: 'held', trigger: 'new_charge', options: { every: '1m' } });
    for (const other of [1, 2, 4]) {
      const error = await serviceOn(prefix, other).ready().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ShardCountMismatchError);
      expect(error).toMatchObject({ stored: 3, configured: other });
      expect(String((error as Error).message)).toContain('needs a migration');
    }
    await expect(serviceOn(prefix, 2).subscribe({ id: 'wrong', trigger: 'new_charge' })).rejects.toBeInstanceOf(ShardCountMismatchError);
    await expect(serviceOn(prefix, 2).list()).rejects.toBeInstanceOf(ShardCountMismatchError);

    // A worker with the wrong count never takes a job.
    const worker = createTriggerWorker({ connection: redisServer.url, prefix, shards: 2, resolveCredentials: () => ({ secret_key: TEST_KEY }), clientOptions: { apiBase: emulator.url } });
    workers.push(worker);
    await expect(worker.ready).rejects.toBeInstanceOf(ShardCountMismatchError);
    expect(worker.pollWorkers.every((w) => !w.isRunning())).toBe(true);
    await worker.close(1_000);

    // The CLI: exit 2, naming REDIS_SHARDS; a bad REDIS_SHARDS or --serve-shards also.
    const wrong = await cli(['subscriptions'], { REDIS_PREFIX: prefix, REDIS_SHARDS: '2' });
    expect(wrong.code).toBe(2);
    expect(errorOf(wrong.stderr).fields[0]).toMatchObject({ field: 'REDIS_SHARDS', message: expect.stringContaining('in 3 shards') });
    expect(errorOf((await cli(['subscriptions'], { REDIS_PREFIX: prefix, REDIS_SHARDS: '0' })).stderr).fields[0]!.field).toBe('REDIS_SHARDS');
    const serve = await cli(['worker', '--serve-shards', '0,3'], { REDIS_PREFIX: prefix, REDIS_SHARDS: '3' });
    expect(serve.code).toBe(2);
    expect(errorOf(serve.stderr).fields[0]).toMatchObject({ field: 'serve-shards', message: expect.stringContaining('from 0 to 2') });
    const right = await cli(['subscriptions'], { REDIS_PREFIX: prefix, REDIS_SHARDS: '3' });
    expect(right).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(right.stdout)).toMatchObject({ id: 'held' });

    // Subscriptions written without sharding (no recorded count) are one shard.
    const unsharded = freshPrefix();
    await serviceOn(unsharded, 1).subscribe({ id: 'old', trigger: 'new_charge', options: { every: '1m' } });
    await redis.del(`${unsharded}:trg:shards`); // as a Redis written by an earlier version holds it
    await expect(serviceOn(unsharded, SHARDS).ready()).rejects.toMatchObject({ stored: 1, configured: SHARDS });
    await expect(serviceOn(unsharded, 1).ready()).resolves.toBeUndefined();
  });

  it('workers serving some of the shards each: every charge delivered once per subscription, in order, by its shard\'s worker', async () => {
    const prefix = freshPrefix();
    const service = serviceOn(prefix, SHARDS);
    const delivered = new Map<string, Array<{ by: string; event: TriggerEvent }>>();
    const start = (name: string, serveShards: number[]) => {
      const worker = createTriggerWorker({
        connection: redisServer.url,
        prefix,
        shards: SHARDS,
        serveShards,
        resolveCredentials: () => ({ secret_key: TEST_KEY }),
        clientOptions: { apiBase: emulator.url, ...FAST_RETRIES },
        concurrency: 4,
        onEvent: (event) => {
          const list = delivered.get(event.subscription_id) ?? [];
          list.push({ by: name, event });
          delivered.set(event.subscription_id, list);
        },
      });
      workers.push(worker);
      return worker;
    };
    const a = start('a', [0]);
    const b = start('b', [2, 1]);
    expect(a.shards).toEqual([0]);
    expect(b.shards).toEqual([1, 2]);
    expect(() => b.pollWorker).toThrow(/serves 2 shards: use pollWorkers/);
    expect(a.pollWorker).toBe(a.pollWorkers[0]);
    await Promise.all([a.ready, b.ready]);

    const ids = idsOverShards('served', 6);
    for (const id of ids) await service.subscribe({ id, trigger: 'new_charge', options: { every: '1m' } });
    await waitFor(async () => (await service.list()).every((s) => s.state.baselined), 'baselines');
    const created = await createCharges(client, 25, { amountFrom: 2000 });
    const got = (id: string) => (delivered.get(id) ?? []).map((d) => d.event.object_id);
    await waitFor(() => ids.every((id) => got(id).length >= created.length), 'deliveries', {
      poke: async () => {
        for (const id of ids) await service.requestPoll(id);
      },
      intervalMs: 200,
    });
    for (const id of ids) {
      // Exactly once and oldest first (one charge a request: ids in creation order).
      expect(got(id)).toEqual(created);
      expect(new Set(delivered.get(id)!.map((d) => d.by))).toEqual(new Set([shardIndex(id, SHARDS) === 0 ? 'a' : 'b']));
    }
    // One token bucket for the account, under the base prefix, whichever shard polled.
    const buckets = (await scan('*:trg:rate:*')).filter((k) => k.startsWith(prefix) || service.keys.shardPrefixes.some((p) => k.startsWith(p)));
    expect(buckets).toHaveLength(1);
    expect(buckets[0]!.startsWith(`${prefix}:trg:rate:`)).toBe(true);
  });

  it('FailedEvents lists and retries the failed events of every shard', async () => {
    const prefix = freshPrefix();
    const service = serviceOn(prefix, SHARDS);
    const ids = idsOverShards('failing', 2);
    for (const id of ids) {
      await service.subscribe({ id, trigger: 'new_charge', options: { every: '1m' } });
      await service.pollNow(id);
    }
    await createCharges(client, 1, { amountFrom: 3000 });
    for (const id of ids) expect((await service.pollNow(id)).events).toHaveLength(1);
    // A consumer gives up on one event in each shard.
    const { UnrecoverableError, Worker } = bullmq();
    for (const id of ids) {
      const consumer = new Worker(EVENT_QUEUE, null, { connection: redisServer.client(), prefix: service.keys.prefixOf(id) });
      const job = (await consumer.getNextJob('give-up'))!;
      expect(job.data.subscription_id).toBe(id);
      await job.moveToFailed(new UnrecoverableError('the consumer gave up'), 'give-up');
      await consumer.close();
    }
    const failed = service.failedEvents();
    const listed = await failed.list();
    expect(listed.map((e) => e.subscription_id).sort()).toEqual([...ids].sort());
    expect(listed.every((e) => e.failed_reason === 'the consumer gave up')).toBe(true);
    expect(Date.parse(listed[0]!.failed_at!)).toBeLessThanOrEqual(Date.parse(listed[1]!.failed_at!));
    expect((await failed.list({ subscription: ids[1] })).map((e) => e.subscription_id)).toEqual([ids[1]]);
    expect(await failed.list({ limit: 1 })).toHaveLength(1);

    const viaCli = await cli(['events', 'failed'], { REDIS_PREFIX: prefix, REDIS_SHARDS: '3' });
    expect(viaCli).toMatchObject({ code: 0, stderr: '' });
    expect(viaCli.stdout.trim().split('\n').map((l) => JSON.parse(l).id).sort()).toEqual(listed.map((e) => e.id).sort());

    const retried = await failed.retry([...listed.map((e) => e.id), `${ids[0]}.nope.ch_none`]);
    expect(retried.map((r) => r.outcome)).toEqual(['retried', 'retried', 'not_found']);
    for (const event of listed) expect(await (await service.eventQueueOf(event.subscription_id).getJob(event.id))!.getState()).toBe('waiting');
    expect(await failed.list()).toEqual([]);
  });
});
