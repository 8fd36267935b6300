/**
 * The triggers on a real 3-master Redis Cluster (test/support/redis-cluster.ts): subscriptions in 6
 * shards land on all three masters, the shard prefixes' slots are the ones CLUSTER KEYSLOT gives, two
 * worker processes (the CLI, REDIS_CLUSTER=1) deliver every new object exactly once per subscription,
 * and the account's rate-limit bucket is one key for all shards.
 */
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cluster } from 'ioredis';
import type { StripeClient } from '../client/client';
import { closeTransport } from '../client/transport';
import { EncryptedCredentialStore } from '../triggers/credentials';
import { TriggerService } from '../triggers/service';
import { keySlot } from '../triggers/shards';
import { piped, spawnCliWorker, type CliWorker } from './support/cli';
import { TEST_KEY, clientFor, startTestEmulator, type Emulator } from './support/harness';
import { startTestRedisCluster, type TestRedisCluster } from './support/redis-cluster';
import { scanKeys } from './support/redis';
import { createCharges, waitFor } from './support/triggers';

jest.setTimeout(120_000);

const ENCRYPTION_KEY = 'c0ffee4b5d6978812345678901234567890abcdefabcdefabcdef0123456789a';
const SHARDS = 6;

let cluster: TestRedisCluster;
let redis: Cluster;
let emulator: Emulator;
let client: StripeClient;
let service: TriggerService;
const procs: ChildProcess[] = [];

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    REDIS_CLUSTER: '1',
    REDIS_URL: cluster.urls.join(','),
    REDIS_PREFIX: cluster.prefix,
    REDIS_SHARDS: String(SHARDS),
    STRIPE_API_BASE: emulator.url,
    CONNECTOR_ENCRYPTION_KEY: ENCRYPTION_KEY,
    ...extra,
  };
}

const cli = (args: string[], extra: Record<string, string> = {}) => piped(args, env(extra));

function startWorkerProc(): CliWorker {
  const worker = spawnCliWorker(['--concurrency', '12'], env({ LOG_LEVEL: 'info' }));
  procs.push(worker.proc);
  return worker;
}


beforeAll(async () => {
  cluster = await startTestRedisCluster(3);
  redis = cluster.client();
  emulator = await startTestEmulator();
  client = clientFor(emulator);
  service = new TriggerService({ redis, prefix: cluster.prefix, shards: SHARDS });
});
afterAll(async () => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  await Promise.all(procs.map((p) => (p.exitCode === null && p.signalCode === null ? new Promise((resolve) => p.once('exit', resolve)) : undefined)));
  await service?.close();
  await closeTransport();
  await emulator?.close();
  await cluster?.stop();
});

describe('triggers on a 3-master Redis Cluster', () => {
  it('derives shard prefixes whose slots (as CLUSTER KEYSLOT computes them) fall on every master', async () => {
    const prefixes = service.keys.shardPrefixes;
    expect(prefixes).toHaveLength(SHARDS);
    const node = cluster.node(cluster.masters[0]!);
    const mastersOfShards = new Set<number>();
    for (const prefix of prefixes) {
      for (const key of [`${prefix}:trg:subs`, `${prefix}:trigger-polls:meta`, `${prefix}:trg:state:x`]) {
        expect(Number(await node.cluster('KEYSLOT', key))).toBe(keySlot(key));
      }
      mastersOfShards.add(cluster.masterOf(keySlot(prefix)).port);
    }
    expect(mastersOfShards.size).toBe(3);
    // The shared keys stay under the base prefix, in its own slot.
    expect(Number(await node.cluster('KEYSLOT', service.keys.rate('x')))).toBe(keySlot(cluster.prefix));
  });

  it('subscriptions on all three masters; two worker processes deliver each object exactly once per subscription', async () => {
    // The CLI subscribes one (its sealed credential goes under the base prefix); the rest use that credential.
    const viaCli = await cli(['subscribe', 'new_charge', '--id', 'cli-charges', '--every', '1m'], { STRIPE_SECRET_KEY: TEST_KEY });
    expect(viaCli).toMatchObject({ code: 0, stderr: '' });
    const ref = await new EncryptedCredentialStore(redis, service.keys, ENCRYPTION_KEY).save({ secret_key: TEST_KEY });
    expect(JSON.parse(viaCli.stdout).connection_ref).toBe(ref);
    const charges = ['cli-charges', ...Array.from({ length: 11 }, (_, i) => `charges-${i}`)];
    const customers = Array.from({ length: 12 }, (_, i) => `customers-${i}`);
    for (const id of charges.slice(1)) await service.subscribe({ id, trigger: 'new_charge', options: { every: '1m' }, connection_ref: ref });
    for (const id of customers) await service.subscribe({ id, trigger: 'new_customer', options: { every: '1m' }, connection_ref: ref });
    const all = [...charges, ...customers];
    expect((await service.list()).map((s) => s.id)).toEqual([...all].sort());

    // Each master holds some of the subscriptions and their polls queues; together, all of them.
    const perMaster = await Promise.all(cluster.masters.map((m) => scanKeys(cluster.node(m), `*:trg:sub:*`)));
    for (const keys of perMaster) expect(keys.length).toBeGreaterThan(0);
    expect(perMaster.flat().map((k) => k.slice(k.lastIndexOf(':') + 1)).sort()).toEqual([...all].sort());
    for (const m of cluster.masters) expect((await scanKeys(cluster.node(m), `*:trigger-polls:*`)).length).toBeGreaterThan(0);
    for (const [i, keys] of perMaster.entries()) {
      for (const key of keys) expect(cluster.masterOf(keySlot(key)).port).toBe(cluster.masters[i]!.port);
    }

    const workers = [startWorkerProc(), startWorkerProc()];
    const baselined = async () => (await service.list()).every((s) => s.state.baselined);
    await waitFor(baselined, 'every baseline', { timeoutMs: 60_000, intervalMs: 200 });

    const createdCharges = await createCharges(client, 30, { amountFrom: 900 });
    const createdCustomers: string[] = [];
    for (let i = 0; i < 30; i++) {
      const { body } = await client.request<{ id: string }>({ method: 'POST', path: '/v1/customers', params: { email: `c${i}@example.com` } });
      createdCustomers.push(body.id);
    }
    const expected = (id: string) => (id.startsWith('customers-') ? createdCustomers : createdCharges);
    const delivered = (id: string) => workers.flatMap((w) => w.events.filter((e) => e.subscription_id === id).map((e) => e.object_id));
    for (const id of all) await service.requestPoll(id);
    await waitFor(() => all.every((id) => delivered(id).length >= expected(id).length), 'every delivery', {
      timeoutMs: 60_000,
      intervalMs: 250,
      poke: async () => {
        for (const id of all) if (delivered(id).length < expected(id).length) await service.requestPoll(id);
      },
    });
    await sleep(500); // a duplicate, if any, would show up now
    for (const id of all) {
      // Exactly once: the same list as created, sorted; a duplicate or a miss changes it.
      expect([...delivered(id)].sort()).toEqual([...expected(id)].sort());
      const queued = await service.eventQueueOf(id).getJobs(['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized'], 0, -1);
      expect(queued.filter((j) => j?.data?.subscription_id === id).map((j) => j.data.object_id).sort()).toEqual([...expected(id)].sort());
    }

    // Both processes polled.
    for (const w of workers) {
      const polled = w.stderr().trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).filter((l) => l.msg === 'trigger polled');
      expect(polled.length).toBeGreaterThan(0);
      expect(w.stderr()).not.toContain(TEST_KEY);
    }
    // One rate-limit bucket for the account, whatever the shard: under the base prefix.
    const buckets = (await Promise.all(cluster.masters.map((m) => scanKeys(cluster.node(m), '*:trg:rate:*')))).flat();
    expect(buckets).toHaveLength(1);
    expect(buckets[0]!.startsWith(`${cluster.prefix}:trg:rate:`)).toBe(true);

    // The CLI reads across the shards and masters too.
    const listed = await cli(['subscriptions']);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout.trim().split('\n').map((l) => JSON.parse(l).id).sort()).toEqual([...all].sort());
    expect(JSON.parse((await cli(['unsubscribe', 'cli-charges'])).stdout)).toEqual({ id: 'cli-charges', unsubscribed: true });
    expect(await service.status('cli-charges')).toBeUndefined();

    for (const w of workers) w.proc.kill('SIGTERM');
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);
  });
});
