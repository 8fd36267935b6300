/**
 * Delivery in order per subscription, with any number of consumers and no global limit: a consumer
 * delivers an event only while it is the oldest undelivered event of its subscription. A stalled or
 * slow delivery holds back its own subscription only; the others go on.
 *
 * The order lives in one zset per subscription (`<prefix>:trg:pending:<id>`, member = event job id,
 * score = position). The sink registers a page's events there before it enqueues them (so no consumer
 * can see a job its zset does not know yet, whatever the number of consumers); a consumer registers a
 * job it does not find (a crash between the two writes, an operator's retry) at the end. Entries whose
 * job is finished (delivered or failed for good) or gone are dropped whenever they reach the head, so
 * the zset holds at most the undelivered events plus a few, even when the host consumes the queue
 * with its own worker.
 */
import type { Job, Queue } from 'bullmq';
import type { RedisClient } from './redis';
import { LuaScript } from './lua';

// Drops finished or missing jobs from the head (at most ARGV limit), returns the head id or false.
const DROP_FINISHED_HEADS = `
local function dropFinishedHeads(pending, jobPrefix, limit)
  for i = 1, limit do
    local head = redis.call('ZRANGE', pending, 0, 0)[1]
    if not head then return false end
    local jobKey = jobPrefix .. head
    if redis.call('EXISTS', jobKey) == 1 and redis.call('HEXISTS', jobKey, 'finishedOn') == 0 then return head end
    redis.call('ZREM', pending, head)
  end
  return false
end
local function nextPosition(pending)
  local last = redis.call('ZREVRANGE', pending, 0, 0, 'WITHSCORES')[2]
  return last and (tonumber(last) + 1) or 1
end
`;

/** KEYS[1] pending zset; ARGV[1] job key prefix, ARGV[2..] job ids in emit order. Returns the count added. */
const REGISTER = new LuaScript(`${DROP_FINISHED_HEADS}
local pending, jobPrefix = KEYS[1], ARGV[1]
dropFinishedHeads(pending, jobPrefix, 100)
local position, added = nextPosition(pending), 0
for i = 2, #ARGV do
  local id = ARGV[i]
  -- Already known keeps its place; an already finished job (a re-emit after delivery) is not pending.
  if not redis.call('ZSCORE', pending, id) and redis.call('HEXISTS', jobPrefix .. id, 'finishedOn') == 0 then
    redis.call('ZADD', pending, position, id)
    position = position + 1
    added = added + 1
  end
end
return added`);

/**
 * KEYS[1] pending zset; ARGV[1] job key prefix, ARGV[2] job id. Returns {1} when the job is the
 * head (deliver it), else {0, rank, head id}.
 */
const ENTER = new LuaScript(`${DROP_FINISHED_HEADS}
local pending, jobPrefix, id = KEYS[1], ARGV[1], ARGV[2]
if not redis.call('ZSCORE', pending, id) then redis.call('ZADD', pending, nextPosition(pending), id) end
local head = dropFinishedHeads(pending, jobPrefix, 1000)
if head == id then return {1} end
return {0, redis.call('ZRANK', pending, id), head or ''}`);

/** KEYS[1] pending zset; ARGV[1] job key prefix, ARGV[2] job id. Removes it; returns the next head or false. */
const LEAVE = new LuaScript(`${DROP_FINISHED_HEADS}
local pending, jobPrefix, id = KEYS[1], ARGV[1], ARGV[2]
redis.call('ZREM', pending, id)
return dropFinishedHeads(pending, jobPrefix, 1000)`);

export type EnterResult = { deliver: true } | { deliver: false; rank: number; head: string };

/** The per-subscription order of one events queue. */
export class DeliveryOrder {
  constructor(
    private readonly queue: Queue,
    private readonly redis?: RedisClient,
  ) {}

  static pendingKey(prefix: string, subscriptionId: string): string {
    return `${prefix}:trg:pending:${subscriptionId}`;
  }

  private pending(subscriptionId: string): string {
    return DeliveryOrder.pendingKey(this.queue.opts.prefix ?? 'bull', subscriptionId);
  }

  private jobPrefix(): string {
    return this.queue.toKey('');
  }

  private async client(): Promise<RedisClient> {
    return this.redis ?? ((await this.queue.getBackend().client) as unknown as RedisClient);
  }

  /** Before enqueueing: the page's job ids, in emit order. */
  async register(subscriptionId: string, jobIds: string[]): Promise<void> {
    if (jobIds.length === 0) return;
    await REGISTER.run(await this.client(), 1, this.pending(subscriptionId), this.jobPrefix(), ...jobIds);
  }

  /** May this job be delivered now? */
  async enter(job: Job<{ subscription_id: string }>): Promise<EnterResult> {
    const result = (await ENTER.run(await this.client(), 1, this.pending(job.data.subscription_id), this.jobPrefix(), job.id!)) as [number, number?, string?];
    if (result[0] === 1) return { deliver: true };
    return { deliver: false, rank: Number(result[1] ?? 1), head: String(result[2] ?? '') };
  }

  /** After delivery (or its final failure): the subscription's next undelivered job id, if any. */
  async leave(job: Job<{ subscription_id: string }>): Promise<string | undefined> {
    const next = await LEAVE.run(await this.client(), 1, this.pending(job.data.subscription_id), this.jobPrefix(), job.id!);
    return typeof next === 'string' ? next : undefined;
  }

  /** Wakes a waiting job now (it sleeps in delayed while behind); a job in any other state is left alone. */
  async wake(jobId: string): Promise<void> {
    const job = await this.queue.getJob(jobId);
    if (job && (await job.isDelayed())) await job.promote().catch(() => undefined);
  }
}
