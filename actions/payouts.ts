import { z } from 'zod';
import { ID_MAX_LENGTH } from '../schemas/limits';
import { defineAction, defineListAction } from './define';
import { amount, createdRange, currency, expand, fields, idempotencyKey, metadata, stripeId } from '../schemas/common';
import { amountProblem } from '../schemas/currency';
import { payoutObject } from '../schemas/objects/payout';

const group = 'payouts';
const payoutId = stripeId(['po'], 'payout');

export const createPayout = defineAction({
  key: 'create_payout',
  title: 'Create payout',
  description:
    'Sends money from the available balance to the account\'s bank account or debit card. The amount cannot exceed the available ' +
    'balance in that currency (Stripe answers balance_insufficient). Returns the payout (status pending until it arrives).',
  group,
  output: payoutObject,
  method: 'POST',
  path: '/v1/payouts',
  input: z
    .object({
      amount: amount.describe(
        'Amount to pay out in the smallest currency unit (1000 = $10.00 in usd). Three-decimal currencies end in 0; HUF, ISK and TWD payouts are whole units (multiples of 100).',
      ),
      currency,
      description: z.string().max(5000).optional().describe('An internal note.'),
      method: z.enum(['standard', 'instant']).optional().describe('standard (default, arrives in days) or instant (minutes, eligible debit cards only, costs a fee).'),
      statement_descriptor: z
        .string()
        .max(22)
        .optional()
        .describe('Text on the bank statement (up to 22 characters; banks may show less).'),
      metadata: metadata.optional(),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict()
    .superRefine((input, ctx) => {
      const problem = amountProblem(input.amount, input.currency, 'payout');
      if (problem) ctx.addIssue({ code: 'custom', path: ['amount'], message: problem });
    }),
});

export const retrievePayout = defineAction({
  key: 'retrieve_payout',
  title: 'Retrieve payout',
  description: 'Retrieves a payout by id. Returns the payout.',
  group,
  output: payoutObject,
  method: 'GET',
  path: '/v1/payouts/{payout_id}',
  input: z.object({ payout_id: payoutId, expand, fields }).strict(),
});

export const cancelPayout = defineAction({
  key: 'cancel_payout',
  title: 'Cancel payout',
  description: 'Cancels a payout that is still pending; the money returns to the available balance. Returns the payout (status canceled).',
  group,
  output: payoutObject,
  method: 'POST',
  path: '/v1/payouts/{payout_id}/cancel',
  input: z.object({ payout_id: payoutId, idempotency_key: idempotencyKey, expand }).strict(),
});

export const listPayouts = defineListAction({
  key: 'list_payouts',
  title: 'List payouts',
  description: 'Lists payouts, newest first, optionally by status, destination, arrival date or creation time. Returns { data, has_more }.',
  group,
  item: payoutObject,
  path: '/v1/payouts',
  filters: {
    status: z.enum(['pending', 'paid', 'failed', 'canceled']).optional().describe('Only payouts with this status.'),
    destination: z
      .string()
      .max(ID_MAX_LENGTH, `at most ${ID_MAX_LENGTH} characters`)
      .regex(/^(ba|card)_[A-Za-z0-9_]+$/, 'expected a bank account or card id (ba_... or card_...)')
      .optional()
      .describe('Only payouts to this external bank account or card.'),
    arrival_date: createdRange.describe('Only payouts arriving in this range (unix seconds): {"gte": 1700000000}.'),
    created: createdRange,
  },
});

export const payoutActions = [createPayout, retrievePayout, cancelPayout, listPayouts];
