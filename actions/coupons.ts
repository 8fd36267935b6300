import type { ActionDefinition } from '../connector/action';

export const couponActions: ActionDefinition<any>[] = [];
