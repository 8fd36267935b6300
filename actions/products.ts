import type { ActionDefinition } from '../connector/action';

export const productActions: ActionDefinition<any>[] = [];
