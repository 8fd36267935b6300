/**
 * Turns resource definitions into endpoints: create, retrieve, update, delete, list, search and
 * custom actions, with Stripe's generic list/search parameters, cursors, filters and expansion.
 */
import { checkExpand, checkListExpand, expandObject, parseExpand } from './expand';
import { inRange, p, type Params, type ParamSpecs } from './params';
import { deletedStub, type ListSettings, type RequestContext, type Registry, type ResourceDefinition } from './resource';
import { recordEvent } from './events';
import { matches, parseQuery, searchPage } from './search';
import { inListOrder, paginate, type StoredRecord } from './store';

export type { ListSettings };

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path segments; ':id' matches one segment. */
  segments: string[];
  def: ResourceDefinition;
  params: ParamSpecs;
  run(ctx: RequestContext, params: Params, pathId: string | undefined, settings: ListSettings, path: Record<string, string>): { status: number; body: unknown };
}

const LIST_PARAMS: ParamSpecs = {
  limit: p.integer({ min: 1, max: 100 }),
  starting_after: p.string({ maxLength: 5000, emptyable: false }),
  ending_before: p.string({ maxLength: 5000, emptyable: false }),
  created: p.range(),
};

const SEARCH_PARAMS: ParamSpecs = {
  query: p.string({ required: true, maxLength: 5000 }),
  limit: p.integer({ min: 1, max: 100 }),
  page: p.string({ maxLength: 5000, emptyable: false }),
};

export function buildRoutes(registry: Registry): Route[] {
  const routes: Route[] = [];
  for (const def of registry.all()) {
    for (const custom of def.custom ?? []) {
      routes.push({
        method: custom.method,
        segments: split(custom.path),
        def,
        params: custom.params,
        run: (ctx, params, _id, _settings, path) => ({ status: 200, body: custom.handle(ctx, params, path) }),
      });
    }
    if (!def.basePath) continue;
    const base = split(def.basePath);
    const item = [...base, ':id'];
    if (def.search) routes.push(searchRoute(def, [...base, 'search']));
    if (def.list) routes.push(listRoute(def, base));
    if (def.create) routes.push(createRoute(def, base));
    if (def.retrieve) routes.push(retrieveRoute(def, item));
    if (def.update) routes.push(updateRoute(def, item));
    if (def.del) routes.push(deleteRoute(def, item));
    for (const [name, action] of Object.entries(def.actions ?? {})) {
      routes.push({
        method: 'POST',
        segments: [...item, name],
        def,
        params: action.params,
        run(ctx, params, id) {
          const tree = expandTree(ctx, def, params);
          const record = ctx.store.require(def.type, id!);
          action.handle(ctx, record, params);
          return ok(expandObject(ctx, def, record.object, tree));
        },
      });
    }
  }
  return routes;
}

/**
 * The route for a method and path: literal segments win over named ones (so /search is not an id).
 * `pathId` is the `:id` segment; `path` holds every named segment.
 */
export function findRoute(
  routes: Route[],
  method: string,
  path: string,
): { route: Route; pathId?: string; path: Record<string, string> } | undefined {
  const parts = split(path);
  let best: { route: Route; path: Record<string, string>; literal: number } | undefined;
  for (const route of routes) {
    if (route.method !== method || route.segments.length !== parts.length) continue;
    const named: Record<string, string> = {};
    let literal = 0;
    let fits = true;
    for (let i = 0; i < parts.length && fits; i++) {
      const seg = route.segments[i]!;
      if (seg.startsWith(':')) named[seg.slice(1)] = safeDecode(parts[i]!);
      else if (seg === parts[i]) literal++;
      else fits = false;
    }
    if (fits && (!best || literal > best.literal)) best = { route, path: named, literal };
  }
  return best && { route: best.route, pathId: best.path.id, path: best.path };
}

/**
 * A Stripe list over any records (for sub-collections served by custom routes, e.g. a customer's
 * sources): cursors, limit, `created`, same-second order, `data.` expansion, like the generic list.
 */
export function listOf(
  ctx: RequestContext,
  def: ResourceDefinition,
  records: readonly StoredRecord[],
  params: Params,
  url: string,
  /** Filters what is returned while cursors may still name any of `records` (as the generic list does). */
  filter?: (record: StoredRecord) => boolean,
): { object: 'list'; data: unknown[]; has_more: boolean; url: string } {
  const itemTree = checkListExpand(ctx.registry, def, parseExpand(params.expand));
  const created = ctx.listSettings.honourCreatedFilter ? params.created : undefined;
  const ascending = [...records].sort((a, b) => a.created - b.created || a.seq - b.seq);
  const page = paginate(ctx.store, def.type, inListOrder(ascending, ctx.listSettings.sameSecondOrder), {
    limit: params.limit ?? 10,
    startingAfter: params.starting_after ?? undefined,
    endingBefore: params.ending_before ?? undefined,
    filter: (r: StoredRecord) => (!created || inRange(r.created, created)) && (!filter || filter(r)),
  });
  return { object: 'list', data: page.data.map((r) => expandObject(ctx, def, r.object, itemTree)), has_more: page.hasMore, url };
}

/** The paging parameters every list takes; custom list routes spread these into their params. */
export { LIST_PARAMS };

function createRoute(def: ResourceDefinition, segments: string[]): Route {
  return {
    method: 'POST',
    segments,
    def,
    params: def.create!.params,
    run(ctx, params) {
      const tree = expandTree(ctx, def, params);
      const record = def.create!.handle(ctx, params);
      recordEvent(ctx, def, 'created', record.object);
      const body = expandObject(ctx, def, record.object, tree);
      return ok(def.create!.revealed ? { ...body, ...def.create!.revealed(record) } : body);
    },
  };
}

function retrieveRoute(def: ResourceDefinition, segments: string[]): Route {
  return {
    method: 'GET',
    segments,
    def,
    params: def.retrieve!.params ?? {},
    run(ctx, params, id) {
      const tree = expandTree(ctx, def, params);
      const record = ctx.store.get(id!, def.type);
      if (record?.deleted && def.keepsDeletedStub) return ok(structuredClone(record.deleted));
      return ok(expandObject(ctx, def, ctx.store.require(def.type, id!).object, tree));
    },
  };
}

function updateRoute(def: ResourceDefinition, segments: string[]): Route {
  return {
    method: 'POST',
    segments,
    def,
    params: def.update!.params,
    run(ctx, params, id) {
      const tree = expandTree(ctx, def, params);
      const record = ctx.store.require(def.type, id!);
      const before = structuredClone(record.object);
      def.update!.handle(ctx, record, params);
      recordEvent(ctx, def, 'updated', record.object, before);
      return ok(expandObject(ctx, def, record.object, tree));
    },
  };
}

function deleteRoute(def: ResourceDefinition, segments: string[]): Route {
  return {
    method: 'DELETE',
    segments,
    def,
    params: {},
    run(ctx, _params, id) {
      const record = ctx.store.require(def.type, id!);
      def.del!.handle?.(ctx, record);
      const stub = deletedStub(record);
      recordEvent(ctx, def, 'deleted', record.object);
      ctx.store.markDeleted(record, stub);
      return ok(structuredClone(stub));
    },
  };
}

function listRoute(def: ResourceDefinition, segments: string[]): Route {
  return {
    method: 'GET',
    segments,
    def,
    params: { ...LIST_PARAMS, ...def.list!.params },
    run(ctx, params, _id, settings) {
      const itemTree = checkListExpand(ctx.registry, def, parseExpand(params.expand));
      const created = settings.honourCreatedFilter ? params.created : undefined;
      const own = def.list!.filter;
      const ordered = inListOrder(ctx.store.live(def.type), settings.sameSecondOrder);
      const page = paginate(ctx.store, def.type, ordered, {
        limit: params.limit ?? 10,
        startingAfter: params.starting_after ?? undefined,
        endingBefore: params.ending_before ?? undefined,
        filter: (r: StoredRecord) => (!created || inRange(r.created, created)) && (!own || own(r.object, params)),
      });
      return ok({
        object: 'list',
        data: page.data.map((r) => expandObject(ctx, def, r.object, itemTree)),
        has_more: page.hasMore,
        url: def.basePath,
      });
    },
  };
}

function searchRoute(def: ResourceDefinition, segments: string[]): Route {
  return {
    method: 'GET',
    segments,
    def,
    params: SEARCH_PARAMS,
    run(ctx, params, _id, settings) {
      const tree = parseExpand(params.expand);
      const itemTree = checkListExpand(ctx.registry, def, tree, ['total_count']);
      const fields = def.search!.fields;
      const query = parseQuery(params.query, fields, def.basePath!.split('/').pop()!);
      const ordered = inListOrder(ctx.store.live(def.type), settings.sameSecondOrder);
      const page = searchPage(
        ordered,
        params.query,
        (r) => matches(r.object, query, fields),
        params.limit ?? 10,
        params.page ?? undefined,
        settings.sameSecondOrder,
      );
      const body: Record<string, unknown> = {
        object: 'search_result',
        data: page.data.map((r) => expandObject(ctx, def, r.object, itemTree)),
        has_more: page.hasMore,
        next_page: page.nextPage,
        url: `${def.basePath}/search`,
      };
      // Stripe includes total_count only when asked for with expand[]=total_count.
      if ('total_count' in tree) body.total_count = page.totalCount;
      return ok(body);
    },
  };
}

function expandTree(ctx: RequestContext, def: ResourceDefinition, params: Params) {
  const tree = parseExpand(params.expand);
  checkExpand(ctx.registry, def, tree);
  return tree;
}

const ok = (body: unknown) => ({ status: 200, body });

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
