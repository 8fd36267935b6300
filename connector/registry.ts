/**
 * The action registry: finds an action by key (loading only its group), lists them, and runs them.
 * `runAction` is typed by key from the zod schemas; a host holding keys as data calls it with a string.
 */
import type { z } from 'zod';
import { actionGroups, catalogue, type ActionGroup, type ActionSummary, type AnyCatalogueAction } from '../actions';
import type { ActionContext, ActionDefinition } from '../actions/define';
import { StripeInputValidationError } from '../client/errors';
import { executeAction } from './runner';
import { suggest } from './suggest';

type ActionsByKey = { [A in AnyCatalogueAction as A['key']]: A };

/** Every action key, as a string literal union. */
export type ActionKey = keyof ActionsByKey;
/** What `runAction(key, ...)` takes: the action's input schema, in its input view (defaults optional). */
export type ActionInput<K extends ActionKey> = z.input<ActionsByKey[K]['input']>;
/** What `runAction(key, ...)` resolves to: the action's output schema. */
export type ActionOutput<K extends ActionKey> = z.output<ActionsByKey[K]['output']['schema']>;

const groupOfKey = new Map<string, ActionGroup>(catalogue.map((entry) => [entry.key, entry.group]));
const loadedGroups = new Map<ActionGroup, Map<string, ActionDefinition>>();

function loadGroup(group: ActionGroup): Map<string, ActionDefinition> {
  let actions = loadedGroups.get(group);
  if (!actions) {
    actions = new Map();
    for (const action of actionGroups[group]() as unknown as ActionDefinition[]) {
      if (action.group !== group) throw new Error(`${action.key} is declared in actions/${group}.ts but says group ${action.group}`);
      actions.set(action.key, action);
    }
    loadedGroups.set(group, actions);
  }
  return actions;
}

/** Keys, groups, titles and descriptions, without building any schema. */
export function actionSummaries(): readonly ActionSummary[] {
  return catalogue;
}

export function hasAction(key: string): boolean {
  return groupOfKey.has(key);
}

/** Every action, in catalogue order (this loads every group). */
export function listActions(): ActionDefinition[] {
  return (Object.keys(actionGroups) as ActionGroup[]).flatMap((group) => [...loadGroup(group).values()]);
}

/** The action named `key`; an unknown key is an input error naming the closest keys. */
export function getAction<K extends ActionKey>(key: K): ActionsByKey[K];
export function getAction(key: string): ActionDefinition;
export function getAction(key: string): ActionDefinition {
  const group = groupOfKey.get(key);
  const action = group && loadGroup(group).get(key);
  if (!action) {
    const keys = catalogue.map((entry) => entry.key);
    const close = suggest(key, keys);
    throw new StripeInputValidationError('Unknown action', [
      {
        field: 'action',
        message: `no action named ${JSON.stringify(key)}${close.length ? `; did you mean ${close.join(' or ')}?` : ''} (\`stripe-connector actions\` lists them)`,
        did_you_mean: close,
        valid: keys,
      },
    ]);
  }
  return action;
}

/**
 * Runs the action named `key` with `input` (validated first: a bad field means no request is sent).
 * With a literal key the input is checked and the result typed from the action's schemas; a key held
 * as a string takes any input and resolves to `unknown`. Every failure, an unknown key included,
 * arrives as a rejected promise, never as a synchronous throw.
 */
export function runAction<K extends ActionKey>(key: K, input: ActionInput<K>, ctx: ActionContext): Promise<ActionOutput<K>>;
export function runAction<K extends string>(key: K & (K extends ActionKey ? never : unknown), input: unknown, ctx: ActionContext): Promise<unknown>;
export async function runAction(key: string, input: unknown, ctx: ActionContext): Promise<unknown> {
  return executeAction(getAction(key), input, ctx);
}
