/**
 * Runs the emulator as a process: `node dist/emulator/main.js [--port N] [--host H]
 * [--same-second-order newest_first|oldest_first] [--rate-limit N] [--latency MS] [--no-created-filter]`.
 * `--latency` adds that many ms before every API response (like POST /_emulator/latency; Stripe is far away).
 * Prints one line `{"url":"http://127.0.0.1:N"}` once listening; stops on SIGINT/SIGTERM.
 * Drive it through the control API under /_emulator/.
 */
import { startEmulator } from './index';
import type { EmulatorOptions } from './types';

function parseArgs(argv: string[]): EmulatorOptions & { latencyMs?: number } {
  const options: EmulatorOptions & { latencyMs?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--port':
        options.port = toInt(value(), arg);
        break;
      case '--host':
        options.host = value();
        break;
      case '--same-second-order': {
        const v = value();
        if (v !== 'newest_first' && v !== 'oldest_first') throw new Error(`${arg} takes newest_first or oldest_first`);
        options.sameSecondOrder = v;
        break;
      }
      case '--rate-limit':
        options.rateLimitPerSecond = toInt(value(), arg);
        break;
      case '--latency':
        options.latencyMs = toInt(value(), arg);
        break;
      case '--no-created-filter':
        options.honourCreatedFilter = false;
        break;
      default:
        throw new Error(`unknown argument: ${arg}`);
    }
  }
  return options;
}

function toInt(v: string, arg: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${arg} takes a non-negative integer, got ${v}`);
  return n;
}

async function main(): Promise<void> {
  const { latencyMs, ...options } = parseArgs(process.argv.slice(2));
  const emulator = await startEmulator(options);
  if (latencyMs) emulator.setLatency(latencyMs);
  process.stdout.write(JSON.stringify({ url: emulator.url }) + '\n');
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: Error) => {
  process.stderr.write(`stripe emulator: ${err.message}\n`);
  process.exit(2);
});
