/**
 * CPU per call as machine instructions, counted by valgrind's callgrind, for the contenders of
 * bench/client.ts: a figure that the load of a shared 2-core machine does not move, where
 * process.cpuUsage() per call moved by 0.5x between runs for the 81 KB list.
 *
 * Each measurement is two client processes under `valgrind --tool=callgrind`, one contender each: both
 * load everything and make the same warm-up calls, then one makes LOW calls and the other HIGH. The
 * difference of their instruction counts over HIGH - LOW is the instructions of one warmed-up call
 * (start-up, warm-up and shutdown cancel out). Everything the process runs is counted: JIT code, V8's
 * compiler and GC threads, node, undici's wasm parser, the kernel calls' user side (not the kernel's).
 * The server (bench/stripe-shaped-server.ts) runs natively in a process of its own. Contenders take
 * turns in a rotated order; the table shows medians of the repetitions. Hardware counters (`perf stat
 * -e instructions`) are not available on this machine, or they would do the same faster.
 *
 *   node dist/bench/client-instructions.js          writes bench/results/client-instructions.md
 *   BENCH_QUICK=1                                   fewer calls, one repetition, prints only
 *   BENCH_CASES=retrieve-64,...                     other cases (default list-1,list-64: a list case costs about
 *                                                   3 minutes per contender and repetition on this machine,
 *                                                   so it is not a step of npm run bench)
 *   BENCH_REPETITIONS (default 3), BENCH_ONLY=connector,stripe-node, BENCH_BASELINE as in bench/client.ts
 *   BENCH_CALLS=low,high,warmup                     per process (default 50,650,200; quick 20,60,60)
 *
 * The window (HIGH - LOW) matters: whatever varies between two processes (start-up alone is billions
 * of instructions under valgrind, GC and JIT timing) is divided by it. Over 200 list calls one
 * contender's figure moved by up to 24% from one repetition to the next; the default window is 600.
 *
 * Under valgrind a process runs about 50 times slower, so the server always has the answer ready: the
 * count is of the client's work, not of how the load split a body into reads. It is the steady-state cost
 * of the same calls, not a timing; bench/client.ts's calls/s stays the figure for throughput.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { closeTransport } from '../client/transport';
import { CASES, contenders, startServer, type CaseName, type Contender } from './client-contenders';
import { QUICK, median } from './stats';

const ROOT = join(__dirname, '..', '..');
const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? (QUICK ? 1 : 3));
const [LOW, HIGH, WARMUP] = (process.env.BENCH_CALLS ?? (QUICK ? '20,60,60' : '50,650,200')).split(',').map(Number) as [number, number, number];
const CONCURRENCIES = [1, 64] as const;

/** The child: WARMUP calls, then `calls` more, at `concurrency` callers sharing one count. */
async function child(name: Contender['name'], caseName: CaseName, concurrency: number, calls: number, origin: string, customerId: string): Promise<void> {
  const built = contenders(origin, customerId);
  const call = built.all.find((c) => c.name === name)!.calls[caseName];
  const run = async (total: number): Promise<void> => {
    let started = 0;
    const worker = async (): Promise<void> => {
      while (started < total) {
        started++;
        await call();
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  };
  const gc = (globalThis as { gc?: () => void }).gc!;
  // A full GC after the warm-up and after the calls: the garbage of the counted calls is collected
  // inside the count, whatever point of a GC cycle the last call ended at.
  await run(WARMUP);
  gc();
  await run(calls);
  gc();
  await Promise.all([built.close(), closeTransport()]);
}

/** Instructions counted by callgrind for one child process. */
function count(name: string, caseName: string, concurrency: number, calls: number, origin: string, customerId: string): Promise<number> {
  const args = ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--expose-gc', __filename, 'child', name, caseName, String(concurrency), String(calls), origin, customerId];
  return new Promise((resolve, reject) => {
    const proc = spawn('valgrind', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    proc.on('exit', (code) => {
      const collected = stderr.match(/Collected : (\d+)/);
      if (code === 0 && collected) resolve(Number(collected[1]));
      else reject(new Error(`valgrind ${name} ${caseName}-${concurrency} exited ${code}:\n${stderr.slice(-2000)}`));
    });
  });
}

async function main(): Promise<void> {
  if (spawnSync('valgrind', ['--version']).status !== 0) throw new Error('valgrind is not installed (apt-get install valgrind)');
  const server = await startServer();
  const load = loadavg();
  const started = Date.now();
  try {
    const only = process.env.BENCH_ONLY?.split(',');
    const selectedCases = (process.env.BENCH_CASES ?? 'list-1,list-64').split(',');
    const built = contenders(server.origin, server.customerId);
    await built.close();
    const all = built.all.filter((c) => !only || only.includes(c.name));
    const runs = CASES.flatMap((c) => CONCURRENCIES.map((concurrency) => ({ ...c, concurrency, key: `${c.name}-${concurrency}` }))).filter(
      (run) => selectedCases.includes(run.key),
    );
    const samples = new Map<string, number[]>();
    for (let repetition = 0; repetition < REPETITIONS; repetition++) {
      for (const run of runs) {
        for (let i = 0; i < all.length; i++) {
          const contender = all[(i + repetition) % all.length]!;
          const low = await count(contender.name, run.name, run.concurrency, LOW, server.origin, server.customerId);
          const high = await count(contender.name, run.name, run.concurrency, HIGH, server.origin, server.customerId);
          const key = `${run.key}/${contender.name}`;
          samples.set(key, [...(samples.get(key) ?? []), (high - low) / (HIGH - LOW)]);
          process.stderr.write(`${key}: ${((high - low) / (HIGH - LOW) / 1000).toFixed(0)} k instructions per call\n`);
        }
      }
    }

    const rows: string[] = [];
    for (const run of runs) {
      const anchor = samples.get(`${run.key}/stripe-node`);
      for (const c of all) {
        const s = samples.get(`${run.key}/${c.name}`)!;
        const k = (n: number) => (n / 1000).toFixed(0);
        rows.push(
          `| ${run.title} | ${run.concurrency} | ${c.title} | ${k(median(s))} (${k(Math.min(...s))}–${k(Math.max(...s))}) | ${anchor ? `${(median(s) / median(anchor)).toFixed(2)}x` : '–'} |`,
        );
      }
    }
    const report = [
      '# Client per call: instructions',
      '',
      `Run ${new Date().toISOString()}, node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'}), load average at start ${load.map((l) => l.toFixed(1)).join(' ')}, ${((Date.now() - started) / 60_000).toFixed(0)} min.`,
      `\`node dist/bench/client-instructions.js\`${QUICK ? ' (BENCH_QUICK=1)' : ''}: each client process under \`valgrind --tool=callgrind\`; per call = (instructions of ${HIGH} calls - of ${LOW} calls) / ${HIGH - LOW},`,
      `both after ${WARMUP} warm-up calls. ${REPETITIONS} repetitions, contenders in a rotated order; medians (range in brackets). All threads of the client process, user space.`,
      '',
      '| case | concurrency | client | k instructions/call | vs stripe-node |',
      '| --- | ---: | --- | ---: | ---: |',
      ...rows,
      '',
    ].join('\n');
    process.stdout.write(report);
    if (!QUICK && !only) {
      mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
      writeFileSync(join(ROOT, 'bench', 'results', 'client-instructions.md'), report);
    }
  } finally {
    server.stop();
  }
}

const fail = (error: unknown): void => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
};
if (process.argv[2] === 'child') {
  const [, , , name, caseName, concurrency, calls, origin, customerId] = process.argv;
  child(name as Contender['name'], caseName as CaseName, Number(concurrency), Number(calls), origin!, customerId!).catch(fail);
} else {
  main().catch(fail);
}
