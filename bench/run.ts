/**
 * `npm run bench` and `npm run bench:quick`: the benchmarks, one after another, each in a node process
 * of its own (so one step's heap, sockets and JIT state never colour the next). A step whose compiled
 * file is absent is skipped and said so; a new benchmark joins by adding its name to STEPS.
 *
 * Every step reads `BENCH_QUICK=1` (set here by `--quick`) as "short run, print the tables, write no
 * result file", and otherwise writes its tables to bench/results/<step>.md. Selected steps only:
 * `node dist/bench/run.js client import-time`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** In order; each is dist/bench/<name>.js. */
const STEPS = ['client', 'import-time', 'trigger-round', 'backlog'];

function main(): void {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const chosen = args.filter((arg) => !arg.startsWith('--'));
  const unknown = chosen.filter((name) => !STEPS.includes(name));
  if (unknown.length) {
    process.stderr.write(`unknown benchmark ${unknown.join(', ')}; the steps are ${STEPS.join(', ')}\n`);
    process.exit(2);
  }
  const env = { ...process.env, ...(quick ? { BENCH_QUICK: '1' } : {}) };
  for (const step of STEPS.filter((name) => !chosen.length || chosen.includes(name))) {
    const file = join(__dirname, `${step}.js`);
    if (!existsSync(file)) {
      process.stdout.write(`\n== ${step}: not present (no bench/${step}.ts), skipped\n`);
      continue;
    }
    process.stdout.write(`\n== ${step}${quick ? ' (quick)' : ''}\n`);
    const started = Date.now();
    const result = spawnSync(process.execPath, ['--expose-gc', file], { stdio: 'inherit', env });
    process.stdout.write(`== ${step}: ${result.status === 0 ? 'done' : `failed (exit ${result.status ?? result.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    if (result.status !== 0) process.exitCode = 1;
  }
}

main();
