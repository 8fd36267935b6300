/**
 * The generic object store: one partition per account (and mode), objects of every type in it,
 * kept in Stripe's list order so lists, cursors and search are the same code for every resource.
 */
import { invalidRequest, resourceMissing } from './errors';
import type { SameSecondOrder } from './types';

export interface StoredRecord {
  readonly id: string;
  readonly type: string;
  /** Creation sequence across the whole emulator: breaks ties between objects of the same second. */
  readonly seq: number;
  /** Unix seconds: the object's `created`, kept here too because some objects (cards) do not show it. */
  readonly created: number;
  /** The Stripe-shaped object as the API returns it (before expansion). Mutated in place by updates. */
  object: Record<string, any>;
  /** Emulator-only state that is not part of the API object (e.g. how a test card behaves). */
  hidden: Record<string, any>;
  /** Set once deleted: what a retrieve of the deleted object answers. */
  deleted?: Record<string, any>;
}

export class Partition {
  private readonly byId = new Map<string, StoredRecord>();
  /** Live (not deleted) records per type, ascending by (created, seq). */
  private readonly byType = new Map<string, StoredRecord[]>();

  constructor(private readonly nextSeq: () => number) {}

  insert(type: string, object: Record<string, any>, created: number, hidden: Record<string, any> = {}): StoredRecord {
    const id = object.id as string;
    if (this.byId.has(id)) throw new Error(`emulator bug: duplicate id ${id}`);
    const record: StoredRecord = { id, type, seq: this.nextSeq(), created, object, hidden };
    this.byId.set(id, record);
    const live = this.liveOf(type);
    // Usually an append; the clock can be set back, so insert in place when needed.
    let i = live.length;
    while (i > 0 && compareAscending(live[i - 1]!, record) > 0) i--;
    live.splice(i, 0, record);
    return record;
  }

  /** A record by id, deleted ones included; optionally only of one type. */
  get(id: string, type?: string): StoredRecord | undefined {
    const record = this.byId.get(id);
    return record && (type === undefined || record.type === type) ? record : undefined;
  }

  /** A live record of `type`, or Stripe's "No such <type>" error (404 unless told otherwise). */
  require(type: string, id: string, param = 'id', status = 404): StoredRecord {
    const record = this.get(id, type);
    if (!record || record.deleted) throw resourceMissing(type, id, param, status);
    return record;
  }

  markDeleted(record: StoredRecord, stub: Record<string, any>): void {
    if (record.deleted) return;
    record.deleted = stub;
    const live = this.liveOf(record.type);
    const i = live.indexOf(record);
    if (i >= 0) live.splice(i, 1);
  }

  /** Live records of a type, oldest first. Do not mutate the returned array. */
  live(type: string): readonly StoredRecord[] {
    return this.byType.get(type) ?? [];
  }

  private liveOf(type: string): StoredRecord[] {
    let list = this.byType.get(type);
    if (!list) this.byType.set(type, (list = []));
    return list;
  }
}

/** All partitions of one emulator. */
export class Store {
  private readonly partitions = new Map<string, Partition>();
  private seq = 0;

  partition(key: string): Partition {
    let partition = this.partitions.get(key);
    if (!partition) this.partitions.set(key, (partition = new Partition(() => ++this.seq)));
    return partition;
  }

  /** Every partition, by key ('acct_x', or 'acct_x:live' for live mode). */
  entries(): IterableIterator<[string, Partition]> {
    return this.partitions.entries();
  }

  clear(): void {
    this.partitions.clear();
  }
}

function compareAscending(a: StoredRecord, b: StoredRecord): number {
  return a.created - b.created || a.seq - b.seq;
}

/**
 * Records in list order: newest `created` first; inside one second by creation sequence, newest
 * or oldest first as configured (Stripe leaves that order undocumented, so tests exercise both).
 */
export function inListOrder(ascending: readonly StoredRecord[], order: SameSecondOrder): StoredRecord[] {
  const out: StoredRecord[] = [];
  if (order === 'newest_first') {
    for (let i = ascending.length - 1; i >= 0; i--) out.push(ascending[i]!);
    return out;
  }
  let end = ascending.length;
  while (end > 0) {
    const created = ascending[end - 1]!.created;
    let start = end - 1;
    while (start > 0 && ascending[start - 1]!.created === created) start--;
    for (let i = start; i < end; i++) out.push(ascending[i]!);
    end = start;
  }
  return out;
}

export interface PageRequest {
  limit: number;
  startingAfter?: string;
  endingBefore?: string;
  /** Filters apply to the objects returned; the cursor's own position counts even if it is filtered out. */
  filter: (record: StoredRecord) => boolean;
}

/**
 * One page of a list in Stripe's cursor semantics. `starting_after` = the objects after the cursor
 * in list order (older); `ending_before` = the `limit` objects immediately before it (newer), still
 * newest first, with has_more telling whether even newer ones exist.
 */
export function paginate(
  partition: Partition,
  type: string,
  ordered: StoredRecord[],
  req: PageRequest,
): { data: StoredRecord[]; hasMore: boolean } {
  if (req.startingAfter !== undefined && req.endingBefore !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: ending_before, starting_after.', {
      code: 'parameters_exclusive',
      param: 'ending_before',
      stage: 'validation',
    });
  }
  if (req.endingBefore !== undefined) {
    const at = cursorIndex(partition, type, ordered, req.endingBefore, 'ending_before');
    const newer: StoredRecord[] = [];
    for (let i = 0; i < at; i++) if (req.filter(ordered[i]!)) newer.push(ordered[i]!);
    return { data: newer.slice(Math.max(0, newer.length - req.limit)), hasMore: newer.length > req.limit };
  }
  const from = req.startingAfter !== undefined ? cursorIndex(partition, type, ordered, req.startingAfter, 'starting_after') + 1 : 0;
  const data: StoredRecord[] = [];
  for (let i = from; i < ordered.length; i++) {
    if (!req.filter(ordered[i]!)) continue;
    if (data.length === req.limit) return { data, hasMore: true };
    data.push(ordered[i]!);
  }
  return { data, hasMore: false };
}

function cursorIndex(partition: Partition, type: string, ordered: StoredRecord[], id: string, param: string): number {
  const record = partition.get(id, type);
  const i = record && !record.deleted ? ordered.indexOf(record) : -1;
  if (i < 0) throw resourceMissing(type, id, param, 404);
  return i;
}
