/** Every emulated resource. Adding one = a rule file plus a line here. */
import type { ResourceDefinition } from '../resource';
import { balance } from './balance';
import { cards } from './cards';
import { charges } from './charges';
import { customers } from './customers';

export const RESOURCES: ResourceDefinition[] = [customers, charges, cards, balance];
