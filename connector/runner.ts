import type { z } from 'zod';
import type { ActionContext, ActionDefinition } from '../actions/define';
import { sendAction } from '../actions/send';
import { StripeInputValidationError } from '../client/errors';
import { zodProblems } from '../client/validation';
import { projectFields } from './projection';
import { paramLimitProblems } from '../schemas/limits';

type AnyAction = ActionDefinition<z.ZodType<Record<string, unknown>>>;

/**
 * Validates input against Stripe's limits (prototype keys, depth, lengths: schemas/limits.ts), then
 * the action's schema; every bad field is named, and nothing is sent. The limits come first, on the
 * input as given: zod would silently drop a `__proto__` key from a record it copies.
 */
export function parseActionInput<A extends AnyAction>(action: A, input: unknown): z.output<A['input']> {
  const limits = paramLimitProblems(input);
  if (limits.length > 0) throw new StripeInputValidationError(`Invalid input for ${action.key}`, limits);
  const parsed = action.input.safeParse(input ?? {});
  if (!parsed.success) throw new StripeInputValidationError(`Invalid input for ${action.key}`, zodProblems(parsed.error));
  return parsed.data as z.output<A['input']>;
}

/**
 * Runs an action on input that `parseActionInput` has already checked: its own `run`, or the generic
 * mapping to one endpoint. `fields` is the connector's, not Stripe's: it is taken off the request and
 * applied to the answer.
 */
export async function runParsed<A extends AnyAction>(action: A, parsed: z.output<A['input']>, ctx: ActionContext): Promise<unknown> {
  const { fields, ...request } = parsed as Record<string, unknown> & { fields?: string[] };
  const result = await (action.run ? action.run(ctx, request as z.output<A['input']>) : sendAction(action, request, ctx));
  return projectFields(result, fields);
}

/** Validates, then runs. */
export async function executeAction<A extends AnyAction>(action: A, input: unknown, ctx: ActionContext): Promise<unknown> {
  return runParsed(action, parseActionInput(action, input), ctx);
}
