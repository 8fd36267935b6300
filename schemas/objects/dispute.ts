import { z } from 'zod';
import { balanceTransactionObject } from './balance_transaction';
import { defineObject } from './define';
import { amount, created, currency, expandable, livemode, metadata, openEnum, SAMPLE_CREATED } from './fields';

const text = (description: string) => z.string().nullable().describe(description);
const file = (description: string) => expandable('file').nullable().describe(`${description} (an uploaded file: its file_... id, or the file when expanded).`);

/** The evidence fields as Stripe returns them: every one present, null until provided. */
const evidence = z
  .looseObject({
    access_activity_log: text('Logs of the customer using what they bought.'),
    billing_address: text('The billing address the customer gave.'),
    cancellation_policy: file('The cancellation policy'),
    cancellation_policy_disclosure: text('How and when the customer was shown the cancellation policy.'),
    cancellation_rebuttal: text('Why the subscription was not cancelled.'),
    customer_communication: file('Correspondence with the customer'),
    customer_email_address: text('The customer\'s email address.'),
    customer_name: text('The customer\'s name.'),
    customer_purchase_ip: text('The IP address the purchase was made from.'),
    customer_signature: file('The customer\'s signature'),
    duplicate_charge_documentation: file('Documentation that the charges are not duplicates'),
    duplicate_charge_explanation: text('Why the two charges are not duplicates.'),
    duplicate_charge_id: text('The other, apparently duplicate, charge.'),
    product_description: text('What was sold.'),
    receipt: file('The receipt'),
    refund_policy: file('The refund policy'),
    refund_policy_disclosure: text('How and when the customer was shown the refund policy.'),
    refund_refusal_explanation: text('Why the customer is not entitled to a refund.'),
    service_date: text('When the service was provided.'),
    service_documentation: file('Proof the service was provided'),
    shipping_address: text('Where the product was shipped.'),
    shipping_carrier: text('The delivery company.'),
    shipping_date: text('When it was shipped.'),
    shipping_documentation: file('Proof of shipping'),
    shipping_tracking_number: text('Tracking number(s), comma separated.'),
    uncategorized_file: file('Any other evidence'),
    uncategorized_text: text('Any other evidence or statement.'),
  })
  .describe('The evidence given so far; null fields have none.');

export const disputeObject = defineObject(
  'dispute',
  'A dispute (chargeback or inquiry) a cardholder opened with their bank about a charge: amount, reason, status and the evidence to answer it with by its due date.',
  {
    id: z.string().regex(/^(dp|du)_/).describe('Unique identifier (dp_..., or du_... for older disputes).'),
    amount: amount.describe('Disputed amount in the smallest currency unit; usually the charge amount, sometimes less.'),
    balance_transactions: z
      .array(balanceTransactionObject.schema)
      .describe('Zero, one or two balance transactions: the disputed amount (and fee) withdrawn, and reinstated if the dispute is won.'),
    charge: expandable('charge').describe('The disputed charge.'),
    created,
    currency,
    evidence,
    evidence_details: z
      .looseObject({
        due_by: z.number().int().nullable().describe('Evidence deadline (Unix time, seconds); null when no response is possible.'),
        has_evidence: z.boolean().describe('Whether any evidence has been given.'),
        past_due: z.boolean().describe('Whether the deadline passed without a submission.'),
        submission_count: z.number().int().describe('How many times evidence was submitted (0 or 1 with the API).'),
      })
      .describe('The deadline and state of the evidence.'),
    is_charge_refundable: z.boolean().describe('Whether the charge can still be refunded (true for inquiries; a chargeback has taken the funds already).'),
    livemode,
    metadata,
    payment_intent: expandable('payment intent').nullable().describe('The payment intent of the disputed charge, if any.'),
    payment_method_details: z
      .looseObject({
        card: z
          .looseObject({
            brand: z.string().describe('Card network, lowercase (visa, mastercard...).'),
            case_type: openEnum(['chargeback', 'inquiry'], 'Whether the bank opened a chargeback or only an inquiry.'),
            network_reason_code: z.string().nullable().describe('The card network\'s reason code, e.g. 10.4.'),
          })
          .optional(),
        type: openEnum(['card', 'klarna', 'paypal'], 'The payment method type of the disputed payment.'),
      })
      .optional()
      .describe('Payment-method-specific details of the dispute.'),
    reason: openEnum(
      [
        'bank_cannot_process', 'check_returned', 'credit_not_processed', 'customer_initiated', 'debit_not_authorized', 'duplicate', 'fraudulent',
        'general', 'incorrect_account_details', 'insufficient_funds', 'noncompliant', 'product_not_received', 'product_unacceptable', 'subscription_canceled',
        'unrecognized',
      ],
      'The cardholder\'s reason.',
    ),
    status: openEnum(
      ['warning_needs_response', 'warning_under_review', 'warning_closed', 'needs_response', 'under_review', 'won', 'lost', 'prevented'],
      'Where it stands; warning_* statuses are inquiries, needs_response means evidence is due.',
    ),
  },
  {
    id: 'dp_1TZ0aSample0001',
    amount: 2000,
    balance_transactions: [
      {
        ...balanceTransactionObject.sample,
        id: 'txn_1TZ0aSampleDisp01',
        amount: -2000,
        available_on: SAMPLE_CREATED,
        description: 'Chargeback withdrawal for ch_3TZ0aSample0001',
        fee: 1500,
        fee_details: [{ amount: 1500, application: null, currency: 'usd', description: 'Dispute fee', type: 'stripe_fee' }],
        net: -3500,
        reporting_category: 'dispute',
        source: 'dp_1TZ0aSample0001',
        status: 'available',
        type: 'adjustment',
      },
    ],
    charge: 'ch_3TZ0aSample0001',
    created: SAMPLE_CREATED,
    currency: 'usd',
    evidence: {
      access_activity_log: null,
      billing_address: null,
      cancellation_policy: null,
      cancellation_policy_disclosure: null,
      cancellation_rebuttal: null,
      customer_communication: null,
      customer_email_address: 'jenny.rosen@example.com',
      customer_name: 'Jenny Rosen',
      customer_purchase_ip: null,
      customer_signature: null,
      duplicate_charge_documentation: null,
      duplicate_charge_explanation: null,
      duplicate_charge_id: null,
      product_description: 'A blue ceramic mug',
      receipt: null,
      refund_policy: null,
      refund_policy_disclosure: null,
      refund_refusal_explanation: null,
      service_date: null,
      service_documentation: null,
      shipping_address: null,
      shipping_carrier: 'UPS',
      shipping_date: '2025-12-20',
      shipping_documentation: null,
      shipping_tracking_number: '1Z999AA10123456784',
      uncategorized_file: null,
      uncategorized_text: null,
    },
    evidence_details: { due_by: SAMPLE_CREATED + 21 * 24 * 60 * 60, has_evidence: true, past_due: false, submission_count: 0 },
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: 'pi_3TZ0aSample0001',
    payment_method_details: { card: { brand: 'visa', case_type: 'chargeback', network_reason_code: '10.4' }, type: 'card' },
    reason: 'fraudulent',
    status: 'needs_response',
  },
  { summary: ['id', 'amount', 'currency', 'charge', 'payment_intent', 'reason', 'status', 'evidence_details.due_by', 'created'] },
);
