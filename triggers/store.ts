/**
 * Subscriptions and their poll state in Redis. Only ids, cursors, counters and error descriptions are
 * stored here: never a key (credentials come from the host's resolver at poll time).
 */
import { randomBytes } from 'node:crypto';
import { TriggerKeys } from './keys';
import { LuaScript } from './lua';
import type { PollStore } from './poll-store';
import type { RedisClient } from './redis';

export interface SubscriptionRecord {
  id: string;
  trigger: string;
  /** Parsed options (defaults applied). */
  options: Record<string, any>;
  /** The host's name for the connection whose credentials the resolver returns. */
  connection_ref: string;
  every_ms: number;
  created_at: string;
  /** With `delivery: "webhook+poll"`: the account whose webhook endpoint feeds it (webhookRefOf). */
  webhook_ref?: string;
}

export type SubscriptionStatus = 'new' | 'active' | 'failing';

export interface PollState {
  /** The newest object walked so far (the `ending_before` cursor); null before the baseline or after it vanished. */
  cursor_id: string | null;
  /** Highest `created` the cursor has reached: objects older than `watermark - lookback` count as handled. */
  watermark: number | null;
  /** Bumped by every commit and by a reset (never back to 0); a commit names the version it read. */
  version: number;
  /** Random, new at every reset (subscribe with another trigger or filters): part of the event job ids. */
  generation: string;
  /** Nothing below this `created` is new: the baseline's window and every trim raise it, never lower it. */
  trimmed_below: number | null;
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
}

/** What the poller read and must still hold for a write to land (see COMMIT). */
export interface Fence {
  /** The poll lock's token. */
  token: string;
  /** `version` as read (or as returned by the previous commit). */
  version: number;
  /** `generation` as read: a re-subscription with other filters writes a new one. */
  generation: string;
}

/** One batch of a poll, written at once. */
export interface Commit {
  /** Handled ids (emitted, filtered out, or pre-existing): `created`, or null for untimed objects. */
  seen?: Array<{ id: string; created: number | null }>;
  /** Events this batch put in the sink (the `events_emitted` counter). */
  emitted?: number;
  /** Absent: the cursor stays where it is (the version still moves). */
  cursor?: CursorUpdate;
  baselined?: boolean;
  /** Nothing below this `created` counts as new any more (the baseline's window); only ever raised. */
  trimmedBelow?: number;
}

/**
 * Everything one batch of a poll writes, in one script, after its events are in the sink: the seen
 * ids, the events counter, the cursor. Lands only if the caller still holds the subscription's poll
 * lock (fencing: a poller whose lock expired cannot write), the state is at the version and
 * generation it read (a concurrent, stale or re-subscribed poller cannot move the cursor or record
 * ids), and the subscription still exists (an unsubscribe during a poll leaves no keys behind). One
 * script, so there is no crash point between recording ids and moving the cursor. The watermark and
 * `trimmed_below` never go down. Untimed objects (no `created`) are scored by a per-subscription
 * sequence, so they can be kept by count (insertion order) instead of by time.
 * Returns the new version, -1 lost lock, -2 version mismatch, -3 unsubscribed, -4 re-subscribed.
 *
 * KEYS: state, lock, sub, seen. ARGV: token, version, generation, set cursor (0/1), cursor id,
 * watermark, baselined (0/1), trimmed_below, emitted, then (created or '', id) pairs.
 */
const COMMIT = new LuaScript(`
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return -1 end
if redis.call('EXISTS', KEYS[3]) == 0 then return -3 end
if (redis.call('HGET', KEYS[1], 'generation') or '') ~= ARGV[3] then return -4 end
local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if version ~= tonumber(ARGV[2]) then return -2 end
for i = 10, #ARGV, 2 do
  local score = ARGV[i]
  if score == '' then score = redis.call('HINCRBY', KEYS[1], 'seen_seq', 1) end
  redis.call('ZADD', KEYS[4], score, ARGV[i + 1])
end
if tonumber(ARGV[9]) > 0 then redis.call('HINCRBY', KEYS[1], 'events_emitted', ARGV[9]) end
if ARGV[4] == '1' then
  local wm = ARGV[6]
  local old = redis.call('HGET', KEYS[1], 'watermark')
  if old and old ~= '' and (wm == '' or tonumber(wm) < tonumber(old)) then wm = old end
  redis.call('HSET', KEYS[1], 'cursor_id', ARGV[5], 'watermark', wm)
end
if ARGV[8] ~= '' then
  local tb = redis.call('HGET', KEYS[1], 'trimmed_below')
  if not tb or tb == '' or tonumber(tb) < tonumber(ARGV[8]) then redis.call('HSET', KEYS[1], 'trimmed_below', ARGV[8]) end
end
if ARGV[7] == '1' then redis.call('HSET', KEYS[1], 'baselined', '1') end
redis.call('HSET', KEYS[1], 'version', version + 1)
return version + 1
`);

/**
 * Forgets seen ids nothing will walk again, fenced like COMMIT (a stale poller must not trim a new
 * generation's record). Timed: below the floor, and `trimmed_below` is raised to it so a later, longer
 * `lookback_seconds` cannot reach below what was forgotten (it would emit old objects again).
 * Untimed: all but the newest ARGV[5] by insertion. Mode 'none' trims nothing. With ARGV[6] = '1' it also ends the poll in the
 * same round trip: the success fields (ARGV[7] = when) and the lock released (its token is ours: it
 * was checked above). ARGV[8...]: ids the poll listed and expects to be seen (an idle poll's page);
 * if any is not, nothing is written and those ids are returned (the poll emits and commits them,
 * then finishes), so an idle poll needs no separate seen-ids read. KEYS: state, lock, sub, seen.
 * ARGV: token, generation, mode ('time'/'count'), floor, keep, finish (0/1), ISO time, ids...
 */
const TRIM = new LuaScript(`
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return -1 end
if redis.call('EXISTS', KEYS[3]) == 0 then return -3 end
if (redis.call('HGET', KEYS[1], 'generation') or '') ~= ARGV[2] then return -4 end
if #ARGV >= 8 then
  local scores = redis.call('ZMSCORE', KEYS[4], unpack(ARGV, 8))
  local unseen = {}
  for i = 1, #scores do if not scores[i] then unseen[#unseen + 1] = ARGV[7 + i] end end
  if #unseen > 0 then return unseen end
end
if ARGV[3] == 'time' then
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. ARGV[4])
  local tb = redis.call('HGET', KEYS[1], 'trimmed_below')
  if not tb or tb == '' or tonumber(tb) < tonumber(ARGV[4]) then redis.call('HSET', KEYS[1], 'trimmed_below', ARGV[4]) end
elseif ARGV[3] == 'count' then
  redis.call('ZREMRANGEBYRANK', KEYS[4], 0, -1 - tonumber(ARGV[5]))
end
if ARGV[6] == '1' then
  redis.call('HSET', KEYS[1], 'status', 'active', 'last_success_at', ARGV[7], 'last_error', '', 'consecutive_failures', '0', 'retry_at', '')
  redis.call('DEL', KEYS[2])
end
return 0
`);

/**
 * The start of a poll in one round trip: the subscription (gone: 0), the failing backoff (1, retry_at;
 * skipped with force), the poll lock (held elsewhere: 2), then `last_poll_at` and the subscription and
 * state hashes (3, sub, state). KEYS: sub, state, lock. ARGV: token, lock ttl ms, now ms, force (0/1),
 * now ISO (empty: last_poll_at is left alone, for a webhook ingest).
 */
const BEGIN = new LuaScript(`
local sub = redis.call('HGETALL', KEYS[1])
if #sub == 0 then return {0} end
if ARGV[4] ~= '1' and redis.call('HGET', KEYS[2], 'status') == 'failing' then
  local retry = tonumber(redis.call('HGET', KEYS[2], 'retry_at') or '')
  if retry and retry > tonumber(ARGV[3]) then return {1, tostring(retry)} end
end
if not redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[2], 'NX') then return {2} end
local state = redis.call('HGETALL', KEYS[2])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[2], 'last_poll_at', ARGV[5]) end
return {3, sub, state}
`);

/**
 * (Re)writes a subscription. With `reset` (new trigger or filters) the poll state and seen record
 * start over under a new generation, and the version goes on counting up: a poller still running on
 * the old state can then neither move the new cursor (version, generation) nor collide with the new
 * generation's event job ids. KEYS: sub, subs, state, seen. ARGV: reset (0/1), new generation, id,
 * then the sub hash's field/value pairs.
 */
const SAVE = new LuaScript(`
redis.call('DEL', KEYS[1])
for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('SADD', KEYS[2], ARGV[3])
if ARGV[1] == '1' then
  local version = tonumber(redis.call('HGET', KEYS[3], 'version') or '0')
  redis.call('DEL', KEYS[3], KEYS[4])
  redis.call('HSET', KEYS[3], 'version', version + 1, 'generation', ARGV[2], 'status', 'new')
else
  redis.call('HSETNX', KEYS[3], 'version', '0')
  redis.call('HSETNX', KEYS[3], 'generation', ARGV[2])
  redis.call('HSETNX', KEYS[3], 'status', 'new')
end
return 0
`);

/** How many keys the fenced scripts take (see fencedKeys). */
const FENCED_KEY_COUNT = 4;

export class CursorConflictError extends Error {
  constructor(readonly reason: 'lock_lost' | 'version_mismatch' | 'unsubscribed' | 'resubscribed') {
    super(
      reason === 'lock_lost'
        ? 'the poll lock was lost; another poller owns the subscription now'
        : reason === 'unsubscribed'
          ? 'the subscription was removed during the poll'
          : reason === 'resubscribed'
            ? 'the subscription was re-subscribed with other filters during the poll'
            : 'the cursor moved under this poller',
    );
    this.name = 'CursorConflictError';
  }
}

export class SubscriptionStore implements PollStore {
  constructor(
    readonly redis: RedisClient,
    readonly keys: TriggerKeys,
  ) {}

  async saveSubscription(record: SubscriptionRecord, resetState: boolean): Promise<void> {
    const fields = {
      trigger: record.trigger,
      options: JSON.stringify(record.options),
      connection_ref: record.connection_ref,
      every_ms: String(record.every_ms),
      created_at: record.created_at,
      ...(record.webhook_ref ? { webhook_ref: record.webhook_ref } : {}),
    };
    await SAVE.run(
      this.redis,
      4,
      this.keys.sub(record.id),
      this.keys.subs(this.keys.shardOf(record.id)),
      this.keys.state(record.id),
      this.keys.seen(record.id),
      resetState ? '1' : '0',
      newGeneration(),
      record.id,
      ...Object.entries(fields).flat(),
    );
  }

  async getSubscription(id: string): Promise<SubscriptionRecord | undefined> {
    return parseSubscription(id, await this.redis.hgetall(this.keys.sub(id)));
  }

  /**
   * A poll's start, one round trip: reads the subscription and its state, honours the failing
   * backoff (unless `force`), takes the poll lock with `token` and stamps `last_poll_at`.
   */
  /** `recordPollAt` false: a webhook ingest, which takes the lock but is not a poll (last_poll_at stays). */
  async beginPoll(id: string, token: string, lockTtlMs: number, force: boolean, at: Date, recordPollAt = true): Promise<PollStart> {
    const reply = (await BEGIN.run(this.redis, 3, this.keys.sub(id), this.keys.state(id), this.keys.lock(id), token, String(lockTtlMs), String(at.getTime()), force ? '1' : '0', recordPollAt ? at.toISOString() : '')) as [number, ...unknown[]];
    switch (reply[0]) {
      case 0:
        return { status: 'unsubscribed' };
      case 1:
        return { status: 'backoff', retry_at: Number(reply[1]) };
      case 2:
        return { status: 'locked' };
      default: {
        const subscription = parseSubscription(id, pairs(reply[1] as string[]));
        if (!subscription) return { status: 'unsubscribed' };
        return { status: 'began', subscription, state: parseState(pairs(reply[2] as string[])) };
      }
    }
  }

  /** Every shard's subscription ids, sorted. */
  async listIds(): Promise<string[]> {
    const shards = await Promise.all(this.keys.shardPrefixes.map((_, shard) => this.redis.smembers(this.keys.subs(shard))));
    return shards.flat().sort();
  }

  async deleteSubscription(id: string): Promise<boolean> {
    const [removed] = (await this.redis
      .multi()
      .srem(this.keys.subs(this.keys.shardOf(id)), id)
      .del(this.keys.sub(id), this.keys.state(id), this.keys.seen(id))
      .exec()) as [[Error | null, number], unknown];
    return removed[1] === 1;
  }

  async getState(id: string): Promise<PollState> {
    return parseState(await this.redis.hgetall(this.keys.state(id)));
  }

  /** The keys COMMIT and TRIM take, in their KEYS order: both check the fence on state and lock. */
  private fencedKeys(id: string): [string, string, string, string] {
    return [this.keys.state(id), this.keys.lock(id), this.keys.sub(id), this.keys.seen(id)];
  }

  /** Writes one batch (seen ids, counter, cursor) if the fence still holds; returns the new version. */
  async commit(id: string, fence: Fence, batch: Commit): Promise<number> {
    const seenArgs: string[] = [];
    for (const o of batch.seen ?? []) seenArgs.push(o.created === null ? '' : String(o.created), o.id);
    const result = Number(
      await COMMIT.run(
        this.redis,
        FENCED_KEY_COUNT,
        ...this.fencedKeys(id),
        fence.token,
        String(fence.version),
        fence.generation,
        batch.cursor ? '1' : '0',
        batch.cursor?.cursorId ?? '',
        batch.cursor?.watermark == null ? '' : String(batch.cursor.watermark),
        batch.baselined ? '1' : '0',
        batch.trimmedBelow === undefined ? '' : String(batch.trimmedBelow),
        String(batch.emitted ?? 0),
        ...seenArgs,
      ),
    );
    throwConflict(result);
    return result;
  }

  /** Which of these ids were already handled (emitted or deliberately skipped). */
  async seenIds(id: string, objectIds: string[]): Promise<Set<string>> {
    if (objectIds.length === 0) return new Set();
    const scores = await this.redis.zmscore(this.keys.seen(id), ...objectIds);
    return new Set(objectIds.filter((_, i) => scores[i] !== null));
  }

  /**
   * Timed (`floor`): forgets ids below it and raises `trimmed_below` to it; untimed (`keep`): keeps only
   * the `keep` most recently recorded ids; `none`: nothing (still fenced). Fenced like commit. With `finishedAt`, the same round trip
   * ends the poll: status active, success time, failures cleared, and the poll lock released.
   * With `ifSeen`, only if all those ids are in the seen record; else nothing is written and the
   * unseen ones are returned (empty: done).
   */
  async trimSeen(id: string, fence: Fence, trim: SeenTrim, ifSeen: string[] = [], finishedAt?: Date): Promise<string[]> {
    const mode = 'floor' in trim ? 'time' : 'keep' in trim ? 'count' : 'none';
    const reply = await TRIM.run(
      this.redis,
      FENCED_KEY_COUNT,
      ...this.fencedKeys(id),
      fence.token,
      fence.generation,
      mode,
      'floor' in trim ? String(trim.floor) : '0',
      'keep' in trim ? String(trim.keep) : '0',
      finishedAt ? '1' : '0',
      finishedAt?.toISOString() ?? '',
      ...ifSeen,
    );
    if (Array.isArray(reply)) return reply as string[];
    throwConflict(Number(reply));
    return [];
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

/** What a poll forgets of its seen record at its end: below a floor (timed objects) or all but the newest `keep` (untimed). */
export type SeenTrim = { floor: number } | { keep: number } | { none: true };

export type PollStart =
  | { status: 'unsubscribed' }
  | { status: 'backoff'; retry_at: number }
  | { status: 'locked' }
  | { status: 'began'; subscription: SubscriptionRecord; state: PollState };

/** HGETALL's flat [field, value, ...] reply (from a script) as an object. */
function pairs(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

function parseSubscription(id: string, h: Record<string, string>): SubscriptionRecord | undefined {
  if (!h.trigger) return undefined;
  return {
    id,
    trigger: h.trigger,
    options: JSON.parse(h.options ?? '{}'),
    connection_ref: h.connection_ref ?? '',
    every_ms: Number(h.every_ms),
    created_at: h.created_at ?? '',
    ...(h.webhook_ref ? { webhook_ref: h.webhook_ref } : {}),
  };
}

function parseState(h: Record<string, string>): PollState {
  const num = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v));
  return {
    cursor_id: h.cursor_id ? h.cursor_id : null,
    watermark: num(h.watermark),
    version: Number(h.version ?? 0),
    generation: h.generation ?? '',
    trimmed_below: num(h.trimmed_below),
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

function throwConflict(result: number): void {
  if (result === -1) throw new CursorConflictError('lock_lost');
  if (result === -2) throw new CursorConflictError('version_mismatch');
  if (result === -3) throw new CursorConflictError('unsubscribed');
  if (result === -4) throw new CursorConflictError('resubscribed');
}

/** A subscription generation: short, random, safe in a BullMQ job id. */
function newGeneration(): string {
  return randomBytes(6).toString('hex');
}
