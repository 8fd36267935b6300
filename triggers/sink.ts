/**
 * Where a poll's events go. The default is the BullMQ events queue (hosts consume it with their own
 * Worker, or `createTriggerWorker({ onEvent })` does); `pollNow` can collect them instead.
 */
import type { Queue } from 'bullmq';
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
   * How long completed and failed event jobs are kept. While a job exists BullMQ refuses a second job
   * with its id, which is what makes a re-emit after a crash a no-op. Default 7 days.
   */
  keepSeconds?: number;
  /** Delivery attempts of one event job by its consumer. Default 10, exponential backoff from 1 s. */
  attempts?: number;
}

export class QueueSink implements EventSink {
  private readonly keepSeconds: number;
  private readonly attempts: number;

  constructor(
    readonly queue: Queue,
    options: QueueSinkOptions = {},
  ) {
    this.keepSeconds = options.keepSeconds ?? 7 * 86_400;
    this.attempts = options.attempts ?? 10;
  }

  async emit(events: TriggerEvent[], context?: EmitContext): Promise<void> {
    if (events.length === 0) return;
    // One MULTI for the page, in order: the consumer sees them oldest first.
    await this.queue.addBulk(
      events.map((event) => ({
        name: event.trigger,
        data: event,
        opts: {
          jobId: eventJobId(event.subscription_id, context?.generation ?? '', event.object_id),
          removeOnComplete: { age: this.keepSeconds },
          removeOnFail: { age: this.keepSeconds },
          attempts: this.attempts,
          backoff: { type: 'exponential', delay: 1000 },
        },
      })),
    );
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
