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
import { parseActionInput, runParsed } from '../action';
import type { StripeClient } from '../client';
import { StripeError } from '../errors';
import { buildManifest, type ManifestAction } from '../manifest';
import { getAction } from '../registry';
import { CONNECTOR_NAME, CONNECTOR_VERSION } from '../version';
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
   * that makes a server per HTTP request passes one shared instance per connection.
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
  // ending_before walks towards newer objects: its next page ends before the newest one seen.
  const edge = input.ending_before !== undefined ? data[0] : data[data.length - 1];
  if (typeof edge?.id !== 'string') return null;
  return input.ending_before !== undefined ? { ending_before: edge.id } : { starting_after: edge.id };
}

/** The result as MCP wants it: structured content, its JSON as text, and notes for the agent. */
function successResult(spec: ToolSpec, input: Record<string, unknown>, result: unknown, derived: DerivedKey | undefined, now: number): CallToolResult {
  let structured = (spec.wrapped ? { [WRAPPED_RESULT_FIELD]: result } : result) as Record<string, unknown>;
  const notes: string[] = [];
  if (spec.paged) {
    structured = { ...structured, [NEXT_PAGE_FIELD]: nextPageArguments(spec, input, structured) };
    const args = structured[NEXT_PAGE_FIELD];
    const count = Array.isArray(structured.data) ? structured.data.length : 0;
    notes.push(
      args
        ? `${count} items; more follow: call ${spec.action.key} again with the same arguments plus ${JSON.stringify(args)}.`
        : `${count} items; this is the last page.`,
    );
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

/** The MCP server for one Stripe connection; connect it to stdio, Streamable HTTP or any transport. */
export function createMcpServer(options: McpServerOptions): Server {
  const { client } = options;
  const derivedKeys = options.derivedKeys ?? new DerivedKeys();
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
    if (refusalOf(action.key, action.hints.read_only) === undefined) specs.set(action.key, toolSpec(action, derivedKeys.windowMinutes));
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
        (options.readOnly ? ' This server is read-only.' : liveWritesRefused ? ' Live mode: write tools are off (--allow-live-writes enables them).' : ''),
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
    if (spec.takesIdempotencyKey && input.idempotency_key === undefined) {
      derived = derivedKeys.keyFor(name, input);
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
