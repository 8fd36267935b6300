/**
 * The actions as MCP tools: name, title, description, input and output schemas and annotations, all
 * taken from the manifest entry, so an agent sees exactly what a flow builder sees.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ManifestAction } from '../manifest';
import { StripeInputValidationError } from '../../client/errors';
import { suggest } from '../suggest';
import { getAction } from '../registry';

/** What a list or search result adds for agents: the arguments that fetch the next page. */
export const NEXT_PAGE_FIELD = 'next_page_arguments';
/** Outputs that are not an object (find_* may be null) are wrapped: MCP results are objects. */
export const WRAPPED_RESULT_FIELD = 'result';

export interface ToolSpec {
  action: ManifestAction;
  tool: Tool;
  /** Whether the result is `{ result: ... }` rather than the action's own object. */
  wrapped: boolean;
  /** A list (cursor paging) or search (page tokens): the result gets `next_page_arguments`. */
  paged?: 'list' | 'search';
  /** A call without `idempotency_key` gets one derived from its arguments (creates and money-moving calls). */
  derivesKeys: boolean;
}

export interface ToolSpecOptions {
  /** How long an identical call reuses a derived key, for the description. */
  windowMinutes: number;
  /** Whether this tool derives keys at all (it must also take idempotency_key). */
  derivesKeys: boolean;
  /** Advertise the output schema (only when the connection uses the pinned API version). */
  withOutputSchema: boolean;
}

type JsonSchema = Record<string, unknown> & { properties?: Record<string, unknown>; required?: string[] };

/** The manifest's JSON Schema without `$schema`: MCP's default dialect is the same 2020-12, and some validators refuse the URI. */
function bare(schema: Record<string, unknown>): JsonSchema {
  const { $schema: _dialect, ...rest } = schema;
  return rest as JsonSchema;
}

const NEXT_PAGE_SCHEMA = {
  anyOf: [
    {
      type: 'object',
      properties: {
        starting_after: { type: 'string' },
        ending_before: { type: 'string' },
        page: { type: 'string' },
      },
      additionalProperties: false,
    },
    { type: 'null' },
  ],
  description: 'Arguments to add to this call to get the next page (keep the other arguments); null when this was the last page.',
};

function describeInputs(input: JsonSchema): string {
  const properties = Object.keys(input.properties ?? {});
  if (properties.length === 0) return 'Takes no arguments.';
  const required = new Set(input.required ?? []);
  const names = properties.map((name) => (required.has(name) ? `${name} (required)` : name));
  return `Arguments: ${names.join(', ')}.`;
}

function toolDescription(action: ManifestAction, paged: ToolSpec['paged'], takesKey: boolean, windowMinutes: number): string {
  const parts = [action.description, describeInputs(action.input as JsonSchema)];
  if (paged) {
    parts.push(
      `Pages: limit (up to 100) per call; when has_more is true, ${NEXT_PAGE_FIELD} holds the arguments for the next page. ` +
        'return_all with max_items fetches many pages in one call.',
    );
  }
  if (takesKey) {
    parts.push(
      `Safe to retry: without idempotency_key, an identical call to this server within ${windowMinutes} minutes returns the first call's result instead of doing it twice. ` +
        'Pass your own idempotency_key to control this (it also holds across server restarts).',
    );
  }
  if (action.hints.read_only) parts.push('Read-only.');
  return parts.join(' ');
}

/** Whether every value the schema allows is an object (an object schema, or a union of them). */
function objectsOnly(schema: JsonSchema): boolean {
  if (schema.type === 'object') return true;
  const branches = schema.anyOf as JsonSchema[] | undefined;
  return Array.isArray(branches) && branches.length > 0 && branches.every(objectsOnly);
}

export function toolSpec(action: ManifestAction, options: ToolSpecOptions): ToolSpec {
  const input = bare(action.input);
  const bareOutput = bare(action.output);
  const paged = getAction(action.key).paging;
  const wrapped = !objectsOnly(bareOutput);
  // MCP wants `type: object` at the top; a union of objects (retrieve_customer: customer or its deleted stub) gets it said.
  const output = wrapped || bareOutput.type === 'object' ? bareOutput : { type: 'object', ...bareOutput };
  const derivesKeys = options.derivesKeys && 'idempotency_key' in (input.properties ?? {});
  let outputSchema: JsonSchema = wrapped
    ? { type: 'object', properties: { [WRAPPED_RESULT_FIELD]: output }, required: [WRAPPED_RESULT_FIELD], additionalProperties: false }
    : output;
  if (paged) outputSchema = { ...outputSchema, properties: { ...outputSchema.properties, [NEXT_PAGE_FIELD]: NEXT_PAGE_SCHEMA } };
  return {
    action,
    wrapped,
    paged,
    derivesKeys,
    tool: {
      name: action.key,
      title: action.title,
      description: toolDescription(action, paged, derivesKeys, options.windowMinutes),
      inputSchema: input as Tool['inputSchema'],
      ...(options.withOutputSchema ? { outputSchema: outputSchema as Tool['outputSchema'] } : {}),
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

/**
 * Which actions `--tools` names: action keys, groups (`customers`), or a group's read or write half
 * (`charges.read`, `invoices.write`). No selectors = every action. An unknown name is an error
 * listing what exists, so a typo never silently serves nothing.
 */
export function selectActions(actions: readonly ManifestAction[], selectors: readonly string[] | undefined): ManifestAction[] {
  if (!selectors) return [...actions];
  const groups = new Set(actions.map((action) => action.group));
  const chosen = new Set<string>();
  for (const raw of selectors) {
    const selector = raw.trim();
    if (selector === '') continue;
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
      const close = suggest(selector, [...groups, ...actions.map((action) => action.key)]);
      throw new StripeInputValidationError('Invalid tool selection', [
        {
          field: 'tools',
          message: `${JSON.stringify(selector)} is neither an action key nor a group${close.length ? `; did you mean ${close.join(' or ')}?` : ''} (groups: ${[...groups].join(', ')})`,
          did_you_mean: close,
          valid: [...groups],
        },
      ]);
    }
  }
  if (chosen.size === 0) {
    throw new StripeInputValidationError('Invalid tool selection', [{ field: 'tools', message: 'selects no tool: name action keys or groups, comma-separated' }]);
  }
  return actions.filter((action) => chosen.has(action.key));
}
