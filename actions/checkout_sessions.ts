import type { ActionDefinition } from '../connector/action';

export const checkoutSessionActions: ActionDefinition<any>[] = [];
