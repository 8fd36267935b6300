import type { ActionDefinition } from '../connector/action';

export const paymentIntentActions: ActionDefinition<any>[] = [];
