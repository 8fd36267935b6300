import { z } from 'zod';
import { defineObject } from './define';
import { amount, created, currency, expandable, metadata, openEnum, SAMPLE_CREATED } from './fields';

export const refundObject = defineObject(
  'refund',
  'A refund of all or part of a charge: amount, status, and the charge and payment intent it refunds.',
  {
    id: z.string().describe('Unique identifier (re_..., or pyr_... for some payment methods).'),
    amount: amount.describe('Amount refunded, in the smallest currency unit (e.g. cents).'),
    balance_transaction: expandable('balance transaction')
      .nullable()
      .describe('The balance transaction (txn_...) that took the refund out of the balance, or the transaction when expanded.'),
    charge: expandable('charge').nullable().describe('The refunded charge (ch_...), or the charge when expanded.'),
    created,
    currency,
    description: z.string().optional().describe('Text shown to the customer (non-card refunds only; absent otherwise).'),
    destination_details: z
      .looseObject({
        type: z.string().describe('The payment method the money goes back to, e.g. card.'),
        card: z
          .looseObject({
            reference: z.string().optional().describe('The acquirer reference number (ARN) once available, to trace the refund with the bank.'),
            reference_status: openEnum(['pending', 'available', 'unavailable'], 'Whether the reference is available yet.').optional(),
            reference_type: z.string().optional().describe('e.g. acquirer_reference_number.'),
            type: openEnum(['refund', 'reversal', 'pending'], 'How the card refund was made.'),
          })
          .optional(),
      })
      .optional()
      .describe('Where the refunded money goes and how to trace it (absent while the refund waits for the customer).'),
    failure_balance_transaction: expandable('balance transaction')
      .optional()
      .describe('After the refund failed or was canceled: the balance transaction that gave the amount back to the balance. Absent otherwise.'),
    failure_reason: openEnum(
      ['lost_or_stolen_card', 'expired_or_canceled_card', 'charge_for_pending_refund_disputed', 'insufficient_funds', 'declined', 'merchant_request', 'unknown'],
      'Why the refund failed or was canceled; absent otherwise.',
    ).optional(),
    instructions_email: z
      .string()
      .optional()
      .describe('For payment methods without native refunds: where Stripe emailed the customer for refund details. Absent otherwise.'),
    metadata: metadata.nullable(),
    next_action: z
      .looseObject({
        type: z.string().describe('e.g. display_details.'),
        display_details: z
          .looseObject({
            email_sent: z.looseObject({
              email_sent_at: z.number().int().describe('When the email was sent (Unix time, seconds).'),
              email_sent_to: z.string(),
            }),
            expires_at: z.number().int().describe('When the refund expires if the customer does not act (Unix time, seconds).'),
          })
          .nullable()
          .optional(),
      })
      .optional()
      .describe('What has to happen for the refund to proceed (status requires_action only; absent otherwise).'),
    payment_intent: expandable('payment intent').nullable().describe('The refunded payment intent (pi_...), null for a charge made without one.'),
    reason: openEnum(['duplicate', 'expired_uncaptured_charge', 'fraudulent', 'requested_by_customer'], 'Why the refund was made.')
      .nullable()
      .describe('Why the refund was made (null when no reason was given).'),
    receipt_number: z.string().nullable().describe('The number on the refund receipt email, once sent.'),
    source_transfer_reversal: expandable('transfer reversal').nullable().describe('Connect: the transfer reversal for a charge that came from another account.'),
    status: openEnum(['pending', 'requires_action', 'succeeded', 'failed', 'canceled'], 'Status of the refund; card refunds succeed at once.').nullable(),
    transfer_reversal: expandable('transfer reversal').nullable().describe('Connect: the reversal of the transfer to the connected account, if reversed.'),
  },
  {
    id: 're_3TZ0aSample0001',
    amount: 500,
    balance_transaction: 'txn_3TZ0aSampleRef01',
    charge: 'ch_3TZ0aSample0001',
    created: SAMPLE_CREATED + 3600,
    currency: 'usd',
    destination_details: {
      type: 'card',
      card: { reference: '74850126000000000000000', reference_status: 'available', reference_type: 'acquirer_reference_number', type: 'refund' },
    },
    metadata: { ticket: 'SUP-311' },
    payment_intent: 'pi_3TZ0aSample0001',
    reason: 'requested_by_customer',
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  },
  { summary: ['id', 'amount', 'currency', 'status', 'reason', 'charge', 'payment_intent', 'created', 'metadata'] },
);
