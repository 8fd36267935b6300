import type { ActionDefinition } from '../connector/action';

export const paymentLinkActions: ActionDefinition<any>[] = [];
