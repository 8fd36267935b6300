/**
 * The connector's actions as an MCP server. Tools, schemas and annotations come from the manifest;
 * every call goes through the same validation, client and error classes as a flow's action step.
 *
 * Built on the SDK's low-level `Server`: McpServer wants zod shapes and converts them itself, while
 * these tools must carry the manifest's JSON Schemas as they are, and reject bad input with our own
 * field-naming errors before anything is sent.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { parseActionInput, runParsed } from '../runner';
import type { StripeClient } from '../../client/client';
import { StripeError } from '../../client/errors';
import { buildManifest, type ManifestAction } from '../manifest';
import { getAction } from '../registry';
import { CONNECTOR_NAME, CONNECTOR_VERSION, STRIPE_API_VERSION } from '../../client/version';
import { DerivedKeys, type DerivedKey } from './derived-keys';
import { refusal, toolErrorResult, type HintContext } from './errors';
import { NEXT_PAGE_FIELD, WRAPPED_RESULT_FIELD, selectActions, toolSpec, type ToolSpec } from './tools';

export interface McpServerOptions {
  /** The Stripe connection every tool uses. */
  client: StripeClient;
  /** `--tools`: action keys, groups (`customers`) or halves (`charges.read`). Default: every action. */
  tools?: readonly string[];
  /** Offer and allow only read-only tools (retrieve, list, search, find). Default false. */
  readOnly?: boolean;
  /** With a live-mode key, write tools are refused unless this is true. Default false. */
  allowLiveWrites?: boolean;
  /**
   * Remembers the keys derived for calls without `idempotency_key`. Default: one per server. A host
   * that makes a server per HTTP request passes one shared instance (it keeps connections apart).
   */
  derivedKeys?: DerivedKeys;
}

type Refusal = 'not_selected' | 'read_only' | 'live_write';

function refusalMessage(name: string, why: Refusal): string {
  switch (why) {
    case 'read_only':
      return `${name} writes to Stripe, and this server runs read-only (--read-only): only retrieve, list, search and find tools are available.`;
    case 'live_write':
      return `${name} writes to Stripe, and the key is a live-mode key: write tools are refused in live mode unless the server is started with --allow-live-writes.`;
    default:
      return `${name} is not enabled on this server (see its --tools option).`;
  }
}

function nextPageArguments(spec: ToolSpec, input: Record<string, unknown>, result: Record<string, unknown>): Record<string, string> | null {
  if (result.has_more !== true) return null;
  if (typeof result.next_page === 'string' && result.next_page) return { page: result.next_page };
  const data = Array.isArray(result.data) ? (result.data as { id?: unknown }[]) : [];
  if (spec.paged !== 'list' || data.length === 0) return null;
  if (input.ending_before === undefined) {
    const last = data[data.length - 1]?.id;
    return typeof last === 'string' ? { starting_after: last } : null;
  }
  // ending_before walks towards newer objects. One page comes newest first (its first item is the
  // newest); return_all hands back the walk oldest first (its last item is the newest).
  const newest = (input.return_all ? data[data.length - 1] : data[0])?.id;
  return typeof newest === 'string' ? { ending_before: newest } : null;
}

function pagingNote(spec: ToolSpec, structured: Record<string, unknown>): string {
  const count = Array.isArray(structured.data) ? structured.data.length : 0;
  const next = structured[NEXT_PAGE_FIELD];
  if (next) return `${count} items; more follow: call ${spec.action.key} again with the same arguments plus ${JSON.stringify(next)}.`;
  if (structured.has_more === true) {
    // A search cut by max_items mid-page has no token to resume from.
    return `${count} items; more match, but this result was cut at max_items: raise max_items or narrow the query.`;
  }
  return `${count} items; this is the last page.`;
}

/** The result as MCP wants it: structured content, its JSON as text, and notes for the agent. */
function successResult(spec: ToolSpec, input: Record<string, unknown>, result: unknown, derived: DerivedKey | undefined, now: number): CallToolResult {
  let structured = (spec.wrapped ? { [WRAPPED_RESULT_FIELD]: result } : result) as Record<string, unknown>;
  const notes: string[] = [];
  if (spec.paged) {
    structured = { ...structured, [NEXT_PAGE_FIELD]: nextPageArguments(spec, input, structured) };
    notes.push(pagingNote(spec, structured));
  }
  if (spec.wrapped && result === null) notes.push('Nothing found (null).');
  if (derived?.repeated) {
    const seconds = Math.max(0, Math.round((now - derived.firstAt) / 1000));
    notes.push(
      `Not done twice: an identical ${spec.action.key} call (same arguments, no idempotency_key) was made ${seconds} s ago, ` +
        'so this returns that call\'s result instead of creating another. To do it again on purpose, pass a new idempotency_key.',
    );
  }
  return {
    structuredContent: structured,
    content: [{ type: 'text', text: JSON.stringify(structured) }, ...notes.map((text) => ({ type: 'text' as const, text }))],
    ...(derived ? { _meta: { [`${CONNECTOR_NAME}/idempotency`]: { idempotency_key: derived.key, derived: true, repeated: derived.repeated } } } : {}),
  };
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

let catalogueCache: ManifestAction[] | undefined;
/** The manifest's actions, built once per process (~200 ms): a host may make a server per HTTP request. */
function catalogue(): ManifestAction[] {
  catalogueCache ??= buildManifest().actions;
  return catalogueCache;
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

/** The MCP server for one Stripe connection; connect it to stdio, Streamable HTTP or any transport. */
export function createMcpServer(options: McpServerOptions): Server {
  const { client } = options;
  const derivedKeys = options.derivedKeys ?? new DerivedKeys();
  // The output schemas describe the pinned API version; another version's objects may not match them.
  const pinnedVersion = client.apiVersion === STRIPE_API_VERSION;
  const liveWritesRefused = client.mode === 'live' && !options.allowLiveWrites;
  const actions = catalogue();
  const selected = new Set(selectActions(actions, options.tools).map((action) => action.key));

  const refusalOf = (key: string, readOnly: boolean): Refusal | undefined => {
    if (!selected.has(key)) return 'not_selected';
    if (readOnly) return undefined;
    if (options.readOnly) return 'read_only';
    if (liveWritesRefused) return 'live_write';
    return undefined;
  };
  const specs = new Map<string, ToolSpec>();
  for (const action of actions) {
    if (refusalOf(action.key, action.hints.read_only) !== undefined) continue;
    specs.set(action.key, toolSpec(action, { windowMinutes: derivedKeys.windowMinutes, derivesKeys: !NO_DERIVED_KEY.has(action.key), withOutputSchema: pinnedVersion }));
  }
  const hintContext: HintContext = { available: new Set(specs.keys()) };

  const server = new Server(
    { name: CONNECTOR_NAME, title: 'Stripe', version: CONNECTOR_VERSION },
    {
      capabilities: { tools: {} },
      instructions:
        `Stripe (${client.mode} mode) through ${specs.size} tools named after their action: retrieve_*, list_*, search_*, find_* read; ` +
        'create_*, update_*, delete_* and the rest write. Amounts are integers in the smallest currency unit (1000 = $10.00, 1000 = ¥1000). ' +
        `List results carry ${NEXT_PAGE_FIELD} for the next page. Creates without idempotency_key are not repeated when called again identically within ${derivedKeys.windowMinutes} minutes.` +
        (options.readOnly ? ' This server is read-only.' : liveWritesRefused ? ' Live mode: write tools are off (--allow-live-writes enables them).' : '') +
        (pinnedVersion ? '' : ` Stripe-Version ${client.apiVersion} is not the pinned ${STRIPE_API_VERSION}: tools carry no outputSchema.`),
    },
  );

  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [...specs.values()].map((spec) => spec.tool) }));

  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const { name } = request.params;
    const spec = specs.get(name);
    if (!spec) {
      const known = actions.find((action) => action.key === name);
      if (!known) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
      return refusal(refusalMessage(name, refusalOf(name, known.hints.read_only) ?? 'not_selected'));
    }
    const action = getAction(name);
    let input: Record<string, unknown>;
    try {
      input = parseActionInput(action, request.params.arguments ?? {}) as Record<string, unknown>;
    } catch (error) {
      return toolErrorResult(error, hintContext);
    }
    let derived: DerivedKey | undefined;
    // Only what is sent as a POST carries a key (raw_api_request takes its method from the input).
    const sendsPost = action.method === 'POST' || (action.method === 'ANY' && input.method === 'POST');
    if (spec.derivesKeys && sendsPost && input.idempotency_key === undefined) {
      derived = derivedKeys.keyFor(connectionScope(client), name, input);
      input = { ...input, idempotency_key: derived.key };
    }
    try {
      const result = await runParsed(action, input, { client });
      return successResult(spec, input, result, derived, derivedKeys.now());
    } catch (error) {
      if (derived && refusedBeforeDoingAnything(error)) derivedKeys.forget(derived.key);
      return toolErrorResult(error, hintContext);
    }
  });

  return server;
}
