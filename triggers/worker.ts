/**
 * The worker: runs scheduled polls from the polls queue (any number of these, on any machines, share
 * the load through Redis) and, given `onEvent`, delivers the events queue to the host in order.
 */
import { Worker, type Job } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { StripeClientOptions } from '../connector/client';
import { silentLogger, type Logger } from '../connector/logger';
import { DEFAULT_PREFIX, EVENT_QUEUE, POLL_QUEUE, TriggerKeys } from './keys';
import { PollRunner, type BackoffOptions, type CredentialResolver, type PollOutcome } from './runner';
import { TriggerService } from './service';
import { QueueSink, type TriggerEvent } from './sink';

export interface TriggerWorkerOptions {
  /** A Redis URL, ioredis options, or an ioredis instance (duplicated: the worker owns its connections). */
  connection: string | RedisOptions | Redis;
  /** Default `{stripe-connector}`. */
  prefix?: string;
  resolveCredentials: CredentialResolver;
  /** Called for each event, in order (one at a time across all workers: the events queue's global concurrency is 1); a throw retries it (BullMQ attempts, exponential backoff). Absent: events stay in the queue for the host's own consumer. */
  onEvent?: (event: TriggerEvent) => Promise<void> | void;
  /** Polls run at once by this worker. Default 10: a slow or failing subscription never blocks the others. */
  concurrency?: number;
  clientOptions?: StripeClientOptions;
  /** Requests per second per Stripe account, shared by all workers. Default test 25, live 100. */
  rateLimits?: { test?: number; live?: number };
  /** Per-subscription poll lock expiry (renewed while polling). Default 30 000 ms. */
  lockTtlMs?: number;
  /** Backoff of a subscription whose key is refused (401/403). Default 30 s doubling to 1 h. */
  backoff?: BackoffOptions;
  logger?: Logger;
  /**
   * BullMQ's job lock and stalled-check interval: how soon a job of a dead worker runs again.
   * Default 30 000 ms (BullMQ's).
   */
  jobLockMs?: number;
}

export interface TriggerWorker {
  readonly service: TriggerService;
  readonly pollWorker: Worker;
  readonly eventWorker?: Worker;
  /** Stops taking jobs, waits for running ones up to `deadlineMs` (default 25 000), then forces; quits its connections. */
  close(deadlineMs?: number): Promise<void>;
  /** Closes on SIGTERM/SIGINT; returns a function removing the handlers. */
  closeOnSignals(deadlineMs?: number, onClosed?: () => void): () => void;
}

function ownConnection(connection: TriggerWorkerOptions['connection']): Redis {
  if (connection instanceof Redis) return connection.duplicate({ maxRetriesPerRequest: null });
  if (typeof connection === 'string') return new Redis(connection, { maxRetriesPerRequest: null });
  return new Redis({ ...connection, maxRetriesPerRequest: null });
}

export function createTriggerWorker(options: TriggerWorkerOptions): TriggerWorker {
  const logger = options.logger ?? silentLogger;
  const redis = ownConnection(options.connection);
  // Reconnects are ioredis's job (a Redis restart is survived); the error is only logged.
  redis.on('error', (error: Error) => logger.warn({ error: error.message }, 'redis connection error'));
  const keys = new TriggerKeys(options.prefix ?? DEFAULT_PREFIX);
  const service = new TriggerService({ redis, prefix: keys.prefix });
  const sink = new QueueSink(service.eventQueue);
  const runner = new PollRunner({
    redis,
    keys,
    resolveCredentials: options.resolveCredentials,
    clientOptions: options.clientOptions,
    rateLimits: options.rateLimits,
    lockTtlMs: options.lockTtlMs,
    backoff: options.backoff,
    logger,
  });

  const jobLock = options.jobLockMs ? { lockDuration: options.jobLockMs, stalledInterval: options.jobLockMs } : {};
  const pollWorker = new Worker(
    POLL_QUEUE,
    async (job: Job<{ subscription_id: string }>) => {
      const id = job.data.subscription_id;
      const outcome: PollOutcome = await runner.run(id, sink, { force: job.name === 'retry' });
      if (outcome.status === 'unsubscribed' && job.repeatJobKey) await service.pollQueue.removeJobScheduler(job.repeatJobKey);
      if (outcome.status === 'failing') {
        // The retry comes at the end of the backoff, whatever the schedule; scheduled polls before it end at once.
        await service.pollQueue.add(
          'retry',
          { subscription_id: id },
          { jobId: `retry-${id}-${outcome.retry_at}`, delay: Math.max(0, outcome.retry_at - Date.now()), removeOnComplete: true, removeOnFail: { count: 100 } },
        );
      }
      return outcome.status === 'polled' ? { status: 'polled', ...outcome.result } : { status: outcome.status };
    },
    { connection: redis, prefix: keys.prefix, concurrency: options.concurrency ?? 10, ...jobLock },
  );
  pollWorker.on('error', (error) => logger.warn({ error: error.message }, 'poll worker error'));

  let eventWorker: Worker | undefined;
  if (options.onEvent) {
    const onEvent = options.onEvent;
    // One event in flight across every worker of this prefix, so delivery keeps the queue's order
    // (oldest first) even with several worker processes. A failed delivery is retried with backoff;
    // events behind it go on meanwhile (BullMQ moves the failed job to delayed).
    void service.eventQueue.setGlobalConcurrency(1).catch((error: Error) => logger.warn({ error: error.message }, 'could not set the events queue concurrency'));
    eventWorker = new Worker(EVENT_QUEUE, async (job: Job<TriggerEvent>) => onEvent(job.data), {
      connection: redis,
      prefix: keys.prefix,
      concurrency: 1,
      ...jobLock,
    });
    eventWorker.on('error', (error) => logger.warn({ error: error.message }, 'event worker error'));
  }

  let closing: Promise<void> | undefined;
  const close = (deadlineMs = 25_000): Promise<void> => {
    closing ??= (async () => {
      const workers = [pollWorker, eventWorker].filter((w): w is Worker => w !== undefined);
      let timer: NodeJS.Timeout | undefined;
      const graceful = Promise.all(workers.map((w) => w.close())).then(() => 'closed' as const);
      const deadline = new Promise<'deadline'>((resolve) => {
        timer = setTimeout(() => resolve('deadline'), deadlineMs);
      });
      const result = await Promise.race([graceful, deadline]);
      clearTimeout(timer);
      if (result === 'deadline') {
        logger.warn({ deadline_ms: deadlineMs }, 'polls still running at the shutdown deadline; forcing close (they will run again)');
        await Promise.all(workers.map((w) => w.close(true).catch(() => undefined)));
      }
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

  return { service, pollWorker, eventWorker, close, closeOnSignals };
}
