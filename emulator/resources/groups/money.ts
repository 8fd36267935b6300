import type { ResourceDefinition } from '../../resource';
import { balanceTransactionsResource } from '../balance_transactions';
import { disputes } from '../disputes';
import { payouts } from '../payouts';
import { transfers } from '../transfers';

/** This group's resources; adding one = a rule file plus a line here. */
export const resources: ResourceDefinition[] = [balanceTransactionsResource, disputes, payouts, transfers];
