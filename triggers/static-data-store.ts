/**
 * The poll state of one subscription in a plain JSON-able object, for hosts that keep a trigger's
 * cursor themselves (n8n's workflow static data): the same fields and rules as the Redis store
 * (store.ts), with no Redis. One writer at a time is the host's job (n8n runs one poll of a node at a
 * time); the version fence still refuses a stale writer.
 */
import { randomBytes } from 'node:crypto';
import type { PollStore } from './poll-store';
import { CursorConflictError, type Commit, type Fence, type PollState, type SeenTrim } from './store';

/** What is saved between polls. Every field is JSON (numbers, strings, null, one flat record). */
export interface StaticPollState {
  /** The trigger and options this state belongs to: other ones start over with a new baseline. */
  subject: string;
  generation: string;
  version: number;
  cursor_id: string | null;
  watermark: number | null;
  trimmed_below: number | null;
  baselined: boolean;
  events_emitted: number;
  /** Untimed objects are scored by this sequence (kept by count, like the Redis store). */
  seen_seq: number;
  /** id -> `created` (or the sequence number, untimed), like the Redis seen zset. */
  seen: Record<string, number>;
}

export function emptyStaticPollState(subject: string): StaticPollState {
  return {
    subject,
    generation: randomBytes(6).toString('hex'),
    version: 0,
    cursor_id: null,
    watermark: null,
    trimmed_below: null,
    baselined: false,
    events_emitted: 0,
    seen_seq: 0,
    seen: {},
  };
}

function isStaticPollState(value: unknown): value is StaticPollState {
  const v = value as Partial<StaticPollState> | null;
  return typeof v === 'object' && v !== null && typeof v.subject === 'string' && typeof v.version === 'number' && typeof v.seen === 'object' && v.seen !== null;
}

/** The saved state when it is this subject's, else a fresh one (first poll, or trigger/options changed). */
export function staticPollStateFor(saved: unknown, subject: string): StaticPollState {
  return isStaticPollState(saved) && saved.subject === subject ? saved : emptyStaticPollState(subject);
}

const higher = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));

/** A PollStore over one StaticPollState, changed in place (the caller decides when it is saved). */
export class StaticDataStore implements PollStore {
  constructor(readonly state: StaticPollState) {}

  async getState(): Promise<PollState> {
    const s = this.state;
    return {
      cursor_id: s.cursor_id,
      watermark: s.watermark,
      version: s.version,
      generation: s.generation,
      trimmed_below: s.trimmed_below,
      baselined: s.baselined,
      status: s.baselined ? 'active' : 'new',
      last_poll_at: null,
      last_success_at: null,
      last_error: null,
      events_emitted: s.events_emitted,
      consecutive_failures: 0,
      retry_at: null,
    };
  }

  async seenIds(_id: string, objectIds: string[]): Promise<Set<string>> {
    return new Set(objectIds.filter((id) => Object.hasOwn(this.state.seen, id)));
  }

  private checkFence(fence: Fence, version?: number): void {
    if (fence.generation !== this.state.generation) throw new CursorConflictError('resubscribed');
    if (version !== undefined && version !== this.state.version) throw new CursorConflictError('version_mismatch');
  }

  async commit(_id: string, fence: Fence, batch: Commit): Promise<number> {
    this.checkFence(fence, fence.version);
    const s = this.state;
    for (const o of batch.seen ?? []) s.seen[o.id] = o.created ?? ++s.seen_seq;
    s.events_emitted += batch.emitted ?? 0;
    if (batch.cursor) {
      s.cursor_id = batch.cursor.cursorId;
      s.watermark = higher(s.watermark, batch.cursor.watermark);
    }
    if (batch.trimmedBelow !== undefined) s.trimmed_below = higher(s.trimmed_below, batch.trimmedBelow);
    if (batch.baselined) s.baselined = true;
    s.version += 1;
    return s.version;
  }

  async trimSeen(_id: string, fence: Fence, trim: SeenTrim, ifSeen: string[] = []): Promise<string[]> {
    this.checkFence(fence);
    const s = this.state;
    const unseen = ifSeen.filter((id) => !Object.hasOwn(s.seen, id));
    if (unseen.length > 0) return unseen;
    if ('floor' in trim) {
      for (const [id, score] of Object.entries(s.seen)) if (score < trim.floor) delete s.seen[id];
      s.trimmed_below = higher(s.trimmed_below, trim.floor);
    } else if ('keep' in trim) {
      const entries = Object.entries(s.seen);
      if (entries.length > trim.keep) {
        entries.sort((a, b) => b[1] - a[1]);
        s.seen = Object.fromEntries(entries.slice(0, trim.keep));
      }
    }
    return [];
  }
}
