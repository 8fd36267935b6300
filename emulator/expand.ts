/**
 * `expand[]`: replaces id fields with the objects they name (`customer` on a charge), computes
 * includable fields (`sources` on a customer), and on lists applies `data.<path>` to each item.
 * Paths are checked against the definitions before the request executes, as Stripe does.
 */
import { paramError } from './errors';
import type { RequestContext, Registry, ResourceDefinition } from './resource';

export interface ExpandTree {
  [field: string]: ExpandTree;
}

const MAX_DEPTH = 4;

export function parseExpand(paths: string[] | undefined): ExpandTree {
  const tree: ExpandTree = {};
  for (const path of paths ?? []) {
    const parts = path.split('.');
    if (parts.length > MAX_DEPTH + 1 || parts.some((p) => p === '')) {
      throw paramError(`You cannot expand more than ${MAX_DEPTH} levels of a property (${path}).`, undefined, 'expand');
    }
    let node = tree;
    for (const part of parts) node = node[part] ??= {};
  }
  return tree;
}

function cannotExpand(path: string) {
  return paramError(`This property cannot be expanded (${path}).`, undefined, 'expand');
}

/** Throws Stripe's 400 for any path the definitions do not allow. */
export function checkExpand(registry: Registry, def: ResourceDefinition, tree: ExpandTree, prefix = ''): void {
  for (const [field, children] of Object.entries(tree)) {
    const path = prefix + field;
    const ref = def.expandable?.[field];
    if (ref) {
      const target = registry.get(ref.types[0]!);
      if (target) checkExpand(registry, target, children, path + '.');
      else if (Object.keys(children).length) throw cannotExpand(path + '.' + Object.keys(children)[0]);
      continue;
    }
    if (def.includable?.[field] && Object.keys(children).length === 0) continue;
    const nested = nestedDefinition(def, field);
    if (nested && Object.keys(children).length) {
      checkExpand(registry, nested, children, path + '.');
      continue;
    }
    throw cannotExpand(path);
  }
}

/**
 * Expandable ids inside a sub-object (`promotion.coupon` on a promotion code) are declared with a
 * dotted key; this is the definition the sub-object is expanded with.
 */
function nestedDefinition(def: ResourceDefinition, field: string): ResourceDefinition | undefined {
  const prefix = field + '.';
  const inner = Object.entries(def.expandable ?? {}).filter(([key]) => key.startsWith(prefix));
  if (inner.length === 0) return undefined;
  return { ...def, expandable: Object.fromEntries(inner.map(([key, ref]) => [key.slice(prefix.length), ref])), includable: undefined };
}

/** For lists and search results: only `data.<path>` (and the given top-level extras) may be expanded. */
export function checkListExpand(registry: Registry, def: ResourceDefinition, tree: ExpandTree, extras: string[] = []): ExpandTree {
  for (const field of Object.keys(tree)) {
    if (field !== 'data' && !extras.includes(field)) throw cannotExpand(field);
    if (extras.includes(field) && Object.keys(tree[field]!).length) throw cannotExpand(field + '.' + Object.keys(tree[field]!)[0]);
  }
  const itemTree = tree.data ?? {};
  checkExpand(registry, def, itemTree, 'data.');
  return itemTree;
}

/** A copy of `object` (never the stored one) with the tree's expansions applied. */
export function expandObject(ctx: RequestContext, def: ResourceDefinition, object: Record<string, any>, tree: ExpandTree): Record<string, any> {
  const copy = structuredClone(object);
  for (const [field, children] of Object.entries(tree)) {
    const ref = def.expandable?.[field];
    if (ref) {
      const id = copy[field];
      if (typeof id !== 'string') continue; // null stays null; already an object stays as is
      const record = ref.types.map((t) => ctx.store.get(id, t)).find((r) => r !== undefined);
      if (!record) continue;
      if (record.deleted) copy[field] = structuredClone(record.deleted);
      else {
        const target = ctx.registry.get(record.type);
        copy[field] = target ? expandObject(ctx, target, record.object, children) : structuredClone(record.object);
      }
      continue;
    }
    const compute = def.includable?.[field];
    if (compute) {
      copy[field] = compute(ctx, copy);
      continue;
    }
    const nested = nestedDefinition(def, field);
    if (nested && copy[field] && typeof copy[field] === 'object') copy[field] = expandObject(ctx, nested, copy[field], children);
  }
  return copy;
}
