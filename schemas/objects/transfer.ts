import { z } from 'zod';
import { defineObject } from './define';
import { amount, created, currency, expandable, livemode, metadata, objectId, openEnum, SAMPLE_CREATED } from './fields';

export const transferObject = defineObject(
  'transfer',
  'A transfer: money moved from the platform\'s balance to a connected account (Connect), with what has been reversed of it.',
  {
    id: objectId('tr'),
    amount: amount.describe('Amount transferred, in the smallest currency unit.'),
    amount_reversed: z.number().int().describe('Amount reversed so far, in the smallest currency unit (0 when none).'),
    balance_transaction: expandable('balance transaction').nullable().describe('The balance transaction that took the amount from the platform balance.'),
    created,
    currency,
    description: z.string().nullable(),
    destination: expandable('connected account').nullable().describe('The connected account that received it (acct_...).'),
    destination_payment: expandable('payment')
      .optional()
      .describe('The payment (py_...) the transfer created on the connected account; absent for transfers that make none.'),
    livemode,
    metadata,
    reversals: z
      .looseObject({
        object: z.literal('list'),
        data: z
          .array(
            z.looseObject({
              id: objectId('trr'),
              object: z.literal('transfer_reversal'),
              amount: z.number().int().describe('Amount reversed, in the smallest currency unit.'),
              created,
              currency,
              metadata: metadata.nullable(),
              transfer: expandable('transfer').describe('The transfer it reverses.'),
            }),
          )
          .describe('The reversals, newest first (the first page).'),
        has_more: z.boolean(),
        url: z.string(),
      })
      .describe('The reversals of this transfer.'),
    reversed: z.boolean().describe('Whether the whole amount has been reversed.'),
    source_transaction: expandable('charge').nullable().describe('The charge that funded it (source_transaction), if one did.'),
    source_type: openEnum(['card', 'bank_account', 'fpx'], 'The balance the funds came from.').optional(),
    transfer_group: z.string().nullable().describe('Groups it with related charges and transfers.'),
  },
  {
    id: 'tr_1TZ0aSample0001',
    amount: 4000,
    amount_reversed: 0,
    balance_transaction: 'txn_1TZ0aSampleTr001',
    created: SAMPLE_CREATED,
    currency: 'usd',
    description: 'Seller share, order 1042',
    destination: 'acct_1TZ0aSampleAcct1',
    destination_payment: 'py_1TZ0aSamplePy001',
    livemode: false,
    metadata: { order: '1042' },
    reversals: { object: 'list', data: [], has_more: false, url: '/v1/transfers/tr_1TZ0aSample0001/reversals' },
    reversed: false,
    source_transaction: 'ch_3TZ0aSample0001',
    source_type: 'card',
    transfer_group: 'order_1042',
  },
  { summary: ['id', 'amount', 'currency', 'destination', 'transfer_group', 'reversed', 'created', 'description', 'metadata'] },
);
