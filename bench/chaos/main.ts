/**
 * The chaos run: `npm run chaos -- --minutes N --seed S [--workers 3] [--json FILE]`.
 *
 * Four subscriptions (new_charge, new_refund, new_customer, new_event) made with the CLI, several CLI
 * worker processes POSTing every event to this process's webhook, a load generator creating objects
 * through the actions against the emulator, and a seeded fault loop (logged, one line per fault):
 * SIGKILL of the worker delivering an event (and of the next one delivering that same event), of any
 * worker; Redis (a private redis-server, append-only, on a free port) stopped and restarted; 429s,
 * 500s, dropped connections and slow responses; the triggers' key revoked, then restored; bursts
 * of same-second objects and late arrivals (the emulator's clock set back); the new_customer
 * cursor deleted. Then a quiet period, and the check: for each subscription the delivered objects
 * equal the created ones (none missing, none extra, none under two job ids); redeliveries of one job
 * id are counted apart. No charge is created twice by a retried request. Exit 0 only when all hold.
 * Everything runs on loopback and ends within minutes + quiet + setup.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { StripeClient } from '../../client/client';
import { runAction } from '../../connector/registry';
import { startEmulator, type Emulator } from '../../emulator';
import { FailedEvents } from '../../triggers/failed-events';
import { TriggerService } from '../../triggers/service';
import type { TriggerEvent } from '../../triggers/sink';

// The CLI of this same build (a copy of dist/ runs whole, whatever a rebuild does to dist/ meanwhile).
const CLI = join(__dirname, '..', '..', 'connector', 'cli', 'main.js');
const ENCRYPTION_KEY = 'c0ffee00112233445566778899aabbccddeeff00112233445566778899aabbcc';
const execFileAsync = promisify(execFile);

interface Args {
  minutes: number;
  seed: number;
  workers: number;
  quietSeconds: number;
  json?: string;
}

function parseCli(argv: string[]): Args {
  const args: Args = { minutes: 2, seed: 1, workers: 3, quietSeconds: 180 };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!;
    const value = argv[++i];
    const num = (min: number, max: number) => {
      const n = Number(value);
      if (value === undefined || !Number.isFinite(n) || n < min || n > max) throw new Error(`${name} takes a number from ${min} to ${max}`);
      return n;
    };
    if (name === '--minutes') args.minutes = num(0.2, 240);
    else if (name === '--seed') args.seed = Math.floor(num(0, 2 ** 31));
    else if (name === '--workers') args.workers = Math.floor(num(2, 8));
    else if (name === '--quiet-seconds') args.quietSeconds = num(10, 1800);
    else if (name === '--json') args.json = value;
    else throw new Error(`unknown argument ${name} (expected --minutes N --seed S [--workers N] [--quiet-seconds S] [--json FILE])`);
  }
  return args;
}

/** mulberry32: the fault loop and the load are a function of the seed (timings are the machine's). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

const SUBSCRIPTIONS = [
  { id: 'chaos-charges', trigger: 'new_charge', type: 'charge' },
  { id: 'chaos-refunds', trigger: 'new_refund', type: 'refund' },
  { id: 'chaos-customers', trigger: 'new_customer', type: 'customer' },
  { id: 'chaos-events', trigger: 'new_event', type: 'event' },
] as const;

/** One webhook request: an attempt to deliver one event job. */
interface Hit {
  worker: string;
  jobId: string;
  subscription: string;
  objectId: string;
  at: number;
  /** ok: answered 200; refused: answered 500 on purpose; interrupted: the worker went away first. */
  outcome: 'inflight' | 'ok' | 'refused' | 'interrupted';
}

class PrivateRedis {
  private proc?: ChildProcess;
  readonly url: string;

  constructor(
    readonly port: number,
    private readonly dir: string,
  ) {
    this.url = `redis://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    this.proc = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction'],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 15_000;
    for (;;) {
      const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') {
          probe.disconnect();
          return;
        }
      } catch {
        // loading the append-only file, or not listening yet
      }
      probe.disconnect();
      if (Date.now() > deadline) throw new Error('the private redis-server did not come up');
      await sleep(50);
    }
  }

  async stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill(signal);
    });
  }
}

async function main(): Promise<number> {
  const args = parseCli(process.argv.slice(2));
  const random = seeded(args.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const between = (min: number, max: number) => min + random() * (max - min);
  const started = Date.now();
  const elapsed = () => ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  const log = (line: string) => process.stdout.write(`[${elapsed()}s] ${line}\n`);

  const dir = mkdtempSync(join(tmpdir(), 'sc-chaos-'));
  const redis = new PrivateRedis(await freePort(), join(dir));
  await redis.start();
  const prefix = `{chaos-${args.seed}}`;
  const emulator: Emulator = await startEmulator({});
  const triggerKey = `sk_test_chaosTriggers${args.seed}`;
  const loadKey = `sk_test_chaosLoad${args.seed}`;
  log(`seed ${args.seed}, ${args.minutes} min, ${args.workers} workers; redis ${redis.url} (append-only, fsync always), emulator ${emulator.url}`);

  // The webhook: answers after 0-150 ms (a delivery is in flight long enough to be killed), 2% with a 500.
  // Delivery is serial per subscription: a consumer taking L per event caps a subscription at 1/L.
  const hits: Hit[] = [];
  const inflight = new Map<ServerResponse, Hit>();
  const webhookPort = await freePort();
  const webhook = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => void (body += chunk.toString()));
    req.on('end', () => {
      let event: TriggerEvent;
      try {
        event = JSON.parse(body) as TriggerEvent;
      } catch {
        res.writeHead(400).end();
        return;
      }
      const hit: Hit = {
        worker: (req.url ?? '/').slice(1),
        jobId: String(req.headers['idempotency-key'] ?? ''),
        subscription: event.subscription_id,
        objectId: event.object_id,
        at: Date.now(),
        outcome: 'inflight',
      };
      hits.push(hit);
      inflight.set(res, hit);
      const refuse = random() < 0.02;
      const timer = setTimeout(() => {
        inflight.delete(res);
        hit.outcome = refuse ? 'refused' : 'ok';
        res.writeHead(refuse ? 500 : 200).end('{}');
      }, between(0, 150));
      res.on('close', () => {
        if (hit.outcome === 'inflight') {
          clearTimeout(timer);
          inflight.delete(res);
          hit.outcome = 'interrupted';
        }
      });
    });
  });
  await new Promise<void>((resolve) => webhook.listen(webhookPort, '127.0.0.1', resolve));

  const env = (extra: Record<string, string> = {}) => ({
    PATH: process.env.PATH ?? '',
    REDIS_URL: redis.url,
    REDIS_PREFIX: prefix,
    STRIPE_API_BASE: emulator.url,
    CONNECTOR_ENCRYPTION_KEY: ENCRYPTION_KEY,
    ...extra,
  });

  // Worker processes: the CLI's, each with its own webhook path (the path says who delivered).
  const workerLogs: WriteStream[] = [];
  const workers = new Map<string, { proc: ChildProcess; exited: Promise<void>; restart?: NodeJS.Timeout }>();
  let workerStderr = '';
  const startWorker = (name: string) => {
    const logFile = createWriteStream(join(dir, `${name}.log`), { flags: 'a' });
    workerLogs.push(logFile);
    const proc = spawn(process.execPath, [CLI, 'worker', '--concurrency', '10', '--lock-ttl-ms', '5000', '--job-lock-ms', '5000', '--webhook', `http://127.0.0.1:${webhookPort}/${name}`], {
      env: env({ LOG_LEVEL: 'warn' }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    proc.stderr!.on('data', (chunk: Buffer) => {
      logFile.write(chunk);
      workerStderr = (workerStderr + chunk.toString()).slice(-200_000);
    });
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    workers.set(name, { proc, exited });
    void exited.then(() => {
      const entry = workers.get(name);
      if (entry?.proc === proc && !stopping && proc.signalCode !== 'SIGKILL') log(`worker ${name} exited by itself (code ${proc.exitCode}); restarting`);
      if (entry?.proc === proc && !stopping && proc.signalCode !== 'SIGKILL') startWorker(name);
    });
  };
  let stopping = false;
  const workerNames = Array.from({ length: args.workers }, (_, i) => `w${i}`);
  for (const name of workerNames) startWorker(name);

  const killWorker = async (name: string, why: string): Promise<number> => {
    const entry = workers.get(name)!;
    if (entry.proc.exitCode !== null || entry.proc.signalCode !== null) return Date.now();
    entry.proc.kill('SIGKILL');
    await entry.exited;
    const at = Date.now();
    const downMs = Math.round(between(500, 3000));
    log(`SIGKILL ${name} (${why}); restart in ${downMs} ms`);
    setTimeout(() => {
      if (!stopping) startWorker(name);
    }, downMs);
    return at;
  };

  // Subscriptions through the CLI (the sealed credential the workers resolve).
  for (const sub of SUBSCRIPTIONS) {
    await execFileAsync(process.execPath, [CLI, 'subscribe', sub.trigger, '--id', sub.id, '--every', '1m'], { env: env({ STRIPE_SECRET_KEY: triggerKey }) });
  }
  const control = new Redis(redis.url, { maxRetriesPerRequest: null });
  control.on('error', () => undefined);
  const service = new TriggerService({ redis: control, prefix });
  // Redis is down on purpose at times: its connection errors are expected, not news.
  for (const queue of [service.pollQueue, service.eventQueue]) queue.on('error', () => undefined);
  const pokeAll = async () => {
    for (const sub of SUBSCRIPTIONS) await service.requestPoll(sub.id).catch(() => undefined);
  };
  for (const sub of SUBSCRIPTIONS) {
    while ((await service.status(sub.id))?.state.baselined !== true) {
      await pokeAll();
      await sleep(500);
    }
  }
  log('subscriptions baselined: new_charge, new_refund, new_customer, new_event');

  // The load: objects created and deleted through the actions, with the load's own key.
  const client = new StripeClient({ secret_key: loadKey }, { apiBase: emulator.url, initialRetryDelayMs: 50, maxRetryDelayMs: 500 });
  const stats = { requests: 0, failed: 0, customers: 0, charges: 0, refunds: 0, deletions: 0, bursts: 0, late: 0 };
  let sequence = 0;
  const chargeIds: string[] = [];
  const refunded = new Set<string>();
  const deletedCustomers = new Set<string>();
  const act = async (key: string, input: Record<string, unknown>): Promise<any> => {
    stats.requests++;
    try {
      return await runAction(key, input, { client });
    } catch {
      stats.failed++;
      return undefined;
    }
  };
  const deliveredOk = (subscription: string) => new Set(hits.filter((h) => h.subscription === subscription && h.outcome === 'ok').map((h) => h.objectId));
  const createOne = async (kind: 'customer' | 'charge' | 'refund' | 'delete'): Promise<void> => {
    const n = ++sequence;
    if (kind === 'customer') {
      if (await act('create_customer', { email: `chaos${n}@example.com`, metadata: { chaos_n: String(n) } })) stats.customers++;
    } else if (kind === 'charge') {
      const charge = await act('create_charge', { amount: 500 + (n % 1000), currency: 'usd', source: 'tok_visa', metadata: { chaos_n: String(n) } });
      if (charge) {
        stats.charges++;
        chargeIds.push(charge.id);
      }
    } else if (kind === 'refund') {
      const candidates = chargeIds.filter((id) => !refunded.has(id));
      if (candidates.length === 0) return;
      const charge = pick(candidates);
      refunded.add(charge);
      if (await act('create_refund', { charge, metadata: { chaos_n: String(n) } })) stats.refunds++;
    } else {
      // Only customers already delivered: a customer deleted before any poll saw it never existed for a poll.
      const delivered = [...deliveredOk('chaos-customers')].filter((id) => !deletedCustomers.has(id));
      if (delivered.length === 0) return;
      const id = pick(delivered);
      // Counted before the call: a deletion whose answer is lost (a dropped connection) still happened.
      deletedCustomers.add(id);
      if (await act('delete_customer', { customer_id: id })) stats.deletions++;
    }
  };
  // The chaos minutes count from here (setup and baselines excluded).
  const chaosEnds = Date.now() + args.minutes * 60_000;
  const maxLoadOps = Math.ceil(args.minutes * 60 * 6);
  const loadLoop = (async () => {
    while (Date.now() < chaosEnds && sequence < maxLoadOps) {
      const roll = random();
      await createOne(roll < 0.35 ? 'customer' : roll < 0.7 ? 'charge' : roll < 0.9 ? 'refund' : 'delete');
      await sleep(between(150, 450));
    }
  })();
  const pokeLoop = (async () => {
    // The CLI's shortest schedule is 1 minute; a poll every 3 s keeps the interval short.
    while (!stopping) {
      await pokeAll();
      await sleep(3000);
    }
  })();

  // The fault loop.
  const faults: Record<string, number> = {};
  /** Kill to the event's next delivery attempt; redisDown: Redis was stopped at some point in between. */
  const resumes: Array<{ ms: number; redisDown: boolean }> = [];
  const redisOutages: Array<{ from: number; to: number }> = [];
  const redisDownDuring = (from: number, to: number) => redisOutages.some((o) => o.from < to && o.to > from);
  const count = (name: string) => void (faults[name] = (faults[name] ?? 0) + 1);
  /** After a kill of the worker delivering `jobId`: when its next delivery attempt arrives. */
  const watchResume = (jobId: string, killedAt: number, index: number) =>
    void (async () => {
      for (let i = 0; i < 600 && !stopping; i++) {
        const next = hits.slice(index).find((h) => h.jobId === jobId && h.at >= killedAt);
        if (next) {
          const resume = { ms: next.at - killedAt, redisDown: redisDownDuring(killedAt, next.at) };
          resumes.push(resume);
          if (resume.ms > 10_000) log(`${jobId} resumed ${resume.ms} ms after the kill${resume.redisDown ? ' (Redis was down in between)' : ''}`);
          return;
        }
        await sleep(100);
      }
    })();
  const killDelivering = async (twice: boolean) => {
    // Up to 5 s for a delivery in flight (they come in bursts after each poll).
    let hit: Hit | undefined;
    for (let i = 0; i < 250 && !hit; i++) {
      hit = [...inflight.values()].find((h) => workers.get(h.worker)?.proc.exitCode === null);
      if (!hit) await sleep(20);
    }
    if (!hit) {
      count('kill-delivering (none in flight: killed a random worker)');
      await killWorker(pick(workerNames), 'random');
      return;
    }
    const jobId = hit.jobId;
    const mark = hits.length;
    const killedAt = await killWorker(hit.worker, `delivering ${jobId}`);
    count(twice ? 'kill-delivering-twice' : 'kill-delivering');
    watchResume(jobId, killedAt, mark);
    if (!twice) return;
    // The next worker to take that same event up is killed too, while delivering it.
    for (let i = 0; i < 300; i++) {
      const again = hits.slice(mark).find((h) => h.jobId === jobId && h.outcome === 'inflight');
      if (again) {
        const secondAt = await killWorker(again.worker, `delivering ${jobId} again`);
        watchResume(jobId, secondAt, hits.length);
        return;
      }
      await sleep(50);
    }
    log(`(the second delivery of ${jobId} was not caught in flight)`);
  };
  const FAULTS: Array<[string, number, () => Promise<void>]> = [
    ['kill-delivering', 3, () => killDelivering(false)],
    ['kill-delivering-twice', 2, () => killDelivering(true)],
    ['kill-random', 1, async () => void (await killWorker(pick(workerNames), 'random'))],
    [
      'redis-restart',
      2,
      async () => {
        const signal = random() < 0.5 ? 'SIGTERM' : 'SIGKILL';
        const outageMs = Math.round(between(500, 8000));
        log(`redis ${signal}, down ${outageMs} ms`);
        const outage = { from: Date.now(), to: Number.POSITIVE_INFINITY };
        redisOutages.push(outage);
        await redis.stop(signal);
        await sleep(outageMs);
        await redis.start();
        outage.to = Date.now();
        log('redis back (append-only file replayed)');
      },
    ],
    ['429s', 1, async () => void (emulator.inject({ kind: 'status', status: 429, retryAfter: 1, count: 12, match: { method: 'GET' } }), log('12 GETs answer 429 (Retry-After 1)'))],
    ['500s', 1, async () => void (emulator.inject({ kind: 'status', status: 500, count: 10 }), log('10 requests answer 500'))],
    [
      'dropped',
      1,
      async () => {
        const when = random() < 0.5 ? 'before' : 'after';
        emulator.inject({ kind: 'drop', when, count: 6 });
        log(`6 connections dropped ${when} handling${when === 'after' ? ' (the object exists; the client retries with its Idempotency-Key)' : ''}`);
      },
    ],
    ['slow', 1, async () => void (emulator.inject({ kind: 'latency', ms: 2000, count: 10 }), log('10 responses 2 s slow'))],
    [
      'key-revoked',
      1,
      async () => {
        const ms = Math.round(between(2000, 8000));
        emulator.revokeKey(triggerKey);
        log(`triggers' key revoked for ${ms} ms`);
        await sleep(ms);
        emulator.restoreKey(triggerKey);
        log("triggers' key restored");
      },
    ],
    [
      'same-second',
      1,
      async () => {
        emulator.setSameSecondOrder(random() < 0.5 ? 'newest_first' : 'oldest_first');
        const kinds = Array.from({ length: 8 }, () => pick(['customer', 'charge'] as const));
        await Promise.all(kinds.map((k) => createOne(k)));
        stats.bursts++;
        log('8 objects created at once (one second)');
      },
    ],
    [
      'late-arrivals',
      1,
      async () => {
        const back = Math.round(between(5, 40));
        emulator.clock.advance(-back);
        await Promise.all([createOne('customer'), createOne('charge'), createOne('customer'), createOne('charge')]);
        emulator.clock.useRealTime();
        stats.late += 4;
        log(`4 objects created ${back} s in the past (late arrivals)`);
      },
    ],
    [
      'delete-cursor',
      1,
      async () => {
        const cursor = (await service.status('chaos-customers').catch(() => undefined))?.state.cursor_id;
        if (!cursor || deletedCustomers.has(cursor)) return;
        deletedCustomers.add(cursor);
        if (await act('delete_customer', { customer_id: cursor })) {
          stats.deletions++;
          log(`deleted the new_customer cursor ${cursor}`);
        }
      },
    ],
  ];
  const weights = FAULTS.reduce((sum, [, w]) => sum + w, 0);
  const faultLoop = (async () => {
    while (Date.now() < chaosEnds - 3000) {
      await sleep(between(3000, 8000));
      if (Date.now() >= chaosEnds - 3000) break;
      let roll = random() * weights;
      const fault = FAULTS.find(([, w]) => (roll -= w) < 0) ?? FAULTS[0]!;
      if (!fault[0].startsWith('kill')) count(fault[0]);
      try {
        await fault[2]();
      } catch (error) {
        log(`fault ${fault[0]} failed: ${(error as Error).message}`);
      }
    }
  })();

  const hardDeadline = setTimeout(
    () => {
      log('hard deadline passed: the run did not finish in time');
      process.exit(3);
    },
    (args.minutes * 60 + args.quietSeconds + 240) * 1000,
  );
  hardDeadline.unref();

  await Promise.all([loadLoop, faultLoop]);
  const quietStarted = Date.now();
  log(`chaos over (${sequence} load operations); quiet period: faults cleared, every worker up, waiting for delivery`);
  emulator.clearFaults();
  emulator.restoreKey(triggerKey);
  emulator.clock.useRealTime();
  for (const name of workerNames) {
    const entry = workers.get(name)!;
    if (entry.proc.exitCode !== null || entry.proc.signalCode !== null) startWorker(name);
  }

  const expected = (type: string): Set<string> => {
    const ids = new Set(emulator.objects(type).map((o: { id: string }) => o.id));
    if (type === 'customer') for (const id of deletedCustomers) ids.add(id);
    return ids;
  };
  const complete = () => SUBSCRIPTIONS.every((sub) => [...expected(sub.type)].every((id) => deliveredOk(sub.id).has(id)));
  const quietEnds = Date.now() + args.quietSeconds * 1000;
  while (Date.now() < quietEnds) {
    const counts = await service.eventQueue.getJobCounts('waiting', 'active', 'delayed').catch(() => ({ waiting: 1 }));
    const queued = Object.values(counts).reduce((a, b) => a + b, 0);
    if (queued === 0 && inflight.size === 0 && complete()) break;
    await sleep(2000);
  }
  // A last look for late duplicates.
  await pokeAll();
  await sleep(5000);
  stopping = true;
  const quietSeconds = Math.round((Date.now() - quietStarted) / 1000);

  // The check.
  let problems = 0;
  const rows: Array<Record<string, unknown>> = [];
  for (const sub of SUBSCRIPTIONS) {
    const want = expected(sub.type);
    const mine = hits.filter((h) => h.subscription === sub.id);
    const ok = mine.filter((h) => h.outcome === 'ok');
    const delivered = new Set(ok.map((h) => h.objectId));
    const jobsByObject = new Map<string, Set<string>>();
    for (const h of mine) jobsByObject.set(h.objectId, (jobsByObject.get(h.objectId) ?? new Set()).add(h.jobId));
    const missing = [...want].filter((id) => !delivered.has(id));
    // Where the missing ones are: still queued (a backlog) or failed, or never queued at all (lost).
    const whereMissing: Record<string, number> = {};
    if (missing.length) {
      const states = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;
      const found = new Map<string, string>();
      for (const state of states) {
        for (const job of await service.eventQueue.getJobs([state], 0, -1).catch(() => [])) {
          if (job?.data?.subscription_id === sub.id) found.set(job.data.object_id, state);
        }
      }
      for (const id of missing) {
        const state = found.get(id) ?? 'not queued';
        whereMissing[state] = (whereMissing[state] ?? 0) + 1;
      }
    }
    const extra = [...delivered].filter((id) => !want.has(id));
    const twoJobIds = [...jobsByObject].filter(([, ids]) => ids.size > 1).map(([id]) => id);
    const distinctJobs = new Set(ok.map((h) => h.jobId)).size;
    const row = {
      subscription: sub.id,
      created: want.size,
      delivered: delivered.size,
      missing: missing.length,
      missing_where: Object.entries(whereMissing).map(([state, n]) => `${state} ${n}`).join(', ') || '-',
      extra: extra.length,
      two_job_ids: twoJobIds.length,
      redeliveries: ok.length - distinctJobs,
      interrupted: mine.filter((h) => h.outcome === 'interrupted').length,
      refused_500: mine.filter((h) => h.outcome === 'refused').length,
    };
    rows.push(row);
    if (missing.length || extra.length || twoJobIds.length) {
      problems++;
      log(`${sub.id}: missing ${missing.slice(0, 10).join(',')} extra ${extra.slice(0, 10).join(',')} two job ids ${twoJobIds.slice(0, 10).join(',')}`);
    }
  }
  const byN = new Map<string, number>();
  for (const charge of emulator.objects('charge')) {
    const n = (charge as { metadata?: Record<string, string> }).metadata?.chaos_n;
    if (n) byN.set(n, (byN.get(n) ?? 0) + 1);
  }
  const doubleCharges = [...byN.values()].filter((c) => c > 1).length;
  if (doubleCharges) problems++;
  const failedEvents = (await new FailedEvents(service.eventQueue).list({ limit: 1000 })).length;
  const keyInLogs = workerStderr.includes(triggerKey);
  if (keyInLogs) problems++;
  const sortedResume = resumes.map((r) => r.ms).sort((a, b) => a - b);
  const summary = {
    seed: args.seed,
    minutes: args.minutes,
    workers: args.workers,
    quiet_seconds: quietSeconds,
    load: stats,
    faults,
    subscriptions: rows,
    double_charges: doubleCharges,
    failed_events: failedEvents,
    key_in_worker_logs: keyInLogs,
    resume_after_kill_ms: {
      count: sortedResume.length,
      median: sortedResume[Math.floor(sortedResume.length / 2)] ?? null,
      p90: sortedResume[Math.floor(sortedResume.length * 0.9)] ?? null,
      over_10s: sortedResume.filter((ms) => ms > 10_000).length,
      // Of those, the ones with Redis down (stopped, not yet back) at some point between kill and resume.
      over_10s_with_redis_down: resumes.filter((r) => r.ms > 10_000 && r.redisDown).length,
      max: sortedResume[sortedResume.length - 1] ?? null,
      max_without_redis_down: Math.max(...resumes.filter((r) => !r.redisDown).map((r) => r.ms), 0) || null,
    },
    result: problems === 0 ? 'pass' : 'FAIL',
  };
  process.stdout.write('\n');
  console.table(rows);
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  if (args.json) writeFileSync(args.json, `${JSON.stringify(summary, null, 2)}\n`);

  // Cleanup.
  for (const { proc } of workers.values()) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
  await Promise.race([Promise.all([...workers.values()].map((w) => w.exited)), sleep(30_000)]);
  for (const { proc } of workers.values()) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  for (const stream of workerLogs) stream.end();
  await pokeLoop.catch(() => undefined);
  await service.close().catch(() => undefined);
  control.disconnect();
  for (const res of inflight.keys()) res.destroy();
  await new Promise<void>((resolve) => webhook.close(() => resolve()));
  await emulator.close();
  await redis.stop('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  return problems === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`chaos run failed to run: ${(error as Error).stack ?? error}\n`);
    process.exit(2);
  },
);
