/**
 * Stripe's OpenAPI description, as the conformance tests read it (inputs: spec-conformance.test.ts,
 * outputs: output-conformance.test.ts). The spec is read from STRIPE_OPENAPI_SPEC, else the team's
 * copy beside the project; `spec` is undefined when there is none (each test then skips, visibly).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** STRIPE_OPENAPI_SPEC, else the team's copy beside the project, else where this workplace keeps it. */
export const SPEC_CANDIDATES = process.env.STRIPE_OPENAPI_SPEC
  ? [process.env.STRIPE_OPENAPI_SPEC]
  : [resolve(__dirname, '../../../shared/stripe-openapi/spec3.json'), '/work/shared/stripe-openapi/spec3.json'];
export const SPEC_PATH = SPEC_CANDIDATES.find((path) => existsSync(path)) ?? SPEC_CANDIDATES[0]!;

/** The parts of JSON Schema (ours from zod, Stripe's from the spec) the tests look at. */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  required?: string[];
  nullable?: boolean;
  $ref?: string;
  const?: unknown;
}

export interface Operation {
  parameters?: { name: string; in: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

export interface Spec {
  info: { version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema> };
}

export const spec: Spec | undefined = existsSync(SPEC_PATH) ? JSON.parse(readFileSync(SPEC_PATH, 'utf8')) : undefined;

/** A path with its ids blanked: `/v1/customers/{customer}` -> `/v1/customers/{}`. */
export const template = (path: string) => path.replace(/\{[^}]+\}/g, '{}');

/** A `$ref` resolved to its component (one level); anything else as is. */
export function deref(schema: JsonSchema | undefined): JsonSchema | undefined {
  if (schema?.$ref) return spec!.components.schemas[schema.$ref.split('/').pop()!];
  return schema;
}

/** The JSON types a schema admits, following anyOf/oneOf (Stripe's `'' | object` unset idiom included). */
export function typesOf(schema: JsonSchema | undefined): Set<string> {
  const s = deref(schema);
  const out = new Set<string>();
  if (!s) return out;
  for (const t of [s.type ?? []].flat()) out.add(t);
  if (s.enum?.length) for (const v of s.enum) out.add(typeof v === 'number' ? 'number' : typeof v);
  for (const variant of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) for (const t of typesOf(variant)) out.add(t);
  return out;
}

/** The values a schema is limited to, or undefined when it takes any value of its type. */
export function enumOf(schema: JsonSchema | undefined): Set<unknown> | undefined {
  const s = deref(schema);
  if (!s) return undefined;
  const values = [...(s.enum ?? [])];
  let open = !s.enum && !s.anyOf && !s.oneOf;
  for (const variant of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) {
    const inner = enumOf(variant);
    if (!inner) open = true;
    else values.push(...inner);
  }
  return open ? undefined : new Set(values);
}
