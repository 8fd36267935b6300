/**
 * Where everything lives in Redis. One prefix for our keys and BullMQ's (its `prefix` option, never
 * ioredis `keyPrefix`), with a `{hash tag}` so every key hashes to one Redis Cluster slot and the Lua
 * scripts (which touch several keys) stay legal on a cluster.
 *
 *   <prefix>:trg:subs              set    subscription ids
 *   <prefix>:trg:sub:<id>          hash   trigger, options (JSON), connection_ref, every_ms, created_at
 *   <prefix>:trg:state:<id>        hash   cursor_id, watermark, version, generation, trimmed_below, baselined,
 *                                         status, last_error, ...
 *   <prefix>:trg:seen:<id>         zset   object ids handled recently, scored by `created` (untimed: a sequence)
 *   <prefix>:trg:lock:<id>         string the poll lock's token (PX expiry)
 *   <prefix>:trg:rate:<acct hash>  hash   token bucket of one Stripe account (hash of key/account, never the key)
 *   <prefix>:trg:cred:<ref>        string the CLI's AES-256-GCM sealed connection (credentials.ts)
 *   <prefix>:<queue>:...           BullMQ's own keys (queues `trigger-polls` and `trigger-events`)
 */
export const DEFAULT_PREFIX = '{stripe-connector}';
export const POLL_QUEUE = 'trigger-polls';
export const EVENT_QUEUE = 'trigger-events';

/** Host-chosen subscription ids: safe in Redis keys and BullMQ job ids (no `:`, not all digits). */
const SUBSCRIPTION_ID_PATTERN = /^(?![0-9]+$)[A-Za-z0-9_-]{1,128}$/;

export function assertSubscriptionId(id: string): void {
  if (!SUBSCRIPTION_ID_PATTERN.test(id)) {
    throw new Error(`invalid subscription id ${JSON.stringify(id)}: use 1-128 letters, digits, _ or -, not only digits`);
  }
}

export class TriggerKeys {
  constructor(readonly prefix: string = DEFAULT_PREFIX) {
    if (!/\{[^{}]+\}/.test(prefix)) throw new Error(`the Redis prefix ${JSON.stringify(prefix)} needs a {hash tag} (e.g. {stripe-connector})`);
  }

  subs(): string {
    return `${this.prefix}:trg:subs`;
  }
  sub(id: string): string {
    return `${this.prefix}:trg:sub:${id}`;
  }
  state(id: string): string {
    return `${this.prefix}:trg:state:${id}`;
  }
  seen(id: string): string {
    return `${this.prefix}:trg:seen:${id}`;
  }
  lock(id: string): string {
    return `${this.prefix}:trg:lock:${id}`;
  }
  rate(accountHash: string): string {
    return `${this.prefix}:trg:rate:${accountHash}`;
  }
  cred(ref: string): string {
    return `${this.prefix}:trg:cred:${ref}`;
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
