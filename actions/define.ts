import { z } from 'zod';
import { listPaging, searchInput } from '../schemas/common';
import { atMostOne, checkRules, ruleFields, type FieldRule } from '../schemas/rules';
import type { HttpMethod, StripeClient, WalkProgress } from '../client/client';
import { pathParams } from './send';
import { listOf, searchResultOf, type Output, type StripeObjectType } from '../schemas/objects/define';

/** How a list-like action pages: Stripe list cursors, or search page tokens. */
export type Paging = 'list' | 'search';

export interface ActionContext {
  client: StripeClient;
  /** Told after each page of a `return_all` walk (a CLI shows it as progress). Default: nothing. */
  onPage?: (progress: WalkProgress) => void;
}

type AnyObjectSchema = z.ZodType<Record<string, unknown>>;

/**
 * An action is a declaration: what it is called, what it takes (a zod schema, which is also its
 * manifest form), and the Stripe endpoint it maps to. `run` is only for actions that are more than one
 * call; the generic runner does the rest. `K`, `I` and `O` keep the key, input and output types, so a
 * host's `runAction('create_customer', ...)` is typed from the schemas.
 */
export interface ActionDefinition<I extends AnyObjectSchema = AnyObjectSchema, O extends Output = Output, K extends string = string> {
  /** `<verb>_<resource>` in snake_case, e.g. `create_customer`. */
  key: K;
  title: string;
  description: string;
  /** The resource group the action is listed under (`customers`, `charges`, ...): also its file in actions/. */
  group: string;
  /** 'ANY' only for an action whose own `run` takes the method from its input (raw_api_request). */
  method: HttpMethod | 'ANY';
  /** Path template; each `{name}` is an input field holding an id, e.g. `/v1/customers/{customer_id}`. */
  path: string;
  input: I;
  /** What it returns (schema and sample): an object type, or a list, deleted stub... built from one. */
  output: O;
  paging?: Paging;
  /** Rules between fields (exactly one of, at least one of, not both, needs): checked with the input, listed in the manifest. */
  rules?: readonly FieldRule[];
  run?: (ctx: ActionContext, input: z.output<I>) => Promise<unknown>;
}

const ACTION_KEY = /^[a-z]+(_[a-z0-9]+)+$/;

/** Checks a declaration once, at load time, so a malformed action never reaches a user. */
export function defineAction<const K extends string, I extends AnyObjectSchema, O extends Output>(
  definition: ActionDefinition<I, O, K>,
): ActionDefinition<I, O, K> {
  if (!ACTION_KEY.test(definition.key)) throw new Error(`action key ${definition.key} is not <verb>_<resource> snake_case`);
  const shape = (definition.input as unknown as { shape?: Record<string, unknown> }).shape ?? {};
  for (const name of pathParams(definition.path)) {
    if (!(name in shape)) throw new Error(`${definition.key}: path parameter {${name}} is not an input field`);
    if (!name.endsWith('_id')) throw new Error(`${definition.key}: path parameter {${name}} must be named <resource>_id`);
  }
  if (definition.method === 'ANY' && !definition.run) throw new Error(`${definition.key}: method ANY needs its own run`);
  if (definition.method === 'GET' && 'idempotency_key' in shape) {
    throw new Error(`${definition.key}: a GET takes no idempotency_key`);
  }
  if (!definition.rules?.length) return definition;
  for (const rule of definition.rules) {
    for (const field of ruleFields(rule)) {
      if (!(field in shape)) throw new Error(`${definition.key}: a rule names ${field}, which is not an input field`);
    }
  }
  return { ...definition, input: definition.input.superRefine(checkRules(definition.rules)) as I };
}

/** A list endpoint: paging inputs (limit, cursors, return_all, max_items, expand) plus its filters. */
export function defineListAction<const K extends string, F extends z.ZodRawShape, S extends z.ZodType<Record<string, unknown>>>(definition: {
  key: K;
  title: string;
  description: string;
  group: string;
  path: string;
  filters: F;
  /** The object type of the listed items. */
  item: StripeObjectType<S>;
  /** Rules between the filters; the cursors' rule (not both) is always there. */
  rules?: readonly FieldRule[];
}) {
  const { filters, item, rules = [], ...rest } = definition;
  return defineAction({
    ...rest,
    method: 'GET',
    paging: 'list',
    output: listOf(item),
    input: z.object({ ...filters, ...listPaging }).strict(),
    rules: [...rules, CURSORS_RULE],
  });
}

/** Stripe refuses both list cursors at once. */
export const CURSORS_RULE = atMostOne('starting_after', 'ending_before');

/** A search endpoint: `query` in Stripe's search language, page tokens, return_all. */
export function defineSearchAction<const K extends string, S extends z.ZodType<Record<string, unknown>>>(definition: {
  key: K;
  title: string;
  description: string;
  group: string;
  path: string;
  queryHelp: string;
  /** The object type of the results. */
  item: StripeObjectType<S>;
}) {
  const { queryHelp, item, ...rest } = definition;
  return defineAction({ ...rest, method: 'GET', paging: 'search', output: searchResultOf(item), input: searchInput(queryHelp) });
}

export { findById, isResourceMissing, itemExpand, sendAction } from './send';
