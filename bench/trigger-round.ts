/**
 * Trigger round: N subscriptions (each with its own key), nothing new, one idle poll each, served by 1
 * or 2 worker processes against the emulator (its own process) at 0 or 200 ms added latency.
 * Reported per case (median of the repetitions, cases alternated): wall time of the round, Stripe
 * requests per idle poll (the emulator's request log), Redis commands per idle poll (INFO
 * commandstats delta, script internals included), Redis round trips per poll sent by the poll code
 * itself (counted in the worker around PollRunner.run) and by the whole worker (BullMQ included),
 * and the workers' peak RSS (VmHWM).
 *
 *   node dist/bench/trigger-round.js             1,000 and 10,000 subscriptions, 3 repetitions
 *   BENCH_QUICK=1 node dist/bench/trigger-round.js  1,000 only, 1 repetition (under a minute)
 *   BENCH_SIZES=10000 BENCH_REPS=1 BENCH_CONCURRENCY=500 ...  overrides
 *   BENCH_COMPARE=<dist of another build> [BENCH_BEFORE_CONCURRENCY=500]  that build's workers too, alternated
 *   BENCH_SECTION=<title>  also writes the table into that section of bench/results/triggers.md
 *
 * Results go to bench/results/triggers.md (the trigger-round section) and stdout as JSON.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';

export const QUICK = process.env.BENCH_QUICK === '1';
const DIST = join(__dirname, '..');

// ---------------------------------------------------------------------------------------------
// Shared with bench/backlog.ts: a private redis-server, the emulator process, worker processes.

export interface BenchRedis {
  url: string;
  pid: number;
  client: Redis;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server of our own (no persistence: the bench measures the connector, not the disk). */
export async function startRedis(): Promise<BenchRedis> {
  const { Redis } = require('ioredis') as typeof import('ioredis');
  const dir = mkdtempSync(join(tmpdir(), 'sc-bench-redis-'));
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      break;
    } catch {
      probe.disconnect();
      if (i > 200) throw new Error('redis-server did not start');
      await sleep(50);
    }
  }
  const client = new Redis(url, { maxRetriesPerRequest: null });
  return {
    url,
    pid: proc.pid!,
    client,
    stop: async () => {
      client.disconnect();
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGKILL');
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface BenchEmulator {
  url: string;
  proc: ChildProcess;
  control(method: string, path: string, body?: unknown): Promise<any>;
  stop(): Promise<void>;
}

export async function startEmulatorProcess(): Promise<BenchEmulator> {
  const proc = spawn(process.execPath, [join(DIST, 'emulator', 'main.js'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout!.once('data', (d: Buffer) => resolve(JSON.parse(d.toString().split('\n')[0]!).url));
    proc.once('exit', (code) => reject(new Error(`emulator exited ${code}`)));
  });
  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(url + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return response.json();
  };
  return {
    url,
    proc,
    control,
    stop: async () => {
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      });
    },
  };
}

export interface WorkerReport {
  /** Peak RSS of the process (VmHWM), bytes. */
  peakRss: number;
  /** Highest sampled (every 250 ms) V8 heap in use and external memory (array buffers included), bytes. */
  peakHeapUsed: number;
  peakExternal: number;
  /** Heap in use after a full collection, at the final report (bytes; NaN in the others). */
  heapAfterGc: number;
  /** CPU time used by the process, ms. */
  cpuMs: number;
  /** Redis round trips sent inside PollRunner.run (the poll's own), and by the whole process. */
  pollRoundTrips: number;
  allRoundTrips: number;
  polls: number;
  /** Poll jobs finished (completed or failed) by this process. */
  finished: number;
}

export interface BenchWorker {
  proc: ChildProcess;
  /** Resets the counters. */
  reset(): Promise<void>;
  report(): Promise<WorkerReport>;
  stop(): Promise<WorkerReport>;
}

/** A worker process (this file with `--worker`), ready once it answers. */
export async function startWorkerProcess(env: Record<string, string>): Promise<BenchWorker> {
  // BENCH_WORKER_DIST: another build's dist/ (e.g. the code before a change) for the worker processes.
  const dist = env.BENCH_WORKER_DIST ?? DIST;
  // BENCH_WORKER_PROF=<dir>: a V8 CPU profile of each worker process, written there when it exits.
  const prof = process.env.BENCH_WORKER_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_WORKER_PROF] : [];
  // --expose-gc: the worker's final report also gives the heap in use after a full collection.
  prof.push('--expose-gc');
  const proc = spawn(process.execPath, [...prof, join(dist, 'bench', 'trigger-round.js'), '--worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...env } });
  let waiting: ((m: any) => void) | undefined;
  proc.on('message', (m: any) => {
    const w = waiting;
    waiting = undefined;
    w?.(m);
  });
  const ask = (type: string) =>
    new Promise<any>((resolve) => {
      waiting = resolve;
      proc.send({ type });
    });
  await ask('ping');
  return {
    proc,
    reset: () => ask('reset'),
    report: () => ask('report'),
    stop: async () => {
      const report = await ask('stop');
      await new Promise<void>((resolve) => (proc.exitCode !== null ? resolve() : proc.once('exit', () => resolve())));
      return report;
    },
  };
}

/** The worker process: a trigger worker whose Redis round trips are counted, driven over IPC. */
async function workerMain(): Promise<void> {
  const { AsyncLocalStorage } = require('node:async_hooks') as typeof import('node:async_hooks');
  const ioredis = require('ioredis') as any;
  const Pipeline = require('ioredis/built/Pipeline').default;
  const { PollRunner } = require(join(DIST, 'triggers', 'runner.js'));
  const { createTriggerWorker } = require(join(DIST, 'triggers', 'worker.js'));
  const inPoll = new AsyncLocalStorage<boolean>();
  let pollRoundTrips = 0;
  let allRoundTrips = 0;
  let polls = 0;
  let finished = 0;
  const count = () => {
    allRoundTrips++;
    if (inPoll.getStore()) pollRoundTrips++;
  };
  const sendCommand = ioredis.Redis.prototype.sendCommand;
  ioredis.Redis.prototype.sendCommand = function (this: unknown, command: unknown, stream: unknown, ...rest: unknown[]) {
    if (stream === undefined) count(); // a pipeline's commands come with its buffering stream: counted once, below
    return sendCommand.call(this, command, stream, ...rest);
  };
  const exec = Pipeline.prototype.exec;
  Pipeline.prototype.exec = function (this: unknown, ...args: unknown[]) {
    count();
    return exec.apply(this, args);
  };
  const run = PollRunner.prototype.run;
  PollRunner.prototype.run = function (this: unknown, ...args: unknown[]) {
    polls++;
    return inPoll.run(true, () => run.apply(this, args));
  };

  const apiBase = process.env.BENCH_API_BASE!;
  const worker = createTriggerWorker({
    connection: process.env.BENCH_REDIS_URL!,
    prefix: process.env.BENCH_PREFIX,
    resolveCredentials: (_id: string, ref: string) => ({ secret_key: `sk_test_bench0${ref}` }),
    clientOptions: { apiBase },
    ...(process.env.BENCH_CONCURRENCY ? { concurrency: Number(process.env.BENCH_CONCURRENCY) } : {}),
    ...(process.env.BENCH_RATE ? { rateLimits: { test: Number(process.env.BENCH_RATE) } } : {}),
    ...(process.env.BENCH_EVENTS === '1' ? { onEvent: () => undefined } : {}),
  });
  await worker.pollWorker.waitUntilReady();
  worker.pollWorker.on('completed', () => finished++);
  worker.pollWorker.on('failed', () => finished++);
  let peakHeapUsed = 0;
  let peakExternal = 0;
  setInterval(() => {
    const m = process.memoryUsage();
    peakHeapUsed = Math.max(peakHeapUsed, m.heapUsed);
    peakExternal = Math.max(peakExternal, m.external);
  }, 250).unref();
  const heapAfterGc = () => {
    (globalThis as { gc?: () => void }).gc?.();
    return process.memoryUsage().heapUsed;
  };
  const report = (final = false): WorkerReport => ({ peakRss: peakRss(), cpuMs: cpuMs('self'), heapAfterGc: final ? heapAfterGc() : NaN, peakHeapUsed, peakExternal, pollRoundTrips, allRoundTrips, polls, finished });
  process.on('message', async (m: any) => {
    if (m.type === 'ping') process.send!({ ok: true });
    else if (m.type === 'reset') {
      pollRoundTrips = allRoundTrips = polls = finished = 0;
      process.send!({ ok: true });
    } else if (m.type === 'report') process.send!(report());
    else if (m.type === 'stop') {
      const r = report(true);
      await worker.close(10_000);
      process.send!(r, () => process.exit(0));
    }
  });
}

/** CPU time (user + system) a process has used so far, ms (from /proc: clock ticks of 10 ms). */
export function cpuMs(pid: number | 'self'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function peakRss(pid: number | 'self' = 'self'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}

/** Sum of calls over INFO commandstats, and the calls of the named commands (to subtract the bench's own). */
export async function commandCalls(redis: Redis): Promise<{ total: number; by: Map<string, number> }> {
  const info = await redis.info('commandstats');
  const by = new Map<string, number>();
  let total = 0;
  for (const line of info.split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (!m) continue;
    by.set(m[1]!, Number(m[2]));
    total += Number(m[2]);
  }
  return { total, by };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

export function machineLine(): string {
  const cpu = cpus();
  return `node ${process.version}, ${cpu.length} cores (${cpu[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GB, load average at start ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
}

/** Replaces (or appends) the `## <title>` section of bench/results/triggers.md. */
export function writeSection(title: string, body: string): void {
  const { existsSync, mkdirSync, writeFileSync } = require('node:fs') as typeof import('node:fs');
  const dir = join(DIST, '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'triggers.md');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Trigger benchmarks\n';
  const heading = `## ${title}`;
  const start = text.indexOf(heading);
  const section = `${heading}\n\n${body.trim()}\n`;
  if (start < 0) {
    writeFileSync(file, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const next = text.indexOf('\n## ', start + heading.length);
  writeFileSync(file, text.slice(0, start) + section + (next < 0 ? '' : text.slice(next)));
}

/** Waits until the queue has nothing waiting, prioritized or active (delayed jobs: the schedulers' next slots). */
export async function drained(redis: Redis, prefix: string, queue: string): Promise<void> {
  for (;;) {
    const key = (s: string) => `${prefix}:${queue}:${s}`;
    const [wait, active, prioritized, paused] = await Promise.all([redis.llen(key('wait')), redis.llen(key('active')), redis.zcard(key('prioritized')), redis.llen(key('paused'))]);
    if (wait + active + prioritized + paused === 0) return;
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------
// The trigger round.

const PREFIX = '{bench-triggers}';
const POLLS = 'trigger-polls';

interface CaseResult {
  build: string;
  n: number;
  latencyMs: number;
  workers: number;
  wallMs: number[];
  requestsPerPoll: number[];
  commandsPerPoll: number[];
  pollRoundTrips: number[];
  workerRoundTrips: number[];
  peakRssMb: number[];
  workerCpuMsPerPoll: number[];
  emulatorCpuMsPerPoll: number[];
  redisCpuMsPerPoll: number[];
}

async function setUp(n: number, redis: BenchRedis, emulator: BenchEmulator): Promise<void> {
  const { TriggerService } = require(join(DIST, 'triggers', 'service.js'));
  const { StripeClient } = require(join(DIST, 'client', 'client.js'));
  const seed = new StripeClient({ secret_key: 'sk_test_benchseed0' }, { apiBase: emulator.url });
  for (let i = 0; i < 5; i++) await seed.request({ method: 'POST', path: '/v1/charges', params: { amount: 500 + i, currency: 'usd', source: 'tok_visa' } });
  const service = new TriggerService({ redis: redis.client, prefix: PREFIX });
  const started = Date.now();
  for (let i = 0; i < n; i += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, n - i) }, (_, k) =>
        service.subscribe({ id: `s${i + k}`, trigger: 'new_charge', options: { every: '24h' }, connection_ref: `acct${i + k}` }),
      ),
    );
  }
  // The baselines (not measured): two workers at a high concurrency.
  const workers = await Promise.all([0, 1].map(() => startWorkerProcess({ BENCH_REDIS_URL: redis.url, BENCH_PREFIX: PREFIX, BENCH_API_BASE: emulator.url, BENCH_CONCURRENCY: '200' })));
  for (;;) {
    await drained(redis.client, PREFIX, POLLS);
    const states = await Promise.all(Array.from({ length: n }, (_, i) => redis.client.hget(`${PREFIX}:trg:state:s${i}`, 'baselined')));
    const missing = states.filter((s) => s !== '1').length;
    if (missing === 0) break;
    process.stderr.write(`${missing} subscriptions not baselined yet\n`);
    await sleep(1000);
  }
  await Promise.all(workers.map((w) => w.stop()));
  await service.close();
  process.stderr.write(`set up ${n} subscriptions in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

async function round(
  n: number,
  latencyMs: number,
  workerCount: number,
  redis: BenchRedis,
  emulator: BenchEmulator,
  tag: string,
  workerDist: string | undefined,
): Promise<Omit<CaseResult, 'n' | 'latencyMs' | 'workers' | 'build'>> {
  const { Queue } = require('bullmq') as typeof import('bullmq');
  await emulator.control('POST', '/_emulator/latency', { ms: latencyMs });
  const env: Record<string, string> = { BENCH_REDIS_URL: redis.url, BENCH_PREFIX: PREFIX, BENCH_API_BASE: emulator.url };
  if (process.env.BENCH_CONCURRENCY) env.BENCH_CONCURRENCY = process.env.BENCH_CONCURRENCY;
  if (workerDist) env.BENCH_WORKER_DIST = workerDist;
  // The build compared against can run at another concurrency (its own default was 10).
  if (workerDist && process.env.BENCH_BEFORE_CONCURRENCY) env.BENCH_CONCURRENCY = process.env.BENCH_BEFORE_CONCURRENCY;
  const workers = await Promise.all(Array.from({ length: workerCount }, () => startWorkerProcess(env)));
  const queue = new Queue(POLLS, { connection: redis.client, prefix: PREFIX });
  await queue.pause();
  for (let i = 0; i < n; i += 1000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({ name: 'now', data: { subscription_id: `s${i + k}` }, opts: { jobId: `now-s${i + k}-${tag}` } })),
    );
  }
  await emulator.control('DELETE', '/_emulator/requests');
  await Promise.all(workers.map((w) => w.reset()));
  await redis.client.config('RESETSTAT');
  const cpuBefore = { workers: (await Promise.all(workers.map((w) => w.report()))).reduce((s, r) => s + (r.cpuMs ?? NaN), 0), emulator: cpuMs(emulator.proc.pid!), redis: cpuMs(redis.pid) };
  const started = performance.now();
  await queue.resume();
  for (;;) {
    const reports = await Promise.all(workers.map((w) => w.report()));
    if (reports.reduce((s, r) => s + r.finished, 0) >= n) break;
    await sleep(50);
  }
  const wallMs = performance.now() - started;
  const cpuAfter = { workers: (await Promise.all(workers.map((w) => w.report()))).reduce((s, r) => s + (r.cpuMs ?? NaN), 0), emulator: cpuMs(emulator.proc.pid!), redis: cpuMs(redis.pid) };
  const calls = await commandCalls(redis.client);
  // The bench's own commands in the window: the drain checks (llen, zcard), INFO, and the resume.
  let own = 0;
  for (const name of ['info', 'config|resetstat']) own += calls.by.get(name) ?? 0;
  const requests = (await emulator.control('GET', '/_emulator/requests')) as Array<{ path: string }>;
  const reports = await Promise.all(workers.map((w) => w.stop()));
  await queue.close();
  const polls = reports.reduce((s, r) => s + r.polls, 0);
  if (polls < n) throw new Error(`only ${polls} of ${n} polls ran`);
  return {
    wallMs: [wallMs],
    requestsPerPoll: [requests.filter((r) => r.path.startsWith('/v1/')).length / n],
    commandsPerPoll: [(calls.total - own) / n],
    pollRoundTrips: [reports.reduce((s, r) => s + r.pollRoundTrips, 0) / n],
    workerRoundTrips: [reports.reduce((s, r) => s + r.allRoundTrips, 0) / n],
    peakRssMb: [Math.max(...reports.map((r) => r.peakRss)) / 2 ** 20],
    workerCpuMsPerPoll: [(cpuAfter.workers - cpuBefore.workers) / n],
    emulatorCpuMsPerPoll: [(cpuAfter.emulator - cpuBefore.emulator) / n],
    redisCpuMsPerPoll: [(cpuAfter.redis - cpuBefore.redis) / n],
  };
}

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_SIZES ?? (QUICK ? '1000' : '1000,10000')).split(',').map(Number);
  const reps = Number(process.env.BENCH_REPS ?? (QUICK ? 1 : 3));
  const latencies = (process.env.BENCH_LATENCIES ?? '0,200').split(',').map(Number);
  const workerCounts = (process.env.BENCH_WORKERS ?? '1,2').split(',').map(Number);
  const machine = machineLine();
  const results: CaseResult[] = [];
  for (const n of sizes) {
    const redis = await startRedis();
    const emulator = await startEmulatorProcess();
    try {
      await setUp(n, redis, emulator);
      // BENCH_COMPARE=<another build's dist/>: every case also runs on that build's workers, alternated.
      const builds: Array<{ build: string; dist?: string }> = process.env.BENCH_COMPARE ? [{ build: 'before', dist: process.env.BENCH_COMPARE }, { build: 'after' }] : [{ build: 'this' }];
      const cases = latencies.flatMap((latencyMs) => workerCounts.flatMap((workers) => builds.map((b) => ({ n, latencyMs, workers, ...b }))));
      const byCase = new Map(cases.map((c) => [c, { build: c.build, n: c.n, latencyMs: c.latencyMs, workers: c.workers, wallMs: [], requestsPerPoll: [], commandsPerPoll: [], pollRoundTrips: [], workerRoundTrips: [], peakRssMb: [], workerCpuMsPerPoll: [], emulatorCpuMsPerPoll: [], redisCpuMsPerPoll: [] } as CaseResult]));
      for (let rep = 0; rep < reps; rep++) {
        for (const c of cases) {
          const r = await round(n, c.latencyMs, c.workers, redis, emulator, `r${rep}l${c.latencyMs}w${c.workers}${c.build}`, c.dist);
          const acc = byCase.get(c)!;
          for (const k of ['wallMs', 'requestsPerPoll', 'commandsPerPoll', 'pollRoundTrips', 'workerRoundTrips', 'peakRssMb', 'workerCpuMsPerPoll', 'emulatorCpuMsPerPoll', 'redisCpuMsPerPoll'] as const) acc[k].push(...r[k]);
          process.stderr.write(`${c.build} n=${n} latency=${c.latencyMs} workers=${c.workers} rep=${rep}: ${(r.wallMs[0]! / 1000).toFixed(2)} s\n`);
        }
      }
      results.push(...byCase.values());
    } finally {
      await emulator.stop();
      await redis.stop();
    }
  }
  const concurrency = `${process.env.BENCH_CONCURRENCY ?? 'default'}${process.env.BENCH_COMPARE && process.env.BENCH_BEFORE_CONCURRENCY ? ` (before: ${process.env.BENCH_BEFORE_CONCURRENCY})` : ''}`;
  const rows = results.map(
    (r) =>
      `| ${r.build} | ${r.n} | ${r.latencyMs} | ${r.workers} | ${(median(r.wallMs) / 1000).toFixed(2)} | ${Math.round((r.n / median(r.wallMs)) * 1000)} | ${median(r.requestsPerPoll).toFixed(2)} | ${median(r.commandsPerPoll).toFixed(1)} | ${median(r.pollRoundTrips).toFixed(1)} | ${median(r.workerRoundTrips).toFixed(1)} | ${Math.round(median(r.peakRssMb))} | ${median(r.workerCpuMsPerPoll).toFixed(2)} | ${median(r.emulatorCpuMsPerPoll).toFixed(2)} | ${median(r.redisCpuMsPerPoll).toFixed(2)} |`,
  );
  const table = [
    `${machine}; ${reps} repetition(s), medians; worker concurrency ${concurrency}; ${new Date().toISOString()}`,
    '',
    '| build | subscriptions | latency ms | worker processes | wall s | polls/s | Stripe requests / poll | Redis commands / poll (commandstats) | poll round trips / poll | worker round trips / poll | peak RSS MB (max worker) | worker CPU ms / poll | emulator CPU ms / poll | redis CPU ms / poll |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
  process.stdout.write(`${table}\n`);
  process.stdout.write(`${JSON.stringify(results)}\n`);
  if (process.env.BENCH_SECTION) writeSection(process.env.BENCH_SECTION, table);
}

if (require.main === module) {
  if (process.argv.includes('--worker')) void workerMain();
  else
    main().catch((error) => {
      console.error(error);
      process.exitCode = 1;
    });
}
