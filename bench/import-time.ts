/**
 * What importing the package costs a host, each case in a fresh node process (the time around the
 * import alone, not node's own start), the cases alternated round by round so machine noise hits
 * every one alike, medians of the rounds. The target: the main entry point in at most 150 ms.
 *
 *   - require / import of the main entry, as a host that only runs actions meets it;
 *   - the same plus a first action (create_customer against the emulator): what that host pays
 *     before its first result, its group's schemas and the transport included;
 *   - what the main entry used to load at import (every action group and trigger definition, BullMQ,
 *     ioredis, axios, undici, pino, qs), for comparison in the same run;
 *   - node loading zod alone, the floor any schema costs.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startEmulator } from '../emulator';
import { QUICK, median } from './stats';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 2 : 15));
const TARGET_MS = 150;
const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

interface Case {
  name: string;
  /** Code run in the child; it prints the milliseconds it measured. */
  code: (emulatorUrl: string) => string;
  module?: boolean;
}

const timed = (body: string) => `const t0 = performance.now(); ${body} process.stdout.write(String(performance.now() - t0));`;

const CASES: Case[] = [
  { name: "require('stripe-connector')", code: () => timed(`require('stripe-connector');`) },
  { name: "import('stripe-connector') (ES module)", module: true, code: () => timed(`await import('stripe-connector');`) },
  {
    name: 'require, then a first create_customer (schemas of its group, axios, undici)',
    code: (url) =>
      `(async () => { ${timed(`const c = require('stripe-connector'); const client = c.createClient({ secret_key: 'sk_test_benchImport123' }, { apiBase: ${JSON.stringify(url)} }); await c.runAction('create_customer', { email: 'bench@example.com' }, { client }); await c.closeTransport();`)} })()`,
  },
  {
    name: 'what the entry used to load at import: every action group and trigger definition, BullMQ, ioredis, axios, undici, pino, qs',
    code: () => timed(`const c = require('stripe-connector'); c.listActions(); c.listTriggers(); for (const m of ['bullmq', 'ioredis', 'axios', 'undici', 'pino', 'qs']) require(m);`),
  },
  { name: "node loading zod alone (the floor of any schema)", code: () => timed(`require('zod');`) },
];

async function once(c: Case, url: string): Promise<number> {
  const args = c.module ? ['--input-type=module', '-e', c.code(url)] : ['-e', c.code(url)];
  const { stdout } = await run(process.execPath, args, { cwd: ROOT });
  return Number(stdout);
}

async function main(): Promise<void> {
  const emulator = await startEmulator();
  const samples = CASES.map(() => [] as number[]);
  try {
    // One warm-up pass fills the OS file cache, as on a host that has started before.
    for (const c of CASES) await once(c, emulator.url);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, c] of CASES.entries()) samples[i]!.push(await once(c, emulator.url));
    }
  } finally {
    await emulator.close();
  }
  const medians = samples.map(median);
  const eager = medians[3]!;
  const rows = CASES.map((c, i) => {
    const s = samples[i]!;
    return `| ${c.name} | ${medians[i]!.toFixed(0)} | ${Math.min(...s).toFixed(0)}-${Math.max(...s).toFixed(0)} | ${(medians[i]! / eager).toFixed(2)}x |`;
  });
  const main = medians[0]!;
  const esm = medians[1]!;
  const verdict =
    Math.max(main, esm) <= TARGET_MS
      ? `The main entry point imports in ${main.toFixed(0)} ms (CommonJS) and ${esm.toFixed(0)} ms (ES module): within the ${TARGET_MS} ms target.`
      : `The main entry point imports in ${main.toFixed(0)} ms (CommonJS) and ${esm.toFixed(0)} ms (ES module): over the ${TARGET_MS} ms target by ${(Math.max(main, esm) - TARGET_MS).toFixed(0)} ms.`;
  const report = `# Import time

Run ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'}); \`npm run bench\`
(\`node dist/bench/import-time.js\`, BENCH_ROUNDS=${ROUNDS}). Each case runs in a fresh node process and
times only its own code (node's start is not counted), the cases alternated round by round after one
warm-up pass; medians of ${ROUNDS} rounds, with the range seen.

| case | median ms | range ms | vs the old load at import |
| --- | ---: | ---: | ---: |
${rows.join('\n')}

${verdict} Importing loads no schema and none of axios, undici, pino, zod, BullMQ, ioredis or the MCP SDK
(\`test/package.test.ts\` checks that on the installed tarball); a first action pays for its own group's
schemas and the transport, not for all 125 actions.
`;
  process.stdout.write(report);
  if (QUICK) return;
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'import-time.md'), report);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
