/**
 * Which subscriptions one account's webhook endpoint feeds, each with the event types it needs: a
 * hash per account (`<prefix>:trg:wh:subs:<ref>`, field = subscription id, value = JSON types). The
 * worker reads it once per delivered event to pick the subscriptions to offer the event to, and the
 * endpoint's enabled events are the union of its values.
 */
import type { TriggerKeys } from './keys';
import { accountHash, type RateLimitSubject } from './rate-limiter';
import type { RedisClient } from './redis';
import { unionOfEventTypes } from './webhook-events';

const REF_PATTERN = /^[0-9a-f]{24}$/;

/**
 * The ref of an account's endpoint: a hash of what names the account (the resolver's `account_id`,
 * else the Stripe-Account, else the key), in its own namespace, so the public endpoint URL that
 * carries it shares nothing with the rate-limit buckets. Give `account_id` so a rotated key keeps
 * its endpoint.
 */
export function webhookRefOf(credentials: RateLimitSubject): string {
  return accountHash(credentials, 'stripe-connector-webhook');
}

export function isWebhookRef(ref: string): boolean {
  return REF_PATTERN.test(ref);
}

export class WebhookSubscriptions {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: TriggerKeys,
  ) {}

  /** Adds or updates a subscription's event types; returns the account's union afterwards. */
  async join(ref: string, subscriptionId: string, eventTypes: readonly string[]): Promise<string[]> {
    await this.redis.hset(this.keys.webhookSubs(ref), subscriptionId, JSON.stringify(eventTypes));
    await this.redis.sadd(this.keys.webhookRefs(), ref);
    return this.union(ref);
  }

  /** Removes a subscription; returns the account's union afterwards ([] when none is left). */
  async leave(ref: string, subscriptionId: string): Promise<string[]> {
    await this.redis.hdel(this.keys.webhookSubs(ref), subscriptionId);
    return this.union(ref);
  }

  /** Drops a ref from `refs()` once its endpoint is gone and no subscription joined since. */
  async forgetIfEmpty(ref: string): Promise<void> {
    if ((await this.union(ref)).length === 0) await this.redis.srem(this.keys.webhookRefs(), ref);
  }

  /** Every account with webhook subscriptions (or whose endpoint still awaits its delete). */
  async refs(): Promise<string[]> {
    return (await this.redis.smembers(this.keys.webhookRefs())).sort();
  }

  /** The account's subscriptions and the event types each needs. */
  async members(ref: string): Promise<Map<string, string[]>> {
    const raw = await this.redis.hgetall(this.keys.webhookSubs(ref));
    return new Map(Object.entries(raw).map(([id, types]) => [id, JSON.parse(types) as string[]]));
  }

  /** The subscriptions an event of `type` may concern. */
  async interestedIn(ref: string, type: string): Promise<string[]> {
    const out: string[] = [];
    for (const [id, types] of await this.members(ref)) if (types.includes('*') || types.includes(type)) out.push(id);
    return out;
  }

  async union(ref: string): Promise<string[]> {
    return unionOfEventTypes((await this.members(ref)).values());
  }
}
