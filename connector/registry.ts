import { allActions } from '../actions';
import { executeAction, type ActionContext, type ActionDefinition } from './action';
import { StripeInputValidationError } from './errors';

/** The catalogue, by key. Built once; a duplicate key is a programming error caught at load. */
export const registry: ReadonlyMap<string, ActionDefinition> = (() => {
  const byKey = new Map<string, ActionDefinition>();
  for (const action of allActions as unknown as ActionDefinition[]) {
    if (byKey.has(action.key)) throw new Error(`duplicate action key ${action.key}`);
    byKey.set(action.key, action);
  }
  return byKey;
})();

export function listActions(): ActionDefinition[] {
  return [...registry.values()];
}

export function getAction(key: string): ActionDefinition {
  const action = registry.get(key);
  if (!action) {
    throw new StripeInputValidationError('Unknown action', [
      { field: 'action', message: `no action named ${JSON.stringify(key)}; \`stripe-connector actions\` lists them` },
    ]);
  }
  return action;
}

/**
 * Runs the action named `key` with `input` (validated first: a bad field means no request is sent).
 * Every failure, an unknown key included, arrives as a rejected promise, never as a synchronous throw.
 */
export async function runAction(key: string, input: unknown, ctx: ActionContext): Promise<unknown> {
  return executeAction(getAction(key), input, ctx);
}
