/**
 * Runs one poll of a subscription with everything around it: the per-subscription lock, the host's
 * credentials, a client, the per-account rate limiter, and what a failure does to the subscription's
 * status. Shared by the worker (scheduled polls) and TriggerService.pollNow.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { RedisClient } from './redis';
import { StripeClient, type StripeClientOptions } from '../client/client';
import type { ConnectionConfig } from '../client/connection';
import { StripeAuthenticationError, StripeError, StripePermissionError, maskSecrets } from '../client/errors';
import { silentLogger, type Logger } from '../client/logger';
import { getTrigger } from './catalogue';
import type { TriggerKeys } from './keys';
import { HeldLock } from './lock';
import { Poller, type PollResult, type PollerRunOptions } from './poller';
import { AccountRateLimiter, RateLimitDeferredError, accountHash, type RateLimiterOptions } from './rate-limiter';
import type { EventSink } from './sink';
import { objectsOfEvent } from './webhook-events';
import type { StripeWebhookEvent } from './webhook-types';
import { CursorConflictError, SubscriptionStore } from './store';

/**
 * What the resolver returns: the connection, and optionally `account_id`, the host's id for the Stripe
 * account the key belongs to (e.g. `acct_...`). Given, it names the rate-limit bucket, so a restricted
 * key and a secret key of one account share one; absent, the bucket is keyed by the key (or the
 * Stripe-Account id).
 */
export type ResolvedCredentials = ConnectionConfig & { account_id?: string };

/** The host's credentials for a subscription: called at every poll, so a rotated key takes effect at once. */
export type CredentialResolver = (subscriptionId: string, connectionRef: string) => ResolvedCredentials | Promise<ResolvedCredentials>;

export interface BackoffOptions {
  /** First wait after an authentication/permission failure. Default 30 000 ms. */
  baseMs?: number;
  /** Cap of the doubling waits. Default 3 600 000 ms (1 hour). */
  maxMs?: number;
}

export interface PollRunnerOptions {
  redis: RedisClient;
  keys: TriggerKeys;
  resolveCredentials: CredentialResolver;
  /** Passed to each StripeClient (apiBase for the emulator, retry settings). */
  clientOptions?: StripeClientOptions;
  rateLimits?: RateLimiterOptions['limits'];
  /** Poll lock expiry (renewed while polling). Default 30 000 ms. */
  lockTtlMs?: number;
  backoff?: BackoffOptions;
  /**
   * Longest wait for the account's rate-limit bucket inside a poll (a bucket pushed forward by a
   * 429's Retry-After). Longer: the poll ends with a RateLimitDeferredError (the worker queues the
   * next poll for when the bucket opens) instead of holding a worker slot. Default 5 000 ms.
   */
  maxRateWaitMs?: number;
  /** How long every worker stops sending for an account after a 429 without Retry-After. Default 1 000 ms. */
  rateLimitCooldownMs?: number;
  /**
   * Clients kept for reuse, one per distinct connection the resolver returns (least recently used
   * dropped first). A kept client skips building and validating the connection again. Default 10 000.
   */
  clientCacheSize?: number;
  logger?: Logger;
}

export type PollOutcome =
  | { status: 'polled'; result: PollResult }
  /** Another poll of this subscription holds the lock: this one did nothing. */
  | { status: 'locked' }
  /** Failing and inside its backoff: this scheduled poll did nothing. */
  | { status: 'backoff'; retry_at: number }
  | { status: 'unsubscribed' }
  /** 401/403: marked failing, cursor kept; `retry_at` is when the next attempt is due. */
  | { status: 'failing'; error: Record<string, unknown>; retry_at: number };

export type IngestOutcome = { status: 'ingested'; emitted: number } | { status: 'locked' } | { status: 'unsubscribed' };

export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof StripeError) return { ...error.toJSON(), at: new Date().toISOString() };
  const name = error instanceof RateLimitDeferredError ? error.name : 'Error';
  return { name, message: maskSecrets(error instanceof Error ? error.message : String(error)), at: new Date().toISOString() };
}

/**
 * What a failed poll throws: the original error's name, message and stack with every key-shaped
 * string masked, and nothing else (no `cause`): BullMQ stores a failed job's message and stack in
 * Redis. `retryAt` (ms epoch) is set when the failure says when to try again (a closed rate-limit
 * bucket); `retryable` is false for errors that another attempt will not fix by itself.
 */
export class PollFailedError extends Error {
  readonly retryAt?: number;
  readonly retryable: boolean;
  readonly statusCode?: number;

  constructor(original: unknown) {
    const name = original instanceof Error ? original.name : 'Error';
    super(maskSecrets(original instanceof Error ? original.message : String(original)));
    this.name = `PollFailedError(${name})`;
    this.stack = maskSecrets(original instanceof Error && original.stack ? original.stack : `${this.name}: ${this.message}`);
    if (original instanceof RateLimitDeferredError) this.retryAt = original.retryAt;
    this.retryable = !(original instanceof StripeError) || original.retryable || original.statusCode === 429 || (original.statusCode ?? 0) >= 500;
    if (original instanceof StripeError) this.statusCode = original.statusCode;
  }
}

/** An error (any) as PollFailedError: masked, safe to hand to BullMQ. */
export function maskedError(error: unknown): PollFailedError {
  return error instanceof PollFailedError ? error : new PollFailedError(error);
}

/** A client kept for one connection, with the rate-limit bucket it takes tokens from. */
interface CachedClient {
  client: StripeClient;
  account: string;
}

export class PollRunner {
  readonly store: SubscriptionStore;
  private readonly lockTtlMs: number;
  private readonly limiter: AccountRateLimiter;
  /**
   * Keyed by a SHA-256 of the resolved credentials (never the key itself, even in memory as a map
   * key): a rotated key or another account gets its own client. Insertion order is the LRU order.
   */
  private readonly clients = new Map<string, CachedClient>();
  private readonly clientCacheSize: number;
  private readonly logger: Logger;
  private readonly backoffBase: number;
  private readonly backoffMax: number;
  private readonly maxRateWaitMs: number;
  private readonly cooldownMs: number;

  constructor(private readonly options: PollRunnerOptions) {
    this.store = new SubscriptionStore(options.redis, options.keys);
    this.lockTtlMs = options.lockTtlMs ?? 30_000;
    this.clientCacheSize = Math.max(1, options.clientCacheSize ?? 10_000);
    this.limiter = new AccountRateLimiter(options.redis, options.keys, { limits: options.rateLimits });
    this.logger = options.logger ?? silentLogger;
    this.backoffBase = options.backoff?.baseMs ?? 30_000;
    this.backoffMax = options.backoff?.maxMs ?? 3_600_000;
    this.maxRateWaitMs = options.maxRateWaitMs ?? 5_000;
    this.cooldownMs = options.rateLimitCooldownMs ?? 1_000;
  }

  /**
   * The client options of one poll: a token from the account's bucket before every attempt, retries
   * included; after a 429 the bucket of every worker is pushed to Retry-After (or the cool-down) from
   * the 429, so the client itself does not wait out Retry-After (maxRetryAfterMs 0) and a long wait
   * ends the poll (RateLimitDeferredError) instead of holding a worker slot.
   */
  private clientOptions(account: string, mode: () => 'test' | 'live', log: Logger): StripeClientOptions {
    // The client outlives one poll (it is kept per connection), so its request lines name the account
    // bucket, not a subscription; the poll's own lines carry the subscription id.
    const hostHook = this.options.clientOptions?.beforeAttempt;
    return {
      logger: log,
      ...this.options.clientOptions,
      maxRetryAfterMs: 0,
      beforeAttempt: async (attempt) => {
        const previous = attempt.previous;
        if (previous?.status === 429) {
          const remaining = previous.at + (previous.retryAfterMs ?? this.cooldownMs) - Date.now();
          if (remaining > 0) {
            await this.limiter.penalize(account, remaining);
            log.warn({ wait_ms: remaining }, 'stripe answered 429; every worker pauses this account');
          }
        }
        await this.limiter.acquire(account, mode(), { maxWaitMs: this.maxRateWaitMs });
        await hostHook?.(attempt);
      },
    };
  }

  /** The kept client of these credentials, built (and the connection validated) on first use only. */
  private clientFor(credentials: ResolvedCredentials): CachedClient {
    const { account_id: accountId, ...connection } = credentials;
    const name = createHash('sha256')
      .update(JSON.stringify([connection.secret_key, connection.stripe_account ?? null, connection.api_version ?? null, accountId ?? null]))
      .digest('base64');
    const kept = this.clients.get(name);
    if (kept) {
      this.clients.delete(name); // re-inserted: most recently used
      this.clients.set(name, kept);
      return kept;
    }
    const account = accountHash(credentials);
    let mode: 'test' | 'live' = 'test';
    const client = new StripeClient(connection, this.clientOptions(account, () => mode, this.logger.child({ rate_bucket: account })));
    mode = client.mode;
    const entry = { client, account };
    this.clients.set(name, entry);
    if (this.clients.size > this.clientCacheSize) this.clients.delete(this.clients.keys().next().value!);
    return entry;
  }

  /**
   * One webhook event for one subscription, under its poll lock: the objects the subscription would
   * have listed go through the poll's own emit path (Poller.ingest), so each fires once whichever
   * path meets it first. No Stripe request, no credentials. 'locked': a poll holds the lock (the
   * caller tries again shortly; the poll may well emit the object itself).
   */
  async ingest(subscriptionId: string, event: StripeWebhookEvent, sink: EventSink): Promise<IngestOutcome> {
    const token = randomUUID();
    const began = await this.store.beginPoll(subscriptionId, token, this.lockTtlMs, true, new Date(), false);
    if (began.status === 'unsubscribed' || began.status === 'locked') return { status: began.status };
    if (began.status !== 'began') return { status: 'locked' };
    const { subscription, state } = began;
    const held = new HeldLock(this.options.redis, this.options.keys.lock(subscriptionId), token, this.lockTtlMs);
    const log = this.logger.child({ subscription_id: subscriptionId, trigger: subscription.trigger });
    try {
      const trigger = getTrigger(subscription.trigger);
      const objects = objectsOfEvent(trigger, subscription.options, event);
      const emitted = await new Poller({ store: this.store, sink, logger: log }, subscription, trigger, held).ingest(objects, state);
      if (emitted > 0) log.info({ event_id: event.id, event_type: event.type, emitted }, 'trigger fired from a webhook');
      return { status: 'ingested', emitted };
    } catch (error) {
      if (error instanceof CursorConflictError && error.reason === 'unsubscribed') return { status: 'unsubscribed' };
      throw maskedError(error);
    } finally {
      await held.release().catch(() => undefined);
    }
  }

  /** Backoff after the n-th consecutive failure: base * 2^(n-1), capped. */
  backoffMs(failures: number): number {
    return Math.min(this.backoffMax, this.backoffBase * 2 ** Math.max(0, failures - 1));
  }

  /**
   * One poll. `force` ignores the failing backoff (an explicit poll or the retry job). Transient
   * errors (rate limit or 5xx after the client's retries, network, a closed rate-limit bucket) are
   * recorded and thrown as PollFailedError (masked; `retryAt` set when the bucket says when).
   */
  async run(
    subscriptionId: string,
    sink: EventSink,
    opts: { force?: boolean; onPage?: (pages: number) => void; continuing?: PollerRunOptions['continuing'] } = {},
  ): Promise<PollOutcome> {
    // One round trip: the subscription, its state, the backoff check, the lock and last_poll_at.
    const token = randomUUID();
    const began = await this.store.beginPoll(subscriptionId, token, this.lockTtlMs, opts.force === true, new Date());
    if (began.status !== 'began') return began;
    const { subscription, state } = began;
    const held = new HeldLock(this.options.redis, this.options.keys.lock(subscriptionId), token, this.lockTtlMs);
    const log = this.logger.child({ subscription_id: subscriptionId, trigger: subscription.trigger });
    try {
      const credentials = await this.options.resolveCredentials(subscriptionId, subscription.connection_ref);
      const { client } = this.clientFor(credentials);
      const poller = new Poller(
        {
          store: this.store,
          client,
          sink,
          logger: log,
          onPage: opts.onPage,
          // The last write also ends the poll: success recorded and the lock released, one round trip.
          finish: async (fence, trim, ifSeen) => {
            const unseen = await this.store.trimSeen(subscriptionId, fence, trim, ifSeen, new Date());
            if (unseen.length === 0) held.releasedElsewhere();
            return unseen;
          },
        },
        subscription,
        getTrigger(subscription.trigger),
        held,
      );
      const result = await poller.run({ state, continuing: opts.continuing });
      log.info({ ...result }, 'trigger polled');
      return { status: 'polled', result };
    } catch (error) {
      if (error instanceof CursorConflictError && error.reason === 'unsubscribed') return { status: 'unsubscribed' };
      const described = describeError(error);
      if (error instanceof StripeAuthenticationError || error instanceof StripePermissionError) {
        const failures = (await this.store.consecutiveFailures(subscriptionId)) + 1;
        const retryAt = Date.now() + this.backoffMs(failures);
        await this.store.markFailing(subscriptionId, described, retryAt);
        log.warn({ error: described, retry_at: new Date(retryAt).toISOString() }, 'trigger failing: the key was refused');
        return { status: 'failing', error: described, retry_at: retryAt };
      }
      await this.store.recordError(subscriptionId, described);
      log.warn({ error: described }, 'trigger poll failed; the next poll retries');
      // Masked: BullMQ stores a failed job's message and stack in Redis.
      throw maskedError(error);
    } finally {
      await held.release().catch(() => undefined);
    }
  }
}
