/** Every emulated resource. Adding one = a rule file plus a line here. */
import type { ResourceDefinition } from '../resource';
import { balance } from './balance';
import { cards } from './cards';
import { charges } from './charges';
import { customers } from './customers';
import { events } from './events';
import { resources as catalog } from './groups/catalog';
import { resources as invoicing } from './groups/invoicing';
import { resources as money } from './groups/money';
import { resources as payments } from './groups/payments';
import { resources as subscriptions } from './groups/subscriptions';
import { webhookEndpoints } from './webhook_endpoints';

export const RESOURCES: ResourceDefinition[] = [
  customers,
  charges,
  cards,
  balance,
  events,
  webhookEndpoints,
  ...payments,
  ...invoicing,
  ...catalog,
  ...subscriptions,
  ...money,
];
