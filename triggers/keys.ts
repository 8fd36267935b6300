/**
 * Where everything lives in Redis. One prefix for our keys and BullMQ's (its `prefix` option, never
 * ioredis `keyPrefix`), with a `{hash tag}` so every key of one shard hashes to one Redis Cluster slot
 * and the Lua scripts (which touch several keys) stay legal on a cluster. With one shard (the
 * default) the shard's prefix is the base prefix; with N, shard i's is derived from it (shards.ts).
 *
 *   <shard>:trg:subs               set    the shard's subscription ids
 *   <shard>:trg:sub:<id>           hash   trigger, options (JSON), connection_ref, every_ms, created_at
 *   <shard>:trg:state:<id>         hash   cursor_id, watermark, version, generation, trimmed_below, baselined,
 *                                         status, last_error, ...
 *   <shard>:trg:seen:<id>          zset   object ids handled recently, scored by `created` (untimed: a sequence)
 *   <shard>:trg:lock:<id>          string the poll lock's token (PX expiry)
 *   <shard>:trg:pending:<id>       zset   undelivered event job ids, in emit order (delivery.ts)
 *   <shard>:<queue>:...            BullMQ's own keys (queues `trigger-polls` and `trigger-events`)
 *   <prefix>:trg:rate:<acct hash>  hash   token bucket of one Stripe account (hash of key/account, never the key)
 *   <prefix>:trg:cred:<ref>        string the CLI's AES-256-GCM sealed connection (credentials.ts)
 *   <prefix>:trg:shards            string the shard count the subscriptions were written with
 *   <prefix>:trg:wh:subs:<ref>     hash   subscription id -> its event types (JSON), for one account's webhook endpoint
 *   <prefix>:trg:wh:refs           set    the refs that have webhook subscriptions (what a receiver's start syncs)
 *   <prefix>:trg:wh:endpoint:<ref> string that account's webhook endpoint and signing secrets, AES-256-GCM sealed
 *   <prefix>:trg:wh:replay:<hash>  string a Stripe-Signature already accepted (expires after the tolerance)
 *   <prefix>:trigger-webhooks:...  BullMQ's keys of the received-webhooks queue (one, unsharded)
 */
import { shardIndex, shardPrefixes } from './shards';

export const DEFAULT_PREFIX = '{stripe-connector}';
export const POLL_QUEUE = 'trigger-polls';
export const EVENT_QUEUE = 'trigger-events';
/** Verified webhook deliveries waiting to be matched to subscriptions (on the base prefix, not sharded). */
export const WEBHOOK_QUEUE = 'trigger-webhooks';

/** Host-chosen subscription ids: safe in Redis keys and BullMQ job ids (no `:`, not all digits). */
const SUBSCRIPTION_ID_PATTERN = /^(?![0-9]+$)[A-Za-z0-9_-]{1,128}$/;

export function assertSubscriptionId(id: string): void {
  if (!SUBSCRIPTION_ID_PATTERN.test(id)) {
    throw new Error(`invalid subscription id ${JSON.stringify(id)}: use 1-128 letters, digits, _ or -, not only digits`);
  }
}

export class TriggerKeys {
  /** Shard i's prefix (`[prefix]` with one shard). */
  readonly shardPrefixes: readonly string[];

  /**
   * `prefix` is the base prefix: the shared keys (rate-limit buckets, credentials, the shard count)
   * and, with one shard, everything. `shardCount` (default 1) is how many shards the subscriptions
   * are spread over.
   */
  constructor(
    readonly prefix: string = DEFAULT_PREFIX,
    readonly shardCount: number = 1,
  ) {
    if (!/\{[^{}]+\}/.test(prefix)) throw new Error(`the Redis prefix ${JSON.stringify(prefix)} needs a {hash tag} (e.g. {stripe-connector})`);
    this.shardPrefixes = shardPrefixes(prefix, shardCount);
  }

  /** The shard a subscription lives in. */
  shardOf(id: string): number {
    return shardIndex(id, this.shardCount);
  }
  /** The prefix of a subscription's shard: its keys and its queues. */
  prefixOf(id: string): string {
    return this.shardPrefixes[this.shardOf(id)]!;
  }

  /** The subscription ids of one shard. */
  subs(shard: number): string {
    return `${this.shardPrefixes[shard]}:trg:subs`;
  }
  /** The subscription ids of the one-shard layout (what a sharded start checks is empty). */
  unshardedSubs(): string {
    return `${this.prefix}:trg:subs`;
  }
  sub(id: string): string {
    return `${this.prefixOf(id)}:trg:sub:${id}`;
  }
  state(id: string): string {
    return `${this.prefixOf(id)}:trg:state:${id}`;
  }
  seen(id: string): string {
    return `${this.prefixOf(id)}:trg:seen:${id}`;
  }
  lock(id: string): string {
    return `${this.prefixOf(id)}:trg:lock:${id}`;
  }
  /** Shared by every shard: one bucket per account, whichever shard its subscriptions are in. */
  rate(accountHash: string): string {
    return `${this.prefix}:trg:rate:${accountHash}`;
  }
  cred(ref: string): string {
    return `${this.prefix}:trg:cred:${ref}`;
  }
  shardCountKey(): string {
    return `${this.prefix}:trg:shards`;
  }
  /** One account's subscriptions with webhook delivery, each with its event types (`ref`: webhookRefOf). */
  webhookSubs(ref: string): string {
    return `${this.prefix}:trg:wh:subs:${ref}`;
  }
  /** Every ref with webhook subscriptions. */
  webhookRefs(): string {
    return `${this.prefix}:trg:wh:refs`;
  }
  /** The account's webhook endpoint record, sealed (webhook-secrets.ts). */
  webhookEndpoint(ref: string): string {
    return `${this.prefix}:trg:wh:endpoint:${ref}`;
  }
  /** A signature already accepted (`hash`: SHA-256 of its timestamp and v1 value). */
  webhookReplay(hash: string): string {
    return `${this.prefix}:trg:wh:replay:${hash}`;
  }
}

/**
 * The events queue's job id for one object of one subscription: deterministic, so BullMQ dedupes
 * re-adds. The generation (new at every reset: subscribe again with another trigger or filters) keeps
 * a re-subscribed id's events from colliding with the old subscription's kept jobs, which BullMQ would
 * silently refuse. State written before generations existed has none: `<subscription>.<object>`.
 */
export function eventJobId(subscriptionId: string, generation: string, objectId: string): string {
  return generation ? `${subscriptionId}.${generation}.${objectId}` : `${subscriptionId}.${objectId}`;
}

/** The subscription an event job id belongs to (the part before the first `.`; ids hold no `.`). */
export function subscriptionOfEventJob(jobId: string): string {
  const dot = jobId.indexOf('.');
  return dot < 0 ? jobId : jobId.slice(0, dot);
}
