/**
 * What one poll (poller.ts) needs from where its state lives: the Redis SubscriptionStore (store.ts)
 * for TriggerService, a plain JSON-able object (static-data-store.ts) for hosts that keep the cursor
 * themselves (n8n's workflow static data). Both keep the same rules: the fence, the watermark and
 * `trimmed_below` never going down, the seen record trimmed by time or by count.
 */
import type { Commit, Fence, PollState, SeenTrim } from './store';

export interface PollStore {
  getState(id: string): Promise<PollState>;
  /** Which of these ids were already handled (emitted or deliberately skipped). */
  seenIds(id: string, objectIds: string[]): Promise<Set<string>>;
  /** Writes one batch (seen ids, counter, cursor) if the fence still holds; returns the new version. */
  commit(id: string, fence: Fence, batch: Commit): Promise<number>;
  /**
   * The poll's last write: forgets seen ids below a floor or beyond a count (fenced). With `ifSeen`,
   * only when every one of those ids is seen: else it writes nothing and returns the unseen ones.
   */
  trimSeen(id: string, fence: Fence, trim: SeenTrim, ifSeen?: string[]): Promise<string[]>;
}

/** What a poll reads of its lock: the token it fences with, and whether the lock was lost meanwhile. */
export interface PollLockView {
  readonly token: string;
  readonly lost: boolean;
}
