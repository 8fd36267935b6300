/**
 * The Redis the triggers talk to: one server (an ioredis `Redis`) or a Redis Cluster (an ioredis
 * `Cluster`). Every key a Lua script or MULTI touches shares one shard's `{hash tag}` (keys.ts,
 * shards.ts), so both work the same; the only difference is how a connection is opened.
 */
import type { Cluster, ClusterNode, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { ioredis } from './queue-libs';

/** A connection to one Redis or to a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/**
 * A Redis Cluster by its seed nodes (`redis://host:port` or `rediss://` URLs, or `{ host, port }`):
 * ioredis finds the other masters itself. `options` are ioredis ClusterOptions (`redisOptions` for
 * each node's connection: password, tls; `dnsLookup`, `natMap` for managed clusters behind TLS or NAT).
 */
export interface RedisClusterConnection {
  cluster: ClusterNode[];
  options?: ClusterOptions;
}

/** Every way a worker (or the CLI) can be told where Redis is. */
export type RedisConnectionSpec = string | RedisOptions | Redis | Cluster | RedisClusterConnection;

export function isRedisCluster(client: unknown): client is Cluster {
  return client instanceof ioredis().Cluster;
}

function isClusterSpec(spec: RedisConnectionSpec): spec is RedisClusterConnection {
  return typeof spec === 'object' && spec !== null && Array.isArray((spec as RedisClusterConnection).cluster);
}

/**
 * A new connection of the caller's own (it quits it), from any spec, with `overrides` applied to
 * each node's options (a worker passes `maxRetriesPerRequest: null`, which BullMQ requires) and
 * `clusterOverrides` to a cluster's own. A given instance is duplicated, never shared.
 */
export function openRedis(spec: RedisConnectionSpec, overrides: RedisOptions = {}, clusterOverrides: ClusterOptions = {}): RedisClient {
  const { Redis, Cluster } = ioredis();
  if (spec instanceof Cluster) {
    return spec.duplicate(undefined, { ...clusterOverrides, redisOptions: { ...spec.options.redisOptions, ...overrides } });
  }
  if (spec instanceof Redis) return spec.duplicate(overrides);
  if (typeof spec === 'string') return new Redis(spec, overrides);
  if (isClusterSpec(spec)) {
    if (spec.cluster.length === 0) throw new Error('connection.cluster: give at least one seed node of the Redis Cluster');
    const options = spec.options ?? {};
    return new Cluster(spec.cluster, { ...options, ...clusterOverrides, redisOptions: { ...options.redisOptions, ...overrides } });
  }
  return new Redis({ ...spec, ...overrides });
}

/**
 * The CLI's connection, from the environment: `REDIS_URL` (default redis://127.0.0.1:6379) is one
 * server; with `REDIS_CLUSTER=1` it is a comma-separated list of the cluster's seed nodes (a managed
 * cluster's configuration endpoint alone is enough). `rediss://` turns TLS on for every node, and the
 * node names are then used as given (no DNS lookup by ioredis, so certificates match their names).
 */
export function redisSpecFromEnv(env: NodeJS.ProcessEnv = process.env): string | RedisClusterConnection {
  const urls = (env.REDIS_URL || 'redis://127.0.0.1:6379')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  const cluster = env.REDIS_CLUSTER ?? '';
  if (!/^(|0|1|true|false)$/.test(cluster)) throw new RedisEnvError('REDIS_CLUSTER', 'expected 1 (a Redis Cluster) or 0');
  for (const url of urls) {
    if (!/^rediss?:\/\//.test(url)) throw new RedisEnvError('REDIS_URL', `expected redis:// or rediss:// URLs, got ${JSON.stringify(redactUrl(url))}`);
  }
  if (cluster !== '1' && cluster !== 'true') {
    if (urls.length !== 1) throw new RedisEnvError('REDIS_URL', `lists ${urls.length} URLs: set REDIS_CLUSTER=1 for a Redis Cluster, or give one URL`);
    return urls[0]!;
  }
  const tls = urls.some((u) => u.startsWith('rediss://'));
  const first = new URL(urls[0]!);
  const password = first.password ? decodeURIComponent(first.password) : undefined;
  const username = first.username ? decodeURIComponent(first.username) : undefined;
  return {
    cluster: urls.map((u) => {
      const url = new URL(u);
      return { host: url.hostname, port: Number(url.port || 6379) };
    }),
    options: {
      redisOptions: { ...(password ? { password } : {}), ...(username ? { username } : {}), ...(tls ? { tls: {} } : {}) },
      ...(tls ? { dnsLookup: (address: string, callback: (error: Error | null, address: string) => void) => callback(null, address) } : {}),
    },
  };
}

/** A bad REDIS_* variable: names it. */
export class RedisEnvError extends Error {
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${field}: ${detail}`);
    this.name = 'RedisEnvError';
  }
}

/** A URL as an error may quote it: without its password. */
function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}
