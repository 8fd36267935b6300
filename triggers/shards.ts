/**
 * Sharding: subscriptions spread over N prefixes, each with its own `{hash tag}`, its own trigger keys
 * and its own BullMQ queues, so a Redis Cluster spreads them over its masters while every Lua script
 * and every BullMQ queue keeps its keys in one slot.
 *
 * - One shard (the default) is the unsharded layout: everything under the base prefix, as always.
 * - N > 1: shard i's prefix is the base prefix with its hash tag `{t}` replaced by `{t:i.k}`, k the
 *   smallest number (from 0) that puts the tag's slot in the i-th N-th of the 16,384 cluster slots.
 *   A cluster hands out slots in contiguous ranges (evenly, unless resharded), so N shards land on
 *   min(N, masters) masters, evenly when N is a multiple of the masters.
 * - A subscription's shard: a SHA-256 of its id, mod N. It depends on N, so the shard count is
 *   recorded under the base prefix (`<prefix>:trg:shards`) and a service or worker started with
 *   another count refuses to start (ShardCountMismatchError): changing N needs a migration.
 * - Shared by all shards, under the base prefix: the per-account rate-limit buckets and the CLI's
 *   credential store (single-key commands: any slot will do).
 *
 * The queues and the events sink of each shard: shard-queues.ts.
 */
import { createHash } from 'node:crypto';
import type { TriggerKeys } from './keys';
import type { RedisClient } from './redis';

/** Redis Cluster's slot count. */
export const CLUSTER_SLOTS = 16_384;
/** More shards than this buys nothing (a cluster has far fewer masters) and slows the tag search. */
export const MAX_SHARDS = 256;

const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

/** CRC16-CCITT (XMODEM), the checksum Redis Cluster hashes keys with. */
function crc16(text: string): number {
  let crc = 0;
  for (const byte of Buffer.from(text, 'utf8')) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ byte) & 0xff]!;
  return crc;
}

/** Where a key's hash tag is, by Redis's rule: the first `{`, the first `}` after it, not empty. */
function hashTagSpan(key: string): { start: number; end: number } | undefined {
  const open = key.indexOf('{');
  if (open < 0) return undefined;
  const close = key.indexOf('}', open + 1);
  if (close < 0 || close === open + 1) return undefined;
  return { start: open + 1, end: close };
}

/** The cluster slot of a key, as CLUSTER KEYSLOT computes it. */
export function keySlot(key: string): number {
  const span = hashTagSpan(key);
  return crc16(span ? key.slice(span.start, span.end) : key) % CLUSTER_SLOTS;
}

export function assertShardCount(count: number, field = 'shards'): void {
  if (!Number.isInteger(count) || count < 1 || count > MAX_SHARDS) throw new Error(`${field}: expected a whole number from 1 to ${MAX_SHARDS}, got ${JSON.stringify(count)}`);
}

/** The prefixes of `count` shards derived from `base` (see the file comment); `[base]` for one. */
export function shardPrefixes(base: string, count: number): string[] {
  assertShardCount(count);
  if (count === 1) return [base];
  const span = hashTagSpan(base);
  if (!span) throw new Error(`the Redis prefix ${JSON.stringify(base)} needs a {hash tag} to derive shard prefixes from`);
  const tag = base.slice(span.start, span.end);
  return Array.from({ length: count }, (_, shard) => {
    const low = Math.floor((shard * CLUSTER_SLOTS) / count);
    const high = Math.floor(((shard + 1) * CLUSTER_SLOTS) / count);
    // About `count` candidates each (a range is 1/count of the slots); the bound is never reached.
    for (let k = 0; k < 1_000 * count; k++) {
      const candidate = `${tag}:${shard}.${k}`;
      const slot = crc16(candidate) % CLUSTER_SLOTS;
      if (slot >= low && slot < high) return `${base.slice(0, span.start)}${candidate}${base.slice(span.end)}`;
    }
    throw new Error(`no hash tag found for shard ${shard} of ${count}`);
  });
}

/** A subscription's shard: stable for one shard count (it changes with the count). */
export function shardIndex(subscriptionId: string, count: number): number {
  if (count === 1) return 0;
  return createHash('sha256').update(`stripe-connector-shard:${subscriptionId}`).digest().readUInt32BE(0) % count;
}

/** Which shards a worker serves: all of them, or the given ones (checked, deduplicated, sorted). */
export function servedShards(count: number, serve: readonly number[] | undefined, field = 'serveShards'): number[] {
  if (serve === undefined) return Array.from({ length: count }, (_, i) => i);
  if (!Array.isArray(serve) || serve.length === 0) throw new Error(`${field}: give at least one shard (0 to ${count - 1}), or leave it out to serve all ${count}`);
  for (const shard of serve) {
    if (!Number.isInteger(shard) || shard < 0 || shard >= count) throw new Error(`${field}: ${JSON.stringify(shard)} is not a shard; there are ${count} (0 to ${count - 1})`);
  }
  return [...new Set(serve)].sort((a, b) => a - b);
}

/** A worker's concurrency shared over the BullMQ workers of its shards: an even part each, at least 1. */
export function perShardConcurrency(total: number, shards: number): number {
  return Math.max(1, Math.ceil(total / shards));
}

/** The Redis holds another shard count than this process was started with. */
export class ShardCountMismatchError extends Error {
  constructor(
    readonly stored: number,
    readonly configured: number,
    prefix: string,
  ) {
    super(
      `the subscriptions under ${prefix} are in ${stored} shard${stored === 1 ? '' : 's'}, but this process was started with shards: ${configured}. ` +
        'Start every service, worker and CLI with the same count (REDIS_SHARDS for the CLI); a subscription\'s keys and queues depend on it, ' +
        'so changing it needs a migration (triggers/README.md, "Changing the shard count")',
    );
    this.name = 'ShardCountMismatchError';
  }
}

/**
 * Refuses a shard count other than the one the Redis holds. The first process records its count;
 * a Redis with unsharded subscriptions (written before the record existed) counts as one shard.
 */
export async function checkShardCount(redis: RedisClient, keys: TriggerKeys): Promise<void> {
  const key = keys.shardCountKey();
  const configured = String(keys.shardCount);
  let stored = await redis.get(key);
  if (stored === null) {
    if (keys.shardCount > 1 && (await redis.scard(keys.unshardedSubs())) > 0) stored = '1';
    else if ((await redis.set(key, configured, 'NX')) === 'OK') return;
    else stored = await redis.get(key);
  }
  if (stored !== configured) throw new ShardCountMismatchError(Number(stored), keys.shardCount, keys.prefix);
}
