import type { ResourceDefinition } from '../../resource';
import { paymentIntentLineItems, paymentIntents } from '../payment_intents';
import { paymentMethods } from '../payment_methods';
import { refunds } from '../refunds';
import { setupIntents } from '../setup_intents';

/** This group's resources; adding one = a rule file plus a line here. */
export const resources: ResourceDefinition[] = [paymentIntents, paymentIntentLineItems, paymentMethods, refunds, setupIntents];
