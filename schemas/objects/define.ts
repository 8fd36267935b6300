/**
 * Output schemas: what an action returns or a trigger emits, as zod (exported to JSON Schema in the
 * manifest and as MCP `outputSchema`). One schema per Stripe object type, shared by every action
 * that returns that object; lists, search results, deleted stubs and "object or null" are built from
 * it here, so no action writes its own.
 *
 * Object schemas list the fields people map, typed as Stripe returns them (nullable where Stripe
 * sends null, required where Stripe always sends the field). They are loose: Stripe adds fields over
 * time and an expanded response carries more, and neither must fail a flow.
 */
import { z } from 'zod';

/** What an action returns or a trigger emits: its schema and one realistic sample of it. */
export interface Output<S extends z.ZodType = z.ZodType> {
  schema: S;
  sample: unknown;
  /** A list or search result's item type (its summary is what an agent gets by default). */
  item?: StripeObjectType<z.ZodType<Record<string, unknown>>>;
}

/** A Stripe object's schema: its fields, `object` as a literal, and room for fields Stripe adds. */
export type ObjectSchema<O extends string = string, S extends z.ZodRawShape = z.ZodRawShape> = z.ZodObject<
  S & { object: z.ZodLiteral<O> },
  z.core.$loose
>;

/** One Stripe object type (`customer`, `charge`, `checkout.session`...). */
export interface StripeObjectType<S extends z.ZodType<Record<string, unknown>> = z.ZodType<Record<string, unknown>>> extends Output<S> {
  /** The `object` field's value, e.g. `customer`. */
  object: string;
  sample: Record<string, unknown>;
  /**
   * The fields people map, as dot paths: what an agent gets of each item of a list or search unless
   * it asks for other `fields`, so a page of 100 fits a model's tool-result budget.
   */
  summary: readonly string[];
}

export interface ObjectTypeOptions {
  summary: readonly string[];
}

const objectTypes = new Map<string, StripeObjectType>();

/**
 * Declares an object type. `shape` holds every field but `object` (filled in from `object`); the
 * sample is a realistic object as Stripe returns it, with fixed ids and times so the manifest does
 * not change between regenerations.
 */
export function defineObject<const O extends string, S extends z.ZodRawShape>(
  object: O,
  description: string,
  shape: S,
  sample: Record<string, unknown>,
  options: ObjectTypeOptions,
): StripeObjectType<ObjectSchema<O, S>> {
  if (objectTypes.has(object)) throw new Error(`object type ${object} is declared twice`);
  for (const path of options.summary) {
    const top = path.split('.')[0]!;
    if (top !== 'id' && top !== 'object' && !(top in shape)) throw new Error(`object type ${object}: summary field ${path} is not one of its fields`);
  }
  // Stripe's own order: id, object, then the rest.
  const { id, ...fields } = shape;
  const schema = z
    .looseObject({ ...(id ? { id } : {}), object: z.literal(object), ...fields })
    .describe(description) as unknown as ObjectSchema<O, S>;
  const { id: sampleId, ...sampleFields } = sample;
  const type: StripeObjectType<ObjectSchema<O, S>> = {
    object,
    schema,
    sample: { ...(sampleId === undefined ? {} : { id: sampleId }), object, ...sampleFields },
    summary: options.summary,
  };
  objectTypes.set(object, type as unknown as StripeObjectType);
  return type;
}

/** Every declared object type (for the tests that check them against their samples and the spec). */
export function declaredObjectTypes(): StripeObjectType[] {
  return [...objectTypes.values()];
}

/** A list action's result: `{ data, has_more }`, items newest first. */
export function listOf<S extends z.ZodType<Record<string, unknown>>>(item: StripeObjectType<S>) {
  return {
    schema: z
      .looseObject({
        data: z.array(item.schema).describe(`The ${item.object} objects of this page.`),
        has_more: z.boolean().describe('Whether more items follow; pass the last id as starting_after to get them.'),
      })
      .describe(`A page of ${item.object} objects.`),
    sample: { data: [item.sample], has_more: false } as unknown,
    item: item as unknown as StripeObjectType,
  };
}

/** A search action's result: `{ data, has_more, next_page }` (next_page is absent with return_all). */
export function searchResultOf<S extends z.ZodType<Record<string, unknown>>>(item: StripeObjectType<S>) {
  return {
    schema: z
      .looseObject({
        data: z.array(item.schema).describe(`The ${item.object} objects of this page.`),
        has_more: z.boolean().describe('Whether more results follow.'),
        next_page: z.string().nullable().optional().describe('Pass as `page` to get the next page of results; null on the last page.'),
      })
      .describe(`A page of ${item.object} search results.`),
    sample: { data: [item.sample], has_more: false, next_page: null } as unknown,
    item: item as unknown as StripeObjectType,
  };
}

function deletedSchema(item: StripeObjectType<z.ZodType<Record<string, unknown>>>) {
  return z
    .looseObject({ id: z.string(), object: z.literal(item.object), deleted: z.literal(true) })
    .describe(`The deleted ${item.object}'s id.`);
}

/** What Stripe answers a delete with: the id and `deleted: true`. */
export function deletedOf(item: StripeObjectType<z.ZodType<Record<string, unknown>>>) {
  const id = item.sample.id;
  if (typeof id !== 'string') throw new Error(`deletedOf(${item.object}): the sample has no id`);
  return { schema: deletedSchema(item), sample: { id, object: item.object, deleted: true } as unknown };
}

/** A retrieve that answers a deleted object with its stub (Stripe does so for customers). */
export function objectOrDeleted<S extends z.ZodType<Record<string, unknown>>>(item: StripeObjectType<S>) {
  return {
    schema: z.union([item.schema, deletedSchema(item)]).describe(`The ${item.object}, or { id, object, deleted: true } once it is deleted.`),
    sample: item.sample as unknown,
  };
}

/** A `find_*` result: the object, or null when Stripe has no such object. */
export function objectOrNull<S extends z.ZodType<Record<string, unknown>>>(item: StripeObjectType<S>) {
  return {
    schema: item.schema.nullable().describe(`The ${item.object}, or null when there is none.`),
    sample: item.sample as unknown,
  };
}
