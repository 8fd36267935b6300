import { z } from 'zod';
import { defineAction, defineListAction } from './define';
import { amount, createdRange, currency, expand, fields, idempotencyKey, metadata, stripeId } from '../schemas/common';
import { amountProblem } from '../schemas/currency';
import { chargeId } from './charges';
import { transferObject } from '../schemas/objects/transfer';

const group = 'transfers';
const connectedAccount = stripeId(['acct'], 'connected account');

export const createTransfer = defineAction({
  key: 'create_transfer',
  title: 'Create transfer',
  description:
    'Moves money from the platform\'s available balance to a connected account (Connect). Fails when the balance in that currency is ' +
    'too low, unless source_transaction names the charge that funds it. Returns the transfer.',
  group,
  output: transferObject,
  method: 'POST',
  path: '/v1/transfers',
  input: z
    .object({
      amount: amount.describe('Amount to transfer in the smallest currency unit (1000 = $10.00 in usd).'),
      currency,
      destination: connectedAccount.describe('The connected account receiving the money (acct_...).'),
      source_transaction: chargeId
        .optional()
        .describe('A charge whose funds pay for this transfer (then it does not need available balance, only the charge\'s amount).'),
      transfer_group: z.string().max(5000).optional().describe('Groups this transfer with related charges and transfers.'),
      description: z.string().max(5000).optional().describe('An internal note.'),
      metadata: metadata.optional(),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict()
    .superRefine((input, ctx) => {
      const problem = amountProblem(input.amount, input.currency);
      if (problem) ctx.addIssue({ code: 'custom', path: ['amount'], message: problem });
    }),
});

export const retrieveTransfer = defineAction({
  key: 'retrieve_transfer',
  title: 'Retrieve transfer',
  description: 'Retrieves a transfer by id. Returns the transfer.',
  group,
  output: transferObject,
  method: 'GET',
  path: '/v1/transfers/{transfer_id}',
  input: z.object({ transfer_id: stripeId(['tr'], 'transfer'), expand, fields }).strict(),
});

export const listTransfers = defineListAction({
  key: 'list_transfers',
  title: 'List transfers',
  description: 'Lists transfers, newest first, optionally to one connected account, by transfer group or creation time. Returns { data, has_more }.',
  group,
  item: transferObject,
  path: '/v1/transfers',
  filters: {
    destination: connectedAccount.optional().describe('Only transfers to this connected account.'),
    transfer_group: z.string().max(5000).optional().describe('Only transfers in this transfer group.'),
    created: createdRange,
  },
});

export const transferActions = [createTransfer, retrieveTransfer, listTransfers];
