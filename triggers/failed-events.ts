/**
 * The operator's view of undelivered events: an event whose delivery attempts are used up, or whose
 * delivery was interrupted more than `eventMaxStalls` times, sits in the events queue's failed set
 * (kept until retried: QueueSink `keepFailedSeconds`). `list` shows them, `retry` queues them again
 * with a fresh set of attempts (the CLI: `stripe-connector events failed` / `events retry`).
 */
import type { Job, Queue } from 'bullmq';
import type { RedisClient } from './redis';
import type { TriggerEvent } from './sink';

export interface FailedEvent {
  /** The event's job id `<subscription>.<generation>.<object>` (what `retry` takes). */
  id: string;
  subscription_id: string;
  trigger: string;
  object_id: string;
  /** BullMQ's failedReason (masked when the consumer threw; "job stalled more than allowable limit" after stalls). */
  failed_reason: string;
  attempts_made: number;
  /** How many times a delivery was interrupted (its worker died, or Redis was gone longer than the lock). */
  stalls: number;
  /** ISO 8601. */
  failed_at: string | null;
  event: TriggerEvent;
}

export interface ListFailedOptions {
  /** Only this subscription's events. */
  subscription?: string;
  /** At most this many, oldest failure first. Default 100. */
  limit?: number;
}

export type RetryOutcome = 'retried' | 'not_failed' | 'not_found';

/** Failed event jobs read in pages of this many, so a long failed set is never loaded at once. */
const PAGE = 500;

export class FailedEvents {
  readonly queues: readonly Queue[];

  /**
   * `queues`: the events queue, or every shard's (TriggerService.failedEvents() passes them all).
   * `queueOfJob` says which queue holds an event job id; without it `retry` looks in each.
   */
  constructor(
    queues: Queue | readonly Queue[],
    private readonly queueOfJob?: (jobId: string) => Queue,
  ) {
    this.queues = Array.isArray(queues) ? [...queues] : [queues as Queue];
  }

  private async redis(queue: Queue): Promise<RedisClient> {
    return (await queue.getBackend().client) as unknown as RedisClient;
  }

  private async stalls(queue: Queue, id: string): Promise<number> {
    return Number((await (await this.redis(queue)).hget(queue.toKey(id), 'stc')) ?? 0);
  }

  private async describe(queue: Queue, job: Job<TriggerEvent>): Promise<FailedEvent> {
    return {
      id: job.id!,
      subscription_id: job.data.subscription_id,
      trigger: job.data.trigger,
      object_id: job.data.object_id,
      failed_reason: job.failedReason ?? '',
      attempts_made: job.attemptsMade,
      stalls: await this.stalls(queue, job.id!),
      failed_at: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
      event: job.data,
    };
  }

  /** The failed events, oldest failure first (across the queues: each one's oldest, merged). */
  async list(options: ListFailedOptions = {}): Promise<FailedEvent[]> {
    const limit = options.limit ?? 100;
    const all: FailedEvent[] = [];
    for (const queue of this.queues) all.push(...(await this.listOne(queue, options.subscription, limit)));
    if (this.queues.length === 1) return all;
    const at = (e: FailedEvent) => (e.failed_at === null ? Number.POSITIVE_INFINITY : Date.parse(e.failed_at));
    return all.sort((a, b) => at(a) - at(b)).slice(0, limit);
  }

  private async listOne(queue: Queue, subscription: string | undefined, limit: number): Promise<FailedEvent[]> {
    const out: FailedEvent[] = [];
    for (let start = 0; out.length < limit; start += PAGE) {
      const jobs = (await queue.getJobs(['failed'], start, start + PAGE - 1, true)) as Job<TriggerEvent>[];
      for (const job of jobs) {
        if (!job?.data || (subscription !== undefined && job.data.subscription_id !== subscription)) continue;
        out.push(await this.describe(queue, job));
        if (out.length >= limit) break;
      }
      if (jobs.length < PAGE) break;
    }
    return out;
  }

  /** The job and its queue, or undefined. */
  private async find(id: string): Promise<{ queue: Queue; job: Job } | undefined> {
    for (const queue of this.queueOfJob ? [this.queueOfJob(id)] : this.queues) {
      const job = await queue.getJob(id);
      if (job) return { queue, job };
    }
    return undefined;
  }

  /**
   * Queues failed events again, with their attempts and interruption count reset; each is delivered
   * after its subscription's events already waiting. Job ids, so consumers still dedupe on them.
   */
  async retry(ids: string[]): Promise<Array<{ id: string; outcome: RetryOutcome }>> {
    const out: Array<{ id: string; outcome: RetryOutcome }> = [];
    for (const id of ids) {
      const found = await this.find(id);
      if (!found) {
        out.push({ id, outcome: 'not_found' });
        continue;
      }
      const { queue, job } = found;
      if ((await job.getState()) !== 'failed') {
        out.push({ id, outcome: 'not_failed' });
        continue;
      }
      await (await this.redis(queue)).hdel(queue.toKey(id), 'stc');
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      out.push({ id, outcome: 'retried' });
    }
    return out;
  }

  /** Every failed event (of one subscription, or all), queued again. */
  async retryAll(options: { subscription?: string } = {}): Promise<Array<{ id: string; outcome: RetryOutcome }>> {
    const ids = (await this.list({ subscription: options.subscription, limit: Number.MAX_SAFE_INTEGER })).map((e) => e.id);
    return this.retry(ids);
  }
}
