import type { ActionDefinition } from '../connector/action';

export const priceActions: ActionDefinition<any>[] = [];
