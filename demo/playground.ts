/**
 * `npm run playground`: the project's emulator, a Redis (REDIS_URL, or a redis-server of our own),
 * and the playground on both, connected with an emulator key. Ctrl-C stops all three.
 */
import { randomBytes } from 'node:crypto';
import { startEmulator } from '../emulator';
import { startPlayground } from '../connector/playground/server';
import { demoRedis } from './redis';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? undefined : process.argv[at + 1];
}

async function main(): Promise<void> {
  const emulator = await startEmulator();
  const redis = await demoRedis();
  // The emulator takes any well-formed test key; a random one, never printed.
  const secretKey = `sk_test_playground${randomBytes(12).toString('hex')}`;
  const playground = await startPlayground({
    port: Number(option('port') ?? 4242),
    host: option('host') ?? '127.0.0.1',
    apiBase: emulator.url,
    redisUrl: redis.url,
    secretKey,
  });
  console.log(`Stripe emulator on ${emulator.url}; Redis on ${redis.url}`);
  console.log(`Playground on ${playground.url} (connected to the emulator with a test key; Ctrl-C stops it)`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await playground.close();
  await redis.stop();
  await emulator.close();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
