import { z } from 'zod';
import { ID_MAX_LENGTH } from '../schemas/limits';
import { defineAction, defineListAction, defineSearchAction } from './define';
import { atLeastOne } from '../schemas/rules';
import { amount, createdRange, currency, customerId, email, expand, fields, idempotencyKey, metadata, metadataUpdate, shipping, stripeId } from '../schemas/common';
import { amountProblem } from '../schemas/currency';
import { chargeObject } from '../schemas/objects/charge';

const group = 'charges';
// ACH and some other payment methods create charges with py_ ids.
export const chargeId = stripeId(['ch', 'py'], 'charge');
/** Shared with payment_intents.ts, which passes it on to the charge. */
export const statementDescriptor = z.string().max(22).regex(/^[^<>\\'"*]*$/, 'must not contain < > \\ \' " *');

export const createCharge = defineAction({
  key: 'create_charge',
  title: 'Create charge',
  description:
    'Charges a card: pass source (a token such as tok_visa, or a saved card id) and/or customer (charges their default source); at least one is required. ' +
    'Set capture to false to only authorize. For new integrations Stripe recommends payment intents. Returns the charge; a decline is a card_error with decline_code.',
  group,
  output: chargeObject,
  method: 'POST',
  path: '/v1/charges',
  input: z
    .object({
      amount,
      currency,
      customer: customerId.optional().describe('The customer to charge (their default source unless source is given).'),
      source: z
        .string()
        .max(ID_MAX_LENGTH, `at most ${ID_MAX_LENGTH} characters`)
        .regex(/^(tok|src|card|ba)_[A-Za-z0-9_]+$/, 'expected a token, source or card id (tok_..., src_..., card_...)')
        .optional()
        .describe('What to charge: a token (tok_visa in test mode), a source, or one of the customer\'s card ids.'),
      description: z.string().max(1000).optional(),
      metadata: metadata.optional(),
      capture: z.boolean().optional().describe('Capture now (default true) or only authorize, to capture later with capture_charge.'),
      receipt_email: email.optional().describe('Where Stripe sends the receipt.'),
      shipping: shipping.optional(),
      statement_descriptor: statementDescriptor.optional().describe('Text on the customer\'s statement (up to 22 characters).'),
      statement_descriptor_suffix: statementDescriptor.optional(),
      transfer_group: z.string().optional().describe('Groups this charge with transfers (Connect).'),
      on_behalf_of: stripeId(['acct'], 'connected account').optional(),
      application_fee_amount: z.number().int().min(0).optional().describe('Platform fee in the smallest currency unit (Connect).'),
      transfer_data: z
        .object({ destination: stripeId(['acct'], 'connected account'), amount: z.number().int().min(0).optional() })
        .strict()
        .optional(),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict()
    .superRefine((input, ctx) => {
      const problem = amountProblem(input.amount, input.currency);
      if (problem) ctx.addIssue({ code: 'custom', path: ['amount'], message: problem });
    }),
  rules: [atLeastOne('source', 'customer')],
});

export const retrieveCharge = defineAction({
  key: 'retrieve_charge',
  title: 'Retrieve charge',
  description: 'Retrieves a charge by id. Returns the charge.',
  group,
  output: chargeObject,
  method: 'GET',
  path: '/v1/charges/{charge_id}',
  input: z.object({ charge_id: chargeId, expand, fields }).strict(),
});

export const updateCharge = defineAction({
  key: 'update_charge',
  title: 'Update charge',
  description: 'Updates a charge\'s description, metadata, receipt email, shipping, fraud report or transfer group. Returns the charge.',
  group,
  output: chargeObject,
  method: 'POST',
  path: '/v1/charges/{charge_id}',
  input: z
    .object({
      charge_id: chargeId,
      customer: customerId.optional().describe('Attach the charge to a customer (only if it has none).'),
      description: z.string().max(1000).nullable().optional(),
      metadata: metadataUpdate.optional(),
      receipt_email: email.nullable().optional(),
      shipping: shipping.optional(),
      fraud_details: z
        .object({ user_report: z.enum(['fraudulent', 'safe']) })
        .strict()
        .optional()
        .describe('Report the charge as fraudulent or safe.'),
      transfer_group: z.string().optional(),
      expand,
    })
    .strict(),
});

export const captureCharge = defineAction({
  key: 'capture_charge',
  title: 'Capture charge',
  description:
    'Captures an authorized charge (created with capture: false), in full or in part: an amount below the authorized one releases the rest. Returns the charge.',
  group,
  output: chargeObject,
  method: 'POST',
  path: '/v1/charges/{charge_id}/capture',
  input: z
    .object({
      charge_id: chargeId,
      amount: amount.optional().describe('Amount to capture in the smallest currency unit; default the whole authorization.'),
      receipt_email: email.optional(),
      statement_descriptor: statementDescriptor.optional(),
      statement_descriptor_suffix: statementDescriptor.optional(),
      application_fee_amount: z.number().int().min(0).optional(),
      transfer_data: z.object({ amount: z.number().int().min(0).optional() }).strict().optional(),
      transfer_group: z.string().optional(),
      expand,
    })
    .strict(),
});

export const listCharges = defineListAction({
  key: 'list_charges',
  title: 'List charges',
  description: 'Lists charges, newest first, optionally by customer, payment intent, transfer group or creation time. Returns { data, has_more }.',
  group,
  item: chargeObject,
  path: '/v1/charges',
  filters: {
    customer: customerId.optional().describe('Only this customer\'s charges.'),
    created: createdRange,
    payment_intent: stripeId(['pi'], 'payment intent').optional().describe('Only charges of this payment intent.'),
    transfer_group: z.string().optional(),
  },
});

export const searchCharges = defineSearchAction({
  key: 'search_charges',
  title: 'Search charges',
  description:
    'Searches charges with Stripe\'s search language. Results can lag new charges by about a minute. Returns { data, has_more, next_page }.',
  group,
  item: chargeObject,
  path: '/v1/charges/search',
  queryHelp:
    "Stripe search query over amount, currency, customer, status, refunded, disputed, created and metadata, e.g. status:'succeeded' AND amount>1000, metadata['order_id']:'6735'.",
});

export const chargeActions = [createCharge, retrieveCharge, updateCharge, captureCharge, listCharges, searchCharges];
