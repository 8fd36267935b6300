/**
 * The actions as MCP tools. Two surfaces:
 * - compact (the default): four generic tools that reach every action: search_actions,
 *   describe_action, run_read_action and run_write_action. Their list fits in a few KB.
 * - named (`--tools`): one typed tool per chosen action, as a flow builder sees it in the manifest.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ManifestAction } from '../manifest';
import { standaloneSchema, type JsonSchema, type SchemaDefs } from '../json-schema';
import { ruleText } from '../../schemas/rules';
import { StripeInputValidationError } from '../../client/errors';
import { suggest } from '../suggest';
import { getAction } from '../registry';

/** What a list or search result adds for agents: the arguments that fetch the next page. */
export const NEXT_PAGE_FIELD = 'next_page_arguments';
/** Outputs that are not an object (find_* may be null) are wrapped: MCP results are objects. */
export const WRAPPED_RESULT_FIELD = 'result';
/** `--tools all`: every action as its own tool. */
export const ALL_TOOLS = 'all';

export const SEARCH_TOOL = 'search_actions';
export const DESCRIBE_TOOL = 'describe_action';
export const READ_TOOL = 'run_read_action';
export const WRITE_TOOL = 'run_write_action';

/** How one action is called through MCP, whichever tool reaches it. */
export interface ActionCall {
  action: ManifestAction;
  /** Whether the result is `{ result: ... }` rather than the action's own object. */
  wrapped: boolean;
  /** A list (cursor paging) or search (page tokens): the result gets `next_page_arguments`. */
  paged?: 'list' | 'search';
  /** A call without `idempotency_key` gets one derived from its arguments (creates and money-moving calls). */
  derivesKeys: boolean;
  /** A list or search's default `fields` for an agent: its item type's summary. */
  summary?: readonly string[];
}

export interface NamedTool extends ActionCall {
  tool: Tool;
}

/** Keywords only a form uses: a model reads the description and the type. */
const FORM_ONLY = new Set(['title', 'x-lookup', 'x-advanced']);

function withoutKeywords(value: unknown, drop: (key: string) => boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutKeywords(item, drop));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    // Inside `properties` the keys are field names, never keywords.
    if (key === 'properties' && typeof child === 'object' && child !== null) {
      out[key] = Object.fromEntries(Object.entries(child).map(([name, field]) => [name, withoutKeywords(field, drop)]));
    } else if (!drop(key)) {
      out[key] = key === 'const' || key === 'default' || key === 'enum' ? child : withoutKeywords(child, drop);
    }
  }
  return out;
}

/** An action's input as a tool takes it: standing alone, without the form-only keywords. */
export function toolInputSchema(action: ManifestAction, defs: SchemaDefs): JsonSchema {
  return withoutKeywords(standaloneSchema(action.input, defs, { mode: 'inline' }), (key) => FORM_ONLY.has(key)) as JsonSchema;
}

/**
 * An action's output as a tool's `outputSchema`: the definitions it reaches bundled once, and no
 * `required`, since `fields` (and the default summary of a list) leave fields out.
 */
function toolOutputSchema(call: ActionCall, defs: SchemaDefs): JsonSchema {
  const output = withoutKeywords(standaloneSchema(call.action.output, defs, { mode: 'bundle' }), (key) => key === 'required') as JsonSchema;
  const { $defs, ...schema } = output;
  let body: JsonSchema = call.wrapped ? { type: 'object', properties: { [WRAPPED_RESULT_FIELD]: schema } } : { type: 'object', ...schema };
  if (call.paged) body = { ...body, properties: { ...(body.properties as JsonSchema), [NEXT_PAGE_FIELD]: { type: ['object', 'null'] } } };
  return $defs ? { ...body, $defs } : body;
}

/** Whether every value the schema allows is an object (an object schema, a union of them, a reference to a type). */
function objectsOnly(schema: JsonSchema, defs: SchemaDefs): boolean {
  if (typeof schema.$ref === 'string') {
    const target = defs[schema.$ref.replace('#/$defs/', '')];
    return target !== undefined && objectsOnly(target, defs);
  }
  if (schema.type === 'object') return true;
  const branches = schema.anyOf as JsonSchema[] | undefined;
  return Array.isArray(branches) && branches.length > 0 && branches.every((branch) => objectsOnly(branch, defs));
}

export function actionCall(action: ManifestAction, defs: SchemaDefs, derivesKeys: boolean): ActionCall {
  const definition = getAction(action.key);
  const takesKey = 'idempotency_key' in ((action.input.properties as JsonSchema | undefined) ?? {});
  return {
    action,
    wrapped: !objectsOnly(action.output, defs),
    paged: definition.paging,
    derivesKeys: derivesKeys && takesKey,
    summary: definition.paging ? definition.output.item?.summary : undefined,
  };
}

/** One line of what an action does: its description's first sentence. */
export function oneLine(action: ManifestAction): string {
  const first = /^(.+?[.!?])(\s|$)/.exec(action.description)?.[1] ?? action.description;
  return first.length > 160 ? `${first.slice(0, 157)}...` : first;
}

function namedDescription(call: ActionCall): string {
  const parts = [call.action.description];
  if (call.action.rules?.length) parts.push(`Rules: ${call.action.rules.map(ruleText).join('; ')}.`);
  if (call.paged) parts.push(`Returns a summary of each item unless fields is given (["*"] = all); ${NEXT_PAGE_FIELD} continues.`);
  if (call.derivesKeys) parts.push('Repeating an identical call returns the first result.');
  return parts.join(' ');
}

export interface NamedToolOptions {
  derivesKeys: boolean;
  /** Advertise output schemas (`--output-schemas`, and only at the pinned API version). */
  withOutputSchema: boolean;
}

export function namedTool(action: ManifestAction, defs: SchemaDefs, options: NamedToolOptions): NamedTool {
  const call = actionCall(action, defs, options.derivesKeys);
  return {
    ...call,
    tool: {
      name: action.key,
      title: action.title,
      description: namedDescription(call),
      inputSchema: toolInputSchema(action, defs) as Tool['inputSchema'],
      ...(options.withOutputSchema ? { outputSchema: toolOutputSchema(call, defs) as Tool['outputSchema'] } : {}),
      annotations: {
        title: action.title,
        readOnlyHint: action.hints.read_only,
        destructiveHint: action.hints.destructive,
        idempotentHint: action.hints.idempotent,
        // Every tool talks to Stripe, outside this server.
        openWorldHint: true,
      },
    },
  };
}

const RUN_INPUT = {
  type: 'object',
  properties: {
    action: { type: 'string', description: `An action key from ${SEARCH_TOOL}, e.g. list_charges.` },
    arguments: { type: 'object', description: `The action's arguments, as ${DESCRIBE_TOOL} gives them.`, default: {} },
  },
  required: ['action'],
  additionalProperties: false,
};

/** The compact surface's tools; `withWrite` is false on a read-only server or a live key without --allow-live-writes. */
export function compactTools(withWrite: boolean): Tool[] {
  const tools: Tool[] = [
    {
      name: SEARCH_TOOL,
      title: 'Search Stripe actions',
      description: `Finds the Stripe actions for a task: key, title, one line and read or write for each. Then ${DESCRIBE_TOOL} for its arguments.`,
      inputSchema: {
        type: 'object',
        properties: {
          query: { type: 'string', description: 'Words such as "refund charge" or "customer email"; empty lists the groups.' },
          group: { type: 'string', description: 'Only this group, e.g. charges.' },
          limit: { type: 'integer', minimum: 1, maximum: 50, default: 15 },
        },
        additionalProperties: false,
      },
      annotations: { title: 'Search Stripe actions', readOnlyHint: true, openWorldHint: false },
    },
    {
      name: DESCRIBE_TOOL,
      title: 'Describe a Stripe action',
      description: `An action's arguments (JSON Schema), rules and output fields, to call it with ${READ_TOOL}${withWrite ? ` or ${WRITE_TOOL}` : ''}.`,
      inputSchema: { type: 'object', properties: { key: { type: 'string', description: 'An action key, e.g. create_refund.' } }, required: ['key'], additionalProperties: false },
      annotations: { title: 'Describe a Stripe action', readOnlyHint: true, openWorldHint: false },
    },
    {
      name: READ_TOOL,
      title: 'Run a read-only Stripe action',
      description:
        `Runs a retrieve, list, search or find action. Lists return a summary of each item unless arguments.fields is given (["*"] = all); ${NEXT_PAGE_FIELD} continues a page.`,
      inputSchema: RUN_INPUT as Tool['inputSchema'],
      annotations: { title: 'Run a read-only Stripe action', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
  ];
  if (withWrite) {
    tools.push({
      name: WRITE_TOOL,
      title: 'Run a Stripe action that writes',
      description: 'Runs an action that creates, updates, deletes or moves money. Repeating an identical call returns the first result instead of doing it twice.',
      inputSchema: RUN_INPUT as Tool['inputSchema'],
      annotations: { title: 'Run a Stripe action that writes', readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    });
  }
  return tools;
}

/** Actions matching a query: every word must appear in the key, title, group or description; key and title hits rank first. */
export function searchActions(actions: readonly ManifestAction[], query: string, group?: string): ManifestAction[] {
  const words = query.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  const scored: { action: ManifestAction; score: number }[] = [];
  for (const action of actions) {
    if (group && action.group !== group) continue;
    const name = `${action.key} ${action.title} ${action.group}`.toLowerCase();
    const text = action.description.toLowerCase();
    let score = 0;
    let all = true;
    for (const word of words) {
      // A plural in the query ("refunds") finds the singular in a key ("create_refund").
      const stem = word.length > 3 && word.endsWith('s') ? word.slice(0, -1) : word;
      if (name.includes(stem)) score += 3;
      else if (text.includes(stem)) score += 1;
      else all = false;
    }
    if (all) scored.push({ action, score });
  }
  return scored.sort((a, b) => b.score - a.score).map((entry) => entry.action);
}

/**
 * Which actions `--tools` names: `all`, action keys, groups (`customers`), or a group's read or write
 * half (`charges.read`, `invoices.write`). An unknown name is an error listing what exists, so a typo
 * never silently serves nothing.
 */
export function selectActions(actions: readonly ManifestAction[], selectors: readonly string[]): ManifestAction[] {
  const groups = new Set(actions.map((action) => action.group));
  const chosen = new Set<string>();
  for (const raw of selectors) {
    const selector = raw.trim();
    if (selector === '') continue;
    if (selector === ALL_TOOLS) {
      for (const action of actions) chosen.add(action.key);
      continue;
    }
    const [group, half] = selector.split('.', 2) as [string, string | undefined];
    if (half !== undefined) {
      if (!groups.has(group) || (half !== 'read' && half !== 'write')) {
        throw new StripeInputValidationError('Invalid tool selection', [
          { field: 'tools', message: `${JSON.stringify(selector)}: expected <group>.read or <group>.write with a group of: ${[...groups].join(', ')}` },
        ]);
      }
      for (const action of actions) if (action.group === group && action.hints.read_only === (half === 'read')) chosen.add(action.key);
    } else if (groups.has(selector)) {
      for (const action of actions) if (action.group === selector) chosen.add(action.key);
    } else if (actions.some((action) => action.key === selector)) {
      chosen.add(selector);
    } else {
      const close = suggest(selector, [ALL_TOOLS, ...groups, ...actions.map((action) => action.key)]);
      throw new StripeInputValidationError('Invalid tool selection', [
        {
          field: 'tools',
          message: `${JSON.stringify(selector)} is neither ${ALL_TOOLS}, an action key nor a group${close.length ? `; did you mean ${close.join(' or ')}?` : ''} (groups: ${[...groups].join(', ')})`,
          did_you_mean: close,
          valid: [ALL_TOOLS, ...groups],
        },
      ]);
    }
  }
  if (chosen.size === 0) {
    throw new StripeInputValidationError('Invalid tool selection', [{ field: 'tools', message: 'selects no tool: name all, action keys or groups, comma-separated' }]);
  }
  return actions.filter((action) => chosen.has(action.key));
}
