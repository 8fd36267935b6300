/**
 * The generic mapping from a checked input to one Stripe call, and the helpers actions with their own
 * `run` share. No zod here: the host API runs actions through this without building any schema.
 */
import { StripeInputValidationError, StripeInvalidRequestError } from '../client/errors';
import { ID_CHARACTERS } from '../schemas/ids';
import { ID_MAX_LENGTH } from '../schemas/limits';
import type { ActionContext, ActionDefinition } from './define';

const PLACEHOLDER = /\{([a-z_]+)\}/g;

/** The `{name}` placeholders of a path template. */
export function pathParams(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
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
    if (typeof value !== 'string' || !ID_CHARACTERS.test(value) || value.length > ID_MAX_LENGTH) {
      throw new StripeInputValidationError(`Invalid input for ${action.key}`, [
        { field: name, message: `expected a Stripe object id (letters, digits, _ and - only, at most ${ID_MAX_LENGTH} characters)` },
      ]);
    }
    return encodeURIComponent(value);
  });

  if (action.paging === 'list' || action.paging === 'search') {
    if (return_all) {
      const maxItems = max_items as number;
      const pageParams = { ...params, limit: Math.min(100, maxItems) };
      const walk = { maxItems, onPage: ctx.onPage };
      return action.paging === 'list' ? ctx.client.collectList(path, pageParams, walk) : ctx.client.collectSearch(path, pageParams, walk);
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
