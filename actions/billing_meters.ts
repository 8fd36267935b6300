import type { ActionDefinition } from '../connector/action';

export const billingMeterActions: ActionDefinition<any>[] = [];
