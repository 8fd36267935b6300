/**
 * What the manifest does to the JSON Schemas zod emits, so that what reaches a builder or an agent
 * holds each thing once: one definition per Stripe object type under `$defs` (referenced with `$ref`),
 * no `±2^53` bounds (zod's way of saying "a safe integer", which every JSON number reader assumes),
 * and a helper that turns a schema referencing `$defs` into one that stands alone.
 */

export type JsonSchema = Record<string, unknown>;
export type SchemaDefs = Record<string, JsonSchema>;

/** Where the manifest keeps its definitions; refs are `#/$defs/<name>` from the manifest's root. */
export const DEFS_POINTER = '#/$defs/';

const SAFE_INTEGER_BOUND = Number.MAX_SAFE_INTEGER;

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every subschema, however nested (properties, items, anyOf...), with `f` applied bottom-up. */
function mapSchema(value: unknown, f: (node: JsonSchema) => JsonSchema): unknown {
  if (Array.isArray(value)) return value.map((item) => mapSchema(item, f));
  if (!isObject(value)) return value;
  const mapped: JsonSchema = {};
  for (const [key, child] of Object.entries(value)) mapped[key] = key === 'const' || key === 'default' || key === 'enum' || key === 'examples' ? child : mapSchema(child, f);
  return f(mapped);
}

/** Drops `$schema` (the manifest states the dialect once) and the safe-integer bounds. */
export function cleanSchema(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, ...rest } = schema;
  return mapSchema(rest, (node) => {
    if (node.type !== 'integer' && node.type !== 'number') return node;
    const { minimum, maximum, ...others } = node;
    return {
      ...others,
      ...(minimum === undefined || minimum === -SAFE_INTEGER_BOUND ? {} : { minimum }),
      ...(maximum === undefined || maximum === SAFE_INTEGER_BOUND ? {} : { maximum }),
    };
  }) as JsonSchema;
}

function withoutDescription(node: JsonSchema): string {
  const { description: _description, ...rest } = node;
  return JSON.stringify(rest);
}

/**
 * Replaces, in a schema, every copy of a definition with a `$ref` to it. A copy is matched as a whole
 * (same JSON) apart from its description, which stays beside the `$ref` when it differs: an output
 * field says "the charge refunded" around the charge's own schema.
 */
export class DefinitionIndex {
  private readonly byText = new Map<string, { name: string; description: unknown }>();

  constructor(readonly defs: SchemaDefs) {
    for (const [name, schema] of Object.entries(defs)) this.byText.set(withoutDescription(schema), { name, description: schema.description });
  }

  /** `schema` with copies of definitions replaced; `self` is the definition being written, not replaced at its root. */
  referTo(schema: JsonSchema, self?: string): JsonSchema {
    const visit = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(visit);
      if (!isObject(node)) return node;
      const match = this.byText.get(withoutDescription(node));
      if (match && match.name !== self) {
        return { $ref: `${DEFS_POINTER}${match.name}`, ...(node.description !== undefined && node.description !== match.description ? { description: node.description } : {}) };
      }
      const out: JsonSchema = {};
      for (const [key, child] of Object.entries(node)) out[key] = key === 'const' || key === 'default' || key === 'enum' ? child : visit(child);
      return out;
    };
    return visit(schema) as JsonSchema;
  }

  /** Every definition, with the copies of other definitions inside it replaced too. */
  referencedDefs(): SchemaDefs {
    return Object.fromEntries(Object.entries(this.defs).map(([name, schema]) => [name, this.referTo(schema, name)]));
  }
}

function refName(ref: unknown): string | undefined {
  return typeof ref === 'string' && ref.startsWith(DEFS_POINTER) ? ref.slice(DEFS_POINTER.length) : undefined;
}

/** The names of the definitions a schema reaches, directly or through other definitions. */
export function reachedDefinitions(schema: unknown, defs: SchemaDefs): string[] {
  const reached = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isObject(node)) return;
    const name = refName(node.$ref);
    if (name !== undefined && !reached.has(name)) {
      if (!defs[name]) throw new Error(`$ref to an unknown definition: ${String(node.$ref)}`);
      reached.add(name);
      visit(defs[name]);
    }
    for (const [key, child] of Object.entries(node)) if (key !== 'const' && key !== 'default' && key !== 'enum') visit(child);
  };
  visit(schema);
  return [...reached].sort();
}

export interface StandaloneOptions {
  /**
   * 'bundle' (default): keep the `$ref`s and carry the definitions they reach in the schema's own
   * `$defs`, so each shared object is still written once. 'inline': replace every `$ref` with its
   * definition, for a consumer that cannot follow references (the object types are not recursive).
   */
  mode?: 'bundle' | 'inline';
}

/**
 * A schema from the manifest (an action's input or output, a trigger's output) made self-contained:
 * it no longer points into the manifest's `$defs`. MCP tools use it, as each tool schema must stand alone.
 */
export function standaloneSchema(schema: JsonSchema, defs: SchemaDefs, options: StandaloneOptions = {}): JsonSchema {
  const names = reachedDefinitions(schema, defs);
  if (names.length === 0) return schema;
  if (options.mode === 'inline') {
    const inline = (node: unknown, path: readonly string[]): unknown => {
      if (Array.isArray(node)) return node.map((item) => inline(item, path));
      if (!isObject(node)) return node;
      const name = refName(node.$ref);
      if (name !== undefined) {
        if (path.includes(name)) throw new Error(`definition ${name} refers to itself: it cannot be inlined`);
        const { $ref: _ref, ...siblings } = node;
        return { ...(inline(defs[name], [...path, name]) as JsonSchema), ...siblings };
      }
      const out: JsonSchema = {};
      for (const [key, child] of Object.entries(node)) out[key] = key === 'const' || key === 'default' || key === 'enum' ? child : inline(child, path);
      return out;
    };
    return inline(schema, []) as JsonSchema;
  }
  return { ...schema, $defs: Object.fromEntries(names.map((name) => [name, defs[name]])) };
}

const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'dependentSchemas'];
const SCHEMA_VALUES = ['items', 'additionalProperties', 'propertyNames', 'not', 'if', 'then', 'else', 'contains', 'unevaluatedProperties', 'unevaluatedItems'];
const SCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'];

/**
 * Calls `f` on every subschema below `schema` (not on `schema` itself) and replaces it with what `f`
 * returns; `name` is the nearest property name above, for naming what gets extracted.
 */
function mapSubschemas(schema: JsonSchema, f: (node: JsonSchema, name: string) => JsonSchema, name = ''): JsonSchema {
  const apply = (child: unknown, childName: string): unknown => {
    if (!isObject(child)) return child;
    return f(mapSubschemas(child, f, childName), childName);
  };
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (SCHEMA_MAPS.includes(key) && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([prop, child]) => [prop, apply(child, prop)]));
    } else if (SCHEMA_VALUES.includes(key)) {
      out[key] = apply(value, name);
    } else if (SCHEMA_LISTS.includes(key) && Array.isArray(value)) {
      out[key] = value.map((child) => apply(child, name || key));
    } else {
      out[key] = value;
    }
  }
  return out;
}

export interface SharedFragmentOptions {
  /** A fragment is shared when writing it once saves at least this many bytes. Default 400. */
  minSaving?: number;
}

/**
 * Moves every subschema that is written several times (the `expand` field of every list, the
 * metadata field, a trigger's `every` option...) into `defs`, named after the property it sits
 * under, and refers to it from each place. Roots stay where they are: an action's input is never
 * itself a `$ref`. Greedy, largest saving first, until nothing saves `minSaving` bytes.
 */
export function shareRepeatedFragments(roots: JsonSchema[], defs: SchemaDefs, options: SharedFragmentOptions = {}): { roots: JsonSchema[]; defs: SchemaDefs } {
  const minSaving = options.minSaving ?? 400;
  const objectTypes = new Set(Object.keys(defs));
  let current = { roots, defs: { ...defs } };
  for (;;) {
    const seen = new Map<string, { count: number; name: string; node: JsonSchema }>();
    const count = (node: JsonSchema, name: string): JsonSchema => {
      if (typeof node.$ref === 'string' && Object.keys(node).length <= 2) return node;
      const text = JSON.stringify(node);
      const entry = seen.get(text);
      if (entry) entry.count++;
      else seen.set(text, { count: 1, name, node });
      return node;
    };
    for (const root of current.roots) mapSubschemas(root, count);
    for (const def of Object.values(current.defs)) mapSubschemas(def, count);
    let best: { text: string; name: string; node: JsonSchema; saving: number } | undefined;
    for (const [text, entry] of seen) {
      const refLength = `{"$ref":"${DEFS_POINTER}${entry.name}"}`.length;
      const saving = (entry.count - 1) * text.length - entry.count * refLength;
      if (entry.count > 1 && saving >= minSaving && (!best || saving > best.saving)) best = { text, name: entry.name, node: entry.node, saving };
    }
    if (!best) return current;
    // A fragment under `customer` is the customer field (an id or the expanded object), not the customer type.
    const base = objectTypes.has(best.name) ? `${best.name}_field` : best.name || 'fragment';
    let name = base;
    for (let n = 2; current.defs[name] !== undefined; n++) name = `${base}_${n}`;
    const target = best.text;
    const ref = { $ref: `${DEFS_POINTER}${name}` };
    const replace = (node: JsonSchema): JsonSchema => (JSON.stringify(node) === target ? ref : node);
    current = {
      roots: current.roots.map((root) => mapSubschemas(root, replace)),
      defs: { ...Object.fromEntries(Object.entries(current.defs).map(([key, def]) => [key, mapSubschemas(def, replace)])), [name]: best.node },
    };
  }
}
