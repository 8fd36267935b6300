import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { pollOnce } from 'stripe-connector';
import { CREDENTIAL_NAME, nodeClient, toNodeError } from '../../shared/connection';
import { lookupMethods, triggerNodeProperties, triggerOptionSchemas } from '../../shared/forms';
import { inputFromValues } from '../../shared/schema-fields';

/** Where the poll state lives in the node's workflow static data. */
const STATE_KEY = 'stripeConnectorPoll';

/**
 * n8n's polling: n8n calls poll() on the node's Poll Times. The connector's Poller does the rest
 * (baseline, probe, look-back sweep, seen record) over the static data. Exactly once in n8n's model:
 * poll() sets the new state on the static data and returns the events; n8n saves the workflow's
 * static data when it emits them and then runs the workflow. A crash before that save: the state is
 * lost with the events and the next poll finds the same objects again (nothing lost, nothing twice).
 * A crash after the save but before the execution ran: those events are lost (n8n's own polling
 * nodes share this). A poll that fails leaves the static data as it was.
 */
export class StripeConnectorTrigger implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Stripe Connector Trigger',
    name: 'stripeConnectorTrigger',
    icon: 'fa:credit-card',
    group: ['trigger'],
    version: 1,
    subtitle: '={{$parameter["trigger"]}}',
    description: 'Fires once for each new Stripe object (charges, customers, invoices, events...), oldest first',
    defaults: { name: 'Stripe Connector Trigger' },
    polling: true,
    inputs: [],
    outputs: ['main'],
    credentials: [{ name: CREDENTIAL_NAME, required: true }],
    properties: triggerNodeProperties(),
  };

  methods = { loadOptions: lookupMethods() };

  async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
    const trigger = this.getNodeParameter('trigger') as string;
    const values = this.getNodeParameter('options', {}) as IDataObject;
    const client = await nodeClient(this);
    const staticData = this.getWorkflowStaticData('node');
    const manual = this.getMode() === 'manual';
    try {
      const options = inputFromValues(triggerOptionSchemas(trigger), values, new Set());
      // "Fetch Test Event": the newest matching object on a throwaway state, so the saved cursor does not move.
      const { events, state } = await pollOnce({
        trigger,
        options: manual ? { ...options, backfill: 1 } : options,
        client,
        // n8n's static data may be Proxy-wrapped (loaded from its database); pollOnce copies it as JSON.
        state: manual ? undefined : staticData[STATE_KEY],
        subscriptionId: `n8n-${this.getNode().id}`,
      });
      if (!manual) staticData[STATE_KEY] = state as unknown as IDataObject;
      if (events.length === 0) return null;
      return [this.helpers.returnJsonArray(events as unknown as IDataObject[])];
    } catch (error) {
      throw toNodeError(this.getNode(), error);
    }
  }
}
