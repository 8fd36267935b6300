/**
 * One poll of one subscription: safe to repeat, emits every new object exactly once, oldest first.
 *
 * State (store.ts): `cursor_id` (the newest object walked, used as `ending_before`), `watermark` (the
 * highest `created` reached), `trimmed_below` (nothing older is new: the baseline's window, then every
 * trim), `version` and `generation` (the commit's fence), and the `seen` record (ids handled within
 * the look-back horizon, scored by `created`). `floor = max(watermark - lookback_seconds,
 * trimmed_below)`: objects older than the floor count as handled and no walk goes below it.
 *
 *   1. Baseline (first poll): the newest object becomes the cursor; every object within the look-back
 *      window of it is recorded as seen (it existed before the subscription), and the `backfill`
 *      newest are emitted, oldest first (searched for over at most `max_pages` pages).
 *   2. Look-back sweep (first, so the run stays oldest first): newest first with
 *      `created[gte]=floor&created[lte]=watermark`, stopping at the first object older than the floor
 *      and skipping newer ones (both checked here: a server may ignore the filters); any id not in the
 *      seen record is emitted, oldest first. This catches objects created in the cursor's second but
 *      listed on the far side of it (Stripe leaves the order inside one second undocumented), and late
 *      arrivals with an older `created`. Untimed objects (payment links have no `created`): the one
 *      page just behind the cursor instead.
 *   3. Forward walk: `ending_before=<cursor>`, `limit=100`, each page reversed (oldest first), emitted,
 *      then recorded and the cursor moved in one fenced commit; until `has_more` is false or
 *      `max_pages` pages (the next run continues from the cursor, in order).
 *   4. No usable cursor (the cursor object is gone, e.g. a deleted customer; or the baseline found an
 *      empty list): a replacement cursor is picked, the newest object with `created <= watermark`
 *      (one `limit=1` request when the server honours the filter), and the forward walk goes on from it
 *      (the sweep has covered the floor..watermark range). With no such object (or no watermark), the
 *      oldest listed object is found by paging to the end holding one page at a time, emitted, and
 *      becomes the cursor. Memory stays at one page, `max_pages` caps the emitting walk, and a crash
 *      resumes from the last committed cursor rather than from the top.
 */
import type { StripeClient } from '../client/client';
import { StripeInvalidRequestError } from '../client/errors';
import { silentLogger, type Logger } from '../client/logger';
import { listParams } from './catalogue';
import { DEFAULT_LOOKBACK_SECONDS, DEFAULT_MAX_PAGES } from './defaults';
import type { TriggerDefinition } from './definitions';
import type { HeldLock } from './lock';
import type { EventSink, TriggerEvent } from './sink';
import { CursorConflictError, type CursorUpdate, type Fence, type SubscriptionRecord, type SubscriptionStore } from './store';

const PAGE_SIZE = 100;
/**
 * Untimed objects (payment links have no `created`): how many of their ids the seen record keeps, in
 * the order they were recorded. Never trimmed by time: the sweep re-reads the page behind the cursor
 * on every poll (and used to re-read the newest), so a link still listed there days later must still
 * count as seen. The cursor and the 100 behind it are among the most recently recorded ids; 1,000
 * leaves room for ids recorded out of list order.
 */
const UNTIMED_SEEN_KEEP = 1_000;

type StripeObject = { id: string; created?: number; livemode?: boolean } & Record<string, unknown>;

export interface PollerDeps {
  store: SubscriptionStore;
  client: StripeClient;
  sink: EventSink;
  /** Awaited before every Stripe request (the per-account rate limiter). */
  throttle?: () => Promise<void>;
  logger?: Logger;
  /** Told the pages read so far after each list page (a CLI shows it as progress). */
  onPage?: (pages: number) => void;
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

/**
 * `ending_before` with an id Stripe no longer lists: a 404/400 about that parameter (or naming the
 * cursor id). Any other missing resource (a deleted customer used as a filter) is not the cursor's
 * fault: treating it as such would throw the cursor away.
 */
export function isCursorGone(error: unknown, cursorId: string | null): boolean {
  return (
    error instanceof StripeInvalidRequestError &&
    (error.statusCode === 404 || error.statusCode === 400) &&
    (error.param === 'ending_before' || (cursorId !== null && error.message.includes(cursorId)))
  );
}

interface Batch {
  /** Recorded as seen too, without emitting (the baseline's window). */
  recordAlso?: StripeObject[];
  cursor?: CursorUpdate;
  baselined?: boolean;
  trimmedBelow?: number;
}

export class Poller {
  private readonly trigger: TriggerDefinition;
  private readonly subscription: SubscriptionRecord;
  private readonly lock: HeldLock;
  private readonly logger: Logger;
  private readonly lookback: number;
  private readonly maxPages: number;
  private readonly filters: Record<string, unknown>;
  private fence: Fence;
  private cursorId: string | null = null;
  private watermark: number | null = null;
  private trimmedBelow: number | null = null;
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
    this.fence = { token: lock.token, version: 0, generation: '' };
  }

  private get id(): string {
    return this.subscription.id;
  }

  private countPage(): void {
    this.result.pages++;
    this.deps.onPage?.(this.result.pages);
  }

  /** Below it everything counts as handled; `trimmed_below` keeps a raised lookback from reaching past what was forgotten. */
  private get floor(): number | null {
    return maxCreated(this.watermark === null ? null : this.watermark - this.lookback, this.trimmedBelow);
  }

  async run(): Promise<PollResult> {
    const state = await this.deps.store.getState(this.id);
    this.fence = { token: this.lock.token, version: state.version, generation: state.generation };
    this.cursorId = state.cursor_id;
    this.watermark = state.watermark;
    this.trimmedBelow = state.trimmed_below;
    if (!state.baselined) {
      await this.baseline();
      return this.result;
    }
    // The sweep covers the cursor's second and the look-back before it, so it runs first: what it
    // finds is never newer than what the forward walk emits after it (oldest first holds).
    if (this.cursorId !== null || this.watermark !== null) {
      try {
        await this.sweep();
        if (this.cursorId !== null) await this.forward();
      } catch (error) {
        if (!isCursorGone(error, this.cursorId)) throw error;
        this.logger.info({ subscription_id: this.id, cursor: this.cursorId }, 'trigger cursor object is gone; recovering from its time');
        this.result.recovered = true;
        this.cursorId = null;
      }
    }
    if (this.cursorId === null && (await this.recover())) await this.forward();
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
    let pages = 0;
    outer: for await (const page of this.backwardPages({})) {
      pages++;
      let lastInWindow = false;
      for (const object of page) {
        newest ??= object;
        const created = createdOf(object);
        const newestCreated = createdOf(newest);
        // Untimed objects (no `created`): the newest page is the window.
        const inWindow = created === null || newestCreated === null ? known.length < PAGE_SIZE : created >= newestCreated - this.lookback;
        if (inWindow) known.push(object);
        lastInWindow = inWindow;
        if (backfilled.length < backfill && (!post || post(object, this.subscription.options))) backfilled.push(object);
        if (!inWindow && backfilled.length >= backfill) break outer;
      }
      if (newest && createdOf(newest) === null && backfilled.length >= backfill) break;
      // The window is always read whole (what it leaves unrecorded would later be emitted as new), but
      // the search for backfill stops at max_pages: a rare post-filter (status: failed) would otherwise
      // page the whole history holding the lock. The backfill is then smaller.
      if (pages >= this.maxPages && !lastInWindow) break;
    }
    if (newest === undefined) {
      // Nothing to stand on: no cursor, no watermark; the next run finds the oldest object and walks from it.
      await this.commit({ cursor: { cursorId: null, watermark: null }, baselined: true });
      return;
    }
    // Everything in the newest object's window existed before the subscription: seen, not emitted, and
    // nothing below the window is new (trimmed_below), whatever lookback_seconds becomes later.
    // The backfill goes through the same emit-then-commit path (seen ids are skipped on a re-run).
    const newestCreated = createdOf(newest);
    await this.emitBatch([...backfilled].reverse(), {
      recordAlso: [...known].reverse(),
      cursor: { cursorId: newest.id, watermark: newestCreated },
      baselined: true,
      ...(newestCreated === null ? {} : { trimmedBelow: newestCreated - this.lookback }),
    });
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
      this.countPage();
      const newest = page.data[0];
      if (newest === undefined) return;
      await this.emitBatch([...page.data].reverse(), { cursor: { cursorId: newest.id, watermark: maxCreated(this.watermark, createdOf(newest)) } });
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
    const untimed = floor === null || ceiling === null;
    // Untimed objects (no `created` to filter on): the page just behind the cursor, which catches one
    // listed late behind it without emitting newer objects ahead of the forward walk (oldest first).
    const pages = untimed ? this.backwardPages({}, PAGE_SIZE, this.cursorId ?? undefined) : this.backwardPages({ created: { gte: floor, lte: ceiling } });
    outer: for await (const page of pages) {
      for (const object of page) {
        const created = createdOf(object);
        // Checked here too: a server may ignore created[...] filters.
        if (floor !== null && created !== null && created < floor) break outer;
        if (ceiling !== null && created !== null && created > ceiling) continue;
        collected.push(object);
      }
      if (untimed) break;
    }
    await this.emitBatch(collected.reverse());
  }

  /**
   * Picks a cursor when there is none; true when the forward walk can go on from it. Never holds more
   * than one page: the old way (collect newest..floor, then emit) held the whole backlog in memory,
   * ignored max_pages and started over from the top after a crash.
   */
  private async recover(): Promise<boolean> {
    const replacement = this.watermark !== null ? await this.newestAtOrBelow(this.watermark) : this.result.recovered ? await this.newestSeen() : undefined;
    if (replacement) {
      // Everything newer than it is either above the watermark (the forward walk emits it) or inside
      // the floor..watermark range the sweep covered (recorded: the walk skips it).
      await this.commit({ cursor: { cursorId: replacement.id, watermark: this.watermark } });
      return true;
    }
    // Nothing at or below the watermark (or no watermark: the baseline found an empty list): every
    // listed object is new. The oldest becomes the cursor, emitted first; the walk goes on from it.
    const oldest = await this.oldestListed();
    if (oldest === undefined) {
      if (this.result.recovered) await this.commit({ cursor: { cursorId: null, watermark: this.watermark } });
      return false;
    }
    await this.emitBatch([oldest], { cursor: { cursorId: oldest.id, watermark: maxCreated(this.watermark, createdOf(oldest)) } });
    return true;
  }

  /** The newest object with `created <= watermark`: one object when the server honours the filter. */
  private async newestAtOrBelow(watermark: number): Promise<StripeObject | undefined> {
    for await (const page of this.backwardPages({ created: { lte: watermark } }, 1)) {
      // Checked here too: a server may ignore created[...] filters.
      const found = page.find((o) => createdOf(o) !== null && createdOf(o)! <= watermark);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * Untimed objects (no watermark to search by) whose cursor vanished: the newest listed object that is
   * in the seen record. Everything newer than it is either recorded or new (the walk emits it), and
   * what is older and unrecorded existed before the subscription. (Payment links cannot be deleted, so
   * this is not expected to happen.)
   */
  private async newestSeen(): Promise<StripeObject | undefined> {
    for await (const page of this.backwardPages({})) {
      const seen = await this.deps.store.seenIds(
        this.id,
        page.map((o) => o.id),
      );
      const found = page.find((o) => seen.has(o.id));
      if (found) return found;
    }
    return undefined;
  }

  private async oldestListed(): Promise<StripeObject | undefined> {
    let oldest: StripeObject | undefined;
    for await (const page of this.backwardPages({})) oldest = page[page.length - 1] ?? oldest;
    return oldest;
  }

  /**
   * Emit, then commit. Exactly once:
   * - Events go to the sink first (the events queue, job id `<subscription>.<generation>.<object>`),
   *   then one Lua script records the ids, counts the events and moves the cursor, all or nothing,
   *   and only while this poller holds the lock at the version and generation it read and the
   *   subscription exists.
   * - A crash after the enqueue but before the commit: the re-run finds the ids unrecorded and enqueues
   *   them again, and BullMQ refuses a job id that still exists (event jobs are kept 7 days), so
   *   nothing is queued twice. (A crash there followed by no poll for longer than the jobs are kept
   *   would queue them again: see README.)
   * - Recording before enqueueing would lose events on a crash; moving the cursor first would too.
   */
  private async emitBatch(oldestFirst: StripeObject[], batch: Batch = {}): Promise<void> {
    const floor = this.floor;
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
    const record = [...(batch.recordAlso ?? []), ...fresh];
    if (record.length === 0 && batch.cursor === undefined && !batch.baselined) return;
    this.assertLock();
    if (events.length > 0) await this.deps.sink.emit(events, { generation: this.fence.generation });
    await this.commit({ ...batch, seen: record, emitted: events.length });
    this.result.emitted += events.length;
  }

  private async commit(batch: Batch & { seen?: StripeObject[]; emitted?: number }): Promise<void> {
    this.fence.version = await this.deps.store.commit(this.id, this.fence, {
      seen: (batch.seen ?? []).map((o) => ({ id: o.id, created: createdOf(o) })),
      emitted: batch.emitted,
      cursor: batch.cursor,
      baselined: batch.baselined,
      trimmedBelow: batch.trimmedBelow,
    });
    if (batch.cursor) {
      this.cursorId = batch.cursor.cursorId;
      this.watermark = maxCreated(this.watermark, batch.cursor.watermark);
    }
    if (batch.trimmedBelow !== undefined) this.trimmedBelow = maxCreated(this.trimmedBelow, batch.trimmedBelow);
  }

  private async trim(): Promise<void> {
    const floor = this.floor;
    if (this.watermark !== null && floor !== null) {
      await this.deps.store.trimSeenBelow(this.id, this.fence, floor);
      this.trimmedBelow = floor;
    } else {
      await this.deps.store.trimSeenToCount(this.id, this.fence, UNTIMED_SEEN_KEEP);
    }
  }

  private assertLock(): void {
    if (this.lock.lost) throw new CursorConflictError('lock_lost');
  }

  /** Pages newest first (`starting_after` paging, from `after` or the top), each as Stripe listed it; the first page may be smaller. */
  private async *backwardPages(extra: Record<string, unknown>, firstLimit = PAGE_SIZE, after?: string): AsyncGenerator<StripeObject[]> {
    let startingAfter = after;
    let limit = firstLimit;
    for (;;) {
      this.assertLock();
      await this.deps.throttle?.();
      const page = await this.deps.client.list<StripeObject>(this.trigger.path, {
        ...this.filters,
        ...extra,
        limit,
        starting_after: startingAfter,
      });
      this.countPage();
      if (page.data.length > 0) yield page.data;
      const last = page.data[page.data.length - 1];
      if (!page.has_more || last === undefined) return;
      startingAfter = last.id;
      limit = PAGE_SIZE;
    }
  }
}

function maxCreated(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
