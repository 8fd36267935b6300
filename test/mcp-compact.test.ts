/**
 * What reaches an agent: the default compact MCP surface (four tools that reach every action), the
 * byte budgets of `tools/list`, results sized for a model (summaries, `fields`, the result budget),
 * and an agent's task end to end over stdio with the SDK client, the built CLI and the emulator.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { closeTransport } from '../client/transport';
import { TEST_KEY, clientFor, startTestEmulator, type Emulator } from './support/harness';
import { CLI } from './support/cli';
import { runAction } from '../connector/registry';
import { projectFields } from '../connector/projection';

const LIVE_KEY = 'sk_live_51ConnectorSuiteLiveKey0123456789abcdef';

/** The budgets issue 12 sets for `tools/list`, in bytes of its JSON. */
const BUDGETS = { default: 12_000, readOnly: 12_000, readmeExample: 60_000, all: 350_000 };

let emulator: Emulator;
const clients: Client[] = [];

beforeAll(async () => {
  emulator = await startTestEmulator({ apiKeys: [TEST_KEY, LIVE_KEY] });
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await closeTransport();
  await emulator.close();
});
beforeEach(() => emulator.reset());

async function connect(args: string[] = [], key = TEST_KEY): Promise<{ client: Client; tools: Tool[]; listBytes: number }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', ...args],
    env: { PATH: process.env.PATH ?? '', STRIPE_SECRET_KEY: key, STRIPE_API_BASE: emulator.url },
    stderr: 'pipe',
  });
  const client = new Client({ name: 'compact-test', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  const listed = await client.listTools();
  return { client, tools: listed.tools, listBytes: JSON.stringify(listed).length };
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** The JSON result an agent reads (the first text block). */
function json<T = Record<string, unknown>>(result: CallToolResult): T {
  const first = result.content[0];
  if (!first || first.type !== 'text') throw new Error('no text result');
  return JSON.parse(first.text) as T;
}
const texts = (result: CallToolResult) => result.content.map((block) => (block.type === 'text' ? block.text : '')).join('\n');

describe('tools/list sizes', () => {
  it('the default surface is four tools within 12 KB, and --read-only drops the write tool', async () => {
    const compact = await connect();
    expect(compact.tools.map((tool) => tool.name)).toEqual(['search_actions', 'describe_action', 'run_read_action', 'run_write_action']);
    expect(compact.listBytes).toBeLessThanOrEqual(BUDGETS.default);
    const write = compact.tools.find((tool) => tool.name === 'run_write_action')!;
    expect(write.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(compact.tools.find((tool) => tool.name === 'run_read_action')!.annotations).toMatchObject({ readOnlyHint: true });

    const readOnly = await connect(['--read-only']);
    expect(readOnly.tools.map((tool) => tool.name)).toEqual(['search_actions', 'describe_action', 'run_read_action']);
    expect(readOnly.listBytes).toBeLessThanOrEqual(BUDGETS.readOnly);
  });

  it('the README example and --tools all stay within their budgets; output schemas only on request', async () => {
    const example = await connect(['--tools', 'customers,charges.read,invoices']);
    expect(example.listBytes).toBeLessThanOrEqual(BUDGETS.readmeExample);
    expect(example.tools.some((tool) => tool.name === 'create_customer')).toBe(true);

    const all = await connect(['--tools', 'all']);
    expect(all.tools).toHaveLength(125);
    expect(all.listBytes).toBeLessThanOrEqual(BUDGETS.all);
    expect(all.tools.every((tool) => tool.outputSchema === undefined)).toBe(true);
    // Every tool's input stands alone: no reference into a manifest the agent does not have.
    expect(JSON.stringify(all.tools)).not.toContain('"$ref"');

    const withOutputs = await connect(['--tools', 'charges.read', '--output-schemas']);
    expect(withOutputs.tools.every((tool) => tool.outputSchema?.type === 'object')).toBe(true);
  });

  it('a live key without --allow-live-writes gets no write tool', async () => {
    const live = await connect([], LIVE_KEY);
    expect(live.tools.map((tool) => tool.name)).not.toContain('run_write_action');
    const refused = await call(live.client, 'run_write_action', { action: 'create_customer', arguments: {} });
    expect(refused.isError).toBe(true);
    expect(texts(refused)).toContain('live');
  });
});

describe('the compact tools', () => {
  it('search_actions finds actions by words and says read or write; describe_action gives arguments and output fields', async () => {
    const { client } = await connect();
    const found = json<{ actions: { key: string; kind: string; does: string }[] }>(await call(client, 'search_actions', { query: 'refund charge' }));
    expect(found.actions[0]).toMatchObject({ key: expect.stringMatching(/refund/) });
    expect(found.actions.find((action) => action.key === 'create_refund')).toMatchObject({ kind: 'write' });
    expect(found.actions.find((action) => action.key === 'list_refunds')).toMatchObject({ kind: 'read' });
    const groups = json<{ groups: { group: string; actions: number }[] }>(await call(client, 'search_actions', {}));
    expect(groups.groups.reduce((sum, group) => sum + group.actions, 0)).toBe(125);

    const described = json<{ arguments: { properties: Record<string, unknown> }; rules: string[]; output_fields: string[]; run_with: string }>(
      await call(client, 'describe_action', { key: 'create_refund' }),
    );
    expect(Object.keys(described.arguments.properties)).toEqual(expect.arrayContaining(['charge', 'payment_intent', 'amount']));
    expect(described.rules).toEqual(['give exactly one of charge or payment_intent']);
    expect(described.output_fields).toEqual(expect.arrayContaining(['id', 'amount', 'status']));
    expect(described.run_with).toBe('run_write_action');
    const unknown = await call(client, 'describe_action', { key: 'refund_everything' });
    expect(unknown.isError).toBe(true);
    expect(texts(unknown)).toContain('search_actions');
  });

  it('run_read_action refuses a write action, and bad arguments name the field with nothing sent', async () => {
    const { client } = await connect();
    const before = emulator.requests.length;
    const wrongTool = await call(client, 'run_read_action', { action: 'create_customer', arguments: {} });
    expect(wrongTool.isError).toBe(true);
    expect(texts(wrongTool)).toContain('run_write_action');
    const bad = await call(client, 'run_write_action', { action: 'create_charge', arguments: { amount: 12.5, currency: 'usd', customer: 'cus_x' } });
    expect(bad.isError).toBe(true);
    expect(texts(bad)).toContain('amount');
    expect(emulator.requests.length).toBe(before);
  });

  it('lists return each item\'s summary by default, fields on request, and ["*"] the whole object', async () => {
    const ctx = { client: clientFor(emulator) };
    const customer = await runAction('create_customer', { email: 'summary@example.com', source: 'tok_visa' }, ctx);
    for (let i = 0; i < 3; i++) await runAction('create_charge', { amount: 1000 + i, currency: 'usd', customer: customer.id }, ctx);
    const { client } = await connect();
    const summary = json<{ data: Record<string, unknown>[] }>(await call(client, 'run_read_action', { action: 'list_charges', arguments: { customer: customer.id } }));
    expect(summary.data).toHaveLength(3);
    expect(Object.keys(summary.data[0]!)).toEqual(expect.arrayContaining(['id', 'amount', 'currency', 'status']));
    expect(summary.data[0]).not.toHaveProperty('payment_method_details');
    const picked = json<{ data: Record<string, unknown>[] }>(
      await call(client, 'run_read_action', { action: 'list_charges', arguments: { customer: customer.id, fields: ['amount', 'customer.email'], expand: ['data.customer'] } }),
    );
    expect(picked.data[0]).toEqual({ id: expect.any(String), amount: expect.any(Number), customer: { email: 'summary@example.com' } });
    const full = json<{ data: Record<string, unknown>[] }>(await call(client, 'run_read_action', { action: 'list_charges', arguments: { customer: customer.id, fields: ['*'] } }));
    expect(full.data[0]).toHaveProperty('payment_method_details');
  });

  it('a result over the budget is cut at an item boundary, says so, and its next page arguments continue without a gap', async () => {
    const ctx = { client: clientFor(emulator) };
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await runAction('create_customer', { name: `Budget ${i}`, description: 'x'.repeat(300) }, ctx)).id);
    const { client } = await connect(['--result-budget', '3000']);
    const seen: string[] = [];
    let args: Record<string, unknown> = { limit: 100, fields: ['*'] };
    for (let round = 0; round < 20; round++) {
      const result = await call(client, 'run_read_action', { action: 'list_customers', arguments: args });
      expect(result.content[0]!.type === 'text' && result.content[0]!.text.length).toBeLessThanOrEqual(3000);
      const page = json<{ data: { id: string }[]; next_page_arguments: Record<string, string> | null }>(result);
      seen.push(...page.data.map((customer) => customer.id));
      if (!page.next_page_arguments) break;
      expect(texts(result)).toContain('Cut at the result budget');
      args = { limit: 100, fields: ['*'], ...page.next_page_arguments };
    }
    expect(seen).toEqual([...ids].reverse());
  });
});

describe('an agent\'s task in the default surface', () => {
  it('finds a customer by email, lists their charges, refunds part of the latest once, all within 10 KB of results', async () => {
    const ctx = { client: clientFor(emulator) };
    const customer = await runAction('create_customer', { email: 'jenny@example.com', name: 'Jenny Rosen', source: 'tok_visa' }, ctx);
    for (const amount of [2000, 3500, 5000]) await runAction('create_charge', { amount, currency: 'usd', customer: customer.id }, ctx);
    await runAction('create_customer', { email: 'someone.else@example.com' }, ctx);

    const { client } = await connect();
    const results: CallToolResult[] = [];
    const step = async (name: string, args: Record<string, unknown>) => {
      const result = await call(client, name, args);
      expect(result.isError).toBeFalsy();
      results.push(result);
      return result;
    };

    const found = json<{ result: { id: string; email: string } }>(
      await step('run_read_action', { action: 'find_customer', arguments: { email: 'jenny@example.com', fields: ['email', 'name'] } }),
    );
    expect(found.result).toEqual({ id: customer.id, email: 'jenny@example.com', name: 'Jenny Rosen' });
    const charges = json<{ data: { id: string; amount: number; created: number }[] }>(
      await step('run_read_action', { action: 'list_charges', arguments: { customer: found.result.id, limit: 10 } }),
    );
    expect(charges.data.map((charge) => charge.amount)).toEqual([5000, 3500, 2000]);
    const latest = charges.data[0]!;
    const refundArgs = { action: 'create_refund', arguments: { charge: latest.id, amount: 1500 } };
    const refund = json<{ id: string; amount: number; status: string }>(await step('run_write_action', refundArgs));
    expect(refund).toMatchObject({ amount: 1500, status: 'succeeded' });
    // The agent retries the same call (a lost answer, a loop): no second refund.
    const again = await step('run_write_action', refundArgs);
    expect(json<{ id: string }>(again).id).toBe(refund.id);
    expect(texts(again)).toContain('Not done twice');
    const refunds = await runAction('list_refunds', { charge: latest.id }, ctx);
    expect(refunds.data.map((r) => r.id)).toEqual([refund.id]);

    const bytes = results.reduce((sum, result) => sum + JSON.stringify(result).length, 0);
    expect(bytes).toBeLessThanOrEqual(10_000);
  });
});

describe('fields in the host API', () => {
  it('runAction returns the full object unless fields is given, and fields never reaches Stripe', async () => {
    const ctx = { client: clientFor(emulator) };
    const customer = await runAction('create_customer', { email: 'host@example.com', name: 'Host', metadata: { crm: '7' } }, ctx);
    const full = await runAction('retrieve_customer', { customer_id: customer.id }, ctx);
    expect(full).toMatchObject({ id: customer.id, object: 'customer', email: 'host@example.com', livemode: false });
    const picked = await runAction('retrieve_customer', { customer_id: customer.id, fields: ['email', 'metadata.crm'] }, ctx);
    expect(picked).toEqual({ id: customer.id, email: 'host@example.com', metadata: { crm: '7' } });
    expect(emulator.requests.at(-1)!.rawQuery).not.toContain('fields');
    const page = await runAction('list_customers', { fields: ['email'] }, ctx);
    expect(page).toMatchObject({ data: [{ id: customer.id, email: 'host@example.com' }], has_more: false });
    expect(Object.keys(page.data[0]!)).toEqual(['id', 'email']);
    const bad = runAction('list_customers', { fields: ['email; drop'] } as never, ctx);
    await expect(bad).rejects.toMatchObject({ fields: [expect.objectContaining({ field: 'fields.0' })] });
  });
});

describe('fields paths', () => {
  it('a path through __proto__ is refused, and a projection never writes to a prototype', async () => {
    const ctx = { client: clientFor(emulator) };
    await expect(runAction('list_customers', { fields: ['a.__proto__.polluted'] }, ctx)).rejects.toMatchObject({ fields: [expect.objectContaining({ field: 'fields.0' })] });
    expect(projectFields({ id: 'cus_1', constructor: 'x' }, ['__proto__.polluted', 'constructor'])).toEqual({ id: 'cus_1', constructor: 'x' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
