import { z } from 'zod';
import { defineObject } from './define';
import { created, currency, expandable, objectId, openEnum, SAMPLE_CREATED } from './fields';

const TYPES = [
  'adjustment', 'advance', 'advance_funding', 'anticipation_repayment', 'application_fee', 'application_fee_refund', 'charge',
  'climate_order_purchase', 'climate_order_refund', 'connect_collection_transfer', 'contribution', 'issuing_authorization_hold',
  'issuing_authorization_release', 'issuing_dispute', 'issuing_transaction', 'obligation_outbound', 'obligation_reversal_inbound',
  'payment', 'payment_failure_refund', 'payment_network_reserve_hold', 'payment_network_reserve_release', 'payment_refund',
  'payment_reversal', 'payment_unreconciled', 'payout', 'payout_cancel', 'payout_failure', 'refund', 'refund_failure',
  'reserve_transaction', 'reserved_funds', 'stripe_fee', 'stripe_fx_fee', 'tax_fee', 'topup', 'topup_reversal', 'transfer',
  'transfer_cancel', 'transfer_failure', 'transfer_refund',
];

export const balanceTransactionObject = defineObject(
  'balance_transaction',
  'One movement of the account balance (a charge, refund, payout, transfer, dispute withdrawal...): gross amount, fee and net, and the object that caused it.',
  {
    id: objectId('txn'),
    amount: z.number().int().describe('Gross amount, smallest currency unit: positive for money in, negative for money out.'),
    available_on: z.number().int().describe('When the net amount becomes available in the balance (Unix time, seconds).'),
    created,
    currency,
    description: z.string().nullable(),
    exchange_rate: z.number().nullable().describe('The rate used when the money was converted from another currency, null otherwise.'),
    fee: z.number().int().describe('Fees paid for this transaction, smallest currency unit (positive).'),
    fee_details: z
      .array(
        z.looseObject({
          amount: z.number().int().describe('Fee amount, smallest currency unit.'),
          application: z.string().nullable().describe('Connect: the application that earned the fee.'),
          currency,
          description: z.string().nullable(),
          type: openEnum(['application_fee', 'payment_method_passthrough_fee', 'stripe_fee', 'tax'], 'Kind of fee.'),
        }),
      )
      .describe('The fees, one entry per kind (empty when there are none).'),
    net: z.number().int().describe('Net effect on the balance, smallest currency unit (amount minus fee; negative for money out).'),
    reporting_category: z
      .string()
      .describe('Stripe\'s reporting category, e.g. charge, refund, payout, transfer, dispute, fee (a coarser grouping than type).'),
    source: expandable('source object')
      .nullable()
      .describe('The object that caused the movement (ch_..., re_..., po_..., tr_..., du_...), or it when expanded.'),
    status: openEnum(['available', 'pending'], 'Whether the net amount is available in the balance yet.'),
    type: openEnum(TYPES, 'What caused the movement.'),
  },
  {
    id: 'txn_3TZ0aSample0001',
    amount: 2000,
    available_on: SAMPLE_CREATED + 2 * 86400,
    created: SAMPLE_CREATED,
    currency: 'usd',
    description: 'Order #1042',
    exchange_rate: null,
    fee: 88,
    fee_details: [{ amount: 88, application: null, currency: 'usd', description: 'Stripe processing fees', type: 'stripe_fee' }],
    net: 1912,
    reporting_category: 'charge',
    source: 'ch_3TZ0aSample0001',
    status: 'pending',
    type: 'charge',
  },
  { summary: ['id', 'amount', 'currency', 'fee', 'net', 'type', 'status', 'source', 'created', 'description'] },
);
