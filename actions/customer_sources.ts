import type { ActionDefinition } from '../connector/action';

export const customerSourceActions: ActionDefinition<any>[] = [];
