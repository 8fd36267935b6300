import { z } from 'zod';
import { defineObject } from './define';
import { currency, livemode } from './fields';

/** Funds in one currency, with how much came from each source type. */
const balanceAmount = z
  .looseObject({
    amount: z.number().int().describe('Funds in this currency, in the smallest currency unit (negative when the balance is owed).'),
    currency,
    source_types: z
      .looseObject({
        bank_account: z.number().int().optional(),
        card: z.number().int().optional(),
        fpx: z.number().int().optional(),
      })
      .optional()
      .describe('The amount broken down by where the funds came from (smallest currency unit).'),
  })
  .describe('Funds in one currency.');

/** The account's balance: an object without an id (GET /v1/balance). */
export const balanceObject = defineObject(
  'balance',
  'The account balance: funds available to pay out and funds still pending, per currency, in the smallest currency unit.',
  {
    available: z.array(balanceAmount).describe('Funds that can be paid out or transferred now, one entry per currency.'),
    connect_reserved: z.array(balanceAmount).optional().describe('Connect: funds held back to cover negative balances of connected accounts.'),
    instant_available: z.array(balanceAmount).optional().describe('Funds that can be paid out with Instant Payouts (where enabled).'),
    livemode,
    pending: z.array(balanceAmount).describe('Funds not yet available (e.g. card payments still settling), one entry per currency.'),
  },
  {
    available: [{ amount: 184250, currency: 'usd', source_types: { card: 184250 } }],
    connect_reserved: [{ amount: 0, currency: 'usd' }],
    livemode: false,
    pending: [{ amount: 12500, currency: 'usd', source_types: { card: 12500 } }],
  },
  { summary: ['available', 'pending', 'livemode'] },
);
