/**
 * The host's API for subscriptions: subscribe, unsubscribe, list, status, pollNow. Subscriptions and
 * their state live in Redis; each has one BullMQ Job Scheduler on the polls queue of its shard, so any
 * number of workers (createTriggerWorker) share them.
 */
import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { StripeClientOptions } from '../client/client';
import type { Logger } from '../client/logger';
import { getTrigger, parseTriggerOptions } from './catalogue';
import { COMMON_OPTION_NAMES } from './defaults';
import { intervalMs } from './interval';
import { FailedEvents } from './failed-events';
import { DEFAULT_PREFIX, EVENT_QUEUE, POLL_QUEUE, TriggerKeys, assertSubscriptionId, subscriptionOfEventJob } from './keys';
import type { RedisClient } from './redis';
import { PollRunner, type BackoffOptions, type CredentialResolver, type PollOutcome } from './runner';
import { ShardQueues, ShardedQueueSink } from './shard-queues';
import { ShardCountMismatchError, checkShardCount } from './shards';
import { CollectingSink, type EventSink, type TriggerEvent } from './sink';
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
  /** An ioredis connection you own (not closed by `close()`): a `Redis`, or a `Cluster` for a Redis Cluster. */
  redis: RedisClient;
  /** Default `{stripe-connector}`; must contain a {hash tag}. */
  prefix?: string;
  /**
   * How many shards the subscriptions are spread over, each with its own `{hash tag}` prefix and its
   * own queues (shards.ts), so a Redis Cluster spreads them over its masters. Default 1 (everything
   * under `prefix`, the layout of earlier versions). Every service, worker and CLI on one Redis must
   * use the same count: the first one records it, and the others refuse to start with another.
   */
  shards?: number;
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
  private readonly queues: ShardQueues;
  private readonly sink: EventSink;
  private runner?: PollRunner;
  private layoutChecked?: Promise<void>;

  constructor(private readonly options: TriggerServiceOptions) {
    this.keys = new TriggerKeys(options.prefix ?? DEFAULT_PREFIX, options.shards ?? 1);
    this.store = new SubscriptionStore(options.redis, this.keys);
    this.queues = new ShardQueues(options.redis, this.keys);
    this.sink = new ShardedQueueSink(this.keys, (shard) => this.eventQueueOfShard(shard));
  }

  /** The polls queue, with one shard. With more, each shard has its own: pollQueueOf(id). */
  get pollQueue(): Queue {
    return this.queues.get(POLL_QUEUE, this.onlyShard('pollQueue', 'pollQueueOf(subscriptionId)'));
  }

  /** The events queue, with one shard. With more, each shard has its own: eventQueueOf(id), eventQueues(). */
  get eventQueue(): Queue {
    return this.queues.get(EVENT_QUEUE, this.onlyShard('eventQueue', 'eventQueueOf(subscriptionId) or eventQueues()'));
  }

  private onlyShard(name: string, instead: string): number {
    if (this.keys.shardCount !== 1) throw new Error(`TriggerService.${name} exists with one shard only; this service has ${this.keys.shardCount}: use ${instead}`);
    return 0;
  }

  /** The polls queue of a subscription's shard. */
  pollQueueOf(subscriptionId: string): Queue {
    return this.pollQueueOfShard(this.keys.shardOf(subscriptionId));
  }

  pollQueueOfShard(shard: number): Queue {
    return this.queues.get(POLL_QUEUE, shard);
  }

  /** The events queue of a subscription's shard. */
  eventQueueOf(subscriptionId: string): Queue {
    return this.eventQueueOfShard(this.keys.shardOf(subscriptionId));
  }

  eventQueueOfShard(shard: number): Queue {
    return this.queues.get(EVENT_QUEUE, shard);
  }

  /** Every shard's events queue, shard 0 first. */
  eventQueues(): Queue[] {
    return this.keys.shardPrefixes.map((_, shard) => this.eventQueueOfShard(shard));
  }

  /** The undelivered events of every shard (list, retry). */
  failedEvents(): FailedEvents {
    return new FailedEvents(this.eventQueues(), (jobId) => this.eventQueueOf(subscriptionOfEventJob(jobId)));
  }

  /**
   * Resolves once the Redis is known to hold this service's shard count (recorded by the first
   * process); rejects with ShardCountMismatchError otherwise. Every method below waits for it; a
   * worker starts taking jobs only after it.
   */
  ready(): Promise<void> {
    this.layoutChecked ??= checkShardCount(this.options.redis, this.keys).catch((error: unknown) => {
      // A Redis that did not answer is asked again next time; a mismatch stays one.
      if (!(error instanceof ShardCountMismatchError)) this.layoutChecked = undefined;
      throw error;
    });
    return this.layoutChecked;
  }

  /** Validates the options, stores the subscription and (re)creates its schedule. Returns it. */
  async subscribe(input: SubscribeInput): Promise<SubscriptionRecord> {
    assertSubscriptionId(input.id);
    await this.ready();
    const trigger = getTrigger(input.trigger);
    const options = parseTriggerOptions(trigger, input.options);
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
    await this.pollQueueOf(input.id).upsertJobScheduler(
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
    await this.ready();
    await this.pollQueueOf(id).removeJobScheduler(id);
    return this.store.deleteSubscription(id);
  }

  /** Every shard's subscriptions, by id. */
  async list(): Promise<SubscriptionInfo[]> {
    await this.ready();
    const out: SubscriptionInfo[] = [];
    for (const id of await this.store.listIds()) {
      const info = await this.status(id);
      if (info) out.push(info);
    }
    return out;
  }

  async status(id: string): Promise<SubscriptionInfo | undefined> {
    await this.ready();
    const record = await this.store.getSubscription(id);
    if (!record) return undefined;
    return { ...record, state: await this.store.getState(id) };
  }

  /** Asks the workers for a poll now (a one-off job on the polls queue). */
  async requestPoll(id: string, kind: 'now' | 'retry' = 'now'): Promise<void> {
    await this.ready();
    await this.pollQueueOf(id).add(kind, { subscription_id: id }, { jobId: `${kind}-${id}-${Date.now()}`, removeOnComplete: true, removeOnFail: { count: 100 } });
  }

  /** One poll in this process, now (no worker needed); ignores a failing subscription's backoff. */
  async pollNow(id: string, options: PollNowOptions = {}): Promise<{ outcome: PollOutcome; events: TriggerEvent[] }> {
    const runner = this.getRunner();
    await this.ready();
    const collector = new CollectingSink(async (events, context) => {
      if (options.deliver !== 'return') await this.sink.emit(events, context);
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

  /** The events sink of scheduled polls: each subscription's events into its shard's events queue. */
  eventSink(): EventSink {
    return this.sink;
  }

  /** Closes the queues (not the Redis connection you passed). */
  async close(): Promise<void> {
    await this.queues.close();
  }
}

function pickFilters(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([name]) => !(COMMON_OPTION_NAMES as readonly string[]).includes(name)));
}
