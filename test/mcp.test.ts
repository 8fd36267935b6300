/**
 * `stripe-connector mcp` as an agent host runs it: the built CLI as a child process, the MCP SDK's
 * own client over stdio, the emulator over real HTTP. The client checks every structured result
 * against the tool's outputSchema, so each call here is also an output-schema check.
 */
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv-provider.js';
import { DerivedKeys, createMcpServer } from '../connector/mcp';
import { actionHints } from '../connector/hints';
import { listActions } from '../connector/registry';
import { closeTransport } from '../client/transport';
import { TEST_KEY, clientFor, startTestEmulator, type Emulator } from './support/harness';
import { CLI } from './support/cli';

const LIVE_KEY = 'sk_live_51ConnectorSuiteLiveKey0123456789abcdef';
const READ_ONLY_KEY = 'rk_test_51ConnectorSuiteReadOnly0123456789abc';
const UNKNOWN_KEY = 'sk_test_51ConnectorSuiteNotAKnownKey012345678';

let emulator: Emulator;
const clients: Client[] = [];

beforeAll(async () => {
  emulator = await startTestEmulator({ apiKeys: [TEST_KEY, LIVE_KEY], readOnlyKeys: [READ_ONLY_KEY] });
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await closeTransport();
  await emulator.close();
});
beforeEach(() => emulator.reset());

/**
 * Starts `stripe-connector mcp <args>` and connects the SDK client to it; tools are listed once (the
 * client caches output schemas from the list). These tests call the named, typed tools (`--tools all
 * --output-schemas` unless they pick their own); test/mcp-compact.test.ts covers the default surface.
 */
async function connect(args: string[] = [], key = TEST_KEY, env: Record<string, string> = {}): Promise<{ client: Client; tools: Tool[]; stderr: () => string }> {
  const named = args.includes('--tools') ? args : ['--tools', 'all', '--output-schemas', ...args];
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', ...named],
    env: { PATH: process.env.PATH ?? '', STRIPE_SECRET_KEY: key, STRIPE_API_BASE: emulator.url, ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'connector-test', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  const { tools } = await client.listTools();
  return { client, tools, stderr: () => stderr };
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

const texts = (result: CallToolResult) => result.content.map((block) => (block.type === 'text' ? block.text : '')).join('\n');

describe('stripe-connector mcp (stdio)', () => {
  let session: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    session = await connect();
  });

  it('lists one tool per action, with input and output schemas and annotations', () => {
    const actions = listActions();
    expect(session.tools.map((tool) => tool.name).sort()).toEqual(actions.map((action) => action.key).sort());
    const ajv = new AjvJsonSchemaValidator();
    for (const tool of session.tools) {
      const action = actions.find((a) => a.key === tool.name)!;
      const hints = actionHints(action);
      expect(tool.title).toBe(action.title);
      expect(tool.description).toContain(action.description);
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
      // Each output schema compiles in the validator the SDK client uses for results.
      expect(() => ajv.getValidator(tool.outputSchema as never)).not.toThrow();
      expect(tool.annotations).toEqual({
        title: action.title,
        readOnlyHint: hints.read_only,
        destructiveHint: hints.destructive,
        idempotentHint: hints.idempotent,
        openWorldHint: true,
      });
    }
    const byName = new Map(session.tools.map((tool) => [tool.name, tool]));
    expect(byName.get('list_customers')!.annotations).toMatchObject({ readOnlyHint: true, idempotentHint: true });
    expect(byName.get('delete_customer')!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(byName.get('create_customer')!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: false });
    // Moving money cannot be undone: a host that auto-approves non-destructive tools must still ask.
    expect(byName.get('create_charge')!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: false });
    expect(byName.get('create_refund')!.annotations).toMatchObject({ destructiveHint: true });
    expect(byName.get('update_customer')!.annotations).toMatchObject({ destructiveHint: false, idempotentHint: true });
    expect(byName.get('void_invoice')!.annotations).toMatchObject({ destructiveHint: true });
    expect(byName.get('expire_checkout_session')!.annotations).toMatchObject({ destructiveHint: true });
    expect(byName.get('create_customer')!.description).toMatch(/Repeating an identical call returns the first result/);
    expect(byName.get('list_customers')!.description).toMatch(/next_page_arguments/);
    // Two identical usage reports are two uses: meter events get no derived key (Stripe dedupes by identifier).
    expect(byName.get('create_meter_event')!.description).not.toMatch(/identical call/i);
  });

  it('create_customer then list_customers round-trips, with structured content matching the output schema', async () => {
    const created = await call(session.client, 'create_customer', { email: 'agent@example.com', name: 'Agent Smith', idempotency_key: 'mcp-roundtrip-1' });
    expect(created.isError).toBeFalsy();
    const customer = created.structuredContent as { id: string; email: string; object: string };
    expect(customer).toMatchObject({ object: 'customer', email: 'agent@example.com' });
    expect(JSON.parse((created.content[0] as { text: string }).text)).toEqual(customer);

    const listed = await call(session.client, 'list_customers', { email: 'agent@example.com' });
    const page = listed.structuredContent as { data: { id: string }[]; has_more: boolean; next_page_arguments: unknown };
    expect(page.data.map((c) => c.id)).toEqual([customer.id]);
    expect(page.has_more).toBe(false);
    expect(page.next_page_arguments).toBeNull();
    expect(texts(listed)).toContain('this is the last page');
  });

  it('pages a list with the returned cursor: every customer once, newest first, no gaps', async () => {
    const created: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      const result = await call(session.client, 'create_customer', { email: `page-${i}@example.com` });
      created.push((result.structuredContent as { id: string }).id);
    }
    const seen: string[] = [];
    let args: Record<string, unknown> = { limit: 3 };
    for (let pages = 1; ; pages += 1) {
      const result = await call(session.client, 'list_customers', args);
      const page = result.structuredContent as { data: { id: string }[]; has_more: boolean; next_page_arguments: Record<string, string> | null };
      seen.push(...page.data.map((c) => c.id));
      if (!page.next_page_arguments) {
        expect(pages).toBe(3);
        expect(page.has_more).toBe(false);
        break;
      }
      expect(page.next_page_arguments).toEqual({ starting_after: page.data.at(-1)!.id });
      expect(texts(result)).toContain(`"starting_after":"${page.data.at(-1)!.id}"`);
      args = { limit: 3, ...page.next_page_arguments };
    }
    expect(seen).toEqual([...created].reverse());

    // return_all with max_items stops early and still says where to go on.
    const capped = await call(session.client, 'list_customers', { return_all: true, max_items: 5 });
    const cappedPage = capped.structuredContent as { data: { id: string }[]; has_more: boolean; next_page_arguments: Record<string, string> };
    expect(cappedPage.data.map((c) => c.id)).toEqual(seen.slice(0, 5));
    expect(cappedPage).toMatchObject({ has_more: true, next_page_arguments: { starting_after: seen[4] } });
  });

  it('an identical create without idempotency_key, called twice, creates one customer and says so', async () => {
    const args = { email: 'twice@example.com', name: 'Retry Twice', metadata: { order: '42' } };
    const first = await call(session.client, 'create_customer', args);
    // Same arguments in another key order: the same call.
    const second = await call(session.client, 'create_customer', { metadata: { order: '42' }, name: 'Retry Twice', email: 'twice@example.com' });
    expect((second.structuredContent as { id: string }).id).toBe((first.structuredContent as { id: string }).id);
    expect(texts(second)).toMatch(/Not done twice: an identical create_customer call/);
    expect(texts(first)).not.toMatch(/Not done twice/);
    const firstMeta = first._meta?.['stripe-connector/idempotency'] as { idempotency_key: string; repeated: boolean };
    const secondMeta = second._meta?.['stripe-connector/idempotency'] as { idempotency_key: string; repeated: boolean };
    expect(firstMeta.repeated).toBe(false);
    expect(secondMeta).toEqual({ ...firstMeta, repeated: true });
    // Stripe (the emulator) replayed the first answer for the second request.
    const creates = emulator.requests.filter((r) => r.method === 'POST' && r.path === '/v1/customers');
    expect(creates).toHaveLength(2);
    expect(new Set(creates.map((r) => r.headers['idempotency-key']))).toEqual(new Set([firstMeta.idempotency_key]));
    const listed = await call(session.client, 'list_customers', { email: 'twice@example.com' });
    expect((listed.structuredContent as { data: unknown[] }).data).toHaveLength(1);

    // Different arguments, or an explicit new key, are a new customer.
    const other = await call(session.client, 'create_customer', { ...args, name: 'Someone Else' });
    const explicit = await call(session.client, 'create_customer', { ...args, idempotency_key: 'agent-chose-this-key' });
    const ids = new Set([first, other, explicit].map((r) => (r.structuredContent as { id: string }).id));
    expect(ids.size).toBe(3);
  });

  it('pages backwards with ending_before, page by page and with return_all, without gaps', async () => {
    const created: string[] = [];
    for (let i = 0; i < 7; i += 1) created.push(((await call(session.client, 'create_customer', { name: `back-${i}` })).structuredContent as { id: string }).id);
    // Newer than the oldest, 3 at a time: each page says where the next (newer) one ends.
    const seen: string[] = [];
    let args: Record<string, unknown> = { limit: 3, ending_before: created[0] };
    for (;;) {
      const page = (await call(session.client, 'list_customers', args)).structuredContent as { data: { id: string }[]; next_page_arguments: Record<string, string> | null };
      seen.unshift(...page.data.map((c) => c.id));
      if (!page.next_page_arguments) break;
      expect(page.next_page_arguments).toEqual({ ending_before: page.data[0]!.id });
      args = { limit: 3, ...page.next_page_arguments };
    }
    expect(seen).toEqual([...created.slice(1)].reverse());
    // return_all walks oldest first and stops at max_items; the cursor continues after the newest it returned.
    const walked = (await call(session.client, 'list_customers', { ending_before: created[0], return_all: true, max_items: 3 })).structuredContent as {
      data: { id: string }[];
      next_page_arguments: Record<string, string>;
    };
    expect(walked.data.map((c) => c.id)).toEqual(created.slice(1, 4));
    expect(walked.next_page_arguments).toEqual({ ending_before: created[3] });
    const rest = (await call(session.client, 'list_customers', { ending_before: created[3], return_all: true, max_items: 10 })).structuredContent as {
      data: { id: string }[];
      next_page_arguments: unknown;
    };
    expect(rest.data.map((c) => c.id)).toEqual(created.slice(4));
    expect(rest.next_page_arguments).toBeNull();
  });

  it('pages a search with its page token, and says when max_items cut it', async () => {
    for (let i = 0; i < 5; i += 1) await call(session.client, 'create_customer', { name: 'Searchable', email: `s${i}@example.com` });
    const first = await call(session.client, 'search_customers', { query: "name:'Searchable'", limit: 2 });
    const page = first.structuredContent as { data: unknown[]; next_page: string; next_page_arguments: Record<string, string> };
    expect(page.data).toHaveLength(2);
    expect(page.next_page_arguments).toEqual({ page: page.next_page });
    const second = (await call(session.client, 'search_customers', { query: "name:'Searchable'", limit: 2, ...page.next_page_arguments })).structuredContent as { data: unknown[] };
    expect(second.data).toHaveLength(2);
    const capped = await call(session.client, 'search_customers', { query: "name:'Searchable'", return_all: true, max_items: 3 });
    expect(capped.structuredContent).toMatchObject({ has_more: true, next_page_arguments: null });
    expect(texts(capped)).toMatch(/cut at max_items/);
  });

  it('retrieving a deleted customer returns its stub as structured content, not an error', async () => {
    const customer = (await call(session.client, 'create_customer', { email: 'gone@example.com' })).structuredContent as { id: string };
    await call(session.client, 'delete_customer', { customer_id: customer.id });
    const retrieved = await call(session.client, 'retrieve_customer', { customer_id: customer.id });
    expect(retrieved.isError).toBeFalsy();
    expect(retrieved.structuredContent).toEqual({ id: customer.id, object: 'customer', deleted: true });
  });

  it('raw_api_request derives a key only for a POST: a repeated GET is read again, a repeated POST is not done twice', async () => {
    const get = { method: 'GET', path: '/v1/customers', query: { limit: 1 } };
    const reads = [await call(session.client, 'raw_api_request', get), await call(session.client, 'raw_api_request', get)];
    for (const read of reads) {
      expect(read._meta).toBeUndefined();
      expect(texts(read)).not.toMatch(/Not done twice/);
    }
    const post = { method: 'POST', path: '/v1/customers', body: { email: 'raw@example.com' } };
    const [a, b] = [await call(session.client, 'raw_api_request', post), await call(session.client, 'raw_api_request', post)];
    expect((b.structuredContent as { id: string }).id).toBe((a.structuredContent as { id: string }).id);
    expect(texts(b)).toMatch(/Not done twice/);
  });

  it('invalid input is a tool error naming the field, and nothing reaches Stripe', async () => {
    const before = emulator.requests.length;
    const result = await call(session.client, 'create_customer', { email: 'not-an-email', colour: 'blue' });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    const text = texts(result);
    expect(text).toMatch(/Field email: /);
    expect(text).toMatch(/colour/);
    expect(text).toMatch(/Nothing was sent to Stripe/);
    const missingId = await call(session.client, 'retrieve_customer', { customer_id: '../charges' });
    expect(missingId.isError).toBe(true);
    expect(texts(missingId)).toMatch(/Field customer_id: /);
    expect(emulator.requests.length).toBe(before);
  });

  it('Stripe errors come back as tool errors with the code, the field and a hint, never the key', async () => {
    const result = await call(session.client, 'retrieve_customer', { customer_id: 'cus_DoesNotExist1' });
    expect(result.isError).toBe(true);
    const text = texts(result);
    expect(text).toMatch(/No such customer/);
    expect(text).toMatch(/code resource_missing/);
    expect(text).toMatch(/Hint: customer not found: .*find_customer/);
    expect(text).not.toContain(TEST_KEY);

    const customer = (await call(session.client, 'create_customer', {})).structuredContent as { id: string };
    const declined = await call(session.client, 'create_payment_intent', {
      amount: 2000,
      currency: 'usd',
      customer: customer.id,
      payment_method: 'pm_card_chargeDeclined',
      confirm: true,
    });
    expect(declined.isError).toBe(true);
    expect(texts(declined)).toMatch(/Hint: The card was declined/);
    expect(texts(declined)).toMatch(/The payment intent pi_\w+ exists: confirm_payment_intent with another payment_method retries it/);
    expect(session.stderr()).not.toContain(TEST_KEY);
  });

  it('a declined payment called again identically is not tried again: Stripe replays the decline, one payment intent exists', async () => {
    const customer = (await call(session.client, 'create_customer', {})).structuredContent as { id: string };
    const args = { amount: 3100, currency: 'usd', customer: customer.id, payment_method: 'pm_card_chargeDeclined', confirm: true };
    const before = emulator.objects('payment_intent').length;
    const first = await call(session.client, 'create_payment_intent', args);
    const second = await call(session.client, 'create_payment_intent', args);
    expect([first.isError, second.isError]).toEqual([true, true]);
    expect(texts(second)).toMatch(/card_declined/);
    expect(emulator.objects('payment_intent').length).toBe(before + 1);
    const keys = emulator.requests.filter((r) => r.path === '/v1/payment_intents' && r.method === 'POST').map((r) => r.headers['idempotency-key']);
    expect(new Set(keys).size).toBe(1);
  });

  it('a create Stripe refused before doing anything (404: no such customer) gets a new key when called again', async () => {
    const args = { amount: 2000, currency: 'usd', customer: 'cus_NotThereYet01' };
    const first = await call(session.client, 'create_payment_intent', args);
    expect(first.isError).toBe(true);
    const creates = () => emulator.requests.filter((r) => r.path === '/v1/payment_intents' && r.method === 'POST');
    await call(session.client, 'create_payment_intent', args);
    const keys = creates().map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toBe(keys[1]);
  });
});

describe('stripe-connector mcp --read-only and --tools', () => {
  it('--read-only lists no write tool and refuses a write call without sending it', async () => {
    const { client, tools } = await connect(['--read-only']);
    const readActions = listActions().filter((action) => actionHints(action).read_only);
    expect(tools.map((tool) => tool.name).sort()).toEqual(readActions.map((action) => action.key).sort());
    expect(tools.every((tool) => tool.annotations?.readOnlyHint === true)).toBe(true);
    const before = emulator.requests.length;
    const refused = await call(client, 'create_customer', { email: 'no@example.com' });
    expect(refused.isError).toBe(true);
    expect(texts(refused)).toMatch(/runs read-only/);
    expect(emulator.requests.length).toBe(before);
    const read = await call(client, 'list_customers', {});
    expect(read.isError).toBeFalsy();
  });

  it('--tools picks actions, groups and read halves; an unknown name fails the start', async () => {
    const { tools } = await connect(['--tools', 'customers.read,create_refund,coupons']);
    const names = tools.map((tool) => tool.name).sort();
    const expected = listActions()
      .filter((a) => (a.group === 'customers' && actionHints(a).read_only) || a.key === 'create_refund' || a.group === 'coupons')
      .map((a) => a.key)
      .sort();
    expect(names).toEqual(expected);
    expect(names).toContain('find_customer');
    expect(names).not.toContain('create_customer');

    // A typo stops the server before it serves anything, naming the bad selector.
    const typo = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, [CLI, 'mcp', '--tools', 'customers,chargez'], { env: { PATH: process.env.PATH ?? '', STRIPE_SECRET_KEY: TEST_KEY } }, (error, _stdout, stderr) =>
        resolve({ code: (error as { code?: number } | null)?.code ?? 0, stderr }),
      );
    });
    expect(typo.code).toBe(2);
    const empty = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, [CLI, 'mcp', '--tools', ''], { env: { PATH: process.env.PATH ?? '', STRIPE_SECRET_KEY: TEST_KEY } }, (error, _stdout, stderr) =>
        resolve({ code: (error as { code?: number } | null)?.code ?? 0, stderr }),
      );
    });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/selects no tool/);
    expect(JSON.parse(typo.stderr).error.fields).toEqual([
      { field: 'tools', message: expect.stringContaining('"chargez" is neither all, an action key nor a group; did you mean charges?'), did_you_mean: ['charges'], valid: expect.arrayContaining(['customers', 'charges']) },
    ]);
  });
});

describe('stripe-connector mcp with other keys and versions', () => {
  it('a refused key and a restricted key get hints that say so, without the key', async () => {
    const refused = await connect(['--tools', 'customers'], UNKNOWN_KEY);
    const auth = await call(refused.client, 'list_customers', {});
    expect(auth.isError).toBe(true);
    expect(texts(auth)).toMatch(/Hint: Stripe refused the server's API key .* STRIPE_SECRET_KEY/);
    expect(texts(auth)).not.toContain(UNKNOWN_KEY);

    const restricted = await connect(['--tools', 'customers'], READ_ONLY_KEY);
    const denied = await call(restricted.client, 'create_customer', {});
    expect(denied.isError).toBe(true);
    expect(texts(denied)).toMatch(/Hint: The API key may not do this \(a restricted rk_ key/);
    expect(texts(denied) + refused.stderr() + restricted.stderr()).not.toMatch(/ConnectorSuite(NotAKnownKey|ReadOnly)/);
  });

  it('with a Stripe-Version other than the pinned one, tools carry no outputSchema (objects may differ) but work', async () => {
    const { client, tools } = await connect([], TEST_KEY, { STRIPE_API_VERSION: '2024-04-10' });
    expect(tools.length).toBeGreaterThan(100);
    expect(tools.every((tool) => tool.outputSchema === undefined)).toBe(true);
    const created = await call(client, 'create_customer', { email: 'old-version@example.com' });
    expect(created.structuredContent).toMatchObject({ object: 'customer' });
    expect(emulator.requests.at(-1)!.headers['stripe-version']).toBe('2024-04-10');
  });
});

describe('stripe-connector mcp with a live-mode key', () => {
  it('refuses write tools unless --allow-live-writes', async () => {
    const guarded = await connect([], LIVE_KEY);
    expect(guarded.tools.some((tool) => tool.name === 'create_customer')).toBe(false);
    expect(guarded.tools.some((tool) => tool.name === 'list_customers')).toBe(true);
    const before = emulator.requests.length;
    const refused = await call(guarded.client, 'create_customer', {});
    expect(texts(refused)).toMatch(/live-mode key: write actions are refused in live mode unless .*--allow-live-writes/);
    expect(emulator.requests.length).toBe(before);

    const allowed = await connect(['--allow-live-writes'], LIVE_KEY);
    const created = await call(allowed.client, 'create_customer', { email: 'live@example.com' });
    expect(created.structuredContent).toMatchObject({ object: 'customer', livemode: true });
    expect(guarded.stderr() + allowed.stderr()).not.toContain(LIVE_KEY);
  });
});

describe('createMcpServer on a host\'s Streamable HTTP transport', () => {
  let http: HttpServer;
  afterAll(() => {
    http.closeAllConnections();
    return new Promise<void>((resolve) => http.close(() => resolve()));
  });

  it('serves the same tools in stateless mode, one server per request sharing one DerivedKeys', async () => {
    const stripe = clientFor(emulator);
    const derivedKeys = new DerivedKeys();
    http = createServer(async (req: IncomingMessage, res) => {
      const server = createMcpServer({ client: stripe, tools: ['customers'], derivedKeys });
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on('close', () => void transport.close());
      await server.connect(transport);
      await transport.handleRequest(req, res);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
    const url = new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`);
    const client = new Client({ name: 'http-host-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(url));
    clients.push(client);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(listActions().filter((a) => a.group === 'customers').map((a) => a.key).sort());
    const created = (await client.callTool({ name: 'create_customer', arguments: { email: 'http@example.com' } })) as CallToolResult;
    const found = (await client.callTool({ name: 'find_customer', arguments: { email: 'http@example.com' } })) as CallToolResult;
    expect((found.structuredContent as { result: { id: string } }).result.id).toBe((created.structuredContent as { id: string }).id);
    const again = (await client.callTool({ name: 'create_customer', arguments: { email: 'http@example.com' } })) as CallToolResult;
    expect(again.structuredContent).toEqual(created.structuredContent);
    expect(texts(again)).toMatch(/Not done twice/);
    const none = (await client.callTool({ name: 'find_customer', arguments: { email: 'nobody@example.com' } })) as CallToolResult;
    expect(none.structuredContent).toEqual({ result: null });
    expect(texts(none)).toContain('Nothing found');
  });
});
