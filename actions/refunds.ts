import { z } from 'zod';
import { defineAction, defineListAction } from './define';
import { exactlyOne } from '../schemas/rules';
import { amount, createdRange, email, expand, fields, idempotencyKey, metadata, metadataUpdate, stripeId } from '../schemas/common';
import { chargeId } from './charges';
import { paymentIntentId } from './payment_intents';
import { refundObject } from '../schemas/objects/refund';

const group = 'refunds';
// Refunds of some payment methods have pyr_ ids.
const refundId = stripeId(['re', 'pyr'], 'refund');

export const createRefund = defineAction({
  key: 'create_refund',
  title: 'Create refund',
  description:
    'Refunds a payment: give exactly one of charge or payment_intent (its latest charge is refunded). Without amount, all that is left is refunded; ' +
    'with amount, part of it (several partial refunds may follow until nothing is left). Returns the refund; card refunds succeed at once.',
  group,
  output: refundObject,
  method: 'POST',
  path: '/v1/refunds',
  input: z
    .object({
      charge: chargeId.optional().describe('The charge to refund. Give charge or payment_intent, not both.'),
      payment_intent: paymentIntentId.optional().describe('The payment intent to refund (its latest charge). Give charge or payment_intent, not both.'),
      amount: amount.optional().describe('Amount to refund in the smallest currency unit; default all that is left on the charge.'),
      reason: z
        .enum(['duplicate', 'fraudulent', 'requested_by_customer'])
        .optional()
        .describe('Why: duplicate, fraudulent (also helps Stripe block the card) or requested_by_customer.'),
      metadata: metadata.optional(),
      instructions_email: email.optional().describe('For payment methods without refund support: where Stripe sends the customer refund instructions.'),
      refund_application_fee: z.boolean().optional().describe('Also refund the application fee (Connect).'),
      reverse_transfer: z.boolean().optional().describe('Also reverse the transfer to the connected account (Connect).'),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict(),
  rules: [exactlyOne('charge', 'payment_intent')],
});

export const retrieveRefund = defineAction({
  key: 'retrieve_refund',
  title: 'Retrieve refund',
  description: 'Retrieves a refund by id: amount, status, charge and payment intent.',
  group,
  output: refundObject,
  method: 'GET',
  path: '/v1/refunds/{refund_id}',
  input: z.object({ refund_id: refundId, expand, fields }).strict(),
});

export const updateRefund = defineAction({
  key: 'update_refund',
  title: 'Update refund',
  description: 'Updates a refund\'s metadata (the only field that can change). Metadata merges. Returns the refund.',
  group,
  output: refundObject,
  method: 'POST',
  path: '/v1/refunds/{refund_id}',
  input: z.object({ refund_id: refundId, metadata: metadataUpdate.optional(), expand }).strict(),
});

export const cancelRefund = defineAction({
  key: 'cancel_refund',
  title: 'Cancel refund',
  description:
    'Cancels a refund waiting for customer action (status requires_action, payment methods without native refunds). Other refunds, such as card refunds, cannot be canceled. Returns the refund.',
  group,
  output: refundObject,
  method: 'POST',
  path: '/v1/refunds/{refund_id}/cancel',
  input: z.object({ refund_id: refundId, expand }).strict(),
});

export const listRefunds = defineListAction({
  key: 'list_refunds',
  title: 'List refunds',
  description: 'Lists refunds, newest first, optionally of one charge or payment intent, or by creation time. Returns { data, has_more }.',
  group,
  item: refundObject,
  path: '/v1/refunds',
  filters: {
    charge: chargeId.optional().describe('Only refunds of this charge.'),
    payment_intent: paymentIntentId.optional().describe('Only refunds of this payment intent.'),
    created: createdRange,
  },
});

export const refundActions = [createRefund, retrieveRefund, updateRefund, cancelRefund, listRefunds];
