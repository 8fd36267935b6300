/**
 * Event delivery under stalls, with real processes and a real Redis: the CLI worker (--webhook)
 * SIGKILLed while its webhook request hangs, twice in a row for one event, which then still gets
 * delivered; a killed consumer holds back only its own subscription, and its event resumes within
 * 10 s; an event failed for good is listed and replayed (library and CLI); a webhook URL with
 * credentials is refused, and a webhook failure stores no query token in Redis.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import type { StripeClient } from '../client/client';
import { FailedEvents } from '../triggers/failed-events';
import { TriggerService } from '../triggers/service';
import { QueueSink, type TriggerEvent } from '../triggers/sink';
import { createTriggerWorker } from '../triggers/worker';
import { CLI } from './support/cli';
import { TEST_KEY, clientFor, startTestEmulator, type Emulator } from './support/harness';
import { dumpPrefix, startTestRedis, type TestRedis } from './support/redis';
import { createCharges as createCharges_, freePort, waitFor as waitFor_ } from './support/triggers';

jest.setTimeout(180_000);

const execFileAsync = promisify(execFile);
const ENCRYPTION_KEY = 'b3f1c2e4b5d6978812345678901234567890abcdefabcdefabcdef0123456789';

let redisServer: TestRedis;
let redis: Redis;
let emulator: Emulator;
let client: StripeClient;
let service: TriggerService;
const procs: ChildProcess[] = [];

/** One request the webhook received. */
interface Hit {
  path: string;
  key: string;
  event: TriggerEvent;
  at: number;
  /** 'ok' answered 200; 'hang' never answered (the worker dies holding it). */
  answer: 'ok' | 'hang';
}

let webhook: Server;
let webhookUrl: string;
const hits: Hit[] = [];
/** Decides each request's answer; default: 200. */
let policy: (hit: Omit<Hit, 'answer'>) => 'ok' | 'hang' = () => 'ok';
const hanging = new Set<ServerResponse>();

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

interface WorkerProc {
  proc: ChildProcess;
  exited: Promise<number | null>;
  stderr: () => string;
}

/** A CLI worker POSTing to the test webhook under `/<name>` (the path tells which process sent it). */
function startWorker(name: string, webhookArg = `${webhookUrl}/${name}`): WorkerProc {
  const proc = spawn(process.execPath, [CLI, 'worker', '--concurrency', '4', '--lock-ttl-ms', '2000', '--webhook', webhookArg], {
    env: env(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  procs.push(proc);
  let stderr = '';
  proc.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, exited, stderr: () => stderr };
}

async function kill(worker: WorkerProc): Promise<number> {
  worker.proc.kill('SIGKILL');
  await worker.exited;
  return Date.now();
}

beforeAll(async () => {
  redisServer = await startTestRedis();
  redis = redisServer.client();
  emulator = await startTestEmulator();
  client = clientFor(emulator);
  service = new TriggerService({ redis, prefix: redisServer.prefix });
  const port = await freePort();
  webhookUrl = `http://127.0.0.1:${port}`;
  webhook = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => void (body += chunk.toString()));
    req.on('end', () => {
      const hit = { path: req.url ?? '', key: String(req.headers['idempotency-key'] ?? ''), event: JSON.parse(body) as TriggerEvent, at: Date.now() };
      const answer = policy(hit);
      hits.push({ ...hit, answer });
      if (answer === 'hang') hanging.add(res);
      else res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((resolve) => webhook.listen(port, '127.0.0.1', resolve));
});

const inProcess: Array<{ close(deadlineMs?: number): Promise<void> }> = [];

// A test that failed half-way leaves no consumer behind to take the next test's events.
afterEach(async () => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  await Promise.all(inProcess.splice(0).map((w) => w.close(0)));
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  await new Promise<void>((resolve) => webhook.close(() => resolve()));
  await service.close();
  await emulator.close();
  await redisServer.stop();
});

const createCharges = (n: number) => createCharges_(client, n, { amountFrom: 900 });
const waitFor = (done: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000, poke?: () => Promise<unknown>) =>
  waitFor_(done, what, { timeoutMs, poke, intervalMs: 100 });

/**
 * Asks for a poll of each subscription at most once a second: a poll the killed worker was running
 * holds its lock for a moment, and a poll that finds the lock taken ends at once.
 */
function pollEverySecond(ids: string[]): () => Promise<void> {
  let last = 0;
  return async () => {
    if (Date.now() - last < 1000) return;
    last = Date.now();
    for (const id of ids) await service.requestPoll(id);
  };
}

async function subscribe(id: string): Promise<void> {
  const res = await cli(['subscribe', 'new_charge', '--id', id, '--every', '1m'], { STRIPE_SECRET_KEY: TEST_KEY });
  expect(res).toMatchObject({ code: 0, stderr: '' });
}

const baselined = async (id: string) => (await service.status(id))?.state.baselined === true;
const hitsOf = (subscription: string) => hits.filter((h) => h.event.subscription_id === subscription);
/** Object ids in the order their delivery first succeeded. */
const deliveredOrder = (subscription: string) => [...new Set(hitsOf(subscription).filter((h) => h.answer === 'ok').map((h) => h.event.object_id))];

describe('event delivery', () => {
  it('an event whose delivery is interrupted twice (both workers SIGKILLed) is still delivered, then the rest in order', async () => {
    const id = 'stall-twice';
    let hangsLeft = 2;
    let first: string | undefined;
    policy = (hit) => {
      if (hit.event.subscription_id !== id) return 'ok';
      first ??= hit.event.object_id;
      if (hit.event.object_id === first && hangsLeft > 0) {
        hangsLeft--;
        return 'hang';
      }
      return 'ok';
    };
    await subscribe(id);
    const a = startWorker('a');
    await waitFor(() => baselined(id), 'baseline');
    const created = await createCharges(3);
    await service.requestPoll(id);
    await waitFor(() => hitsOf(id).length === 1, 'the first delivery');
    await kill(a);
    const b = startWorker('b');
    await waitFor(() => hitsOf(id).length === 2, 'the second delivery (after the stall)', 30_000);
    // The worker that takes over is already up, as another replica would be: the 10 s measure the stall
    // detection, not a node process starting on a loaded machine.
    const c = startWorker('c');
    await sleep(3_000);
    const secondKill = await kill(b);
    await waitFor(() => deliveredOrder(id).length === 3, 'every delivery', 30_000);
    const attempts = hitsOf(id).filter((h) => h.event.object_id === created[0]);
    // Three deliveries of the first charge, under one Idempotency-Key; the third answered.
    expect(attempts.map((h) => [h.path, h.answer])).toEqual([
      ['/a', 'hang'],
      ['/b', 'hang'],
      ['/c', 'ok'],
    ]);
    expect(new Set(attempts.map((h) => h.key)).size).toBe(1);
    expect(attempts[2]!.at - secondKill).toBeLessThan(10_000);
    expect(deliveredOrder(id)).toEqual(created);
    // Completed, not failed ("job stalled more than allowable limit" before).
    await waitFor(async () => (await service.eventQueue.getJob(attempts[0]!.key))?.finishedOn !== undefined, 'the job to complete');
    const job = await service.eventQueue.getJob(attempts[0]!.key);
    expect(await job!.getState()).toBe('completed');
    expect(await service.eventQueue.getFailedCount()).toBe(0);
    c.proc.kill('SIGTERM');
    expect(await c.exited).toBe(0);
    await service.unsubscribe(id);
  });

  it('a consumer killed while delivering holds back only its own subscription; its event resumes within 10 s', async () => {
    const [stuck, free] = ['order-stuck', 'order-free'];
    let hung: Hit | undefined;
    policy = (hit) => {
      if (hit.event.subscription_id === stuck && !hung) {
        hung = { ...hit, answer: 'hang' };
        return 'hang';
      }
      return 'ok';
    };
    await subscribe(stuck);
    await subscribe(free);
    const workers = { w1: startWorker('w1'), w2: startWorker('w2') };
    await waitFor(async () => (await baselined(stuck)) && (await baselined(free)), 'baselines');
    const batch1 = await createCharges(3);
    for (const id of [stuck, free]) await service.requestPoll(id);
    await waitFor(() => hung !== undefined, 'the stuck delivery');
    // While the stuck delivery hangs, the other subscription gets new events through.
    const batch2 = await createCharges(3);
    await waitFor(() => deliveredOrder(free).length === 6, "the other subscription's deliveries", 60_000, pollEverySecond([stuck, free]));
    expect(deliveredOrder(stuck)).toEqual([]);
    // Then the consumer holding it is killed: the event resumes within 10 s of the kill.
    const holder = hung!.path.slice(1) as 'w1' | 'w2';
    const killedAt = await kill(workers[holder]);
    await waitFor(() => deliveredOrder(stuck).length === 6, 'the stuck subscription to catch up', 60_000, pollEverySecond([stuck]));
    const resumed = hitsOf(stuck).find((h) => h.event.object_id === hung!.event.object_id && h.answer === 'ok')!;
    expect(resumed.at - killedAt).toBeLessThan(10_000);
    // Each subscription in its own order, the stuck one included (nothing overtook its first event).
    expect(deliveredOrder(stuck)).toEqual([...batch1, ...batch2]);
    expect(deliveredOrder(free)).toEqual([...batch1, ...batch2]);
    const survivor = workers[holder === 'w1' ? 'w2' : 'w1'];
    survivor.proc.kill('SIGTERM');
    expect(await survivor.exited).toBe(0);
    for (const id of [stuck, free]) await service.unsubscribe(id);
    // No order left behind: every delivered event left its subscription's line.
    for (const id of [stuck, free]) expect(await redis.zcard(`${redisServer.prefix}:trg:pending:${id}`)).toBe(0);
  });

  it('three workers, ten deliveries each at once: every subscription in emit order, one in flight per subscription, several subscriptions at once', async () => {
    const sink = new QueueSink(service.eventQueue);
    const subs = ['par-a', 'par-b', 'par-c', 'par-d'];
    const emitted = new Map<string, string[]>(subs.map((id) => [id, []]));
    const delivered = new Map<string, string[]>(subs.map((id) => [id, []]));
    const inFlight = new Map<string, number>();
    let maxPerSubscription = 0;
    let maxOverall = 0;
    let overall = 0;
    const onEvent = async (event: TriggerEvent) => {
      const now = (inFlight.get(event.subscription_id) ?? 0) + 1;
      inFlight.set(event.subscription_id, now);
      overall++;
      maxPerSubscription = Math.max(maxPerSubscription, now);
      maxOverall = Math.max(maxOverall, overall);
      await sleep(Math.floor(Math.random() * 15));
      delivered.get(event.subscription_id)!.push(event.object_id);
      inFlight.set(event.subscription_id, now - 1);
      overall--;
    };
    for (let i = 0; i < 3; i++) {
      inProcess.push(createTriggerWorker({ connection: redisServer.url, prefix: redisServer.prefix, resolveCredentials: () => ({ secret_key: TEST_KEY }), eventConcurrency: 10, onEvent }));
    }
    // Pages of 5, subscriptions interleaved, while the workers already deliver.
    for (let page = 0; page < 6; page++) {
      for (const id of subs) {
        const events = Array.from({ length: 5 }, (_, i) => {
          const objectId = `ch_par${page}x${i}`;
          emitted.get(id)!.push(objectId);
          return { subscription_id: id, trigger: 'new_charge', object_id: objectId, object: { id: objectId }, livemode: false, emitted_at: new Date().toISOString() };
        });
        await sink.emit(events, { generation: 'g1' });
      }
    }
    await waitFor(() => subs.every((id) => delivered.get(id)!.length === 30), 'every delivery', 60_000);
    for (const id of subs) expect(delivered.get(id)).toEqual(emitted.get(id));
    expect(maxPerSubscription).toBe(1);
    expect(maxOverall).toBeGreaterThan(1);
    for (const id of subs) expect(await redis.zcard(`${redisServer.prefix}:trg:pending:${id}`)).toBe(0);
    await Promise.all(inProcess.splice(0).map((w) => w.close()));
  });

  it('an event failed for good is listed (library and `events failed`) and replayed (`events retry`), then delivered', async () => {
    const sink = new QueueSink(service.eventQueue);
    const event: TriggerEvent = {
      subscription_id: 'replay',
      trigger: 'new_charge',
      object_id: 'ch_replay1',
      object: { id: 'ch_replay1' },
      livemode: false,
      emitted_at: new Date().toISOString(),
    };
    await sink.emit([event], { generation: 'g1' });
    const jobId = 'replay.g1.ch_replay1';
    const resolveCredentials = () => ({ secret_key: TEST_KEY });
    // A consumer that hangs, force-closed (its lock lapses), with no interruption allowed: failed for good.
    let started = 0;
    const hangingWorker = createTriggerWorker({
      connection: redisServer.url,
      prefix: redisServer.prefix,
      resolveCredentials,
      eventLockMs: 1000,
      eventMaxStalls: 0,
      onEvent: () => {
        started++;
        return new Promise<void>(() => undefined);
      },
    });
    await waitFor(() => started === 1, 'the hanging delivery');
    await hangingWorker.close(0);
    inProcess.push(hangingWorker);
    const delivered: string[] = [];
    const worker = createTriggerWorker({
      connection: redisServer.url,
      prefix: redisServer.prefix,
      resolveCredentials,
      eventLockMs: 1000,
      eventMaxStalls: 0,
      onEvent: (_e, delivery) => void delivered.push(delivery.id),
    });
    inProcess.push(worker);
    const failed = new FailedEvents(service.eventQueue);
    await waitFor(async () => (await failed.list()).length === 1, 'the failed event', 30_000);
    expect(delivered).toEqual([]);
    const [listed] = await failed.list({ subscription: 'replay' });
    expect(listed).toMatchObject({ id: jobId, subscription_id: 'replay', object_id: 'ch_replay1', failed_reason: 'job stalled more than allowable limit', stalls: 1, event });
    expect(await failed.list({ subscription: 'other' })).toEqual([]);
    const shown = await cli(['events', 'failed', '--subscription', 'replay']);
    expect(shown).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: jobId, trigger: 'new_charge', stalls: 1 });
    expect((await cli(['events', 'retry', 'nope.g1.x'])).code).toBe(1);
    expect((await cli(['events', 'resend'])).code).toBe(2);
    const retried = await cli(['events', 'retry', jobId]);
    expect(retried).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(retried.stdout)).toEqual({ id: jobId, outcome: 'retried' });
    await waitFor(() => delivered.length === 1, 'the replayed delivery');
    expect(delivered).toEqual([jobId]);
    expect(await failed.list()).toEqual([]);
    expect(await cli(['events', 'failed'])).toMatchObject({ code: 0, stdout: '' });
    await worker.close();
  });

  it('refuses a webhook URL with credentials, naming the field; a failing webhook leaves no query token in Redis', async () => {
    const refused = await cli(['worker', '--webhook', 'http://user:pw@127.0.0.1:9/hook']);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stderr).error.fields[0]).toMatchObject({ field: 'webhook', message: expect.stringContaining('credentials') });
    expect(refused.stderr).not.toContain('pw@');
    const id = 'hook-down';
    await subscribe(id);
    const closedPort = await freePort();
    const w = startWorker('down', `http://127.0.0.1:${closedPort}/hook?token=s3cret-token-in-query`);
    await waitFor(() => baselined(id), 'baseline');
    await createCharges(1);
    const poke = pollEverySecond([id]);
    const failedReason = async () => {
      const jobs = await service.eventQueue.getJobs(['delayed', 'failed', 'waiting', 'active'], 0, -1);
      return jobs.find((j) => j?.data?.subscription_id === id && j.failedReason)?.failedReason;
    };
    await waitFor(async () => (await failedReason()) !== undefined, 'a failed delivery', 30_000, poke);
    expect(await failedReason()).toBe(`webhook http://127.0.0.1:${closedPort}/hook unreachable: ECONNREFUSED`);
    const dump = JSON.stringify(await dumpPrefix(redis, redisServer.prefix));
    expect(dump).toContain('unreachable: ECONNREFUSED');
    expect(dump).not.toContain('s3cret-token-in-query');
    await kill(w);
    await service.unsubscribe(id);
  });
});
