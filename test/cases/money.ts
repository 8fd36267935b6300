import type { ActionCase } from './types';

export const cases: ActionCase[] = [];
