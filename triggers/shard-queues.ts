/**
 * The BullMQ side of sharding (shards.ts): each shard's polls and events queues, and the events sink
 * that puts a subscription's events in its own shard's queue.
 */
import type { Queue } from 'bullmq';
import type { TriggerKeys } from './keys';
import { bullmq } from './queue-libs';
import type { RedisClient } from './redis';
import { QueueSink, type EmitContext, type EventSink, type QueueSinkOptions, type TriggerEvent } from './sink';

/** The BullMQ queues of each shard (polls and events), made on first use. */
export class ShardQueues {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly connection: RedisClient,
    private readonly keys: TriggerKeys,
  ) {}

  get(name: string, shard: number): Queue {
    const id = `${shard}/${name}`;
    let queue = this.queues.get(id);
    if (!queue) {
      const prefix = this.keys.shardPrefixes[shard];
      if (prefix === undefined) throw new Error(`no shard ${JSON.stringify(shard)}: there are ${this.keys.shardCount} (0 to ${this.keys.shardCount - 1})`);
      const { Queue } = bullmq();
      queue = new Queue(name, { connection: this.connection, prefix });
      this.queues.set(id, queue);
    }
    return queue;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}

/** QueueSink over the shards: each subscription's events go to its own shard's events queue. */
export class ShardedQueueSink implements EventSink {
  private readonly sinks = new Map<number, QueueSink>();

  constructor(
    private readonly keys: TriggerKeys,
    private readonly eventQueue: (shard: number) => Queue,
    private readonly options: QueueSinkOptions = {},
  ) {}

  async emit(events: TriggerEvent[], context?: EmitContext): Promise<void> {
    const byShard = new Map<number, TriggerEvent[]>();
    for (const event of events) {
      const shard = this.keys.shardOf(event.subscription_id);
      const list = byShard.get(shard);
      if (list) list.push(event);
      else byShard.set(shard, [event]);
    }
    for (const [shard, shardEvents] of byShard) {
      let sink = this.sinks.get(shard);
      if (!sink) this.sinks.set(shard, (sink = new QueueSink(this.eventQueue(shard), this.options)));
      await sink.emit(shardEvents, context);
    }
  }
}
