import type { ActionDefinition } from '../connector/action';

export const refundActions: ActionDefinition<any>[] = [];
