/**
 * Backlog drain: one subscription, n new charges since its last poll, one worker process polling until
 * every charge is emitted (the `more-` follow-ups of a walk capped at max_pages included). Reported:
 * Stripe list requests (probe, sweep, forward walk), wall time, events/s, the worker's peak RSS.
 *
 *   node dist/bench/backlog.js                 1k, 10k and 100k
 *   BENCH_QUICK=1 node dist/bench/backlog.js   1k and 10k
 *   BENCH_SIZES=50000 BENCH_COMPARE=<dist of another build> BENCH_TIMEOUT_S=240 ...
 *
 * The charges are spread at BENCH_DENSITY per second of `created` (default 10, in clumps of 100 a
 * second: a busy account; Stripe's own write limit is 100/s live), so the look-back window (60 s)
 * behind a cursor holds ~600 of them.
 * The per-account rate limit is raised (BENCH_RATE, default 10 000/s) so the figures are the connector's
 * cost, not Stripe's limit: at 25 req/s a 100k backlog needs at least 40 s of tokens, whatever the code.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import {
  QUICK,
  machineLine,
  startEmulatorProcess,
  startRedis,
  startWorkerProcess,
  writeSection,
  type BenchEmulator,
  type BenchRedis,
} from './trigger-round';

const DIST = join(__dirname, '..');
const PREFIX = '{bench-backlog}';
const DENSITY = Number(process.env.BENCH_DENSITY ?? 10);
const RATE = process.env.BENCH_RATE ?? '10000';
const TIMEOUT_S = Number(process.env.BENCH_TIMEOUT_S ?? 600);

interface BacklogResult {
  build: string;
  n: number;
  completed: boolean;
  wallMs: number;
  emitted: number;
  requests: number;
  probe: number;
  sweep: number;
  forward: number;
  other: number;
  peakRssMb: number;
  peakHeapMb: number;
  peakExternalMb: number;
  heapAfterGcMb: number;
}

/** Creates n charges, `DENSITY` per second of emulator time (in steps of 100) ending now, 16 requests in flight. */
async function createBacklog(emulator: BenchEmulator, n: number): Promise<void> {
  const { StripeClient } = require(join(DIST, 'client', 'client.js'));
  const client = new StripeClient({ secret_key: 'sk_test_benchbacklog0' }, { apiBase: emulator.url, maxRetries: 2 });
  const now = Math.floor(Date.now() / 1000);
  const start = now - Math.ceil(n / DENSITY);
  for (let i = 0; i < n; i += 100) {
    await emulator.control('POST', '/_emulator/clock', { set: start + Math.floor(i / DENSITY) });
    const batch = Math.min(100, n - i);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(16, batch) }, async () => {
        while (next < batch) {
          next++;
          await client.request({ method: 'POST', path: '/v1/charges', params: { amount: 500, currency: 'usd', source: 'tok_visa' } });
        }
      }),
    );
  }
  await emulator.control('POST', '/_emulator/clock', { real: true });
}

async function drain(n: number, redis: BenchRedis, emulator: BenchEmulator, build: string, workerDist?: string): Promise<BacklogResult> {
  const { TriggerService } = require(join(DIST, 'triggers', 'service.js'));
  const service = new TriggerService({ redis: redis.client, prefix: PREFIX });
  const id = `b${n}${build}`;
  const env: Record<string, string> = { BENCH_REDIS_URL: redis.url, BENCH_PREFIX: PREFIX, BENCH_API_BASE: emulator.url, BENCH_RATE: RATE };
  if (workerDist) env.BENCH_WORKER_DIST = workerDist;
  // The baseline first (on an account with one charge), then the backlog, then one poll.
  await emulator.control('POST', '/_emulator/reset');
  const { StripeClient } = require(join(DIST, 'client', 'client.js'));
  const seed = new StripeClient({ secret_key: 'sk_test_benchbacklog0' }, { apiBase: emulator.url });
  await emulator.control('POST', '/_emulator/clock', { set: Math.floor(Date.now() / 1000) - Math.ceil(n / DENSITY) - 120 });
  await seed.request({ method: 'POST', path: '/v1/charges', params: { amount: 100, currency: 'usd', source: 'tok_visa' } });
  await emulator.control('POST', '/_emulator/clock', { real: true });
  let worker = await startWorkerProcess(env);
  await service.subscribe({ id, trigger: 'new_charge', options: { every: '24h' }, connection_ref: 'backlog' });
  const stateKey = `${PREFIX}:trg:state:${id}`;
  while ((await redis.client.hget(stateKey, 'baselined')) !== '1') await sleep(50);
  await worker.stop();
  const created = Date.now();
  await createBacklog(emulator, n);
  process.stderr.write(`${build} n=${n}: created the backlog in ${((Date.now() - created) / 1000).toFixed(1)} s\n`);
  await emulator.control('DELETE', '/_emulator/requests');
  worker = await startWorkerProcess(env);
  const started = performance.now();
  await service.requestPoll(id);
  let completed = false;
  let emitted = 0;
  for (;;) {
    emitted = Number((await redis.client.hget(stateKey, 'events_emitted')) ?? 0);
    if (emitted >= n) {
      completed = true;
      break;
    }
    if (performance.now() - started > TIMEOUT_S * 1000) break;
    await sleep(100);
  }
  const wallMs = performance.now() - started;
  const report = await worker.stop();
  await service.unsubscribe(id);
  await service.close();
  const requests = ((await emulator.control('GET', '/_emulator/requests')) as Array<{ method: string; path: string; query: Record<string, any> }>).filter(
    (r) => r.method === 'GET' && r.path === '/v1/charges',
  );
  let probe = 0;
  let sweep = 0;
  let forward = 0;
  // probe: created[gte] alone from the top (the before build's top-down sweep looks the same on its
  // first page: it also has created[lte]); sweep: the other created[gte] pages; forward: ending_before.
  for (const r of requests) {
    if (r.query.ending_before) forward++;
    else if (r.query.created?.gte !== undefined && r.query.created?.lte === undefined && r.query.starting_after === undefined) probe++;
    else if (r.query.created?.gte !== undefined) sweep++;
  }
  return { build, n, completed, wallMs, emitted, requests: requests.length, probe, sweep, forward, other: requests.length - probe - sweep - forward, peakRssMb: report.peakRss / 2 ** 20, peakHeapMb: report.peakHeapUsed / 2 ** 20, peakExternalMb: report.peakExternal / 2 ** 20, heapAfterGcMb: report.heapAfterGc / 2 ** 20 };
}

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_SIZES ?? (QUICK ? '1000,10000' : '1000,10000,100000')).split(',').map(Number);
  const builds: Array<{ build: string; dist?: string }> = process.env.BENCH_COMPARE ? [{ build: 'before', dist: process.env.BENCH_COMPARE }, { build: 'after' }] : [{ build: 'this' }];
  const machine = machineLine();
  const results: BacklogResult[] = [];
  for (const n of sizes) {
    for (const b of builds) {
      const redis = await startRedis();
      const emulator = await startEmulatorProcess();
      try {
        const r = await drain(n, redis, emulator, b.build, b.dist);
        results.push(r);
        process.stderr.write(`${JSON.stringify(r)}\n`);
      } finally {
        await emulator.stop();
        await redis.stop();
      }
    }
  }
  const rows = results.map(
    (r) =>
      `| ${r.build} | ${r.n} | ${r.completed ? 'yes' : `no (${r.emitted} emitted)`} | ${(r.wallMs / 1000).toFixed(1)} | ${Math.round((r.emitted / r.wallMs) * 1000)} | ${r.requests} | ${Math.ceil(r.n / 100)} | ${r.probe} | ${r.sweep} | ${r.forward} | ${r.other} | ${Math.round(r.peakRssMb)} | ${Math.round(r.peakHeapMb)} | ${Math.round(r.peakExternalMb)} | ${Math.round(r.heapAfterGcMb)} |`,
  );
  const table = [
    `${machine}; ${new Date().toISOString()}; charges ${DENSITY}/s of \`created\`, rate limit ${RATE}/s, timeout ${TIMEOUT_S} s, one worker process (default options)`,
    '',
    '| build | backlog | completed | wall s | events/s | list requests | ceil(n/100) | probe | sweep | forward | other | peak RSS MB | peak heap used MB | peak external MB | heap after full GC at the end MB |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
  process.stdout.write(`${table}\n`);
  if (process.env.BENCH_SECTION) writeSection(process.env.BENCH_SECTION, table);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
