/**
 * The host's API for subscriptions: subscribe, unsubscribe, list, status, pollNow. Subscriptions and
 * their state live in Redis; each has one BullMQ Job Scheduler on the polls queue of its shard, so any
 * number of workers (createTriggerWorker) share them.
 */
import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import { StripeClient, type StripeClientOptions } from '../client/client';
import type { Logger } from '../client/logger';
import { getTrigger, parseTriggerOptions } from './catalogue';
import { RUN_OPTION_NAMES } from './defaults';
import { intervalMs } from './interval';
import { FailedEvents } from './failed-events';
import { DEFAULT_PREFIX, EVENT_QUEUE, POLL_QUEUE, TriggerKeys, assertSubscriptionId, subscriptionOfEventJob } from './keys';
import type { RedisClient } from './redis';
import { PollRunner, type BackoffOptions, type CredentialResolver, type PollOutcome } from './runner';
import { ShardQueues, ShardedQueueSink } from './shard-queues';
import { ShardCountMismatchError, checkShardCount } from './shards';
import { CollectingSink, type EventSink, type TriggerEvent } from './sink';
import { SubscriptionStore, type PollState, type SubscriptionRecord } from './store';
import { webhookEventTypes } from './webhook-events';
import { WebhookSubscriptions, webhookRefOf } from './webhook-index';

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

/** What the service needs of the endpoint manager (webhook-endpoints.ts). */
export interface WebhookEndpointSync {
  sync(input: { ref: string; client: StripeClient; publicUrl: string; eventTypes: string[] }): Promise<{ action: string; endpoint_id?: string }>;
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
  /**
   * Instant triggers (`delivery: "webhook+poll"`). `publicUrl`: where Stripe reaches the receiver (the
   * base; an account's endpoint is `<publicUrl>/<ref>`); `endpoints`: the manager that keeps one
   * endpoint per account and its sealed secret. Without them webhook subscriptions are still indexed
   * (a receiver fires them) but no endpoint is created or updated: the host registers its own, or
   * `stripe-connector webhooks --public-url` syncs every account on start.
   */
  webhooks?: { publicUrl: string; endpoints: WebhookEndpointSync };
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
  /** Which webhook subscriptions each account's endpoint feeds. */
  readonly webhookSubscriptions: WebhookSubscriptions;
  private readonly queues: ShardQueues;
  private readonly sink: EventSink;
  private runner?: PollRunner;
  private layoutChecked?: Promise<void>;

  constructor(private readonly options: TriggerServiceOptions) {
    this.keys = new TriggerKeys(options.prefix ?? DEFAULT_PREFIX, options.shards ?? 1);
    this.store = new SubscriptionStore(options.redis, this.keys);
    this.webhookSubscriptions = new WebhookSubscriptions(options.redis, this.keys);
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
    const eventTypes = webhookEventTypes(trigger, options);
    if (eventTypes.length > 0) record.webhook_ref = webhookRefOf(await this.credentialsFor(input.id, record.connection_ref, 'delivery webhook+poll'));
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
    if (existing?.webhook_ref && existing.webhook_ref !== record.webhook_ref) await this.leaveWebhooks(existing);
    if (record.webhook_ref) await this.syncWebhookEndpoint(record.webhook_ref, await this.webhookSubscriptions.join(record.webhook_ref, record.id, eventTypes), record);
    return record;
  }

  async unsubscribe(id: string): Promise<boolean> {
    assertSubscriptionId(id);
    await this.ready();
    const existing = await this.store.getSubscription(id);
    await this.pollQueueOf(id).removeJobScheduler(id);
    const removed = await this.store.deleteSubscription(id);
    if (existing?.webhook_ref) await this.leaveWebhooks(existing);
    return removed;
  }

  private async leaveWebhooks(record: SubscriptionRecord): Promise<void> {
    const ref = record.webhook_ref!;
    await this.syncWebhookEndpoint(ref, await this.webhookSubscriptions.leave(ref, record.id), record);
  }

  /**
   * Brings an account's endpoint in step with its subscriptions (created, updated, or deleted when
   * none is left), when this service manages endpoints. `via`: a subscription of that account whose
   * credentials reach it. Nothing to do without `webhooks` options.
   */
  private async syncWebhookEndpoint(ref: string, eventTypes: string[], via: SubscriptionRecord): Promise<void> {
    const webhooks = this.options.webhooks;
    if (!webhooks) return;
    const { account_id: _accountId, ...connection } = await this.credentialsFor(via.id, via.connection_ref, 'managing the webhook endpoint');
    const result = await webhooks.endpoints.sync({ ref, client: new StripeClient(connection, this.options.clientOptions), publicUrl: webhooks.publicUrl, eventTypes });
    this.options.logger?.info({ ref, event_types: eventTypes.length, ...result }, 'webhook endpoint synced');
    if (eventTypes.length === 0) await this.webhookSubscriptions.forgetIfEmpty(ref);
  }

  /**
   * Syncs every account's endpoint with its subscriptions (what a receiver does on start: it finds
   * its own endpoints instead of creating second ones). Returns the refs synced.
   */
  async syncWebhookEndpoints(): Promise<string[]> {
    await this.ready();
    const synced: string[] = [];
    for (const ref of await this.webhookSubscriptions.refs()) {
      const members = await this.webhookSubscriptions.members(ref);
      const via = await this.firstExisting([...members.keys()]);
      if (!via) continue;
      await this.syncWebhookEndpoint(ref, await this.webhookSubscriptions.union(ref), via);
      synced.push(ref);
    }
    return synced;
  }

  private async firstExisting(ids: string[]): Promise<SubscriptionRecord | undefined> {
    for (const id of ids) {
      const record = await this.store.getSubscription(id);
      if (record) return record;
    }
    return undefined;
  }

  private async credentialsFor(subscriptionId: string, connectionRef: string, why: string) {
    if (!this.options.resolveCredentials) throw new Error(`TriggerService needs resolveCredentials for ${why} (the endpoint is per Stripe account)`);
    return this.options.resolveCredentials(subscriptionId, connectionRef);
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
  return Object.fromEntries(Object.entries(options).filter(([name]) => !RUN_OPTION_NAMES.includes(name)));
}
