import type { ActionDefinition } from '../connector/action';

export const invoiceActions: ActionDefinition<any>[] = [];
