import { z } from 'zod';
import { ID_CHARACTERS, exclusiveCursors, listPaging, searchInput } from '../schemas/common';
import type { HttpMethod, StripeClient } from './client';
import { StripeInputValidationError, StripeInvalidRequestError } from './errors';
import { zodProblems } from './validation';
import { listOf, searchResultOf, type Output, type StripeObjectType } from '../schemas/objects/define';

/** How a list-like action pages: Stripe list cursors, or search page tokens. */
export type Paging = 'list' | 'search';

export interface ActionContext {
  client: StripeClient;
}

type AnyObjectSchema = z.ZodType<Record<string, unknown>>;

/**
 * An action is a declaration: what it is called, what it takes (a zod schema, which is also its
 * manifest form), and the Stripe endpoint it maps to. `run` is only for actions that are more than one
 * call; the generic runner does the rest.
 */
export interface ActionDefinition<I extends AnyObjectSchema = AnyObjectSchema> {
  /** `<verb>_<resource>` in snake_case, e.g. `create_customer`. */
  key: string;
  title: string;
  description: string;
  /** The resource group the action is listed under (`customers`, `charges`, ...). */
  group: string;
  /** 'ANY' only for an action whose own `run` takes the method from its input (raw_api_request). */
  method: HttpMethod | 'ANY';
  /** Path template; each `{name}` is an input field holding an id, e.g. `/v1/customers/{customer_id}`. */
  path: string;
  input: I;
  /** What it returns (schema and sample): an object type, or a list, deleted stub... built from one. */
  output: Output;
  paging?: Paging;
  run?: (ctx: ActionContext, input: z.output<I>) => Promise<unknown>;
}

const ACTION_KEY = /^[a-z]+(_[a-z0-9]+)+$/;
const PLACEHOLDER = /\{([a-z_]+)\}/g;

function pathParams(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** Checks a declaration once, at load time, so a malformed action never reaches a user. */
export function defineAction<I extends AnyObjectSchema>(definition: ActionDefinition<I>): ActionDefinition<I> {
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
  return definition;
}

/** A list endpoint: paging inputs (limit, cursors, return_all, max_items, expand) plus its filters. */
export function defineListAction<F extends z.ZodRawShape>(definition: {
  key: string;
  title: string;
  description: string;
  group: string;
  path: string;
  filters: F;
  /** The object type of the listed items. */
  item: StripeObjectType;
}) {
  const { filters, item, ...rest } = definition;
  return defineAction({
    ...rest,
    method: 'GET',
    paging: 'list',
    output: listOf(item),
    input: z.object({ ...filters, ...listPaging }).strict().superRefine(exclusiveCursors),
  });
}

/** A search endpoint: `query` in Stripe's search language, page tokens, return_all. */
export function defineSearchAction(definition: {
  key: string;
  title: string;
  description: string;
  group: string;
  path: string;
  queryHelp: string;
  /** The object type of the results. */
  item: StripeObjectType;
}) {
  const { queryHelp, item, ...rest } = definition;
  return defineAction({ ...rest, method: 'GET', paging: 'search', output: searchResultOf(item), input: searchInput(queryHelp) });
}

/** Validates input against the action's schema; every bad field is named, and nothing is sent. */
export function parseActionInput<I extends AnyObjectSchema>(action: ActionDefinition<I>, input: unknown): z.output<I> {
  const parsed = action.input.safeParse(input ?? {});
  if (!parsed.success) throw new StripeInputValidationError(`Invalid input for ${action.key}`, zodProblems(parsed.error));
  return parsed.data;
}

/** Runs an action: validate, then the action's own `run` or the generic mapping to one endpoint. */
export async function executeAction<I extends AnyObjectSchema>(
  action: ActionDefinition<I>,
  input: unknown,
  ctx: ActionContext,
): Promise<unknown> {
  return runParsed(action, parseActionInput(action, input), ctx);
}

/** Runs an action on input that `parseActionInput` has already checked. */
export async function runParsed<I extends AnyObjectSchema>(action: ActionDefinition<I>, parsed: z.output<I>, ctx: ActionContext): Promise<unknown> {
  return action.run ? action.run(ctx, parsed) : sendAction(action, parsed as Record<string, unknown>, ctx);
}

/**
 * The generic mapping: path ids into the path (each re-checked so no value can change the path),
 * paging controls handled here, everything else to Stripe as query (GET, DELETE) or form body (POST).
 */
export async function sendAction(
  action: Pick<ActionDefinition, 'key' | 'method' | 'path' | 'paging'>,
  input: Record<string, unknown>,
  ctx: ActionContext,
): Promise<unknown> {
  const method = action.method;
  if (method === 'ANY') throw new Error(`${action.key}: method ANY is sent by the action's own run`);
  const { idempotency_key, return_all, max_items, ...params } = input;
  const path = action.path.replace(PLACEHOLDER, (_match, name: string) => {
    const value = params[name];
    delete params[name];
    if (typeof value !== 'string' || !ID_CHARACTERS.test(value)) {
      throw new StripeInputValidationError(`Invalid input for ${action.key}`, [
        { field: name, message: 'expected a Stripe object id (letters, digits, _ and - only)' },
      ]);
    }
    return encodeURIComponent(value);
  });

  if (action.paging === 'list' || action.paging === 'search') {
    if (return_all) {
      const maxItems = max_items as number;
      const pageParams = { ...params, limit: Math.min(100, maxItems) };
      return action.paging === 'list'
        ? ctx.client.collectList(path, pageParams, { maxItems })
        : ctx.client.collectSearch(path, pageParams, { maxItems });
    }
    if (action.paging === 'list') {
      const page = await ctx.client.list(path, params);
      return { data: page.data, has_more: page.has_more };
    }
    const result = await ctx.client.search(path, params);
    return { data: result.data, has_more: result.has_more, next_page: result.next_page };
  }

  const response = await ctx.client.request({
    method,
    path,
    params,
    idempotencyKey: idempotency_key as string | undefined,
  });
  return response.body;
}

/** Stripe said the object does not exist (404 resource_missing); any other failure is not "absent". */
export function isResourceMissing(error: unknown): boolean {
  return error instanceof StripeInvalidRequestError && error.statusCode === 404 && error.code === 'resource_missing';
}

/** `expand` paths for the items of a list or search (Stripe wants them under `data.`). */
export function itemExpand(expand: readonly string[] | undefined): string[] | undefined {
  return expand?.map((path) => `data.${path}`);
}

/**
 * The `find_*` look-up by id: the object, or null when Stripe has no such object or only its deleted
 * stub. Auth errors, outages and everything else still throw, so "not found" is never a disguised failure.
 */
export async function findById(
  ctx: ActionContext,
  action: Pick<ActionDefinition, 'key'> & { path: string },
  input: Record<string, unknown>,
): Promise<unknown> {
  try {
    const found = (await sendAction({ ...action, method: 'GET' }, input, ctx)) as Record<string, unknown>;
    return found.deleted ? null : found;
  } catch (error) {
    if (isResourceMissing(error)) return null;
    throw error;
  }
}
