/**
 * Runs one poll of a subscription with everything around it: the per-subscription lock, the host's
 * credentials, a client, the per-account rate limiter, and what a failure does to the subscription's
 * status. Shared by the worker (scheduled polls) and TriggerService.pollNow.
 */
import type { Redis } from 'ioredis';
import { StripeClient, type StripeClientOptions } from '../connector/client';
import type { ConnectionConfig } from '../connector/connection';
import { StripeAuthenticationError, StripeError, StripePermissionError, maskSecrets } from '../connector/errors';
import { silentLogger, type Logger } from '../connector/logger';
import { getTrigger } from './definitions';
import type { TriggerKeys } from './keys';
import { PollLock } from './lock';
import { Poller, type PollResult } from './poller';
import { AccountRateLimiter, accountHash, type RateLimiterOptions } from './rate-limiter';
import type { EventSink } from './sink';
import { CursorConflictError, SubscriptionStore } from './store';

/** The host's credentials for a subscription: called at every poll, so a rotated key takes effect at once. */
export type CredentialResolver = (subscriptionId: string, connectionRef: string) => ConnectionConfig | Promise<ConnectionConfig>;

export interface BackoffOptions {
  /** First wait after an authentication/permission failure. Default 30 000 ms. */
  baseMs?: number;
  /** Cap of the doubling waits. Default 3 600 000 ms (1 hour). */
  maxMs?: number;
}

export interface PollRunnerOptions {
  redis: Redis;
  keys: TriggerKeys;
  resolveCredentials: CredentialResolver;
  /** Passed to each StripeClient (apiBase for the emulator, retry settings). */
  clientOptions?: StripeClientOptions;
  rateLimits?: RateLimiterOptions['limits'];
  /** Poll lock expiry (renewed while polling). Default 30 000 ms. */
  lockTtlMs?: number;
  backoff?: BackoffOptions;
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

export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof StripeError) return { ...error.toJSON(), at: new Date().toISOString() };
  return { name: 'Error', message: maskSecrets(error instanceof Error ? error.message : String(error)), at: new Date().toISOString() };
}

export class PollRunner {
  readonly store: SubscriptionStore;
  private readonly lock: PollLock;
  private readonly limiter: AccountRateLimiter;
  private readonly logger: Logger;
  private readonly backoffBase: number;
  private readonly backoffMax: number;

  constructor(private readonly options: PollRunnerOptions) {
    this.store = new SubscriptionStore(options.redis, options.keys);
    this.lock = new PollLock(options.redis, options.keys, { ttlMs: options.lockTtlMs });
    this.limiter = new AccountRateLimiter(options.redis, options.keys, { limits: options.rateLimits });
    this.logger = options.logger ?? silentLogger;
    this.backoffBase = options.backoff?.baseMs ?? 30_000;
    this.backoffMax = options.backoff?.maxMs ?? 3_600_000;
  }

  /** Backoff after the n-th consecutive failure: base * 2^(n-1), capped. */
  backoffMs(failures: number): number {
    return Math.min(this.backoffMax, this.backoffBase * 2 ** Math.max(0, failures - 1));
  }

  /**
   * One poll. `force` ignores the failing backoff (an explicit poll or the retry job). Transient
   * errors (rate limit or 5xx after the client's retries, network) are recorded and thrown.
   */
  async run(subscriptionId: string, sink: EventSink, opts: { force?: boolean } = {}): Promise<PollOutcome> {
    const subscription = await this.store.getSubscription(subscriptionId);
    if (!subscription) return { status: 'unsubscribed' };
    const state = await this.store.getState(subscriptionId);
    if (!opts.force && state.status === 'failing' && state.retry_at !== null && state.retry_at > Date.now()) {
      return { status: 'backoff', retry_at: state.retry_at };
    }
    const held = await this.lock.acquire(subscriptionId);
    if (!held) return { status: 'locked' };
    const log = this.logger.child({ subscription_id: subscriptionId, trigger: subscription.trigger });
    try {
      await this.store.markPolled(subscriptionId, new Date());
      const credentials = await this.options.resolveCredentials(subscriptionId, subscription.connection_ref);
      const client = new StripeClient(credentials, { logger: log, ...this.options.clientOptions });
      const account = accountHash(credentials);
      const poller = new Poller(
        { store: this.store, client, sink, logger: log, throttle: () => this.limiter.acquire(account, client.mode) },
        subscription,
        getTrigger(subscription.trigger),
        held,
      );
      const result = await poller.run();
      await this.store.markSuccess(subscriptionId, new Date());
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
      throw error;
    } finally {
      await held.release().catch(() => undefined);
    }
  }
}
