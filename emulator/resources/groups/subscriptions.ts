import type { ResourceDefinition } from '../../resource';
import { billingMeterEvents, billingMeters } from '../billing_meters';
import { checkoutLineItems, checkoutSessions } from '../checkout_sessions';
import { subscriptionItems } from '../subscription_items';
import { subscriptions } from '../subscriptions';

/** This group's resources; adding one = a rule file plus a line here. */
export const resources: ResourceDefinition[] = [
  subscriptions,
  subscriptionItems,
  checkoutSessions,
  checkoutLineItems,
  billingMeters,
  billingMeterEvents,
];
