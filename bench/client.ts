/**
 * What the connector's client adds to each Stripe call, side by side with stripe-node (the anchor) and
 * a bare undici request (the floor), all against the same fixed-answer Stripe-shaped server
 * (bench/stripe-shaped-server.ts) in its own process, so this process's CPU is the clients' alone.
 *
 * Cases: GET retrieve of a customer, POST create with metadata, GET list of 100; each at concurrency 1
 * and 64. Each of the 3 repetitions of a case gives every contender a few fixed-time slices, the
 * contenders taking turns slice by slice in a rotated order, and a GC runs before each slice
 * (node --expose-gc) so no contender pays for another's garbage. Reported: calls/s and client CPU µs per call
 * (process.cpuUsage, user + system), medians of the repetitions, and the ratios to stripe-node.
 *
 *   node --expose-gc dist/bench/client.js          (npm run bench runs it this way)
 *   BENCH_QUICK=1                                  short slices, prints only
 *   BENCH_REPETITIONS, BENCH_SLICES, BENCH_SLICE_MS  override the defaults (3; 5 and 400 ms, quick 2 and 100 ms)
 *   BENCH_ONLY=connector BENCH_CASES=list-64       one contender and case, e.g. under node --cpu-prof
 *   BENCH_BASELINE=/tmp/before/dist                 that build's client joins as contender "baseline" (before and after in one run)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { closeTransport } from '../client/transport';
import { CASES, contenders, startServer, type Call } from './client-contenders';
import { QUICK, median } from './stats';

const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 3);
/** A repetition of a case is this many slices per contender, the contenders taking turns slice by slice. */
const SLICES = Number(process.env.BENCH_SLICES ?? (QUICK ? 2 : 5));
const SLICE_MS = Number(process.env.BENCH_SLICE_MS ?? (QUICK ? 100 : 400));
const WARMUP_MS = QUICK ? 100 : 600;
const CONCURRENCIES = [1, 64] as const;
const ROOT = join(__dirname, '..', '..');

interface Sample {
  perSecond: number;
  cpuMicros: number;
}

/** Calls made, wall seconds and client CPU µs (user + system) of `concurrency` callers for about `durationMs`. */
async function measure(call: Call, concurrency: number, durationMs: number): Promise<{ calls: number; seconds: number; cpuMicros: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  let calls = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await call();
      calls++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { calls, seconds, cpuMicros: cpu.user + cpu.system };
}

const ratio = (value: number) => `${value.toFixed(2)}x`;

async function main(): Promise<void> {
  const server = await startServer();
  const load = loadavg();
  let closeFloor = async (): Promise<void> => undefined;
  try {
    const only = process.env.BENCH_ONLY?.split(',');
    const selectedCases = process.env.BENCH_CASES?.split(',');
    const built = contenders(server.origin, server.customerId);
    closeFloor = built.close;
    const all = built.all.filter((c) => !only || only.includes(c.name));
    const runs = CASES.flatMap((c) => CONCURRENCIES.map((concurrency) => ({ ...c, concurrency, key: `${c.name}-${concurrency}` }))).filter(
      (run) => !selectedCases || selectedCases.includes(run.key),
    );

    for (const run of runs) for (const contender of all) await measure(contender.calls[run.name], run.concurrency, WARMUP_MS);

    // On a shared machine the load changes by the second: short slices taken in turn let a busy spell
    // hit every contender alike, and each repetition sums its slices.
    const samples = new Map<string, Sample[]>();
    for (let repetition = 0; repetition < REPETITIONS; repetition++) {
      for (const run of runs) {
        const totals = new Map(all.map((c) => [c.name, { calls: 0, seconds: 0, cpuMicros: 0 }]));
        for (let slice = 0; slice < SLICES; slice++) {
          for (let i = 0; i < all.length; i++) {
            const contender = all[(i + slice + repetition) % all.length]!;
            const measured = await measure(contender.calls[run.name], run.concurrency, SLICE_MS);
            const total = totals.get(contender.name)!;
            total.calls += measured.calls;
            total.seconds += measured.seconds;
            total.cpuMicros += measured.cpuMicros;
          }
        }
        for (const [name, total] of totals) {
          const key = `${run.key}/${name}`;
          samples.set(key, [...(samples.get(key) ?? []), { perSecond: total.calls / total.seconds, cpuMicros: total.cpuMicros / total.calls }]);
        }
      }
    }

    const rows: string[] = [];
    const verdicts: string[] = [];
    for (const run of runs) {
      const medians = new Map(
        all.map((c) => {
          const s = samples.get(`${run.key}/${c.name}`)!;
          return [c.name, { perSecond: median(s.map((x) => x.perSecond)), cpuMicros: median(s.map((x) => x.cpuMicros)), range: s }];
        }),
      );
      const anchor = medians.get('stripe-node');
      for (const c of all) {
        const m = medians.get(c.name)!;
        const lo = Math.min(...m.range.map((x) => x.perSecond));
        const hi = Math.max(...m.range.map((x) => x.perSecond));
        rows.push(
          `| ${run.title} | ${run.concurrency} | ${c.title} | ${Math.round(m.perSecond)} (${Math.round(lo)}–${Math.round(hi)}) | ${m.cpuMicros.toFixed(0)} | ${anchor ? ratio(m.perSecond / anchor.perSecond) : '–'} | ${anchor ? ratio(m.cpuMicros / anchor.cpuMicros) : '–'} |`,
        );
      }
      const mine = medians.get('connector');
      if (anchor && mine) {
        const speed = mine.perSecond / anchor.perSecond;
        const cpu = mine.cpuMicros / anchor.cpuMicros;
        const met = speed >= 1.2 && cpu <= 0.8;
        verdicts.push(`| ${run.title} | ${run.concurrency} | ${ratio(speed)} | ${ratio(cpu)} | ${met ? 'met' : 'missed'} |`);
      }
    }

    const report = [
      '# Client per call',
      '',
      `Run ${new Date().toISOString()}, node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'}), load average at start ${load.map((l) => l.toFixed(1)).join(' ')}.`,
      `\`node --expose-gc dist/bench/client.js\`${QUICK ? ' (BENCH_QUICK=1)' : ''}: ${REPETITIONS} repetitions per case; a repetition gives each contender ${SLICES} slices of ${SLICE_MS} ms,`,
      'the contenders taking turns slice by slice in a rotated order. Medians of the repetitions (range of calls/s in brackets).',
      'Server: fixed answers recorded from the emulator, in its own process.',
      'Ratios are to stripe-node, measured side by side in this run; CPU is the client process (user + system) per call.',
      '',
      '| case | concurrency | client | calls/s | CPU µs/call | calls/s vs stripe-node | CPU vs stripe-node |',
      '| --- | ---: | --- | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
      ...(verdicts.length
        ? [
            'Target: the connector at least 1.2x stripe-node\'s calls/s with at most 0.8x its CPU per call.',
            '',
            '| case | concurrency | calls/s vs stripe-node | CPU vs stripe-node | target |',
            '| --- | ---: | ---: | ---: | --- |',
            ...verdicts,
            '',
          ]
        : []),
    ].join('\n');
    process.stdout.write(report);
    if (!QUICK && !only && !selectedCases) {
      mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
      writeFileSync(join(ROOT, 'bench', 'results', 'client.md'), report);
    }
  } finally {
    server.stop();
    await Promise.all([closeFloor(), closeTransport()]);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
