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
import type { PollLockView, PollStore } from './poll-store';
import type { EventSink, TriggerEvent } from './sink';
import { CursorConflictError, type CursorUpdate, type Fence, type PollState, type SeenTrim, type SubscriptionRecord } from './store';

const PAGE_SIZE = 100;
/**
 * The most ids an idle poll's finishing script checks itself (it unpacks them as arguments, and Redis's
 * Lua refuses to unpack 8,000 values); a probe that read more pages (a burst inside the look-back,
 * max_pages above 10) checks them with its own read first, as a poll with new objects does.
 */
const FINISH_CHECK_MAX_IDS = 1_000;
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
  store: PollStore;
  /** The account's client; absent for a webhook ingest, which lists nothing. */
  client?: StripeClient;
  sink: EventSink;
  /** Awaited before every Stripe request (the per-account rate limiter). */
  throttle?: () => Promise<void>;
  logger?: Logger;
  /** Told the pages read so far after each list page (a CLI shows it as progress). */
  onPage?: (pages: number) => void;
  /**
   * The poll's last write: trims the seen record (fenced), only if every id of `ifSeen` is seen, else
   * returns the unseen ones and writes nothing (see PollStore.trimSeen). Default: `store.trimSeen`.
   * The runner's also ends the poll in the same round trip (success fields, lock released).
   */
  finish?: (fence: Fence, trim: SeenTrim, ifSeen: string[]) => Promise<string[]>;
}

export interface PollerRunOptions {
  /** The state as the caller just read it (saves a read). Default: read from the store. */
  state?: PollState;
  /**
   * The previous run stopped at `max_pages` with more to read (a `more-` follow-up), and this is the
   * newest `created` the chain of runs has listed so far (its `newestCreated`). The probe, which would
   * only find the backlog again, is skipped; so is the sweep while the cursor is more than the
   * look-back behind that time (see `run`).
   */
  continuing?: { newestCreated: number | null };
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
  /** The newest `created` listed by this run (or the chain it continues); null when none. */
  newestCreated: number | null;
}

function createdOf(object: StripeObject): number | null {
  return typeof object.created === 'number' ? object.created : null;
}

/**
 * `ending_before` or `starting_after` with an id Stripe no longer lists: a 404/400 about that parameter
 * (or naming the cursor id). Any other missing resource (a deleted customer used as a filter) is not the cursor's
 * fault: treating it as such would throw the cursor away.
 */
export function isCursorGone(error: unknown, cursorId: string | null): boolean {
  return (
    error instanceof StripeInvalidRequestError &&
    (error.statusCode === 404 || error.statusCode === 400) &&
    (error.param === 'ending_before' || error.param === 'starting_after' || (cursorId !== null && error.message.includes(cursorId)))
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
  private readonly lock: PollLockView;
  private readonly logger: Logger;
  private readonly lookback: number;
  private readonly maxPages: number;
  private readonly filters: Record<string, unknown>;
  private fence: Fence;
  private cursorId: string | null = null;
  private watermark: number | null = null;
  private trimmedBelow: number | null = null;
  private result: PollResult = { baseline: false, emitted: 0, pages: 0, complete: true, recovered: false, newestCreated: null };

  constructor(
    private readonly deps: PollerDeps,
    subscription: SubscriptionRecord,
    trigger: TriggerDefinition,
    lock: PollLockView,
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

  private get client(): StripeClient {
    if (!this.deps.client) throw new Error('this poller was built without a Stripe client (a webhook ingest lists nothing)');
    return this.deps.client;
  }

  private countPage(): void {
    this.result.pages++;
    this.deps.onPage?.(this.result.pages);
  }

  /** Below it everything counts as handled; `trimmed_below` keeps a raised lookback from reaching past what was forgotten. */
  private get floor(): number | null {
    return maxCreated(this.watermark === null ? null : this.watermark - this.lookback, this.trimmedBelow);
  }

  async run(options: PollerRunOptions = {}): Promise<PollResult> {
    const state = options.state ?? (await this.deps.store.getState(this.id));
    this.fence = { token: this.lock.token, version: state.version, generation: state.generation };
    this.cursorId = state.cursor_id;
    this.watermark = state.watermark;
    this.trimmedBelow = state.trimmed_below;
    if (!state.baselined) {
      await this.baseline();
      await this.finish({ none: true });
      return this.result;
    }
    // One page newest first from the floor serves as both the sweep and the walk when it holds every
    // object from the floor up: an idle or lightly active subscription costs one request.
    let swept = false;
    if (options.continuing) {
      this.result.newestCreated = options.continuing.newestCreated;
      // A chain of runs through a backlog: the first run swept behind its cursor and every later one
      // walked on from there. Once Stripe has listed an object more than the look-back newer than the
      // cursor, everything created up to the cursor's time was listable before this chain passed it
      // (that is what the look-back assumes), so nothing new can be behind the cursor: no sweep.
      const newest = options.continuing.newestCreated;
      swept = newest !== null && this.watermark !== null && this.watermark + this.lookback < newest;
    } else if (this.cursorId !== null) {
      const probed = await this.probe();
      if (probed === 'finished') return this.result;
      if (probed === 'complete') {
        await this.finish(this.trimOf(this.floor));
        return this.result;
      }
      swept = probed === 'swept';
    }
    // The sweep covers the cursor's second and the look-back behind it, so it runs first: what it
    // finds is never newer than what the forward walk emits after it (oldest first holds).
    if (this.cursorId !== null) {
      try {
        if (!swept) await this.sweep();
        await this.forward();
      } catch (error) {
        if (!isCursorGone(error, this.cursorId)) throw error;
        this.logger.info({ subscription_id: this.id, cursor: this.cursorId }, 'trigger cursor object is gone; recovering from its time');
        this.result.recovered = true;
        this.cursorId = null;
      }
    }
    if (this.cursorId === null) {
      const recovered = await this.recover();
      if (typeof recovered === 'object') await this.sweep(recovered);
      if (recovered !== 'none') await this.forward();
    }
    await this.finish(this.trimOf(this.floor));
    return this.result;
  }

  /**
   * Objects a webhook delivered, through the poll's own emit path (seen record, event job ids, the
   * fenced commit) with the cursor left where it is: each fires once whichever path meets it first,
   * and the next poll walks over them as seen. Before the baseline nothing is new yet (the baseline
   * records what exists), and objects below the floor count as handled, as they do for the poll.
   * The caller holds the poll lock. Returns the number emitted.
   */
  async ingest(objects: StripeObject[], state: PollState): Promise<number> {
    this.fence = { token: this.lock.token, version: state.version, generation: state.generation };
    this.cursorId = state.cursor_id;
    this.watermark = state.watermark;
    this.trimmedBelow = state.trimmed_below;
    if (!state.baselined || objects.length === 0) return 0;
    const oldestFirst = [...objects].sort((a, b) => (createdOf(a) ?? 0) - (createdOf(b) ?? 0));
    await this.emitBatch(oldestFirst);
    return this.result.emitted;
  }

  /**
   * The sweep and the forward walk in one: newest first from the top with `created[gte]=floor`. When the
   * first page reaches the floor (or is the last), it holds every object either would read: one request
   * for an idle or lightly active subscription. When it does not, but nothing in it is newer than the
   * watermark (a burst inside the look-back window, nothing new), the pages that follow are exactly
   * the sweep's, read on up to the floor (capped at max_pages, like the sweep). Unseen objects are
   * emitted oldest first and the newest listed becomes the cursor ('complete'). Capped at max_pages
   * before the floor: the unseen objects read are emitted, the cursor stays, and the forward walk goes
   * on from it ('swept'; the pages read were the region behind the cursor, or newer). 'backlog' (nothing
   * written, one request spent) when the first page has objects newer than the watermark and more
   * pages follow: the sweep and the forward walk read it in order, a page at a time. 'finished': the
   * page holds nothing new and the cursor stays (an idle poll), so the poll's last write, which checks
   * that every id listed is seen, has ended it. Timed objects only.
   */
  private async probe(): Promise<'complete' | 'swept' | 'backlog' | 'finished'> {
    const floor = this.floor;
    const watermark = this.watermark;
    if (floor === null || watermark === null) return 'backlog';
    const inRange: StripeObject[] = [];
    let startingAfter: string | undefined;
    for (let pages = 1; ; pages++) {
      this.assertLock();
      await this.deps.throttle?.();
      const page = await this.client.list<StripeObject>(this.trigger.path, { ...this.filters, created: { gte: floor }, limit: PAGE_SIZE, starting_after: startingAfter });
      this.countPage();
      let reachedFloor = false;
      for (const object of page.data) {
        const created = createdOf(object);
        if (created === null) return 'backlog'; // untimed after all: the untimed sweep handles it
        // Checked here too: a server may ignore created[...] filters.
        if (created < floor) {
          reachedFloor = true;
          break;
        }
        inRange.push(object);
      }
      this.noteListed(inRange[0]);
      const last = page.data[page.data.length - 1];
      if (reachedFloor || !page.has_more || last === undefined) break;
      if (createdOf(inRange[0]!)! > watermark) return 'backlog';
      // The cap never cuts the watermark's own second short: objects created in it after the walk
      // passed can be listed at its far end (Stripe does not document the order inside a second).
      if (pages >= this.maxPages && createdOf(last)! < watermark) {
        await this.emitBatch(inRange.reverse());
        return 'swept';
      }
      startingAfter = last.id;
    }
    const newest = inRange[0];
    const moved = newest !== undefined && newest.id !== this.cursorId;
    // No cursor to move: if nothing is unseen, emitBatch would write nothing, so the finish checks the
    // ids itself (one round trip fewer). Not past FINISH_CHECK_MAX_IDS: the script takes them as arguments.
    const listed = this.candidates(inRange);
    if (!moved && listed.length <= FINISH_CHECK_MAX_IDS && (await this.finish(this.trimOf(this.floor), listed.map((o) => o.id)))) return 'finished';
    await this.emitBatch(inRange.reverse(), moved ? { cursor: { cursorId: newest.id, watermark: maxCreated(watermark, createdOf(newest)) } } : {});
    return 'complete';
  }

  private noteListed(object: StripeObject | undefined): void {
    if (object !== undefined) this.result.newestCreated = maxCreated(this.result.newestCreated, createdOf(object));
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
      const page = await this.client.list<StripeObject>(this.trigger.path, {
        ...this.filters,
        ending_before: this.cursorId,
        limit: PAGE_SIZE,
      });
      this.countPage();
      const newest = page.data[0];
      this.noteListed(newest);
      if (newest === undefined) return;
      await this.emitBatch([...page.data].reverse(), { cursor: { cursorId: newest.id, watermark: maxCreated(this.watermark, createdOf(newest)) } });
      if (!page.has_more) return;
      if (pages >= this.maxPages) {
        this.result.complete = false;
        return;
      }
    }
  }

  /**
   * Objects listed behind the cursor (older in list order) down to the floor that are not in the seen
   * record: same-second objects listed on the far side of the cursor (Stripe leaves the order inside one
   * second undocumented) and late arrivals with an older `created`. What is listed ahead of the cursor
   * the forward walk reads. Capped like the walk: a burst inside the look-back window is read to
   * max_pages pages behind the cursor and no deeper (a late arrival deeper than that is not looked
   * for), except that the watermark's own second is always read to its end. Untimed objects (no `created`): the one page just behind the cursor. `replacement`: a new
   * cursor picked by `recover`, swept behind, emitted itself if unseen (it can be new: the newest
   * object at or below the watermark), and committed as the cursor with the batch.
   */
  private async sweep(replacement?: StripeObject): Promise<void> {
    const from = replacement?.id ?? this.cursorId;
    if (from === null) return;
    const floor = this.watermark === null ? null : this.floor;
    const collected: StripeObject[] = [];
    let read = 0;
    outer: for await (const page of this.backwardPages(floor === null ? {} : { created: { gte: floor } }, PAGE_SIZE, from)) {
      read++;
      for (const object of page) {
        const created = createdOf(object);
        // Checked here too: a server may ignore created[...] filters.
        if (floor !== null && created !== null && created < floor) break outer;
        collected.push(object);
      }
      // Capped like the walk, but never inside the watermark's own second (see probe).
      const last = page[page.length - 1]!;
      if (floor === null || (read >= this.maxPages && (createdOf(last) ?? 0) < (this.watermark ?? 0))) break;
    }
    const oldestFirst = collected.reverse();
    if (!replacement) return this.emitBatch(oldestFirst);
    await this.emitBatch([...oldestFirst, replacement], { cursor: { cursorId: replacement.id, watermark: this.watermark } });
  }

  /**
   * Picks a cursor when there is none: a replacement object (the caller sweeps behind it and commits
   * it), 'oldest' (emitted and committed: the forward walk goes on from it) or 'none'. Never holds more
   * than one page: the old way (collect newest..floor, then emit) held the whole backlog in memory,
   * ignored max_pages and started over from the top after a crash.
   */
  private async recover(): Promise<StripeObject | 'oldest' | 'none'> {
    const replacement = this.watermark !== null ? await this.newestAtOrBelow(this.watermark) : this.result.recovered ? await this.newestSeen() : undefined;
    // The replacement (committed by the sweep behind it): what is listed behind it the sweep reads,
    // what is ahead of it the forward walk.
    if (replacement) return replacement;
    // Nothing at or below the watermark (or no watermark: the baseline found an empty list): every
    // listed object is new. The oldest becomes the cursor, emitted first; the walk goes on from it.
    const oldest = await this.oldestListed();
    if (oldest === undefined) {
      if (this.result.recovered) await this.commit({ cursor: { cursorId: null, watermark: this.watermark } });
      return 'none';
    }
    await this.emitBatch([oldest], { cursor: { cursorId: oldest.id, watermark: maxCreated(this.watermark, createdOf(oldest)) } });
    return 'oldest';
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
    const candidates = this.candidates(oldestFirst);
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

  /** What a batch considers: objects at or above the floor (older ones count as handled). */
  private candidates(objects: StripeObject[]): StripeObject[] {
    const floor = this.floor;
    return objects.filter((o) => {
      const created = createdOf(o);
      return floor === null || created === null || created >= floor;
    });
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

  /** The seen record trimmed below the floor (timed) or to the newest UNTIMED_SEEN_KEEP ids. */
  private trimOf(floor: number | null): SeenTrim {
    return this.watermark !== null && floor !== null ? { floor } : { keep: UNTIMED_SEEN_KEEP };
  }

  /**
   * The poll's last write (fenced): the trim (none after the baseline, which recorded its window).
   * With `ifSeen`, only when all of those ids are seen; false (nothing written) when one is not.
   */
  private async finish(trim: SeenTrim, ifSeen: string[] = []): Promise<boolean> {
    this.assertLock();
    const unseen = await (this.deps.finish ? this.deps.finish(this.fence, trim, ifSeen) : this.deps.store.trimSeen(this.id, this.fence, trim, ifSeen));
    if (unseen.length > 0) return false;
    if ('floor' in trim) this.trimmedBelow = trim.floor;
    return true;
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
      const page = await this.client.list<StripeObject>(this.trigger.path, {
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
