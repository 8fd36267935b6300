import type { ActionDefinition } from '../connector/action';

export const taxRateActions: ActionDefinition<any>[] = [];
