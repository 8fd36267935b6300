import { balanceActions } from './balance';
import { chargeActions } from './charges';
import { customerActions } from './customers';

/** Every action, in catalogue order (grouped by resource). */
export const allActions = [...balanceActions, ...customerActions, ...chargeActions];
