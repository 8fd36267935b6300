import type { ActionDefinition } from '../connector/action';

export const paymentMethodActions: ActionDefinition<any>[] = [];
