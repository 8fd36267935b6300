/**
 * Where a poll's events go. The default is the BullMQ events queue (hosts consume it with their own
 * Worker, or `createTriggerWorker({ onEvent })` does); `pollNow` can collect them instead.
 */
import type { Queue } from 'bullmq';
import { DeliveryOrder } from './delivery';
import { eventJobId } from './keys';

/** What a flow receives for each new object (or event, for event triggers). */
export interface TriggerEvent {
  subscription_id: string;
  trigger: string;
  object_id: string;
  object: Record<string, unknown>;
  livemode: boolean;
  /** ISO 8601, when the poll emitted it. */
  emitted_at: string;
}

/** Where the events come from: the subscription's generation (state.generation), part of the job ids. */
export interface EmitContext {
  generation: string;
}

export interface EventSink {
  /** Delivers events in order; must be safe to call again with the same events (after a crash). */
  emit(events: TriggerEvent[], context?: EmitContext): Promise<void>;
}

export interface QueueSinkOptions {
  /**
   * How long delivered (completed) event jobs are kept. While a job exists BullMQ refuses a second job
   * with its id, which is what makes a re-emit after a crash a no-op. Default 7 days.
   */
  keepSeconds?: number;
  /**
   * How long failed event jobs (delivery attempts used up) are kept. Default: until an operator
   * retries or removes them (`events failed` / `events retry`, `FailedEvents`): an undelivered event
   * never vanishes on its own.
   */
  keepFailedSeconds?: number;
  /** Delivery attempts of one event job by its consumer. Default 10, exponential backoff from 1 s. */
  attempts?: number;
}

export class QueueSink implements EventSink {
  private readonly keepSeconds: number;
  private readonly keepFailedSeconds: number | undefined;
  private readonly attempts: number;
  private readonly order: DeliveryOrder;

  constructor(
    readonly queue: Queue,
    options: QueueSinkOptions = {},
  ) {
    this.keepSeconds = options.keepSeconds ?? 7 * 86_400;
    this.keepFailedSeconds = options.keepFailedSeconds;
    this.attempts = options.attempts ?? 10;
    this.order = new DeliveryOrder(queue);
  }

  async emit(events: TriggerEvent[], context?: EmitContext): Promise<void> {
    if (events.length === 0) return;
    const jobs = events.map((event) => ({
      name: event.trigger,
      data: event,
      opts: {
        jobId: eventJobId(event.subscription_id, context?.generation ?? '', event.object_id),
        removeOnComplete: { age: this.keepSeconds },
        removeOnFail: this.keepFailedSeconds === undefined ? false : { age: this.keepFailedSeconds },
        attempts: this.attempts,
        backoff: { type: 'exponential', delay: 1000 },
      },
    }));
    // The delivery order first (delivery.ts): a consumer never meets a job its subscription's order
    // does not hold yet. A page is one subscription's.
    const bySubscription = new Map<string, string[]>();
    for (const job of jobs) {
      const list = bySubscription.get(job.data.subscription_id) ?? [];
      list.push(job.opts.jobId);
      bySubscription.set(job.data.subscription_id, list);
    }
    for (const [subscriptionId, ids] of bySubscription) await this.order.register(subscriptionId, ids);
    // One add per job, all written before the first reply (one round trip). They reach the socket in
    // call order (each takes the same path there, and Redis runs one connection's commands in order),
    // so a consumer sees them oldest first. Not addBulk: the heap grew with the backlog under its
    // ioredis pipeline (most of each page's enqueue was promoted to the old generation; see
    // bench/results/backlog.md). All settle before a failure is thrown: nothing is still being
    // written when the poll ends.
    const added = await Promise.allSettled(jobs.map((job) => this.queue.add(job.name, job.data, job.opts)));
    const failed = added.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

/** Keeps the events in memory (pollNow's "return them to me" mode), optionally forwarding each batch. */
export class CollectingSink implements EventSink {
  readonly events: TriggerEvent[] = [];

  constructor(private readonly forward?: (events: TriggerEvent[], context?: EmitContext) => Promise<void> | void) {}

  async emit(events: TriggerEvent[], context?: EmitContext): Promise<void> {
    if (this.forward) await this.forward(events, context);
    this.events.push(...events);
  }
}
