/**
 * A throwaway Redis Cluster for tests: `masters` redis-servers in cluster mode on free loopback ports
 * (no persistence, one temp dir), joined by `redis-cli --cluster create` with no replicas. stop()
 * quits the clients it made, stops the servers and removes the dir.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { freePort } from './triggers';

const execFileAsync = promisify(execFile);

export interface ClusterMaster {
  port: number;
  url: string;
  /** The slot ranges it serves, [first, last] inclusive. */
  slots: Array<[number, number]>;
}

export interface TestRedisCluster {
  masters: ClusterMaster[];
  /** The seed URLs, one per master (what REDIS_URL lists with REDIS_CLUSTER=1). */
  urls: string[];
  /** A unique `{hash tag}` prefix for this test file. */
  prefix: string;
  /** A new cluster client (maxRetriesPerRequest null); quit by stop(). */
  client(): Cluster;
  /** A plain connection to one master (DBSIZE, SCAN, CLUSTER KEYSLOT); quit by stop(). */
  node(master: ClusterMaster): Redis;
  /** The master serving a slot. */
  masterOf(slot: number): ClusterMaster;
  stop(): Promise<void>;
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`redis cluster: timed out waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * A node also listens on its cluster bus port, port + 10000 (Redis 7's --cluster-port could move it,
 * Redis 6 has none): that one must be free and in range too.
 */
async function busPortFree(port: number): Promise<boolean> {
  if (port + 10_000 > 65_535) return false;
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port + 10_000, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function startTestRedisCluster(masters = 3): Promise<TestRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'sc-redis-cluster-'));
  const procs: ChildProcess[] = [];
  const clients: Array<Redis | Cluster> = [];
  const track = <T extends Redis | Cluster>(client: T): T => {
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  };
  const stop = async () => {
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            p.once('exit', () => resolve());
            p.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const dataPorts: number[] = [];
    while (dataPorts.length < masters) {
      const port = await freePort();
      if (!dataPorts.includes(port) && (await busPortFree(port))) dataPorts.push(port);
    }
    dataPorts.forEach((port) => {
      const proc = spawn(
        'redis-server',
        [
          '--port', String(port),
          '--bind', '127.0.0.1',
          '--cluster-enabled', 'yes',
          '--cluster-config-file', join(dir, `nodes-${port}.conf`),
          '--cluster-node-timeout', '5000',
          '--save', '',
          '--appendonly', 'no',
          '--maxmemory-policy', 'noeviction',
          '--dir', dir,
        ],
        { stdio: 'ignore' },
      );
      procs.push(proc);
    });
    const probes = dataPorts.map((port) => track(new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 100 })));
    await waitFor(async () => (await Promise.all(probes.map((p) => p.ping()))).every((r) => r === 'PONG'), 'the servers to answer');
    await execFileAsync('redis-cli', ['--cluster', 'create', ...dataPorts.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    await waitFor(
      async () => (await Promise.all(probes.map((p) => p.cluster('INFO') as Promise<string>))).every((info) => /cluster_state:ok/.test(info)),
      'cluster_state:ok on every node',
    );
    const slots = await probes[0]!.cluster('SLOTS');
    const list: ClusterMaster[] = dataPorts.map((port) => ({
      port,
      url: `redis://127.0.0.1:${port}`,
      slots: slots.filter((s) => s[2]?.[1] === port).map((s) => [s[0], s[1]] as [number, number]),
    }));
    const prefix = `{sc-cluster-${process.pid}-${Math.random().toString(36).slice(2, 8)}}`;
    return {
      masters: list,
      urls: list.map((m) => m.url),
      prefix,
      client: () => track(new Cluster(dataPorts.map((port) => ({ host: '127.0.0.1', port })), { redisOptions: { maxRetriesPerRequest: null } })),
      node: (master) => track(new Redis({ host: '127.0.0.1', port: master.port, maxRetriesPerRequest: null })),
      masterOf: (slot) => {
        const found = list.find((m) => m.slots.some(([first, last]) => slot >= first && slot <= last));
        if (!found) throw new Error(`no master serves slot ${slot}`);
        return found;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
