import type { ActionDefinition } from '../connector/action';

export const creditNoteActions: ActionDefinition<any>[] = [];
