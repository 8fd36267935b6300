import type { ActionDefinition } from '../connector/action';

export const promotionCodeActions: ActionDefinition<any>[] = [];
