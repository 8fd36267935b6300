/**
 * The n8n package's nodes against the emulator over real HTTP, in the fast suite: the nodes run in a
 * context made from n8n-workflow (1.115.0, the types and error classes n8n loads community nodes
 * with): parameters resolved by n8n's own NodeHelpers.getNodeParameters (defaults, displayOptions),
 * NodeApiError / NodeOperationError and static data wrapped by n8n's own Workflow. The same nodes in
 * n8n's real runtime (`n8n execute`, `n8n start`, the editor) are tools/n8n-runtime-check.ts: n8n is
 * not a dependency (its install takes minutes and 1.3 GB; the README's n8n section has the numbers).
 */
import * as util from 'node:util';
import { NodeApiError, NodeHelpers, NodeOperationError, Workflow, type IDataObject, type INode, type INodeParameters, type INodeType, type INodeTypes } from 'n8n-workflow';
import { StripeConnectorApi } from '../packages/n8n-nodes-stripe-connector/credentials/StripeConnectorApi.credentials';
import { StripeConnector } from '../packages/n8n-nodes-stripe-connector/nodes/StripeConnector/StripeConnector.node';
import { StripeConnectorTrigger } from '../packages/n8n-nodes-stripe-connector/nodes/StripeConnectorTrigger/StripeConnectorTrigger.node';
import { lookupMethodName } from '../packages/n8n-nodes-stripe-connector/shared/schema-fields';
import { TEST_KEY, clientFor, startTestEmulator, type Emulator } from './support/harness';
import { createCharges } from './support/triggers';

jest.setTimeout(60_000);

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => emulator.reset());

const credentials = () => ({ secretKey: TEST_KEY, stripeAccount: '', apiVersion: '', apiBase: emulator.url });

/** The node's parameters as n8n resolves them from the saved values (defaults filled, hidden ones dropped). */
function resolved(nodeType: INodeType, values: INodeParameters): INodeParameters {
  return NodeHelpers.getNodeParameters(nodeType.description.properties, values, true, false, { typeVersion: 1 }, nodeType.description)!;
}

function nodeOf(nodeType: INodeType, parameters: INodeParameters): INode {
  return { id: 'node-1', name: nodeType.description.displayName, type: nodeType.description.name, typeVersion: 1, position: [0, 0], parameters };
}

/**
 * A node's static data as n8n hands it to poll() once it has loaded the workflow from its database
 * (after a restart, a re-activation): n8n's Workflow wraps the saved JSON in Proxies (ObservableObject).
 */
function reloadedStaticData(nodeType: INodeType, values: INodeParameters, saved: IDataObject): IDataObject {
  const node = nodeOf(nodeType, resolved(nodeType, values));
  const nodeTypes = { getByName: () => nodeType, getByNameAndVersion: () => nodeType, getKnownTypes: () => ({}) } as unknown as INodeTypes;
  const workflow = new Workflow({ nodes: [node], connections: {}, active: true, nodeTypes, staticData: JSON.parse(JSON.stringify({ [`node:${node.name}`]: saved })) as IDataObject });
  return workflow.getStaticData('node', node);
}

/** What execute() and poll() call on `this`, answered from the resolved parameters like n8n's contexts do. */
function context(nodeType: INodeType, values: INodeParameters, extra: Record<string, unknown> = {}) {
  const parameters = resolved(nodeType, values);
  const node = nodeOf(nodeType, parameters);
  const staticData: IDataObject = (extra.staticData as IDataObject) ?? {};
  return {
    getNode: () => node,
    getWorkflow: () => ({ id: 'wf-1', name: 'test', active: true }),
    getExecutionId: () => (extra.executionId as string) ?? 'exec-1',
    getInputData: () => [{ json: {} }],
    getCredentials: async () => ({ ...credentials(), ...((extra.credentials as IDataObject) ?? {}) }),
    getNodeParameter: (name: string, itemOrFallback?: unknown, fallback?: unknown) => {
      const value = parameters[name];
      const orElse = typeof itemOrFallback === 'number' ? fallback : itemOrFallback;
      return value === undefined ? orElse : value;
    },
    continueOnFail: () => extra.continueOnFail === true,
    getMode: () => (extra.mode as string) ?? 'trigger',
    getWorkflowStaticData: () => staticData,
    helpers: { returnJsonArray: (data: IDataObject[]) => data.map((json) => ({ json })) },
    staticData,
  };
}

describe('n8n Stripe node', () => {
  const node = new StripeConnector();

  it('is usable as a tool, with resources from the groups and operations with display names', () => {
    expect(node.description.usableAsTool).toBe(true);
    const resource = node.description.properties.find((p) => p.name === 'resource')!;
    expect(resource.options).toEqual(expect.arrayContaining([{ name: 'Customers', value: 'customers' }, { name: 'Payment Intents', value: 'payment_intents' }]));
    const customerOps = node.description.properties.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.[0] === 'customers')!;
    expect(customerOps.options).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Create customer', value: 'create_customer' })]));
  });

  it('create_customer runs against the emulator and returns the customer', async () => {
    const ctx = context(node, { resource: 'customers', operation: 'create_customer', additionalFields: { name: 'Ada', email: 'ada@example.com', metadata: '{"plan":"pro"}' } });
    const [items] = await node.execute!.call(ctx as never);
    expect(items).toHaveLength(1);
    expect(items![0]!.json).toMatchObject({ object: 'customer', name: 'Ada', email: 'ada@example.com', metadata: { plan: 'pro' } });
    const sent = emulator.requests.filter((r) => r.method === 'POST');
    expect(sent).toHaveLength(1);
    // The same execution's item again (n8n's Retry On Fail) carries the same derived key: Stripe replays the first answer.
    const [again] = await node.execute!.call(context(node, ctx.getNode().parameters) as never);
    expect(again![0]!.json.id).toBe(items![0]!.json.id);
  });

  it('an invalid field fails naming it, and sends nothing', async () => {
    const ctx = context(node, { resource: 'customers', operation: 'create_customer', additionalFields: { email: 'not-an-email' } });
    const error = await node.execute!.call(ctx as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as Error).message).toMatch(/email/);
    const badJson = await node.execute!.call(context(node, { resource: 'customers', operation: 'create_customer', additionalFields: { metadata: '{oops' } }) as never).catch((e: unknown) => e);
    expect((badJson as Error).message).toMatch(/^metadata: is not valid JSON/);
    expect(emulator.requests).toHaveLength(0);
  });

  it('a malformed key fails as a NodeOperationError naming secret_key, without echoing the key', async () => {
    const badKey = 'pk_test_publishableNotSecret1';
    const error = await node.execute!.call(context(node, { resource: 'balance', operation: 'retrieve_balance' }, { credentials: { secretKey: badKey } }) as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as Error).message).toMatch(/secret_key/);
    expect(JSON.stringify({ m: (error as Error).message, d: (error as NodeOperationError).description })).not.toContain(badKey);
    expect(emulator.requests).toHaveLength(0);
  });

  it('a Stripe error becomes a NodeApiError with type, code and request_id, without the key; continueOnFail returns it as an item', async () => {
    const values = { resource: 'customers', operation: 'retrieve_customer', customer_id: 'cus_doesNotExist1' };
    const error = await node.execute!.call(context(node, values) as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeApiError);
    const apiError = error as NodeApiError;
    expect(apiError.description).toMatch(/type: invalid_request_error, code: resource_missing, request_id: req_/);
    expect(apiError.httpCode).toBe('404');
    expect(JSON.stringify({ message: apiError.message, description: apiError.description, context: apiError.context, cause: apiError.cause })).not.toContain(TEST_KEY);
    const [items] = await node.execute!.call(context(node, values, { continueOnFail: true }) as never);
    expect(items![0]!.json).toMatchObject({ type: 'invalid_request_error', code: 'resource_missing', request_id: expect.stringMatching(/^req_/) });
  });

  it('Return All maps to return_all; otherwise Limit is the page size', async () => {
    const client = clientFor(emulator);
    for (let i = 0; i < 12; i++) await client.request({ method: 'POST', path: '/v1/customers', params: { name: `c${i}` } });
    const [all] = await node.execute!.call(context(node, { resource: 'customers', operation: 'list_customers', returnAll: true }) as never);
    expect(all).toHaveLength(12);
    const [some] = await node.execute!.call(context(node, { resource: 'customers', operation: 'list_customers', returnAll: false, limit: 5 }) as never);
    expect(some).toHaveLength(5);
  });

  it('a lookup field is filled by its loadOptions method (customers: email and id)', async () => {
    const client = clientFor(emulator);
    const { body } = await client.request<{ id: string }>({ method: 'POST', path: '/v1/customers', params: { email: 'lookup@example.com' } });
    const property = node.description.properties.find((p) => p.name === 'customer_id' && p.displayOptions?.show?.operation?.[0] === 'retrieve_customer')!;
    const method = property.typeOptions!.loadOptionsMethod!;
    expect(method).toBe(lookupMethodName({ action: 'list_customers', value: 'id', label: 'email' }));
    const options = await node.methods!.loadOptions![method]!.call(context(node, {}) as never);
    expect(options).toEqual([{ name: `lookup@example.com (${body.id})`, value: body.id }]);
  });
});

describe('n8n Stripe trigger', () => {
  const trigger = new StripeConnectorTrigger();

  it('poll() baselines, emits each of 3 new charges once, then nothing; the cursor lives in the static data', async () => {
    const client = clientFor(emulator);
    await createCharges(client, 2);
    const staticData: IDataObject = {};
    const values = { trigger: 'new_charge', options: {} };
    expect(await trigger.poll!.call(context(trigger, values, { staticData }) as never)).toBeNull();
    expect(staticData.stripeConnectorPoll).toMatchObject({ baselined: true });
    const created = await createCharges(client, 3);
    const saved = reloadedStaticData(trigger, values, staticData);
    expect(util.types.isProxy(saved.stripeConnectorPoll)).toBe(true);
    const first = await trigger.poll!.call(context(trigger, values, { staticData: saved }) as never);
    expect(first![0]!.map((item) => item.json.object_id).sort()).toEqual([...created].sort());
    expect(await trigger.poll!.call(context(trigger, values, { staticData: saved }) as never)).toBeNull();
  });

  it('a manual "fetch test event" returns the newest charge and leaves the saved cursor alone', async () => {
    const [charge] = await createCharges(clientFor(emulator), 1);
    const staticData: IDataObject = {};
    const items = await trigger.poll!.call(context(trigger, { trigger: 'new_charge' }, { staticData, mode: 'manual' }) as never);
    expect(items![0]!.map((i) => i.json.object_id)).toEqual([charge]);
    expect(staticData).toEqual({});
  });

  it('invalid options fail naming the option before any request', async () => {
    const error = await trigger.poll!.call(context(trigger, { trigger: 'new_charge', options: { customer: 'not-a-customer' } }) as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as Error).message).toMatch(/customer/);
    expect(emulator.requests).toHaveLength(0);
  });
});

describe('n8n credential', () => {
  it('tests with GET /v1/balance and authenticates with Basic auth; notices mark live and restricted keys', () => {
    const credential = new StripeConnectorApi();
    expect(credential.test.request).toMatchObject({ url: '/v1/balance', method: 'GET' });
    expect(credential.authenticate).toMatchObject({ type: 'generic', properties: { auth: { username: '={{$credentials.secretKey}}' } } });
    const notices = credential.properties.filter((p) => p.type === 'notice').map((p) => p.displayOptions?.show?.secretKey);
    expect(notices).toEqual([[{ _cnd: { regex: '^(sk|rk)_live_' } }], [{ _cnd: { startsWith: 'rk_' } }]]);
    expect(credential.properties.find((p) => p.name === 'secretKey')!.typeOptions).toEqual({ password: true });
  });
});

describe('n8n forms from the manifest', () => {
  it('every lookup field names a loadOptions method the node has', () => {
    for (const nodeType of [new StripeConnector(), new StripeConnectorTrigger()]) {
      const methods = Object.keys(nodeType.methods!.loadOptions!);
      const referenced = new Set<string>();
      const walk = (properties: readonly { typeOptions?: { loadOptionsMethod?: string }; options?: unknown }[]): void => {
        for (const p of properties) {
          if (p.typeOptions?.loadOptionsMethod) referenced.add(p.typeOptions.loadOptionsMethod);
          if (Array.isArray(p.options)) walk(p.options as never);
        }
      };
      walk(nodeType.description.properties);
      if (nodeType instanceof StripeConnector) expect(referenced.size).toBeGreaterThanOrEqual(19);
      for (const method of referenced) expect(methods).toContain(method);
    }
  });
});
