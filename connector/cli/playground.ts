/** `stripe-connector playground`: the playground's server until Ctrl-C. */
import { startPlayground } from '../playground/server';
import type { CommandHandler } from './commands';
import { inputError } from './input';

function port(text: string | undefined): number {
  if (text === undefined) return 4242;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65535) throw inputError('port', 'expected a port number 0-65535');
  return value;
}

export const playgroundCommand: CommandHandler = async ({ values }) => {
  const playground = await startPlayground({
    port: port(values.port as string | undefined),
    host: (values.host as string | undefined) ?? '127.0.0.1',
    apiBase: process.env.STRIPE_API_BASE || undefined,
    redisUrl: process.env.REDIS_URL || undefined,
    redisPrefix: process.env.REDIS_PREFIX || undefined,
    secretKey: process.env.STRIPE_SECRET_KEY || undefined,
  });
  process.stderr.write(`Playground on ${playground.url} (Ctrl-C stops it)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await playground.close();
  return 0;
};
