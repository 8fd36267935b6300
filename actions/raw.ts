import type { ActionDefinition } from '../connector/action';

export const rawActions: ActionDefinition<any>[] = [];
