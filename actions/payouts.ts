import type { ActionDefinition } from '../connector/action';

export const payoutActions: ActionDefinition<any>[] = [];
