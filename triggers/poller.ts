/**
 * One poll of one subscription: safe to repeat, emits every new object exactly once, oldest first.
 *
 * State (store.ts): `cursor_id` (the newest object walked, used as `ending_before`), `watermark` (the
 * highest `created` reached), `version` (for compare-and-set), and the `seen` record (ids handled
 * within the look-back horizon, scored by `created`). `floor = watermark - lookback_seconds`: objects
 * older than the floor count as handled and no walk goes below it.
 *
 *   1. Baseline (first poll): the newest object becomes the cursor; every object within the look-back
 *      window of it is recorded as seen (it existed before the subscription), and the `backfill`
 *      newest are emitted, oldest first.
 *   2. Look-back sweep (first, so the run stays oldest first): newest first with
 *      `created[gte]=floor&created[lte]=watermark`, stopping at the first object older than the floor
 *      and skipping newer ones (both checked here: a server may ignore the filters); any id not in the
 *      seen record is emitted, oldest first. This catches objects created in the cursor's second but
 *      listed on the far side of it (Stripe leaves the order inside one second undocumented), and late
 *      arrivals with an older `created`.
 *   3. Forward walk: `ending_before=<cursor>`, `limit=100`, each page reversed (oldest first), emitted,
 *      then the cursor moves to the page's newest object by compare-and-set; until `has_more` is false
 *      or `max_pages` pages (the next run continues from the cursor, in order).
 *   4. Cursor gone (`ending_before` answers 400/404: a deleted customer): the cursor id is cleared and
 *      the run descends from the newest object down to the floor, emitting unseen ids oldest first and
 *      setting a new cursor after each chunk. The watermark never moves back, so nothing below the
 *      floor is emitted again and nothing above it is missed. A baseline taken on an empty list also
 *      has no cursor id (and no watermark): the next run descends through everything.
 */
import type { StripeClient } from '../connector/client';
import { StripeInvalidRequestError } from '../connector/errors';
import { silentLogger, type Logger } from '../connector/logger';
import { DEFAULT_LOOKBACK_SECONDS, DEFAULT_MAX_PAGES, listParams, type TriggerDefinition } from './definitions';
import type { HeldLock } from './lock';
import type { EventSink, TriggerEvent } from './sink';
import { CursorConflictError, type SubscriptionRecord, type SubscriptionStore } from './store';

const PAGE_SIZE = 100;
/** Untimed objects (payment links have no `created`): how long their ids stay in the seen record. */
const UNTIMED_SEEN_SECONDS = 86_400;

type StripeObject = { id: string; created?: number; livemode?: boolean } & Record<string, unknown>;

export interface PollerDeps {
  store: SubscriptionStore;
  client: StripeClient;
  sink: EventSink;
  /** Awaited before every Stripe request (the per-account rate limiter). */
  throttle?: () => Promise<void>;
  logger?: Logger;
  /** Seconds clock for untimed objects' seen scores. Default Date.now()/1000. */
  nowSeconds?: () => number;
}

export interface PollResult {
  /** This run took the baseline. */
  baseline: boolean;
  /** Events emitted by this run. */
  emitted: number;
  /** List requests made. */
  pages: number;
  /** False when the forward walk stopped at `max_pages` with more to read. */
  complete: boolean;
  /** The cursor object had disappeared and the run recovered from its time. */
  recovered: boolean;
}

function createdOf(object: StripeObject): number | null {
  return typeof object.created === 'number' ? object.created : null;
}

/** `ending_before` with an id Stripe no longer lists: 404 resource_missing (or a 400 naming the param). */
export function isCursorGone(error: unknown): boolean {
  return (
    error instanceof StripeInvalidRequestError &&
    (error.statusCode === 404 || error.statusCode === 400) &&
    (error.param === 'ending_before' || error.code === 'resource_missing')
  );
}

export class Poller {
  private readonly trigger: TriggerDefinition;
  private readonly subscription: SubscriptionRecord;
  private readonly lock: HeldLock;
  private readonly logger: Logger;
  private readonly lookback: number;
  private readonly maxPages: number;
  private readonly filters: Record<string, unknown>;
  private version = 0;
  private cursorId: string | null = null;
  private watermark: number | null = null;
  private result: PollResult = { baseline: false, emitted: 0, pages: 0, complete: true, recovered: false };

  constructor(
    private readonly deps: PollerDeps,
    subscription: SubscriptionRecord,
    trigger: TriggerDefinition,
    lock: HeldLock,
  ) {
    this.subscription = subscription;
    this.trigger = trigger;
    this.lock = lock;
    this.logger = deps.logger ?? silentLogger;
    this.lookback = Number(subscription.options.lookback_seconds ?? DEFAULT_LOOKBACK_SECONDS);
    this.maxPages = Number(subscription.options.max_pages ?? DEFAULT_MAX_PAGES);
    this.filters = listParams(trigger, subscription.options);
  }

  private get id(): string {
    return this.subscription.id;
  }

  private get floor(): number | null {
    return this.watermark === null ? null : this.watermark - this.lookback;
  }

  async run(): Promise<PollResult> {
    const state = await this.deps.store.getState(this.id);
    this.version = state.version;
    this.cursorId = state.cursor_id;
    this.watermark = state.watermark;
    if (!state.baselined) {
      await this.baseline();
      return this.result;
    }
    if (this.cursorId !== null) {
      // The sweep covers the cursor's second and the look-back before it, so it runs first: what it
      // finds is never newer than what the forward walk emits after it (oldest first holds).
      await this.sweep();
      try {
        await this.forward();
      } catch (error) {
        if (!isCursorGone(error)) throw error;
        this.logger.info({ subscription_id: this.id, cursor: this.cursorId }, 'trigger cursor object is gone; recovering from its time');
        this.result.recovered = true;
        await this.moveCursor(null, this.watermark);
      }
    }
    if (this.cursorId === null) await this.descend();
    await this.trim();
    return this.result;
  }

  private async baseline(): Promise<void> {
    this.result.baseline = true;
    const backfill = Number(this.subscription.options.backfill ?? 0);
    const post = this.trigger.postFilter;
    let newest: StripeObject | undefined;
    const known: StripeObject[] = [];
    const backfilled: StripeObject[] = [];
    outer: for await (const page of this.backwardPages({})) {
      for (const object of page) {
        newest ??= object;
        const created = createdOf(object);
        const newestCreated = createdOf(newest);
        // Untimed objects (no `created`): the newest page is the window.
        const inWindow = created === null || newestCreated === null ? known.length < PAGE_SIZE : created >= newestCreated - this.lookback;
        if (inWindow) known.push(object);
        if (backfilled.length < backfill && (!post || post(object, this.subscription.options))) backfilled.push(object);
        if (!inWindow && backfilled.length >= backfill) break outer;
      }
      if (newest && createdOf(newest) === null && backfilled.length >= backfill) break;
    }
    if (newest === undefined) {
      // Nothing to stand on: no cursor, no watermark; the next run emits everything it then finds.
      await this.moveCursor(null, null, true);
      return;
    }
    // Everything in the newest object's window existed before the subscription: seen, not emitted.
    // The backfill goes through the same emit-then-record path (seen ids are skipped on a re-run).
    await this.emitBatch([...backfilled].reverse(), null, { recordAlso: known });
    await this.moveCursor(newest.id, createdOf(newest), true);
  }

  private async forward(): Promise<void> {
    for (let pages = 1; ; pages++) {
      this.assertLock();
      await this.deps.throttle?.();
      const page = await this.deps.client.list<StripeObject>(this.trigger.path, {
        ...this.filters,
        ending_before: this.cursorId,
        limit: PAGE_SIZE,
      });
      this.result.pages++;
      const newest = page.data[0];
      if (newest === undefined) return;
      await this.emitBatch([...page.data].reverse(), this.floor);
      await this.moveCursor(newest.id, maxCreated(this.watermark, createdOf(newest)));
      if (!page.has_more) return;
      if (pages >= this.maxPages) {
        this.result.complete = false;
        return;
      }
    }
  }

  /** Objects between the floor and the watermark (inclusive) that are not in the seen record. */
  private async sweep(): Promise<void> {
    const floor = this.floor;
    const ceiling = this.watermark;
    const collected: StripeObject[] = [];
    const params = floor === null || ceiling === null ? {} : { created: { gte: floor, lte: ceiling } };
    outer: for await (const page of this.backwardPages(params)) {
      for (const object of page) {
        const created = createdOf(object);
        // Checked here too: a server may ignore created[...] filters.
        if (floor !== null && created !== null && created < floor) break outer;
        if (ceiling !== null && created !== null && created > ceiling) continue;
        collected.push(object);
      }
      // Untimed objects: the newest page is the window.
      if (floor === null) break;
    }
    await this.emitBatch(collected.reverse(), floor);
  }

  private async descend(): Promise<void> {
    const floor = this.floor;
    const collected: StripeObject[] = [];
    const params = floor === null ? {} : { created: { gte: floor } };
    outer: for await (const page of this.backwardPages(params)) {
      for (const object of page) {
        const created = createdOf(object);
        if (floor !== null && created !== null && created < floor) break outer;
        collected.push(object);
      }
    }
    const oldestFirst = collected.reverse();
    for (let i = 0; i < oldestFirst.length; i += PAGE_SIZE) {
      this.assertLock();
      const chunk = oldestFirst.slice(i, i + PAGE_SIZE);
      await this.emitBatch(chunk, floor);
      const newest = chunk[chunk.length - 1]!;
      await this.moveCursor(newest.id, maxCreated(this.watermark, createdOf(newest)));
    }
  }

  /**
   * Emit, then record. Exactly once:
   * - Events go to the sink first (the events queue, with job id `<subscription>.<object>`), then the
   *   ids go into the seen record, then the caller moves the cursor.
   * - A crash after the enqueue but before the record: the re-run finds the ids unrecorded and
   *   enqueues them again, and BullMQ refuses a job id that still exists (event jobs are kept 7 days),
   *   so nothing is delivered twice.
   * - A crash after the record but before the cursor moved: the re-run walks the same page again and
   *   skips the recorded ids.
   * - Recording before enqueueing would lose events on a crash; moving the cursor first would too.
   * Nothing is lost: an object is recorded only after its event is in the queue, and the cursor
   * passes an object only after it is recorded.
   */
  private async emitBatch(oldestFirst: StripeObject[], floor: number | null, extra: { recordAlso?: StripeObject[] } = {}): Promise<void> {
    const candidates = oldestFirst.filter((o) => {
      const created = createdOf(o);
      return floor === null || created === null || created >= floor;
    });
    const seen = await this.deps.store.seenIds(
      this.id,
      candidates.map((o) => o.id),
    );
    const fresh = candidates.filter((o) => !seen.has(o.id));
    const post = this.trigger.postFilter;
    const toEmit = fresh.filter((o) => !post || post(o, this.subscription.options));
    const emittedAt = new Date().toISOString();
    const events: TriggerEvent[] = toEmit.map((object) => ({
      subscription_id: this.id,
      trigger: this.trigger.key,
      object_id: object.id,
      object,
      livemode: object.livemode === true,
      emitted_at: emittedAt,
    }));
    this.assertLock();
    await this.deps.sink.emit(events);
    const record = [...fresh, ...(extra.recordAlso ?? [])].map((o) => ({ id: o.id, created: createdOf(o) ?? this.untimedScore() }));
    await this.deps.store.markSeen(this.id, record);
    await this.deps.store.addEmitted(this.id, events.length);
    this.result.emitted += events.length;
  }

  private untimedScore(): number {
    return Math.floor((this.deps.nowSeconds?.() ?? Date.now() / 1000));
  }

  private async moveCursor(cursorId: string | null, watermark: number | null, baselined = false): Promise<void> {
    this.version = await this.deps.store.casCursor(this.id, this.lock.token, this.version, { cursorId, watermark, baselined });
    this.cursorId = cursorId;
    this.watermark = maxCreated(this.watermark, watermark);
  }

  private async trim(): Promise<void> {
    const floor = this.floor;
    if (floor !== null) await this.deps.store.trimSeen(this.id, floor);
    else await this.deps.store.trimSeen(this.id, this.untimedScore() - Math.max(this.lookback, UNTIMED_SEEN_SECONDS));
  }

  private assertLock(): void {
    if (this.lock.lost) throw new CursorConflictError('lock_lost');
  }

  /** Pages newest first (`starting_after` paging), each as Stripe listed it. */
  private async *backwardPages(extra: Record<string, unknown>): AsyncGenerator<StripeObject[]> {
    let startingAfter: string | undefined;
    for (;;) {
      this.assertLock();
      await this.deps.throttle?.();
      const page = await this.deps.client.list<StripeObject>(this.trigger.path, {
        ...this.filters,
        ...extra,
        limit: PAGE_SIZE,
        starting_after: startingAfter,
      });
      this.result.pages++;
      if (page.data.length > 0) yield page.data;
      const last = page.data[page.data.length - 1];
      if (!page.has_more || last === undefined) return;
      startingAfter = last.id;
    }
  }
}

function maxCreated(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
