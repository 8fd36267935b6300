import { createHash } from 'node:crypto';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { getAction, parseActionInput, runParsed } from 'stripe-connector';
import { CREDENTIAL_NAME, nodeClient, toNodeError } from '../../shared/connection';
import { actionForm, actionNodeProperties, lookupMethods } from '../../shared/forms';
import { inputFromValues } from '../../shared/schema-fields';

/**
 * One idempotency key per execution, node and item: n8n retrying the same item (Retry On Fail, a
 * re-run of the failed execution's step) does not charge twice; a new execution is a new request.
 */
function derivedIdempotencyKey(ctx: IExecuteFunctions, itemIndex: number): string {
  const seed = `${ctx.getWorkflow().id ?? ''}:${ctx.getExecutionId()}:${ctx.getNode().id}:${itemIndex}`;
  return `n8n-${createHash('sha256').update(seed).digest('hex').slice(0, 32)}`;
}

export class StripeConnector implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Stripe Connector',
    name: 'stripeConnector',
    icon: 'fa:credit-card',
    group: ['transform'],
    version: 1,
    subtitle: '={{$parameter["operation"]}}',
    description: 'Stripe actions from the stripe-connector manifest: payments, billing, catalog, Connect',
    defaults: { name: 'Stripe Connector' },
    inputs: ['main'],
    outputs: ['main'],
    usableAsTool: true,
    credentials: [{ name: CREDENTIAL_NAME, required: true }],
    properties: actionNodeProperties(),
  };

  methods = { loadOptions: lookupMethods() };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const out: INodeExecutionData[] = [];
    const client = await nodeClient(this);
    for (let i = 0; i < items.length; i++) {
      try {
        const key = this.getNodeParameter('operation', i) as string;
        const form = actionForm(key);
        const values: Record<string, unknown> = {};
        for (const name of form.required) values[name] = this.getNodeParameter(name, i);
        Object.assign(values, this.getNodeParameter('additionalFields', i, {}) as IDataObject);
        const input = inputFromValues(form.properties, values, form.required);
        if (form.paged) {
          if (this.getNodeParameter('returnAll', i, false) as boolean) input.return_all = true;
          else input.limit = this.getNodeParameter('limit', i, 50) as number;
        }
        if ('idempotency_key' in form.properties && input.idempotency_key === undefined) input.idempotency_key = derivedIdempotencyKey(this, i);
        const action = getAction(key);
        const result = await runParsed(action, parseActionInput(action, input), { client });
        const listed = form.paged && result !== null && typeof result === 'object' && Array.isArray((result as { data?: unknown }).data);
        const objects = listed ? ((result as { data: IDataObject[] }).data) : [result as IDataObject];
        for (const json of objects) out.push({ json, pairedItem: { item: i } });
      } catch (error) {
        const nodeError = toNodeError(this.getNode(), error, i);
        if (!this.continueOnFail()) throw nodeError;
        out.push({ json: { error: nodeError.message, description: nodeError.description ?? null, ...stripeFields(error) }, pairedItem: { item: i } });
      }
    }
    return [out];
  }
}

function stripeFields(error: unknown): IDataObject {
  const json = (error as { toJSON?: () => unknown }).toJSON?.();
  return json && typeof json === 'object' ? (json as IDataObject) : {};
}
