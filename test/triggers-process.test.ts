/**
 * The trigger CLI as separate processes (the built dist/connector/cli/main.js): subscribe / subscriptions /
 * poll / unsubscribe, two worker processes side by side, a worker killed with SIGKILL in the middle of
 * a poll and restarted, the test's own Redis restarted mid-run, and SIGTERM. In each, the set of
 * emitted events equals the set of created objects.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import type { StripeClient } from '../client/client';
import { connectionRef } from '../triggers/credentials';
import { TriggerService } from '../triggers/service';
import type { TriggerEvent } from '../triggers/sink';
import { TEST_KEY, clientFor, startTestEmulator, type Emulator } from './support/harness';
import { dumpPrefix, startTestRedis, type TestRedis } from './support/redis';
import { createCharges as createCharges_, waitFor as waitFor_ } from './support/triggers';
import { CLI, atTerminal, plain, spawnCliWorker, type CliWorker } from './support/cli';

jest.setTimeout(180_000);

const execFileAsync = promisify(execFile);
const ENCRYPTION_KEY = 'a3f1c2e4b5d6978812345678901234567890abcdefabcdefabcdef0123456789';

let redisServer: TestRedis;
let redis: Redis;
let emulator: Emulator;
let client: StripeClient;
let service: TriggerService;
const procs: ChildProcess[] = [];

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    REDIS_URL: redisServer.url,
    REDIS_PREFIX: redisServer.prefix,
    STRIPE_API_BASE: emulator.url,
    CONNECTOR_ENCRYPTION_KEY: ENCRYPTION_KEY,
    ...extra,
  };
}

async function cli(args: string[], extra: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [CLI, ...args], { env: env(extra) });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

type WorkerProc = CliWorker;

function startWorkerProc(args: string[] = [], extraEnv: Record<string, string> = {}): WorkerProc {
  const worker = spawnCliWorker(['--concurrency', '4', '--lock-ttl-ms', '2000', '--job-lock-ms', '3000', ...args], env(extraEnv));
  procs.push(worker.proc);
  return worker;
}

beforeAll(async () => {
  redisServer = await startTestRedis();
  redis = redisServer.client();
  emulator = await startTestEmulator();
  client = clientFor(emulator);
  service = new TriggerService({ redis, prefix: redisServer.prefix });
});
afterAll(async () => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  await service.close();
  await emulator.close();
  await redisServer.stop();
});

const createCharges = (n: number) => createCharges_(client, n, { amountFrom: 700 });

/** Waits for `done()`, asking for `poke()` (e.g. another poll) every 200 ms meanwhile. */
const waitFor = (done: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000, poke?: () => Promise<unknown>) =>
  waitFor_(done, what, { timeoutMs, poke, intervalMs: 200 });

async function subscribe(id: string, extra: string[] = []): Promise<void> {
  const res = await cli(['subscribe', 'new_charge', '--id', id, '--every', '1m', ...extra], { STRIPE_SECRET_KEY: TEST_KEY });
  expect(res).toMatchObject({ code: 0, stderr: '' });
  expect(JSON.parse(res.stdout)).toMatchObject({ id, trigger: 'new_charge' });
}

const baselined = async (id: string) => (await service.status(id))?.state.baselined === true;

/** Every event job of a subscription in the events queue (the emitted set), by object id. */
async function queuedObjectIds(id: string): Promise<string[]> {
  const jobs = await service.eventQueue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized'], 0, -1);
  return jobs.filter((j) => j?.data?.subscription_id === id).map((j) => j.data.object_id as string);
}

function deliveredIds(workers: WorkerProc[], id: string): string[] {
  return workers.flatMap((w) => w.events.filter((e) => e.subscription_id === id).map((e) => e.object_id));
}

const sorted = (ids: string[]) => [...ids].sort();

describe('trigger CLI', () => {
  it('refuses to store credentials without CONNECTOR_ENCRYPTION_KEY, saying how to make one', async () => {
    const res = await cli(['subscribe', 'new_charge', '--id', 'nokey'], { STRIPE_SECRET_KEY: TEST_KEY, CONNECTOR_ENCRYPTION_KEY: '' });
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(JSON.parse(res.stderr).error.message).toContain('openssl rand -hex 32');
    const bad = await cli(['subscribe', 'new_charge', '--id', 'nokey'], { STRIPE_SECRET_KEY: TEST_KEY, CONNECTOR_ENCRYPTION_KEY: 'short' });
    expect(bad.code).toBe(2);
    expect(await service.status('nokey')).toBeUndefined();
  });

  it('at a terminal: poll shows pages and events, then a summary; subscriptions is a table', async () => {
    await createCharges(3);
    await subscribe('cli-tty', ['--backfill', '2']);
    const first = await atTerminal(['poll', 'cli-tty'], env());
    expect(first.code).toBe(0);
    const text = plain(first.output);
    expect(text).toMatch(/poll cli-tty: \d+ pages? read/);
    expect(text).toContain('poll cli-tty: 2 events from');
    expect(text).toContain('(first poll: baseline recorded)');
    // The events themselves, as colored JSON.
    expect(first.output).toContain('\x1b[36m"subscription_id"\x1b[0m: \x1b[32m"cli-tty"\x1b[0m');
    const table = plain((await atTerminal(['subscriptions'], env())).output);
    expect(table).toMatch(/^ID +TRIGGER +STATUS +EVERY +LAST POLL +EVENTS +LAST ERROR\n/);
    expect(table).toMatch(/\ncli-tty +new_charge +active +1m +\d{4}-\S+ +2\s*\n/);
    // Piped, the next poll prints JSON lines only, and nothing on stderr.
    const created = await createCharges(1);
    const next = await cli(['poll', 'cli-tty']);
    expect(next).toMatchObject({ code: 0, stderr: '' });
    expect(next.stdout.trim().split('\n').map((l) => JSON.parse(l).object_id)).toEqual(created);
    await cli(['unsubscribe', 'cli-tty']);
  });

  it('subscribe, subscriptions, poll (JSON lines only) and unsubscribe', async () => {
    await createCharges(2);
    await subscribe('cli-1', ['--filter', 'status=succeeded', '--backfill', '1']);
    // The first poll takes the baseline and emits the backfill.
    const first = await cli(['poll', 'cli-1']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const backfill = first.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(backfill).toHaveLength(1);
    const created = await createCharges(3);
    const second = await cli(['poll', 'cli-1']);
    expect(second).toMatchObject({ code: 0, stderr: '' });
    const events = second.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.map((e) => e.object_id)).toEqual(created);
    for (const e of events) expect(Object.keys(e).sort()).toEqual(['emitted_at', 'livemode', 'object', 'object_id', 'subscription_id', 'trigger']);
    expect(await cli(['poll', 'cli-1'])).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const list = await cli(['subscriptions']);
    const row = list.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((r) => r.id === 'cli-1');
    expect(row).toMatchObject({ trigger: 'new_charge', status: 'active', events_emitted: 4, last_error: null, options: { status: 'succeeded', every: '1m' } });
    expect(row.cursor.id).toBe(created[2]);
    expect(row.last_poll_at).toMatch(/^\d{4}-/);
    expect(await cli(['subscribe', 'new_charge', '--id', 'x', '--every', '5s'], { STRIPE_SECRET_KEY: TEST_KEY })).toMatchObject({ code: 2 });
    expect(await cli(['subscribe', 'new_charge', '--id', 'x', '--filter', 'nope=1'], { STRIPE_SECRET_KEY: TEST_KEY })).toMatchObject({ code: 2 });
    expect(JSON.parse((await cli(['unsubscribe', 'cli-1'])).stdout)).toEqual({ id: 'cli-1', unsubscribed: true });
    expect((await cli(['poll', 'cli-1'])).code).toBe(2);
  });

  it('two worker processes side by side: each charge emitted once', async () => {
    const workers = [startWorkerProc([], { LOG_LEVEL: 'info' }), startWorkerProc([], { LOG_LEVEL: 'info' })];
    const subs = ['two-1', 'two-2', 'two-3'];
    for (const id of subs) await subscribe(id);
    await waitFor(async () => (await Promise.all(subs.map(baselined))).every(Boolean), 'baselines');
    const created: string[] = [];
    for (let round = 0; round < 4; round++) {
      created.push(...(await createCharges(40)));
      for (const id of subs) for (let i = 0; i < 2; i++) await service.requestPoll(id);
    }
    const poke = async () => {
      for (const id of subs) await service.requestPoll(id);
    };
    await waitFor(() => subs.every((id) => deliveredIds(workers, id).length >= created.length), 'deliveries', 60_000, poke);
    await sleep(500);
    for (const id of subs) {
      expect(sorted(deliveredIds(workers, id))).toEqual(sorted(created));
      expect(sorted(await queuedObjectIds(id))).toEqual(sorted(created));
    }
    for (const w of workers) w.proc.kill('SIGTERM');
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);
    // Done with them: later tests' workers would otherwise deliver them every later test's charges.
    for (const id of subs) await service.unsubscribe(id);
    // Both processes ran polls (their pino lines on stderr), and no line holds the key.
    for (const w of workers) {
      const lines = w.stderr().trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.filter((l) => l.msg === 'trigger polled' && subs.includes(l.subscription_id)).length).toBeGreaterThan(0);
      expect(w.stderr()).not.toContain(TEST_KEY);
    }
  });

  it('a worker killed with SIGKILL in the middle of a poll, then restarted: the emitted set equals the created set', async () => {
    const id = 'kill-1';
    await subscribe(id);
    const a = startWorkerProc();
    await waitFor(() => baselined(id), 'baseline');
    const created = await createCharges(600);
    emulator.clearRequests();
    emulator.setLatency(150);
    await service.requestPoll(id);
    // Mid-poll: some forward pages fetched, not all.
    await waitFor(() => emulator.requests.filter((r) => r.query.ending_before !== undefined && r.status === 200).length >= 2, 'the poll to be under way');
    a.proc.kill('SIGKILL');
    await a.exited;
    const emittedAtKill = (await queuedObjectIds(id)).length;
    expect(emittedAtKill).toBeLessThan(created.length);
    emulator.setLatency(0);
    const b = startWorkerProc();
    await waitFor(async () => (await queuedObjectIds(id)).length >= created.length && deliveredIds([a, b], id).length >= created.length, 'catch-up', 90_000, () => service.requestPoll(id));
    await sleep(500);
    // The emitted set (event jobs, one per deterministic id) equals the created set.
    expect(sorted(await queuedObjectIds(id))).toEqual(sorted(created));
    // Delivered: every one; an event being printed at the moment of the kill may print again
    // (delivery is at least once: its job had not completed).
    const delivered = deliveredIds([a, b], id);
    expect(sorted([...new Set(delivered)])).toEqual(sorted(created));
    expect(delivered.length - new Set(delivered).size).toBeLessThanOrEqual(1);
    b.proc.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    await service.unsubscribe(id);
  });

  it('the test\'s own Redis restarted (append-only) in the middle of a poll: every charge queued once, delivered once (at most one redelivery)', async () => {
    if (!redisServer.owned) return; // never restart a Redis this test did not start
    const id = 'restart-1';
    await subscribe(id);
    const w = startWorkerProc();
    await waitFor(() => baselined(id), 'baseline');
    const first = await createCharges(600);
    emulator.clearRequests();
    emulator.setLatency(150);
    const forwardPages = () => emulator.requests.filter((r) => r.query.ending_before !== undefined && r.status === 200).length;
    await service.requestPoll(id);
    // Mid-poll, as in the SIGKILL test: a forward page or two read, four or more still to go.
    await waitFor(() => forwardPages() >= 1, 'the poll to be under way', 60_000);
    const pagesAtRestart = forwardPages();
    const queuedAtRestart = (await queuedObjectIds(id)).length;
    await redisServer.restart();
    emulator.setLatency(0);
    expect(pagesAtRestart).toBeLessThanOrEqual(2);
    expect(queuedAtRestart).toBeLessThan(first.length);
    const second = await createCharges(150);
    const created = [...first, ...second];
    await waitFor(
      async () => (await queuedObjectIds(id)).length >= created.length && deliveredIds([w], id).length >= created.length,
      'catch-up after the restart',
      90_000,
      () => service.requestPoll(id),
    );
    await sleep(1_000);
    // Queued: exactly once (one event job per object; this Redis fsyncs every write, `appendfsync
    // always`: with `everysec` a restart can lose the last second and queue an event again).
    const queued = await queuedObjectIds(id);
    expect(queued.length).toBe(created.length);
    expect(sorted(queued)).toEqual(sorted(created));
    // Delivered: every one, and duplicates counted, not hidden by a Set. Allowed: at most 1, the event
    // being printed when Redis went away (its completion was not recorded, so BullMQ delivers it again:
    // delivery is at least once; one event is in flight at a time).
    const delivered = deliveredIds([w], id);
    expect(sorted([...new Set(delivered)])).toEqual(sorted(created));
    const duplicates = delivered.length - created.length;
    expect(duplicates).toBeGreaterThanOrEqual(0);
    expect(duplicates).toBeLessThanOrEqual(1);
    w.proc.kill('SIGTERM');
    expect(await w.exited).toBe(0);
  });

  it('deletes a stored credential once no subscription uses it (unsubscribe, key rotation)', async () => {
    const KEY_B = 'sk_test_51CredentialRecordKeyB0123456789abcd';
    const KEY_C = 'sk_test_51CredentialRecordKeyC0123456789abcd';
    const [refA, refB, refC] = [TEST_KEY, KEY_B, KEY_C].map((k) => connectionRef({ secret_key: k }));
    const stored = async () => {
      const out = new Set<string>();
      for (const ref of [refA!, refB!, refC!]) if ((await redis.exists(`${redisServer.prefix}:trg:cred:${ref}`)) === 1) out.add(ref);
      return out;
    };
    const sub = async (id: string, key: string) =>
      expect(await cli(['subscribe', 'new_charge', '--id', id, '--every', '1m'], { STRIPE_SECRET_KEY: key })).toMatchObject({ code: 0, stderr: '' });
    const unsub = async (id: string) => expect(JSON.parse((await cli(['unsubscribe', id])).stdout)).toEqual({ id, unsubscribed: true });
    await sub('cred-1', KEY_B);
    await sub('cred-2', KEY_B);
    expect(await stored()).toEqual(new Set([refA, refB]));
    await sub('cred-1', KEY_C); // rotation: cred-2 still uses B
    expect(await stored()).toEqual(new Set([refA, refB, refC]));
    await sub('cred-2', KEY_C); // nothing uses B any more
    expect(await stored()).toEqual(new Set([refA, refC]));
    await unsub('cred-1');
    expect(await stored()).toEqual(new Set([refA, refC]));
    await unsub('cred-2'); // the last user of C; A is still used by the other tests' subscriptions
    expect(await stored()).toEqual(new Set([refA]));
  });

  it('worker --webhook POSTs each event as JSON, retrying a failed delivery', async () => {
    const received: Array<{ body: TriggerEvent; key: string | undefined }> = [];
    let requests = 0;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => void (body += c.toString()));
      req.on('end', () => {
        requests++;
        // Every third request fails: the worker must try again.
        if (requests % 3 === 1) {
          res.writeHead(503).end();
          return;
        }
        received.push({ body: JSON.parse(body), key: req.headers['idempotency-key'] as string | undefined });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
    try {
      const id = 'hook-1';
      await subscribe(id);
      const w = startWorkerProc(['--webhook', url]);
      await waitFor(() => baselined(id), 'baseline');
      const created = await createCharges(6);
      await waitFor(() => received.filter((r) => r.body.subscription_id === id).length >= created.length, 'webhook deliveries', 60_000, () => service.requestPoll(id));
      const mine = received.filter((r) => r.body.subscription_id === id);
      expect(mine.map((r) => r.body.object_id)).toEqual(created);
      // The Idempotency-Key is the event's job id: the subscription's generation makes a re-created
      // subscription's events distinct from the old ones.
      const { generation } = (await service.status(id))!.state;
      expect(mine.map((r) => r.key)).toEqual(created.map((objectId) => `${id}.${generation}.${objectId}`));
      expect(requests).toBeGreaterThan(created.length);
      expect(w.events).toEqual([]);
      w.proc.kill('SIGTERM');
      expect(await w.exited).toBe(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('stores the credentials encrypted: no key in any Redis key or value', async () => {
    const entries = await dumpPrefix(redis, redisServer.prefix);
    const creds = entries.filter((e) => e.key.includes(':trg:cred:'));
    expect(creds.length).toBeGreaterThan(0);
    for (const e of entries) {
      expect(e.key).not.toContain(TEST_KEY);
      expect(e.value).not.toContain(TEST_KEY);
      expect(e.value).not.toContain(Buffer.from(`${TEST_KEY}:`).toString('base64'));
    }
  });
});
