import type { ActionDefinition } from '../connector/action';

export const eventActions: ActionDefinition<any>[] = [];
