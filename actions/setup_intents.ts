import type { ActionDefinition } from '../connector/action';

export const setupIntentActions: ActionDefinition<any>[] = [];
