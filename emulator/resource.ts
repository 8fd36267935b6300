/**
 * What a resource rule file declares. The generic layer (routes.ts, expand.ts, search.ts,
 * store.ts) turns a definition into endpoints, lists, search, expansion and errors, so adding a
 * resource is a small declarative file plus hooks for what is genuinely specific to it.
 */
import type { IdFactory } from './ids';
import type { Params, ParamSpecs } from './params';
import type { SearchField } from './search';
import type { Partition, StoredRecord } from './store';
import type { SameSecondOrder } from './types';

/** What a handler may use: the caller's partition, the time, id issuing. */
export interface RequestContext {
  /** The partition's data (one account, one mode). */
  readonly store: Partition;
  /** The Stripe-Account the request acts on. */
  readonly account: string;
  readonly livemode: boolean;
  /** The emulator clock at the start of the request (unix seconds). */
  readonly now: number;
  readonly ids: IdFactory;
  readonly requestId: string;
  /** The request's Idempotency-Key header, recorded on the events it causes. */
  readonly idempotencyKey?: string;
  readonly registry: Registry;
  /** How lists order same-second objects and whether `created` filters apply (emulator switches). */
  readonly listSettings: ListSettings;
  /** Told of every event recorded in this partition (webhook deliveries start here). */
  readonly eventRecorded?: (record: StoredRecord) => void;
}

export interface ListSettings {
  sameSecondOrder: SameSecondOrder;
  honourCreatedFilter: boolean;
}

export interface Registry {
  get(type: string): ResourceDefinition | undefined;
  all(): ResourceDefinition[];
}

export interface ResourceDefinition {
  /** The `object` value: 'customer', 'charge'. */
  type: string;
  idPrefix: string;
  idLength: number;
  /** Where its endpoints live ('/v1/customers'); absent for types only reachable through others. */
  basePath?: string;

  /** POST basePath. Builds and stores the object (via ctx.store.insert), returns the record. */
  create?: {
    params: ParamSpecs;
    handle(ctx: RequestContext, params: Params): StoredRecord;
    /** Fields only the create response shows (a webhook endpoint's secret); never stored in the object. */
    revealed?(record: StoredRecord): Record<string, unknown>;
  };
  /** GET basePath/:id. A deleted object is a 404 resource_missing, unless `keepsDeletedStub`. */
  retrieve?: { params?: ParamSpecs };
  /** A retrieve of a deleted object answers its deleted stub: Stripe does that for customers only. */
  keepsDeletedStub?: boolean;
  /** POST basePath/:id. Mutates record.object. */
  update?: { params: ParamSpecs; handle(ctx: RequestContext, record: StoredRecord, params: Params): void };
  /** DELETE basePath/:id. Returns the deleted stub; the generic layer removes it from lists. */
  del?: { handle?(ctx: RequestContext, record: StoredRecord): void };
  /** GET basePath. `params` are the resource's own filters (limit, cursors, created, expand are generic). */
  list?: { params: ParamSpecs; filter?(object: Record<string, any>, params: Params): boolean };
  /** GET basePath/search. */
  search?: { fields: Record<string, SearchField> };
  /** POST basePath/:id/<name>, e.g. capture. */
  actions?: Record<string, { params: ParamSpecs; handle(ctx: RequestContext, record: StoredRecord, params: Params): void }>;
  /** Fields holding the id of another stored object that `expand[]` may replace with the object. */
  expandable?: Record<string, { types: string[] }>;
  /** Fields absent by default that `expand[]` computes (e.g. a customer's `sources` list). */
  includable?: Record<string, (ctx: RequestContext, object: Record<string, any>) => unknown>;
  /** Endpoints that are not CRUD on a collection (e.g. GET /v1/balance, /v1/customers/:customer/sources). */
  custom?: CustomRoute[];
  /**
   * Event types the generic create/update/delete record (see events.ts). Default
   * `<type>.created`, `<type>.updated`, `<type>.deleted`; false records none (e.g. meter events).
   */
  events?: { created?: string | false; updated?: string | false; deleted?: string | false } | false;
}

export interface CustomRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** Literal segments and named ones: `/v1/customers/:customer/sources/:id`. */
  path: string;
  params: ParamSpecs;
  /** `path` holds the named segments, URL-decoded (`{ customer: 'cus_..', id: 'card_..' }`). */
  handle(ctx: RequestContext, params: Params, path: Record<string, string>): Record<string, any>;
}

export function createRegistry(definitions: ResourceDefinition[]): Registry {
  const byType = new Map(definitions.map((d) => [d.type, d]));
  return { get: (type) => byType.get(type), all: () => definitions };
}

/** The stub Stripe answers for a deleted object. */
export function deletedStub(record: StoredRecord): Record<string, any> {
  return { id: record.id, object: record.type, deleted: true };
}
