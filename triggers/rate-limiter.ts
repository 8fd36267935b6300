/**
 * Keeps each Stripe account under its rate limit across every worker: a token bucket in Redis,
 * refilled and taken atomically by one Lua script using the server's clock (so machines with skewed
 * clocks agree). Keyed by a hash of the account: the resolver's `account_id` when it gives one (so a
 * restricted and a secret key of one account share a bucket), else the Stripe-Account id when acting
 * on a connected account, else a SHA-256 of the key. The key itself never reaches Redis.
 *
 * A 429 pushes the account's bucket forward (`penalize`): every worker's next token for that account
 * waits until Retry-After (or a default cool-down) has passed, not only the worker that got the 429.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisClient } from './redis';
import type { ConnectionConfig } from '../client/connection';
import type { TriggerKeys } from './keys';
import { LuaScript } from './lua';

/** Stripe's documented limits: about 25 requests/s in test mode, 100 in live mode. */
export const DEFAULT_RATE_LIMITS = { test: 25, live: 100 } as const;

// KEYS[1] bucket; ARGV: refill per second, capacity. Returns 0 when a token was taken, else ms to wait.
// `until` (server ms) is set by PENALIZE: no token before it.
const TAKE = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[1])
local cap = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts', 'until')
local blocked = tonumber(b[3]) or 0
if now < blocked then return blocked - now end
local tokens = tonumber(b[1]) or cap
local ts = tonumber(b[2]) or now
if ts < blocked then ts = blocked end
tokens = math.min(cap, tokens + math.max(0, now - ts) * rate / 1000)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
local ttl = math.ceil(cap * 1000 / rate) + 1000
if blocked > now then ttl = ttl + blocked - now end
redis.call('PEXPIRE', KEYS[1], ttl)
return wait
`);

// KEYS[1] bucket; ARGV[1] ms from now. No token before then (a later push wins); the bucket restarts empty.
// Returns the ms until the bucket opens.
const PENALIZE = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local old = tonumber(redis.call('HGET', KEYS[1], 'until')) or 0
if old > untilMs then untilMs = old end
redis.call('HSET', KEYS[1], 'until', tostring(untilMs), 'tokens', '0', 'ts', tostring(untilMs))
redis.call('PEXPIRE', KEYS[1], untilMs - now + 60000)
return untilMs - now
`);

export interface RateLimiterOptions {
  /** Requests per second per account. Default 25 in test mode, 100 in live mode (Stripe's limits). */
  limits?: { test?: number; live?: number };
  /**
   * Requests that may go at once after a quiet spell (the bucket's capacity). Default a fifth of the
   * rate (5 test, 20 live; at least 1), so the few requests of one poll do not wait for each other.
   * The bucket refills at `rate - burst + 1` per second, so no wall-clock second ever sees more than
   * rate + 1 (Stripe counts per second; a full bucket at a second's end plus a refill at the full
   * rate could reach rate + burst). The cost: a long walk of one account is paced at that refill rate.
   */
  burst?: number;
}

/** The account's bucket is closed for longer than the caller wants to wait in-process. */
export class RateLimitDeferredError extends Error {
  constructor(
    readonly waitMs: number,
    readonly retryAt: number = Date.now() + waitMs,
  ) {
    super(`the Stripe account is rate limited for another ${Math.ceil(waitMs / 1000)} s; the poll ends and runs again then`);
    this.name = 'RateLimitDeferredError';
  }
}

/** What to key the bucket by: the connection plus, optionally, the host's id for the Stripe account. */
export type RateLimitSubject = Pick<ConnectionConfig, 'secret_key' | 'stripe_account'> & { account_id?: string };

/** A stable, non-reversible name for the account a connection acts on. */
export function accountHash(connection: RateLimitSubject, namespace = 'stripe-connector-rate'): string {
  const subject = connection.account_id
    ? `id:${connection.account_id}${connection.stripe_account ? `/${connection.stripe_account}` : ''}`
    : connection.stripe_account
      ? `acct:${connection.stripe_account}`
      : `key:${connection.secret_key}`;
  return createHash('sha256').update(`${namespace}:${subject}`).digest('hex').slice(0, 24);
}

export class AccountRateLimiter {
  /** Per mode: the bucket's capacity and its refill per second (see RateLimiterOptions.burst). */
  private readonly buckets: Record<'test' | 'live', { capacity: string; refill: string }>;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: TriggerKeys,
    options: RateLimiterOptions = {},
  ) {
    const bucket = (rate: number) => {
      const capacity = Math.max(1, Math.min(rate, Math.floor(options.burst ?? rate / 5)));
      return { capacity: String(capacity), refill: String(rate - capacity + 1) };
    };
    this.buckets = {
      test: bucket(options.limits?.test ?? DEFAULT_RATE_LIMITS.test),
      live: bucket(options.limits?.live ?? DEFAULT_RATE_LIMITS.live),
    };
  }

  /**
   * Waits until the account may send one more request. With `maxWaitMs`, a wait longer than that
   * (a bucket pushed forward by a 429) throws RateLimitDeferredError instead of sleeping.
   */
  async acquire(account: string, mode: 'test' | 'live', options: { maxWaitMs?: number } = {}): Promise<void> {
    const { capacity, refill } = this.buckets[mode];
    for (;;) {
      const wait = Number(await TAKE.run(this.redis, 1, this.keys.rate(account), refill, capacity));
      if (wait <= 0) return;
      if (options.maxWaitMs !== undefined && wait > options.maxWaitMs) throw new RateLimitDeferredError(wait);
      await sleep(wait);
    }
  }

  /** No token for this account, on any worker, for the next `ms` (a 429's Retry-After). Returns the ms until it opens. */
  async penalize(account: string, ms: number): Promise<number> {
    return Number(await PENALIZE.run(this.redis, 1, this.keys.rate(account), String(Math.max(0, Math.ceil(ms)))));
  }
}
