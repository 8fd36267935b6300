/**
 * The connector's actions as an MCP server. Tools, schemas and annotations come from the manifest;
 * every call goes through the same validation, client and error classes as a flow's action step.
 * By default four generic tools reach every action (a few KB of tool definitions); `tools` serves
 * chosen actions as their own typed tools instead.
 *
 * Built on the SDK's low-level `Server`: McpServer wants zod shapes and converts them itself, while
 * these tools must carry the manifest's JSON Schemas as they are, and reject bad input with our own
 * field-naming errors before anything is sent.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { parseActionInput, runParsed } from '../runner';
import type { StripeClient } from '../../client/client';
import { StripeError, StripeInputValidationError } from '../../client/errors';
import { loadManifest, type ManifestAction } from '../manifest';
import { getAction } from '../registry';
import { CONNECTOR_NAME, CONNECTOR_VERSION, STRIPE_API_VERSION } from '../../client/version';
import { DerivedKeys, type DerivedKey } from './derived-keys';
import { refusal, toolErrorResult, type HintContext } from './errors';
import {
  DESCRIBE_TOOL,
  NEXT_PAGE_FIELD,
  READ_TOOL,
  SEARCH_TOOL,
  WRAPPED_RESULT_FIELD,
  WRITE_TOOL,
  actionCall,
  compactTools,
  namedTool,
  oneLine,
  searchActions,
  selectActions,
  toolInputSchema,
  type ActionCall,
  type NamedTool,
} from './tools';
import { ruleText } from '../../schemas/rules';
import type { SchemaDefs } from '../json-schema';

export interface McpServerOptions {
  /** The Stripe connection every tool uses. */
  client: StripeClient;
  /**
   * `--tools`: serve these actions as their own typed tools: `all`, action keys, groups
   * (`customers`) or halves (`charges.read`). Default: the compact surface (search_actions,
   * describe_action, run_read_action, run_write_action), which reaches every action.
   */
  tools?: readonly string[];
  /** Offer and allow only read-only actions (retrieve, list, search, find). Default false. */
  readOnly?: boolean;
  /** With a live-mode key, write actions are refused unless this is true. Default false. */
  allowLiveWrites?: boolean;
  /** Named tools carry `outputSchema` (at the pinned API version only). Default false: they cost a model ~8 KB a tool. */
  outputSchemas?: boolean;
  /** Bytes of JSON a list or search result may take; a longer one is cut at an item boundary. Default 80,000. */
  resultBudget?: number;
  /**
   * Remembers the keys derived for calls without `idempotency_key`. Default: one per server. A host
   * that makes a server per HTTP request passes one shared instance (it keeps connections apart).
   */
  derivedKeys?: DerivedKeys;
}

/** 80 KB of JSON: about 20k tokens, under the 25k-token cap common agent hosts put on one tool result. */
export const DEFAULT_RESULT_BUDGET = 80_000;

type Refusal = 'not_selected' | 'read_only' | 'live_write';

function refusalMessage(name: string, why: Refusal): string {
  switch (why) {
    case 'read_only':
      return `${name} writes to Stripe, and this server runs read-only (--read-only): only retrieve, list, search and find actions are available.`;
    case 'live_write':
      return `${name} writes to Stripe, and the key is a live-mode key: write actions are refused in live mode unless the server is started with --allow-live-writes.`;
    default:
      return `${name} is not enabled on this server (see its --tools option).`;
  }
}

function nextPageArguments(call: ActionCall, input: Record<string, unknown>, result: Record<string, unknown>): Record<string, string> | null {
  if (result.has_more !== true) return null;
  if (typeof result.next_page === 'string' && result.next_page) return { page: result.next_page };
  const data = Array.isArray(result.data) ? (result.data as { id?: unknown }[]) : [];
  if (call.paged !== 'list' || data.length === 0) return null;
  if (input.ending_before === undefined) {
    const last = data[data.length - 1]?.id;
    return typeof last === 'string' ? { starting_after: last } : null;
  }
  // ending_before walks towards newer objects. One page comes newest first (its first item is the
  // newest); return_all hands back the walk oldest first (its last item is the newest).
  const newest = (input.return_all ? data[data.length - 1] : data[0])?.id;
  return typeof newest === 'string' ? { ending_before: newest } : null;
}

interface Cut {
  kept: number;
  of: number;
}

/**
 * A page within the result budget: as many whole items as fit. The cut page says `has_more` (so the
 * next page's arguments continue from its last item) and a search page loses its token, which
 * points past items that were cut.
 */
function withinBudget(result: Record<string, unknown>, budget: number): { result: Record<string, unknown>; cut?: Cut } {
  const data = result.data;
  if (!Array.isArray(data) || JSON.stringify(result).length <= budget) return { result };
  let size = JSON.stringify({ ...result, data: [] }).length + 100;
  let kept = 0;
  for (const item of data) {
    size += JSON.stringify(item).length + 1;
    if (size > budget) break;
    kept++;
  }
  const cutPage: Record<string, unknown> = { ...result, data: data.slice(0, kept), has_more: true };
  if ('next_page' in cutPage) cutPage.next_page = null;
  return { result: cutPage, cut: { kept, of: data.length } };
}

function pagingNote(call: ActionCall, structured: Record<string, unknown>, cut: Cut | undefined, budget: number): string {
  const count = Array.isArray(structured.data) ? structured.data.length : 0;
  const next = structured[NEXT_PAGE_FIELD];
  const cutText = cut
    ? `Cut at the result budget (${Math.round(budget / 1000)} KB): ${cut.kept} of the ${cut.of} items fetched are here; ask for fewer fields or a smaller limit to get more per call. `
    : '';
  if (next) return `${cutText}${count} items; more follow: call ${call.action.key} again with the same arguments plus ${JSON.stringify(next)}.`;
  if (structured.has_more === true) {
    // A search cut mid-page (by max_items or the budget) has no token to resume from.
    return `${cutText}${count} items; more match, but this result was cut${cut ? '' : ' at max_items'}: narrow the query${cut ? ' or ask for fewer fields' : ' or raise max_items'}.`;
  }
  return `${count} items; this is the last page.`;
}

interface Shaped {
  structured: Record<string, unknown>;
  notes: string[];
}

/** The result as an agent gets it: wrapped when not an object, next page arguments, cut to the budget, and notes. */
function shapeResult(call: ActionCall, input: Record<string, unknown>, result: unknown, derived: DerivedKey | undefined, now: number, budget: number): Shaped {
  let structured = (call.wrapped ? { [WRAPPED_RESULT_FIELD]: result } : result) as Record<string, unknown>;
  const notes: string[] = [];
  if (call.paged) {
    const { result: page, cut } = withinBudget(structured, budget);
    structured = { ...page, [NEXT_PAGE_FIELD]: nextPageArguments(call, input, page) };
    notes.push(pagingNote(call, structured, cut, budget));
  }
  if (call.wrapped && result === null) notes.push('Nothing found (null).');
  if (derived?.repeated) {
    const seconds = Math.max(0, Math.round((now - derived.firstAt) / 1000));
    notes.push(
      `Not done twice: an identical ${call.action.key} call (same arguments, no idempotency_key) was made ${seconds} s ago, ` +
        'so this returns that call\'s result instead of creating another. To do it again on purpose, pass a new idempotency_key.',
    );
  }
  return { structured, notes };
}

/**
 * Stripe refused the request before doing anything (400 bad request, 401/403 key, 404 no such
 * object), so the agent may fix the cause and call again with a fresh key. Not a 402: a declined
 * payment created its charge or payment intent, and the same call must replay that decline rather
 * than try the card again; nor 409/429/5xx/network, whose outcome may be unknown.
 */
function refusedBeforeDoingAnything(error: unknown): boolean {
  return error instanceof StripeError && [400, 401, 403, 404].includes(error.statusCode ?? 0);
}

/**
 * Tools that take idempotency_key but get no derived one: Stripe dedupes meter events by their own
 * `identifier`, and two identical usage reports within minutes are two uses, not a retry.
 */
const NO_DERIVED_KEY = new Set(['create_meter_event']);

const clientIds = new WeakMap<StripeClient, number>();
let lastClientId = 0;
/** Which connection a derived key belongs to: one DerivedKeys may serve several clients. */
function connectionScope(client: StripeClient): string {
  if (!clientIds.has(client)) clientIds.set(client, ++lastClientId);
  return `${clientIds.get(client)}:${client.mode}:${client.stripeAccount ?? ''}`;
}

const textResult = (value: unknown, notes: string[] = []): CallToolResult => ({
  content: [{ type: 'text', text: JSON.stringify(value) }, ...notes.map((text) => ({ type: 'text' as const, text }))],
});

function argumentError(tool: string, field: string, message: string): CallToolResult {
  return toolErrorResult(new StripeInputValidationError(`Invalid arguments for ${tool}`, [{ field, message }]), { available: new Set() });
}

/** Field names of an output, for describe_action: the object type's own fields, or the page's items'. */
function outputFields(action: ManifestAction, defs: SchemaDefs): { type: string; fields: string[] } {
  const typeOf = (schema: Record<string, unknown> | undefined): string | undefined =>
    typeof schema?.$ref === 'string' ? schema.$ref.replace('#/$defs/', '') : undefined;
  const output = action.output as Record<string, unknown>;
  const properties = output.properties as Record<string, Record<string, unknown>> | undefined;
  const itemType = typeOf(properties?.data?.items as Record<string, unknown> | undefined);
  const anyOf = output.anyOf as Record<string, unknown>[] | undefined;
  const own = typeOf(output) ?? anyOf?.map(typeOf).find(Boolean);
  const type = itemType ?? own;
  const fieldsOf = (name: string | undefined) => Object.keys((defs[name ?? '']?.properties as object | undefined) ?? {});
  if (itemType) return { type: `a page of ${itemType} objects (data, has_more)`, fields: fieldsOf(itemType) };
  if (type) return { type: `${type}${anyOf ? ' (or null / a deleted stub)' : ''}`, fields: fieldsOf(type) };
  return { type: 'object', fields: Object.keys(properties ?? {}) };
}

/** The MCP server for one Stripe connection; connect it to stdio, Streamable HTTP or any transport. */
export function createMcpServer(options: McpServerOptions): Server {
  const { client } = options;
  const derivedKeys = options.derivedKeys ?? new DerivedKeys();
  const budget = options.resultBudget ?? DEFAULT_RESULT_BUDGET;
  // The output schemas describe the pinned API version; another version's objects may not match them.
  const pinnedVersion = client.apiVersion === STRIPE_API_VERSION;
  const liveWritesRefused = client.mode === 'live' && !options.allowLiveWrites;
  const manifest = loadManifest();
  const defs = manifest.$defs;
  const actions = manifest.actions;
  const byKey = new Map(actions.map((action) => [action.key, action]));
  const compact = options.tools === undefined;
  const selected = new Set((compact ? actions : selectActions(actions, options.tools ?? [])).map((action) => action.key));
  const writesAllowed = !options.readOnly && !liveWritesRefused;

  const refusalOf = (key: string, readOnly: boolean): Refusal | undefined => {
    if (!selected.has(key)) return 'not_selected';
    if (readOnly) return undefined;
    if (options.readOnly) return 'read_only';
    if (liveWritesRefused) return 'live_write';
    return undefined;
  };
  const reachable = actions.filter((action) => refusalOf(action.key, action.hints.read_only) === undefined);
  const calls = new Map<string, ActionCall>();
  // Built on first use: a call's details load its action group's schemas.
  const callOf = (action: ManifestAction): ActionCall => {
    let call = calls.get(action.key);
    if (!call) calls.set(action.key, (call = actionCall(action, defs, !NO_DERIVED_KEY.has(action.key))));
    return call;
  };
  const named = new Map<string, NamedTool>();
  if (!compact) {
    for (const action of reachable) {
      const tool = namedTool(action, defs, { derivesKeys: !NO_DERIVED_KEY.has(action.key), withOutputSchema: options.outputSchemas === true && pinnedVersion });
      named.set(action.key, tool);
      calls.set(action.key, tool);
    }
  }
  const hintContext: HintContext = { available: new Set(reachable.map((action) => action.key)) };

  const server = new Server(
    { name: CONNECTOR_NAME, title: 'Stripe', version: CONNECTOR_VERSION },
    {
      capabilities: { tools: {} },
      instructions:
        (compact
          ? `Stripe (${client.mode} mode): ${reachable.length} actions through ${SEARCH_TOOL}, ${DESCRIBE_TOOL} and ${READ_TOOL}${writesAllowed ? ` / ${WRITE_TOOL}` : ''}. `
          : `Stripe (${client.mode} mode) through ${named.size} tools named after their action. `) +
        'Amounts are integers in the smallest currency unit (1000 = $10.00, 1000 = ¥1000). ' +
        `Lists return a summary of each item unless fields is given; ${NEXT_PAGE_FIELD} fetches the next page. ` +
        `A create repeated identically within ${derivedKeys.windowMinutes} minutes without idempotency_key returns the first result.` +
        (options.readOnly ? ' This server is read-only.' : liveWritesRefused ? ' Live mode: writes are off (--allow-live-writes enables them).' : '') +
        (pinnedVersion ? '' : ` Stripe-Version ${client.apiVersion} is not the pinned ${STRIPE_API_VERSION}.`),
    },
  );

  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: compact ? compactTools(writesAllowed) : [...named.values()].map((entry) => entry.tool),
  }));

  /** Validates with the action's own schema (nothing is sent on bad input), derives a key, runs, shapes. */
  async function run(call: ActionCall, rawArguments: unknown, structuredOutput: boolean): Promise<CallToolResult> {
    const name = call.action.key;
    const action = getAction(name);
    let input: Record<string, unknown>;
    try {
      input = parseActionInput(action, rawArguments ?? {}) as Record<string, unknown>;
    } catch (error) {
      return toolErrorResult(error, hintContext);
    }
    // A model reads a list's summary unless it asks for fields: a full page of charges is ~200 KB.
    if (call.summary && input.fields === undefined) input = { ...input, fields: call.summary };
    let derived: DerivedKey | undefined;
    // Only what is sent as a POST carries a key (raw_api_request takes its method from the input).
    const sendsPost = action.method === 'POST' || (action.method === 'ANY' && input.method === 'POST');
    if (call.derivesKeys && sendsPost && input.idempotency_key === undefined) {
      derived = derivedKeys.keyFor(connectionScope(client), name, input);
      input = { ...input, idempotency_key: derived.key };
    }
    try {
      const result = await runParsed(action, input, { client });
      const { structured, notes } = shapeResult(call, input, result, derived, derivedKeys.now(), budget);
      const meta = derived ? { _meta: { [`${CONNECTOR_NAME}/idempotency`]: { idempotency_key: derived.key, derived: true, repeated: derived.repeated } } } : {};
      return { ...(structuredOutput ? { structuredContent: structured } : {}), ...textResult(structured, notes), ...meta };
    } catch (error) {
      if (derived && refusedBeforeDoingAnything(error)) derivedKeys.forget(derived.key);
      return toolErrorResult(error, hintContext);
    }
  }

  function describe(key: unknown): CallToolResult {
    if (typeof key !== 'string' || !byKey.has(key)) return unknownAction(DESCRIBE_TOOL, 'key', key);
    const action = byKey.get(key)!;
    const call = callOf(action);
    const output = outputFields(action, defs);
    return textResult({
      key,
      title: action.title,
      group: action.group,
      kind: action.hints.read_only ? 'read' : 'write',
      run_with: action.hints.read_only ? READ_TOOL : WRITE_TOOL,
      available: refusalOf(key, action.hints.read_only) === undefined,
      description: action.description,
      arguments: toolInputSchema(action, defs),
      ...(action.rules?.length ? { rules: action.rules.map(ruleText) } : {}),
      returns: output.type,
      output_fields: output.fields,
      ...(call.summary ? { default_fields: call.summary } : {}),
    });
  }

  function search(args: Record<string, unknown>): CallToolResult {
    const query = typeof args.query === 'string' ? args.query : '';
    const group = typeof args.group === 'string' && args.group ? args.group : undefined;
    const limit = Number.isInteger(args.limit) ? Math.min(50, Math.max(1, args.limit as number)) : 15;
    const groups = [...new Set(reachable.map((action) => action.group))];
    if (group && !groups.includes(group)) return argumentError(SEARCH_TOOL, 'group', `no group ${JSON.stringify(group)}; groups: ${groups.join(', ')}`);
    if (!query && !group) {
      return textResult({ groups: groups.map((name) => ({ group: name, actions: reachable.filter((action) => action.group === name).length })) }, [
        `Pass query (or group) to find actions, e.g. {"query": "refund charge"}.`,
      ]);
    }
    const found = searchActions(reachable, query, group);
    return textResult({
      actions: found.slice(0, limit).map((action) => ({ key: action.key, title: action.title, kind: action.hints.read_only ? 'read' : 'write', does: oneLine(action) })),
      ...(found.length > limit ? { more: found.length - limit } : {}),
    }, found.length === 0 ? ['No action matches every word; try fewer or other words, or a group.'] : []);
  }

  function unknownAction(tool: string, field: string, key: unknown): CallToolResult {
    return toolErrorResult(
      new StripeInputValidationError(`Invalid arguments for ${tool}`, [
        { field, message: `${typeof key === 'string' ? `no action named ${JSON.stringify(key)}` : 'expected an action key'}; ${SEARCH_TOOL} finds the right one` },
      ]),
      hintContext,
    );
  }

  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const { name } = request.params;
    const args = (request.params.arguments ?? {}) as Record<string, unknown>;
    if (compact) {
      if (name === SEARCH_TOOL) return search(args);
      if (name === DESCRIBE_TOOL) return describe(args.key);
      if (name === READ_TOOL || (name === WRITE_TOOL && writesAllowed)) {
        const key = args.action;
        const action = typeof key === 'string' ? byKey.get(key) : undefined;
        if (!action) return unknownAction(name, 'action', key);
        const why = refusalOf(action.key, action.hints.read_only);
        if (why) return refusal(refusalMessage(action.key, why));
        if (name === READ_TOOL && !action.hints.read_only) {
          return refusal(`${action.key} writes to Stripe: run it with ${WRITE_TOOL}${writesAllowed ? '' : ', which this server does not offer'}.`);
        }
        if (name === WRITE_TOOL && action.hints.read_only) return refusal(`${action.key} only reads: run it with ${READ_TOOL}.`);
        if (args.arguments !== undefined && (typeof args.arguments !== 'object' || args.arguments === null || Array.isArray(args.arguments))) {
          return argumentError(name, 'arguments', 'expected an object of the action\'s arguments');
        }
        return run(callOf(action), args.arguments ?? {}, false);
      }
      if (name === WRITE_TOOL) return refusal(refusalMessage(name, options.readOnly ? 'read_only' : 'live_write'));
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
    }
    const tool = named.get(name);
    if (!tool) {
      const known = byKey.get(name);
      if (!known) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
      return refusal(refusalMessage(name, refusalOf(name, known.hints.read_only) ?? 'not_selected'));
    }
    // Named tools answer with structured content as well as its JSON as text, as MCP clients expect of typed tools.
    return run(tool, args, true);
  });

  return server;
}
