/**
 * A Redis for tests: our own `redis-server` on a free port in a temp dir (append-only, no RDB
 * snapshots), restartable on the same dir and port; or, with REDIS_URL set, that Redis under a unique
 * key prefix. A Redis we did not start is never flushed: the tests only delete keys under their prefix.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { freePort } from './triggers';

export interface TestRedis {
  url: string;
  /** A unique `{hash tag}` prefix for this test file. */
  prefix: string;
  /** True when this is our own redis-server (restartable, flushable). */
  owned: boolean;
  /** A new client (maxRetriesPerRequest null); closed by stop(). */
  client(): Redis;
  /** Stops and starts our redis-server on the same dir and port (append-only file kept). */
  restart(): Promise<void>;
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Deletes this prefix's keys (never FLUSHALL on a Redis we did not start). */
  clearPrefix(): Promise<void>;
  stop(): Promise<void>;
}

async function waitForPing(url: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') {
        probe.disconnect();
        return;
      }
    } catch {
      // not up yet
    }
    probe.disconnect();
    if (Date.now() > deadline) throw new Error(`redis at ${url} did not answer`);
    await sleep(50);
  }
}

export async function startTestRedis(): Promise<TestRedis> {
  const prefix = `{sc-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}}`;
  const clients: Redis[] = [];
  const newClient = (url: string) => {
    const c = new Redis(url, { maxRetriesPerRequest: null });
    clients.push(c);
    return c;
  };
  const clearPrefix = async (url: string) => {
    const c = new Redis(url, { maxRetriesPerRequest: null });
    try {
      let cursor = '0';
      do {
        const [next, keys] = await c.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await c.del(...keys);
      } while (cursor !== '0');
    } finally {
      await c.quit();
    }
  };

  const external = process.env.REDIS_URL;
  if (external) {
    return {
      url: external,
      prefix,
      owned: false,
      client: () => newClient(external),
      restart: async () => {
        throw new Error('cannot restart a Redis this test did not start (unset REDIS_URL)');
      },
      kill: async () => {
        throw new Error('cannot stop a Redis this test did not start');
      },
      start: async () => undefined,
      clearPrefix: () => clearPrefix(external),
      stop: async () => {
        await clearPrefix(external);
        await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
      },
    };
  }

  const dir = mkdtempSync(join(tmpdir(), 'sc-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let proc: ChildProcess | undefined;
  const start = async () => {
    proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction'],
      { stdio: 'ignore' },
    );
    await waitForPing(url);
  };
  const kill = async () => {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  };
  await start();
  return {
    url,
    prefix,
    owned: true,
    client: () => newClient(url),
    restart: async () => {
      await kill();
      await start();
    },
    kill,
    start,
    clearPrefix: () => clearPrefix(url),
    stop: async () => {
      await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every key of one Redis (one cluster node) matching `pattern`: SCAN, never KEYS. */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    out.push(...keys);
  } while (cursor !== '0');
  return out;
}

/** Every key under a prefix with its value, whatever the type (for the no-secret scan). */
export async function dumpPrefix(redis: Redis, prefix: string): Promise<Array<{ key: string; type: string; value: string }>> {
  const out: Array<{ key: string; type: string; value: string }> = [];
  for (const key of await scanKeys(redis, `${prefix}*`)) {
    const type = await redis.type(key);
    let value: unknown;
    switch (type) {
      case 'string':
        value = await redis.get(key);
        break;
      case 'hash':
        value = await redis.hgetall(key);
        break;
      case 'list':
        value = await redis.lrange(key, 0, -1);
        break;
      case 'set':
        value = await redis.smembers(key);
        break;
      case 'zset':
        value = await redis.call('ZRANGE', key, '0', '-1', 'WITHSCORES');
        break;
      case 'stream':
        value = await redis.xrange(key, '-', '+');
        break;
      default:
        value = `<${type}>`;
    }
    out.push({ key, type, value: JSON.stringify(value) });
  }
  return out;
}
