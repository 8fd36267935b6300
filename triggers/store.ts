/**
 * Subscriptions and their poll state in Redis. Only ids, cursors, counters and error descriptions are
 * stored here: never a key (credentials come from the host's resolver at poll time).
 */
import type { Redis } from 'ioredis';
import { TriggerKeys } from './keys';

export interface SubscriptionRecord {
  id: string;
  trigger: string;
  /** Parsed options (defaults applied). */
  options: Record<string, any>;
  /** The host's name for the connection whose credentials the resolver returns. */
  connection_ref: string;
  every_ms: number;
  created_at: string;
}

export type SubscriptionStatus = 'new' | 'active' | 'failing';

export interface PollState {
  /** The newest object walked so far (the `ending_before` cursor); null before the baseline or after it vanished. */
  cursor_id: string | null;
  /** Highest `created` the cursor has reached: objects older than `watermark - lookback` count as handled. */
  watermark: number | null;
  /** Bumped by every cursor move; a compare-and-set names the version it read. */
  version: number;
  baselined: boolean;
  status: SubscriptionStatus;
  last_poll_at: string | null;
  last_success_at: string | null;
  last_error: Record<string, unknown> | null;
  events_emitted: number;
  consecutive_failures: number;
  /** While failing: ms epoch before which scheduled polls end at once (backoff). */
  retry_at: number | null;
}

export interface CursorUpdate {
  cursorId: string | null;
  watermark: number | null;
  baselined?: boolean;
}

/**
 * Compare-and-set of the cursor. Succeeds only if the caller still holds the subscription's poll lock
 * (fencing: a poller whose lock expired cannot write) and the state is at the version it read (a
 * concurrent or stale poller cannot move the cursor, backwards or at all). The watermark never goes
 * down. Returns the new version, -1 on a lost lock, -2 on a version mismatch, -3 when the subscription
 * was removed meanwhile (its state is not written back).
 */
const CAS_CURSOR = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return -1 end
if redis.call('EXISTS', KEYS[3]) == 0 then return -3 end
local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if version ~= tonumber(ARGV[2]) then return -2 end
local wm = ARGV[4]
local old = redis.call('HGET', KEYS[1], 'watermark')
if old and old ~= '' and (wm == '' or tonumber(wm) < tonumber(old)) then wm = old end
redis.call('HSET', KEYS[1], 'cursor_id', ARGV[3], 'watermark', wm, 'version', version + 1)
if ARGV[5] == '1' then redis.call('HSET', KEYS[1], 'baselined', '1') end
return version + 1
`;

export class CursorConflictError extends Error {
  constructor(readonly reason: 'lock_lost' | 'version_mismatch' | 'unsubscribed') {
    super(
      reason === 'lock_lost'
        ? 'the poll lock was lost; another poller owns the subscription now'
        : reason === 'unsubscribed'
          ? 'the subscription was removed during the poll'
          : 'the cursor moved under this poller',
    );
    this.name = 'CursorConflictError';
  }
}

export class SubscriptionStore {
  constructor(
    readonly redis: Redis,
    readonly keys: TriggerKeys,
  ) {}

  async saveSubscription(record: SubscriptionRecord, resetState: boolean): Promise<void> {
    const multi = this.redis.multi();
    multi.hset(this.keys.sub(record.id), {
      trigger: record.trigger,
      options: JSON.stringify(record.options),
      connection_ref: record.connection_ref,
      every_ms: String(record.every_ms),
      created_at: record.created_at,
    });
    multi.sadd(this.keys.subs(), record.id);
    if (resetState) multi.del(this.keys.state(record.id), this.keys.seen(record.id));
    multi.hsetnx(this.keys.state(record.id), 'version', '0');
    multi.hsetnx(this.keys.state(record.id), 'status', 'new');
    await multi.exec();
  }

  async getSubscription(id: string): Promise<SubscriptionRecord | undefined> {
    const h = await this.redis.hgetall(this.keys.sub(id));
    if (!h.trigger) return undefined;
    return {
      id,
      trigger: h.trigger,
      options: JSON.parse(h.options ?? '{}'),
      connection_ref: h.connection_ref ?? '',
      every_ms: Number(h.every_ms),
      created_at: h.created_at ?? '',
    };
  }

  async listIds(): Promise<string[]> {
    return (await this.redis.smembers(this.keys.subs())).sort();
  }

  async deleteSubscription(id: string): Promise<boolean> {
    const [removed] = (await this.redis
      .multi()
      .srem(this.keys.subs(), id)
      .del(this.keys.sub(id), this.keys.state(id), this.keys.seen(id))
      .exec()) as [[Error | null, number], unknown];
    return removed[1] === 1;
  }

  async getState(id: string): Promise<PollState> {
    const h = await this.redis.hgetall(this.keys.state(id));
    const num = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v));
    return {
      cursor_id: h.cursor_id ? h.cursor_id : null,
      watermark: num(h.watermark),
      version: Number(h.version ?? 0),
      baselined: h.baselined === '1',
      status: (h.status as SubscriptionStatus) ?? 'new',
      last_poll_at: h.last_poll_at ?? null,
      last_success_at: h.last_success_at ?? null,
      last_error: h.last_error ? JSON.parse(h.last_error) : null,
      events_emitted: Number(h.events_emitted ?? 0),
      consecutive_failures: Number(h.consecutive_failures ?? 0),
      retry_at: num(h.retry_at),
    };
  }

  /** Moves the cursor if the lock and version still hold; returns the new version. */
  async casCursor(id: string, lockToken: string, expectedVersion: number, update: CursorUpdate): Promise<number> {
    const result = Number(
      await this.redis.eval(
        CAS_CURSOR,
        3,
        this.keys.state(id),
        this.keys.lock(id),
        this.keys.sub(id),
        lockToken,
        String(expectedVersion),
        update.cursorId ?? '',
        update.watermark === null ? '' : String(update.watermark),
        update.baselined ? '1' : '0',
      ),
    );
    if (result === -1) throw new CursorConflictError('lock_lost');
    if (result === -2) throw new CursorConflictError('version_mismatch');
    if (result === -3) throw new CursorConflictError('unsubscribed');
    return result;
  }

  /** Which of these ids were already handled (emitted or deliberately skipped). */
  async seenIds(id: string, objectIds: string[]): Promise<Set<string>> {
    if (objectIds.length === 0) return new Set();
    const scores = await this.redis.zmscore(this.keys.seen(id), ...objectIds);
    return new Set(objectIds.filter((_, i) => scores[i] !== null));
  }

  /** Records handled ids (scored by `created`); returns how many were new. */
  async markSeen(id: string, objects: Array<{ id: string; created: number }>): Promise<number> {
    if (objects.length === 0) return 0;
    const args: Array<string | number> = [];
    for (const o of objects) args.push(o.created, o.id);
    return Number(await this.redis.zadd(this.keys.seen(id), ...args));
  }

  /** Forgets ids older than the look-back floor: nothing walks below it again. */
  async trimSeen(id: string, floor: number): Promise<void> {
    await this.redis.zremrangebyscore(this.keys.seen(id), '-inf', `(${floor}`);
  }

  async addEmitted(id: string, count: number): Promise<void> {
    if (count > 0) await this.redis.hincrby(this.keys.state(id), 'events_emitted', count);
  }

  async markPolled(id: string, at: Date): Promise<void> {
    await this.redis.hset(this.keys.state(id), 'last_poll_at', at.toISOString());
  }

  async markSuccess(id: string, at: Date): Promise<void> {
    await this.redis.hset(this.keys.state(id), {
      status: 'active',
      last_success_at: at.toISOString(),
      last_error: '',
      consecutive_failures: '0',
      retry_at: '',
    });
  }

  /** A failure that needs the user (401/403): status failing, backoff until `retryAt`; the cursor is untouched. */
  async markFailing(id: string, error: Record<string, unknown>, retryAt: number): Promise<number> {
    const results = await this.redis
      .multi()
      .hset(this.keys.state(id), { status: 'failing', last_error: JSON.stringify(error), retry_at: String(retryAt) })
      .hincrby(this.keys.state(id), 'consecutive_failures', 1)
      .exec();
    return Number(results?.[1]?.[1] ?? 1);
  }

  /** A transient failure (rate limit, 5xx after retries): visible in status; the next poll retries. */
  async recordError(id: string, error: Record<string, unknown>): Promise<void> {
    await this.redis.hset(this.keys.state(id), { last_error: JSON.stringify(error) });
  }

  async consecutiveFailures(id: string): Promise<number> {
    return Number((await this.redis.hget(this.keys.state(id), 'consecutive_failures')) ?? 0);
  }
}
