import type { ActionDefinition } from '../connector/action';

export const transferActions: ActionDefinition<any>[] = [];
