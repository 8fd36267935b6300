import type { ActionDefinition } from '../connector/action';

export const disputeActions: ActionDefinition<any>[] = [];
