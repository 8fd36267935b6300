/**
 * Keeps each Stripe account under its rate limit across every worker: a token bucket in Redis,
 * refilled and taken atomically by one Lua script using the server's clock (so machines with skewed
 * clocks agree). Keyed by a hash of the account: the Stripe-Account id when acting on a connected
 * account, else a SHA-256 of the key. The key itself never reaches Redis.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { ConnectionConfig } from '../connector/connection';
import type { TriggerKeys } from './keys';

/** Stripe's documented limits: about 25 requests/s in test mode, 100 in live mode. */
export const DEFAULT_RATE_LIMITS = { test: 25, live: 100 } as const;

// KEYS[1] bucket; ARGV: rate per second, capacity. Returns 0 when a token was taken, else ms to wait.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[1])
local cap = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1]) or cap
local ts = tonumber(b[2]) or now
tokens = math.min(cap, tokens + (now - ts) * rate / 1000)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(cap * 1000 / rate) + 1000)
return wait
`;

export interface RateLimiterOptions {
  /** Requests per second per account. Default 25 in test mode, 100 in live mode (Stripe's limits). */
  limits?: { test?: number; live?: number };
  /**
   * Requests that may go at once after a quiet spell. Default 1: requests are spaced 1/rate apart, so
   * no wall-clock second ever sees more than rate + 1 (Stripe counts per second; a full-size burst
   * at a second's end plus the refill could reach twice the rate).
   */
  burst?: number;
}

/** A stable, non-reversible name for the account a connection acts on. */
export function accountHash(connection: ConnectionConfig): string {
  const subject = connection.stripe_account ? `acct:${connection.stripe_account}` : `key:${connection.secret_key}`;
  return createHash('sha256').update(`stripe-connector-rate:${subject}`).digest('hex').slice(0, 24);
}

export class AccountRateLimiter {
  private readonly limits: { test: number; live: number };
  private readonly burst: number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: TriggerKeys,
    options: RateLimiterOptions = {},
  ) {
    this.burst = Math.max(1, options.burst ?? 1);
    this.limits = { test: options.limits?.test ?? DEFAULT_RATE_LIMITS.test, live: options.limits?.live ?? DEFAULT_RATE_LIMITS.live };
  }

  /** Waits until the account may send one more request. */
  async acquire(account: string, mode: 'test' | 'live'): Promise<void> {
    const rate = this.limits[mode];
    for (;;) {
      const wait = Number(await this.redis.eval(TAKE, 1, this.keys.rate(account), String(rate), String(this.burst)));
      if (wait <= 0) return;
      await sleep(wait);
    }
  }
}
