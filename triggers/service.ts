/**
 * The host's API for subscriptions: subscribe, unsubscribe, list, status, pollNow. Subscriptions and
 * their state live in Redis; each has one BullMQ Job Scheduler on the polls queue, so any number of
 * workers (createTriggerWorker) share them.
 */
import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { StripeClientOptions } from '../client/client';
import type { Logger } from '../client/logger';
import { getTrigger } from './catalogue';
import { bullmq } from './queue-libs';
import { COMMON_OPTION_NAMES } from './defaults';
import { intervalMs } from './interval';
import { DEFAULT_PREFIX, EVENT_QUEUE, POLL_QUEUE, TriggerKeys, assertSubscriptionId } from './keys';
import { PollRunner, type BackoffOptions, type CredentialResolver, type PollOutcome } from './runner';
import { CollectingSink, QueueSink, type EventSink, type TriggerEvent } from './sink';
import { SubscriptionStore, type PollState, type SubscriptionRecord } from './store';

export interface SubscribeInput {
  /** Chosen by the host: letters, digits, _ and -. Subscribing an existing id updates it. */
  id: string;
  trigger: string;
  /** The trigger's options (filters, every, backfill, lookback_seconds, max_pages). */
  options?: Record<string, unknown>;
  /** The host's name for the connection; handed to the credential resolver. Default 'default'. */
  connection_ref?: string;
}

export interface SubscriptionInfo extends SubscriptionRecord {
  state: PollState;
}

export interface TriggerServiceOptions {
  /** An ioredis connection you own (not closed by `close()`). */
  redis: Redis;
  /** Default `{stripe-connector}`; must contain a {hash tag}. */
  prefix?: string;
  /** Needed by pollNow only. */
  resolveCredentials?: CredentialResolver;
  clientOptions?: StripeClientOptions;
  lockTtlMs?: number;
  backoff?: BackoffOptions;
  rateLimits?: { test?: number; live?: number };
  logger?: Logger;
}

/** Where in its interval a subscription polls: a stable spread from a hash of its id. */
export function scheduleOffsetMs(subscriptionId: string, everyMs: number): number {
  const n = createHash('sha256').update(subscriptionId).digest().readUInt32BE(0);
  return n % everyMs;
}

export interface PollNowOptions {
  /**
   * 'queue' (default): events go to the events queue like a scheduled poll's.
   * 'return': events are only returned (and passed to `onEvents` batch by batch), not queued. They are
   * still recorded as seen: a worker's `onEvent` or webhook never receives them, and no later poll
   * emits them again. Returned events are at-least-once (handed over before their commit).
   */
  deliver?: 'queue' | 'return';
  onEvents?: (events: TriggerEvent[]) => Promise<void> | void;
  /** Told the Stripe list pages read so far, after each one. */
  onPage?: (pages: number) => void;
}

export class TriggerService {
  readonly keys: TriggerKeys;
  readonly store: SubscriptionStore;
  readonly pollQueue: Queue;
  readonly eventQueue: Queue;
  private runner?: PollRunner;

  constructor(private readonly options: TriggerServiceOptions) {
    this.keys = new TriggerKeys(options.prefix ?? DEFAULT_PREFIX);
    this.store = new SubscriptionStore(options.redis, this.keys);
    const queueOpts = { connection: options.redis, prefix: this.keys.prefix };
    const { Queue } = bullmq();
    this.pollQueue = new Queue(POLL_QUEUE, queueOpts);
    this.eventQueue = new Queue(EVENT_QUEUE, queueOpts);
  }

  /** Validates the options, stores the subscription and (re)creates its schedule. Returns it. */
  async subscribe(input: SubscribeInput): Promise<SubscriptionRecord> {
    assertSubscriptionId(input.id);
    const trigger = getTrigger(input.trigger);
    const parsed = trigger.options.safeParse(input.options ?? {});
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ');
      throw new Error(`invalid options for ${trigger.key}: ${detail}`);
    }
    const options = parsed.data as Record<string, any>;
    const everyMs = intervalMs(options.every as string);
    const existing = await this.store.getSubscription(input.id);
    const record: SubscriptionRecord = {
      id: input.id,
      trigger: trigger.key,
      options,
      connection_ref: input.connection_ref ?? existing?.connection_ref ?? 'default',
      every_ms: everyMs,
      created_at: existing?.created_at ?? new Date().toISOString(),
    };
    // A subscription that changes trigger or filters starts over from a new baseline, under a new
    // generation (new event job ids; a poll still running on the old state can no longer commit).
    const sameWalk =
      existing !== undefined &&
      existing.trigger === record.trigger &&
      JSON.stringify(pickFilters(existing.options)) === JSON.stringify(pickFilters(options));
    await this.store.saveSubscription(record, !sameWalk);
    await this.pollQueue.upsertJobScheduler(
      input.id,
      { every: everyMs, offset: scheduleOffsetMs(input.id, everyMs) },
      { name: 'poll', data: { subscription_id: input.id }, opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } },
    );
    // The scheduler's first slot can be up to `every` away: the baseline is taken now.
    if (!sameWalk) await this.requestPoll(input.id);
    return record;
  }

  async unsubscribe(id: string): Promise<boolean> {
    assertSubscriptionId(id);
    await this.pollQueue.removeJobScheduler(id);
    return this.store.deleteSubscription(id);
  }

  async list(): Promise<SubscriptionInfo[]> {
    const out: SubscriptionInfo[] = [];
    for (const id of await this.store.listIds()) {
      const info = await this.status(id);
      if (info) out.push(info);
    }
    return out;
  }

  async status(id: string): Promise<SubscriptionInfo | undefined> {
    const record = await this.store.getSubscription(id);
    if (!record) return undefined;
    return { ...record, state: await this.store.getState(id) };
  }

  /** Asks the workers for a poll now (a one-off job on the polls queue). */
  async requestPoll(id: string, kind: 'now' | 'retry' = 'now'): Promise<void> {
    await this.pollQueue.add(kind, { subscription_id: id }, { jobId: `${kind}-${id}-${Date.now()}`, removeOnComplete: true, removeOnFail: { count: 100 } });
  }

  /** One poll in this process, now (no worker needed); ignores a failing subscription's backoff. */
  async pollNow(id: string, options: PollNowOptions = {}): Promise<{ outcome: PollOutcome; events: TriggerEvent[] }> {
    const runner = this.getRunner();
    const queueSink = new QueueSink(this.eventQueue);
    const collector = new CollectingSink(async (events, context) => {
      if (options.deliver !== 'return') await queueSink.emit(events, context);
      await options.onEvents?.(events);
    });
    const outcome = await runner.run(id, collector as EventSink, { force: true, onPage: options.onPage });
    return { outcome, events: collector.events };
  }

  private getRunner(): PollRunner {
    if (!this.options.resolveCredentials) throw new Error('TriggerService.pollNow needs resolveCredentials');
    this.runner ??= new PollRunner({
      redis: this.options.redis,
      keys: this.keys,
      resolveCredentials: this.options.resolveCredentials,
      clientOptions: this.options.clientOptions,
      lockTtlMs: this.options.lockTtlMs,
      backoff: this.options.backoff,
      rateLimits: this.options.rateLimits,
      logger: this.options.logger,
    });
    return this.runner;
  }

  /** Closes the queues (not the Redis connection you passed). */
  async close(): Promise<void> {
    await Promise.all([this.pollQueue.close(), this.eventQueue.close()]);
  }
}

function pickFilters(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([name]) => !(COMMON_OPTION_NAMES as readonly string[]).includes(name)));
}
