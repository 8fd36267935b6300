import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

/** The Redis of `npm run demo` and `npm run playground`. */
export interface DemoRedis {
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** REDIS_URL when set; otherwise a throwaway redis-server on a free port, stopped at the end. */
export async function demoRedis(): Promise<DemoRedis> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'stripe-connector-demo-'));
  const port = await freePort();
  const proc: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const failed = new Promise<never>((_, reject) => proc.once('error', (e) => reject(new Error(`cannot start redis-server (${e.message}); install Redis or set REDIS_URL`))));
  const url = `redis://127.0.0.1:${port}`;
  let exited = false;
  proc.once('exit', () => void (exited = true));
  for (let i = 0; ; i++) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    const up = await Promise.race([probe.connect().then(() => probe.ping()), failed]).catch((e: Error) => (e.message.includes('redis-server') ? Promise.reject(e) : undefined));
    probe.disconnect();
    if (up === 'PONG') break;
    if (exited || i > 200) throw new Error('redis-server did not start; install Redis or set REDIS_URL');
    await sleep(50);
  }
  return {
    url,
    stop: async () => {
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

