/**
 * The operator's view of undelivered events: an event whose delivery attempts are used up, or whose
 * delivery was interrupted more than `eventMaxStalls` times, sits in the events queue's failed set
 * (kept until retried: QueueSink `keepFailedSeconds`). `list` shows them, `retry` queues them again
 * with a fresh set of attempts (the CLI: `stripe-connector events failed` / `events retry`).
 */
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
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
  constructor(readonly queue: Queue) {}

  private async redis(): Promise<Redis> {
    return (await this.queue.getBackend().client) as unknown as Redis;
  }

  private async stalls(id: string): Promise<number> {
    return Number((await (await this.redis()).hget(this.queue.toKey(id), 'stc')) ?? 0);
  }

  private async describe(job: Job<TriggerEvent>): Promise<FailedEvent> {
    return {
      id: job.id!,
      subscription_id: job.data.subscription_id,
      trigger: job.data.trigger,
      object_id: job.data.object_id,
      failed_reason: job.failedReason ?? '',
      attempts_made: job.attemptsMade,
      stalls: await this.stalls(job.id!),
      failed_at: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
      event: job.data,
    };
  }

  /** The failed events, oldest failure first. */
  async list(options: ListFailedOptions = {}): Promise<FailedEvent[]> {
    const limit = options.limit ?? 100;
    const out: FailedEvent[] = [];
    for (let start = 0; out.length < limit; start += PAGE) {
      const jobs = (await this.queue.getJobs(['failed'], start, start + PAGE - 1, true)) as Job<TriggerEvent>[];
      for (const job of jobs) {
        if (!job?.data || (options.subscription !== undefined && job.data.subscription_id !== options.subscription)) continue;
        out.push(await this.describe(job));
        if (out.length >= limit) break;
      }
      if (jobs.length < PAGE) break;
    }
    return out;
  }

  /**
   * Queues failed events again, with their attempts and interruption count reset; each is delivered
   * after its subscription's events already waiting. Job ids, so consumers still dedupe on them.
   */
  async retry(ids: string[]): Promise<Array<{ id: string; outcome: RetryOutcome }>> {
    const out: Array<{ id: string; outcome: RetryOutcome }> = [];
    for (const id of ids) {
      const job = await this.queue.getJob(id);
      if (!job) {
        out.push({ id, outcome: 'not_found' });
        continue;
      }
      if ((await job.getState()) !== 'failed') {
        out.push({ id, outcome: 'not_failed' });
        continue;
      }
      await (await this.redis()).hdel(this.queue.toKey(id), 'stc');
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
