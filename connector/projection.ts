/**
 * `fields`: keeps only the named dot paths of each object in a result. Lists and search results keep
 * their envelope (`has_more`, `next_page`...) and project each item of `data`; `id` is always kept,
 * as paging continues from it.
 */
import { ALL_FIELDS } from '../schemas/result-fields';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface PathTree {
  [name: string]: PathTree | true;
}

/** Maps without a prototype: a path segment such as `__proto__` is then just a name that matches nothing. */
const emptyTree = (): PathTree => Object.create(null) as PathTree;

function pathTree(paths: readonly string[]): PathTree {
  const tree = emptyTree();
  tree.id = true;
  for (const path of paths) {
    let node = tree;
    const names = path.split('.');
    for (const [i, name] of names.entries()) {
      if (i === names.length - 1) {
        node[name] = true;
        break;
      }
      const next = node[name];
      if (next === true) break;
      node = node[name] = next ?? emptyTree();
    }
  }
  return tree;
}

function pick(value: unknown, tree: PathTree): unknown {
  if (Array.isArray(value)) return value.map((item) => pick(item, tree));
  // A path into a field that is not an object (an unexpanded id, null) keeps the field as it is.
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [name, sub] of Object.entries(tree)) {
    if (!Object.hasOwn(value, name)) continue;
    out[name] = sub === true ? value[name] : pick(value[name], sub);
  }
  return out;
}

function isPage(result: Json): boolean {
  return Array.isArray(result.data) && typeof result.has_more === 'boolean';
}

/** `result` with only `paths` kept (of each item, for a page); `*` among them keeps everything. */
export function projectFields(result: unknown, paths: readonly string[] | undefined): unknown {
  if (!paths || paths.includes(ALL_FIELDS) || !isObject(result)) return result;
  const tree = pathTree(paths);
  if (isPage(result)) return { ...result, data: (result.data as unknown[]).map((item) => pick(item, tree)) };
  return pick(result, tree);
}
