import { z } from 'zod';
import { defineAction, defineListAction } from './define';
import { createdRange, currency, expand, fields, openType, stripeId } from '../schemas/common';
import { balanceObject } from '../schemas/objects/balance';
import { balanceTransactionObject } from '../schemas/objects/balance_transaction';

const group = 'balance';

export const retrieveBalance = defineAction({
  key: 'retrieve_balance',
  title: 'Retrieve balance',
  description: 'Retrieves the account balance: available and pending amounts per currency, in the smallest currency unit.',
  group,
  output: balanceObject,
  method: 'GET',
  path: '/v1/balance',
  input: z.object({ expand, fields }).strict(),
});


export const listBalanceTransactions = defineListAction({
  key: 'list_balance_transactions',
  title: 'List balance transactions',
  description:
    'Lists the movements of the account balance (charges, refunds, payouts, transfers, dispute withdrawals...), newest first. ' +
    'Each has amount, fee and net in the smallest currency unit (negative for money leaving) and the source object id. Returns { data, has_more }.',
  group,
  item: balanceTransactionObject,
  path: '/v1/balance_transactions',
  filters: {
    type: openType('charge or payout')
      .optional()
      .describe('Only transactions of this type, e.g. charge, refund, payout, transfer, adjustment (disputes), stripe_fee, payment_failure_refund.'),
    source: z
      .string()
      .regex(/^[a-z]+_[A-Za-z0-9_]+$/, 'expected a Stripe object id such as ch_... or po_...')
      .optional()
      .describe('Only the transactions this object caused (a charge ch_..., refund re_..., payout po_..., transfer tr_...).'),
    payout: stripeId(['po'], 'payout')
      .optional()
      .describe('Only the transactions paid out in this automatic payout (Stripe refuses manual payouts here).'),
    currency: currency.optional(),
    created: createdRange,
  },
});

export const retrieveBalanceTransaction = defineAction({
  key: 'retrieve_balance_transaction',
  title: 'Retrieve balance transaction',
  description: 'Retrieves one balance transaction by id (txn_..., as on a charge\'s or payout\'s balance_transaction). Returns it.',
  group,
  output: balanceTransactionObject,
  method: 'GET',
  path: '/v1/balance_transactions/{balance_transaction_id}',
  input: z.object({ balance_transaction_id: stripeId(['txn'], 'balance transaction'), expand, fields }).strict(),
});

export const balanceActions = [retrieveBalance, listBalanceTransactions, retrieveBalanceTransaction];
