import type { ActionDefinition } from '../connector/action';

export const invoiceItemActions: ActionDefinition<any>[] = [];
