import { cases as catalog } from './catalog';
import { cases as core } from './core';
import { cases as invoicing } from './invoicing';
import { cases as money } from './money';
import { cases as payments } from './payments';
import { cases as raw } from './raw';
import { cases as subscriptions } from './subscriptions';
import type { ActionCase } from './types';

export const allCases: ActionCase[] = [...core, ...money, ...payments, ...invoicing, ...catalog, ...subscriptions, ...raw];
