/**
 * The worker: runs scheduled polls from the polls queue (any number of these, on any machines, share
 * the load through Redis) and, given `onEvent`, delivers the events queue to the host, in order per
 * subscription.
 */
import type { Job, Worker } from 'bullmq';
import type { StripeClientOptions } from '../client/client';
import { silentLogger, type Logger } from '../client/logger';
import { DEFAULT_PREFIX, EVENT_QUEUE, POLL_QUEUE, TriggerKeys, WEBHOOK_QUEUE } from './keys';
import { PollRunner, maskedError, type BackoffOptions, type CredentialResolver, type PollOutcome } from './runner';
import { TriggerService } from './service';
import { DeliveryOrder } from './delivery';
import type { TriggerEvent } from './sink';
import { bullmq } from './queue-libs';
import { openRedis, type RedisConnectionSpec } from './redis';
import { perShardConcurrency, servedShards } from './shards';
import { WebhookSubscriptions } from './webhook-index';
import type { WebhookJobData } from './webhook-types';

/** About one delivery of an event. */
export interface EventDelivery {
  /**
   * The event's job id, `<subscription>.<generation>.<object>`: the same for every redelivery of this
   * event, different after the subscription is re-created. A consumer dedupes on it.
   */
  id: string;
}

export interface TriggerWorkerOptions {
  /**
   * A Redis URL, ioredis options, an ioredis `Redis` or `Cluster` (duplicated: the worker owns its
   * connections), or a Redis Cluster by its seed nodes: `{ cluster: ['redis://host:6379', ...], options? }`.
   */
  connection: RedisConnectionSpec;
  /** Default `{stripe-connector}`. */
  prefix?: string;
  /** How many shards the subscriptions are spread over (TriggerServiceOptions.shards). Default 1. */
  shards?: number;
  /**
   * The shards this worker serves (0 to shards - 1). Default: all. Workers of a deployment can split
   * the shards between them or all serve all; either way one poll per subscription runs at a time
   * and each subscription's events are delivered in order. Each served shard has its own BullMQ
   * workers (two blocking connections each, on the shard's master).
   */
  serveShards?: number[];
  resolveCredentials: CredentialResolver;
  /**
   * Called for each event; a throw retries it (BullMQ attempts, exponential backoff). Absent: events
   * stay in the queue for the host's own consumer. In order per subscription, across all workers:
   * an event is handed over only once every older event of its subscription is delivered (or failed
   * for good); other subscriptions' events go on meanwhile (delivery.ts).
   */
  onEvent?: (event: TriggerEvent, delivery: EventDelivery) => Promise<void> | void;
  /**
   * Events this worker delivers at once (of different subscriptions: one subscription has one in
   * flight at a time). Default 10. With several served shards, split evenly between them (at least 1 each).
   */
  eventConcurrency?: number;
  /**
   * The events worker's job lock: a delivery whose worker died is taken up again after at most about
   * 1.5 times this (the lock expires, then the stalled check, every half of it, finds it). Default
   * 3 000 ms, so a killed consumer holds its subscription back for about 4.5 s, under 10 s even with
   * a Redis restart of a few seconds on top; shorter makes a false takeover under CPU starvation likelier.
   */
  eventLockMs?: number;
  /**
   * How many times one event's delivery may be interrupted (its worker killed, or Redis gone longer
   * than the lock) before it is failed for good, to the failed events (`FailedEvents`,
   * `stripe-connector events failed` / `events retry`). Default 20; BullMQ's default of 1 lost an
   * event to two interruptions in a row.
   */
  eventMaxStalls?: number;
  /**
   * Polls run at once by this worker. Default 200: a poll mostly waits on Stripe (an idle poll is one
   * request, ~200 ms away from most hosts, and 4 Redis round trips), so one process needs about
   * polls/s x latency of them in flight (500 polls/s at 200 ms: 100). Sockets to Stripe follow the
   * polls in flight (the transport has no fixed cap); the per-account rate limit still binds each
   * account, whatever the concurrency. A slow or failing subscription never blocks the others.
   * With several served shards, split evenly between them (at least 1 each).
   */
  concurrency?: number;
  clientOptions?: StripeClientOptions;
  /** Requests per second per Stripe account, shared by all workers. Default test 25, live 100. */
  rateLimits?: { test?: number; live?: number };
  /** Per-subscription poll lock expiry (renewed while polling). Default 30 000 ms. */
  lockTtlMs?: number;
  /** Backoff of a subscription whose key is refused (401/403). Default 30 s doubling to 1 h. */
  backoff?: BackoffOptions;
  /**
   * After a transient failure (5xx or network error after the client's retries, a rate-limited
   * account), the next poll is queued this long after it (doubling per consecutive failure, at most
   * the subscription's `every`; a rate-limited account: when its bucket opens) instead of waiting for
   * the next scheduled slot. Default 30 000 ms.
   */
  transientRetryMs?: number;
  /** Longest in-poll wait for a 429-paused account; longer ends the poll (see PollRunnerOptions.maxRateWaitMs). Default 5 000 ms. */
  maxRateWaitMs?: number;
  logger?: Logger;
  /**
   * The polls worker's BullMQ job lock and stalled-check interval: how soon a poll of a dead worker
   * runs again. Default 30 000 ms (BullMQ's).
   */
  jobLockMs?: number;
  /**
   * Take received webhooks (the receiver's queue, WEBHOOK_QUEUE) and fire the `delivery:
   * "webhook+poll"` subscriptions they concern. Default true; any number of workers share the queue.
   */
  webhooks?: boolean;
  /** Received webhooks this worker handles at once. Default 20. */
  webhookConcurrency?: number;
}

export interface TriggerWorker {
  readonly service: TriggerService;
  /** The BullMQ polls worker, when it serves one shard (else: pollWorkers). */
  readonly pollWorker: Worker;
  /** The BullMQ events worker (given onEvent), when it serves one shard (else: eventWorkers). */
  readonly eventWorker?: Worker;
  /** One polls worker per served shard, in the order of `shards`. */
  readonly pollWorkers: readonly Worker[];
  /** One events worker per served shard (given onEvent). */
  readonly eventWorkers: readonly Worker[];
  /** The served shards. */
  readonly shards: readonly number[];
  /**
   * Resolves when the workers take jobs: after the Redis was found to hold this worker's shard count.
   * Rejects (ShardCountMismatchError) when it holds another: the worker then takes no job; close it.
   */
  readonly ready: Promise<void>;
  /** Stops taking jobs, waits for running ones up to `deadlineMs` (default 25 000), then forces; quits its connections. */
  close(deadlineMs?: number): Promise<void>;
  /** Closes on SIGTERM/SIGINT; returns a function removing the handlers. */
  closeOnSignals(deadlineMs?: number, onClosed?: () => void): () => void;
}

/** The jobs this worker's processors are running, so a shutdown can wait for them to end. */
class RunningJobs {
  private count = 0;
  private waiters: Array<() => void> = [];

  track<A extends unknown[], R>(processor: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return async (...args: A) => {
      this.count++;
      try {
        return await processor(...args);
      } finally {
        if (--this.count === 0) for (const resolve of this.waiters.splice(0)) resolve();
      }
    };
  }

  idle(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

/** See TriggerWorkerOptions.concurrency. */
export const DEFAULT_POLL_CONCURRENCY = 200;

/**
 * A polls-queue job's data: the subscription; for a `soon-` follow-up its consecutive transient
 * failures; for a `more-` follow-up the newest `created` its chain of runs has listed (the sweep's
 * skip, see PollerRunOptions.continuing). Never a credential.
 */
interface PollJobData {
  subscription_id: string;
  failures?: number;
  newest_created?: number | null;
}

/** How long an event behind its subscription's in-flight one sleeps before looking again, per place in line. */
const BEHIND_WAIT_MS = 500;
const BEHIND_WAIT_MAX_MS = 60_000;

/**
 * A webhook whose subscription a poll has locked waits 50 ms, doubling to 1.6 s, at most 12 times
 * (about 12 s): a poll holds the lock for milliseconds unless it walks a backlog, and then it emits
 * the object itself. After that the poll is left to it (it is the backstop).
 */
const WEBHOOK_LOCK_WAIT_MS = 50;
const WEBHOOK_LOCK_WAIT_MAX_MS = 1_600;
const WEBHOOK_LOCK_WAITS = 12;

export function createTriggerWorker(options: TriggerWorkerOptions): TriggerWorker {
  const { DelayedError, Worker } = bullmq();
  const logger = options.logger ?? silentLogger;
  const redis = openRedis(options.connection, { maxRetriesPerRequest: null });
  // Reconnects are ioredis's job (a Redis restart is survived); the error is only logged.
  redis.on('error', (error: Error) => logger.warn({ error: error.message }, 'redis connection error'));
  const keys = new TriggerKeys(options.prefix ?? DEFAULT_PREFIX, options.shards ?? 1);
  const served = servedShards(keys.shardCount, options.serveShards);
  const service = new TriggerService({ redis, prefix: keys.prefix, shards: keys.shardCount });
  const sink = service.eventSink();
  const runner = new PollRunner({
    redis,
    keys,
    resolveCredentials: options.resolveCredentials,
    clientOptions: options.clientOptions,
    rateLimits: options.rateLimits,
    lockTtlMs: options.lockTtlMs,
    backoff: options.backoff,
    maxRateWaitMs: options.maxRateWaitMs,
    logger,
  });
  const transientRetryMs = options.transientRetryMs ?? 30_000;

  /**
   * One pending follow-up poll of a kind per subscription, with a fixed job id `<kind>-<id>`: adding
   * one while it waits is a no-op (BullMQ keeps job ids unique), so chains never multiply. The job of
   * that id itself re-arms by moving to delayed (it still exists while it runs, so a new add would be
   * dropped).
   */
  const followUp = async (
    job: Job<PollJobData>,
    token: string | undefined,
    kind: 'retry' | 'soon' | 'more',
    id: string,
    delayMs: number,
    data: PollJobData,
  ): Promise<void> => {
    const jobId = `${kind}-${id}`;
    const delay = Math.max(0, Math.round(delayMs));
    if (job.id === jobId) {
      await job.updateData(data);
      await job.moveToDelayed(Date.now() + delay, token);
      throw new DelayedError();
    }
    await service.pollQueueOf(id).add(kind === 'retry' ? 'retry' : 'now', data, {
      jobId,
      delay,
      removeOnComplete: true,
      removeOnFail: true,
    });
  };

  const jobLock = options.jobLockMs ? { lockDuration: options.jobLockMs, stalledInterval: options.jobLockMs } : {};
  const running = new RunningJobs();
  const poll = running.track(
    async (job: Job<PollJobData>, token?: string) => {
      const id = job.data.subscription_id;
      let outcome: PollOutcome;
      try {
        const continuing = job.id === `more-${id}` ? { newestCreated: job.data.newest_created ?? null } : undefined;
        outcome = await runner.run(id, sink, { force: job.name === 'retry', continuing });
      } catch (error) {
        const failed = maskedError(error);
        if (failed.retryable) {
          // Not a full `every` away: soon (when the account's bucket opens, or after a doubling wait).
          const failures = (job.id === `soon-${id}` ? (job.data.failures ?? 0) : 0) + 1;
          const every = (await service.store.getSubscription(id))?.every_ms ?? transientRetryMs;
          const delay = failed.retryAt !== undefined ? failed.retryAt - Date.now() : Math.min(every, transientRetryMs * 2 ** (failures - 1));
          await followUp(job, token, 'soon', id, delay, { subscription_id: id, failures });
        }
        throw failed;
      }
      if (outcome.status === 'unsubscribed' && job.repeatJobKey) await service.pollQueueOf(id).removeJobScheduler(job.repeatJobKey);
      if (outcome.status === 'failing') {
        // The retry comes at the end of the backoff, whatever the schedule; scheduled polls before it end at once.
        await followUp(job, token, 'retry', id, outcome.retry_at - Date.now(), { subscription_id: id });
      }
      if (outcome.status === 'polled' && !outcome.result.complete) {
        // The walk stopped at max_pages: continue now, not at the next slot.
        await followUp(job, token, 'more', id, 0, { subscription_id: id, newest_created: outcome.result.newestCreated });
      }
      return outcome.status === 'polled' ? { status: 'polled', ...outcome.result } : { status: outcome.status };
    });
  // Not taking jobs before the shard count is checked (ready, below).
  const pollConcurrency = perShardConcurrency(options.concurrency ?? DEFAULT_POLL_CONCURRENCY, served.length);
  const pollWorkers = served.map((shard) => new Worker(POLL_QUEUE, poll, { connection: redis, prefix: keys.shardPrefixes[shard]!, concurrency: pollConcurrency, autorun: false, ...jobLock }));
  for (const w of pollWorkers) w.on('error', (error) => logger.warn({ error: error.message }, 'poll worker error'));

  const eventWorkers: Worker[] = [];
  if (options.onEvent) {
    const onEvent = options.onEvent;
    // Each shard's events queue has its own order (its pending zsets live in the shard's slot).
    const orders = new Map<number, DeliveryOrder>();
    const orderOf = (job: Job<TriggerEvent>): DeliveryOrder => {
      const shard = keys.shardOf(job.data.subscription_id);
      let order = orders.get(shard);
      if (!order) orders.set(shard, (order = new DeliveryOrder(service.eventQueueOfShard(shard), redis)));
      return order;
    };
    // Earlier versions kept the whole queue at one delivery at a time (a global concurrency of 1
    // stored on the queue); the order is per subscription now, so that limit is lifted.
    for (const shard of served) {
      void service
        .eventQueueOfShard(shard)
        .removeGlobalConcurrency()
        .catch((error: Error) => logger.warn({ error: error.message }, 'could not lift the events queue concurrency'));
    }
    const passOn = async (job: Job<TriggerEvent>) => {
      const order = orderOf(job);
      const next = await order.leave(job);
      if (next) await order.wake(next);
    };
    const eventLockMs = options.eventLockMs ?? 3_000;
    const deliver = running.track(
      async (job: Job<TriggerEvent>, token?: string) => {
        const turn = await orderOf(job).enter(job);
        if (!turn.deliver) {
          // An older event of this subscription is in flight or waiting for its retry. The next in
          // line is woken by that one's worker when it is done; the wait is a fallback for a
          // worker that died in between, longer for events further back.
          await job.moveToDelayed(Date.now() + Math.min(BEHIND_WAIT_MAX_MS, BEHIND_WAIT_MS * turn.rank), token);
          throw new DelayedError();
        }
        try {
          await onEvent(job.data, { id: job.id! });
        } catch (error) {
          // The last attempt failed: the event goes to the failed set and the next one may go.
          if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await passOn(job);
          throw maskedError(error); // BullMQ stores the message and stack
        }
        await passOn(job);
      });
    for (const shard of served) {
      const eventWorker = new Worker(EVENT_QUEUE, deliver, {
        connection: redis,
        prefix: keys.shardPrefixes[shard]!,
        concurrency: perShardConcurrency(Math.max(1, options.eventConcurrency ?? 10), served.length),
        lockDuration: eventLockMs,
        stalledInterval: Math.max(500, Math.floor(eventLockMs / 2)),
        maxStalledCount: options.eventMaxStalls ?? 20,
        autorun: false,
      });
      eventWorker.on('error', (error) => logger.warn({ error: error.message }, 'event worker error'));
      eventWorkers.push(eventWorker);
    }
  }

  const webhookWorkers: Worker[] = [];
  if (options.webhooks !== false) {
    const index = new WebhookSubscriptions(redis, keys);
    const ingest = running.track(async (job: Job<WebhookJobData>, token?: string) => {
      const { ref, event } = job.data;
      const ids = job.data.remaining ?? (await index.interestedIn(ref, event.type));
      const outcomes = await Promise.all(ids.map(async (id) => ({ id, outcome: await runner.ingest(id, event, sink) })));
      let emitted = 0;
      const locked: string[] = [];
      for (const { id, outcome } of outcomes) {
        if (outcome.status === 'ingested') emitted += outcome.emitted;
        else if (outcome.status === 'locked') locked.push(id);
        else await redis.hdel(keys.webhookSubs(ref), id); // unsubscribed: a stale index entry
      }
      const waits = job.data.lock_waits ?? 0;
      if (locked.length > 0 && waits < WEBHOOK_LOCK_WAITS) {
        await job.updateData({ ...job.data, remaining: locked, lock_waits: waits + 1 });
        await job.moveToDelayed(Date.now() + Math.min(WEBHOOK_LOCK_WAIT_MAX_MS, WEBHOOK_LOCK_WAIT_MS * 2 ** waits), token);
        throw new DelayedError();
      }
      if (locked.length > 0) logger.info({ event_id: event.id, subscriptions: locked }, 'webhook left to the poll: its lock stayed held');
      return { subscriptions: ids.length, emitted, left_to_poll: locked.length };
    });
    const webhookWorker = new Worker(WEBHOOK_QUEUE, ingest, {
      connection: redis,
      prefix: keys.prefix,
      concurrency: Math.max(1, options.webhookConcurrency ?? 20),
      autorun: false,
    });
    webhookWorker.on('error', (error) => logger.warn({ error: error.message }, 'webhook worker error'));
    webhookWorkers.push(webhookWorker);
  }

  let closing: Promise<void> | undefined;
  const workers = [...pollWorkers, ...eventWorkers, ...webhookWorkers];
  const ready = service.ready().then(() => {
    if (closing) return;
    for (const w of workers) w.run().catch((error: Error) => logger.warn({ error: error.message }, 'worker stopped'));
  });
  ready.catch((error: Error) => logger.warn({ error: error.message }, 'the trigger worker does not start'));

  const close = (deadlineMs = 25_000): Promise<void> => {
    closing ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      // Stop taking jobs, wait for the running ones, then close (forced past the deadline). Not
      // close() then close(true): BullMQ's second close joins the first, still waiting for a hung
      // job. Not pause() either: once the running jobs end it reconnects the blocking connection,
      // which a close that came first no longer closes (a Redis client left reconnecting for ever).
      await Promise.all(workers.map((w) => w.pause(true)));
      const graceful = running.idle().then(() => 'drained' as const);
      const deadline = new Promise<'deadline'>((resolve) => {
        timer = setTimeout(() => resolve('deadline'), deadlineMs);
      });
      const result = await Promise.race([graceful, deadline]);
      clearTimeout(timer);
      if (result === 'deadline') {
        logger.warn({ deadline_ms: deadlineMs }, 'jobs still running at the shutdown deadline; forcing close (their locks lapse and they run again)');
      }
      await Promise.all(workers.map((w) => w.close(result === 'deadline').catch(() => undefined)));
      await service.close().catch(() => undefined);
      await redis.quit().catch(() => redis.disconnect());
    })();
    return closing;
  };

  const closeOnSignals = (deadlineMs?: number, onClosed?: () => void) => {
    const handler = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'shutting down');
      void close(deadlineMs).then(() => onClosed?.());
    };
    process.once('SIGTERM', handler);
    process.once('SIGINT', handler);
    return () => {
      process.off('SIGTERM', handler);
      process.off('SIGINT', handler);
    };
  };

  const only = <T>(list: readonly T[], name: string): T => {
    if (list.length !== 1) throw new Error(`this worker serves ${list.length} shards: use ${name}s`);
    return list[0]!;
  };
  return {
    service,
    get pollWorker() {
      return only(pollWorkers, 'pollWorker');
    },
    get eventWorker() {
      return eventWorkers.length === 0 ? undefined : only(eventWorkers, 'eventWorker');
    },
    pollWorkers,
    eventWorkers,
    shards: served,
    ready,
    close,
    closeOnSignals,
  };
}
