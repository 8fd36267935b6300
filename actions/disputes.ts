import { z } from 'zod';
import { defineAction, defineListAction } from './define';
import { createdRange, expand, fields, metadataUpdate, stripeId } from '../schemas/common';
import { chargeId } from './charges';
import { disputeObject } from '../schemas/objects/dispute';

const group = 'disputes';
const disputeId = stripeId(['dp', 'du'], 'dispute');

const text = (max: number, description: string) => z.string().max(max).describe(description);

/** The text evidence fields (files are uploaded separately and passed as file ids). */
const evidence = z
  .object({
    access_activity_log: text(20_000, 'Logs of the customer using what they bought (logins, downloads...).'),
    billing_address: text(5000, 'The billing address the customer gave.'),
    cancellation_policy_disclosure: text(20_000, 'How and when the customer was shown the cancellation policy.'),
    cancellation_rebuttal: text(20_000, 'Why the customer\'s subscription was not cancelled.'),
    customer_email_address: text(5000, 'The customer\'s email address.'),
    customer_name: text(5000, 'The customer\'s name.'),
    customer_purchase_ip: text(5000, 'The IP address the purchase was made from.'),
    duplicate_charge_explanation: text(20_000, 'Why the two charges are not duplicates.'),
    duplicate_charge_id: text(5000, 'The id of the other, apparently duplicate, charge.'),
    product_description: text(20_000, 'What was sold.'),
    refund_policy_disclosure: text(20_000, 'How and when the customer was shown the refund policy.'),
    refund_refusal_explanation: text(20_000, 'Why the customer is not entitled to a refund.'),
    service_date: text(5000, 'When the service was provided (a date as text).'),
    shipping_address: text(5000, 'Where the product was shipped.'),
    shipping_carrier: text(5000, 'The delivery company.'),
    shipping_date: text(5000, 'When it was shipped (a date as text).'),
    shipping_tracking_number: text(5000, 'The tracking number(s), comma separated.'),
    uncategorized_text: text(20_000, 'Any other evidence or statement.'),
  })
  .partial()
  .strict()
  .describe('Evidence text fields; the ones you pass replace earlier values, the others stay. All fields together: at most 150,000 characters.');

export const retrieveDispute = defineAction({
  key: 'retrieve_dispute',
  title: 'Retrieve dispute',
  description: 'Retrieves a dispute (chargeback) by id: status, reason, amount, charge, evidence and the evidence due date. Returns the dispute.',
  group,
  output: disputeObject,
  method: 'GET',
  path: '/v1/disputes/{dispute_id}',
  input: z.object({ dispute_id: disputeId, expand, fields }).strict(),
});

export const updateDispute = defineAction({
  key: 'update_dispute',
  title: 'Update dispute',
  description:
    'Adds evidence to a dispute and, unless submit is false, submits it to the bank (the dispute goes to under_review). ' +
    'With submit: false the evidence is only staged. A dispute under review or closed only takes metadata. Returns the dispute.',
  group,
  output: disputeObject,
  method: 'POST',
  path: '/v1/disputes/{dispute_id}',
  input: z
    .object({
      dispute_id: disputeId,
      evidence: evidence.optional(),
      submit: z.boolean().optional().describe('Submit the evidence now (Stripe\'s default: true) or stage it (false).'),
      metadata: metadataUpdate.optional(),
      expand,
    })
    .strict()
    .superRefine((input, ctx) => {
      const total = Object.values(input.evidence ?? {}).reduce((sum, v) => sum + (v?.length ?? 0), 0);
      if (total > 150_000) ctx.addIssue({ code: 'custom', path: ['evidence'], message: 'evidence fields together must be at most 150,000 characters' });
    }),
});

export const closeDispute = defineAction({
  key: 'close_dispute',
  title: 'Close dispute',
  description:
    'Accepts the dispute: you will not fight it, it is marked lost and the disputed amount stays with the customer. Cannot be undone; ' +
    'only a dispute still awaiting a response can be closed. Returns the dispute.',
  group,
  output: disputeObject,
  method: 'POST',
  path: '/v1/disputes/{dispute_id}/close',
  input: z.object({ dispute_id: disputeId, expand }).strict(),
});

export const listDisputes = defineListAction({
  key: 'list_disputes',
  title: 'List disputes',
  description: 'Lists disputes, newest first, optionally for one charge or payment intent, or by creation time. Returns { data, has_more }.',
  group,
  item: disputeObject,
  path: '/v1/disputes',
  filters: {
    charge: chargeId.optional().describe('Only disputes of this charge.'),
    payment_intent: stripeId(['pi'], 'payment intent').optional().describe('Only disputes of this payment intent\'s charges.'),
    created: createdRange,
  },
});

export const disputeActions = [retrieveDispute, updateDispute, closeDispute, listDisputes];
