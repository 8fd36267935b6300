import type { ActionDefinition } from '../connector/action';

export const subscriptionActions: ActionDefinition<any>[] = [];
