import { z } from 'zod';
import { defineAction, defineListAction, defineSearchAction } from './define';
import { amount, clearableFields, createdRange, currency, customerId, email, expand, fields, idempotencyKey, metadata, metadataUpdate, optionalFields, paymentMethodId, paymentMethodType, shipping, stripeId } from '../schemas/common';
import { amountProblem } from '../schemas/currency';
import { statementDescriptor } from './charges';
import { paymentIntentObject } from '../schemas/objects/payment_intent';
import { paymentIntentAmountDetailsLineItemObject } from '../schemas/objects/payment_intent_amount_details_line_item';

const group = 'payment_intents';
export const paymentIntentId = stripeId(['pi'], 'payment intent');

const captureMethod = z
  .enum(['automatic', 'automatic_async', 'manual'])
  .describe('When the funds are captured: automatic (default, at confirmation) or manual (authorize now, capture_payment_intent later).');
const setupFutureUsage = z
  .enum(['on_session', 'off_session'])
  .describe('Save the payment method to the customer for later payments: on_session (customer present) or off_session.');
const offSession = z
  .union([z.boolean(), z.enum(['one_off', 'recurring'])])
  .describe('The customer is not present (e.g. a renewal charged in the background): true, one_off or recurring. Only with confirmation.');

/** Fields create and update share that Stripe lets an update clear. */
const clearablePaymentIntentFields = {
  receipt_email: email.describe('Where Stripe sends the receipt once the payment succeeds.'),
  setup_future_usage: setupFutureUsage,
  shipping: shipping.describe('Shipping name and address.'),
  application_fee_amount: z.number().int().min(0).describe('Platform fee in the smallest currency unit (Connect).'),
};

/** Line items for card-network level 2/3 data, listed by list_payment_intent_line_items (newer than the 2024 spec). */
const amountDetails = z
  .object({
    line_items: z
      .array(
        z
          .object({
            product_name: z.string().min(1).max(1024).describe('What was sold, e.g. "Blue T-shirt".'),
            quantity: z.number().int().min(1),
            unit_cost: z.number().int().min(0).describe('Price of one unit in the smallest currency unit.'),
            product_code: z.string().max(12).optional().describe('Your SKU or product code.'),
            discount_amount: z.number().int().min(1).optional().describe('Discount on this line, smallest currency unit.'),
            tax: z.object({ total_tax_amount: z.number().int().min(0) }).strict().optional().describe('Tax on this line, smallest currency unit.'),
            unit_of_measure: z.string().max(12).optional(),
          })
          .strict(),
      )
      .max(200)
      .describe('The order\'s lines (up to 200); replaces any set before.'),
  })
  .strict()
  .describe('Order details: {"line_items": [{"product_name": "T-shirt", "quantity": 2, "unit_cost": 1500}]}.');

/** Fields create and update share that an update can change but not clear. */
const settablePaymentIntentFields = {
  amount_details: amountDetails,
  customer: customerId.describe('The customer paying; required to save or reuse their payment methods.'),
  payment_method: paymentMethodId.describe('The payment method to charge (pm_..., or pm_card_visa in test mode); moves the intent to requires_confirmation.'),
  description: z.string().max(1000).describe('An internal note, shown in the Dashboard.'),
  capture_method: captureMethod,
  payment_method_types: z.array(paymentMethodType).min(1)
    .describe('Payment method types allowed, e.g. ["card"]. Not with automatic_payment_methods.'),
  statement_descriptor: statementDescriptor.describe('Text on the customer\'s statement (up to 22 characters; non-card payments).'),
  statement_descriptor_suffix: statementDescriptor.describe('Suffix added to the account\'s statement descriptor for card payments.'),
  transfer_group: z.string().describe('Groups this payment with transfers (Connect).'),
};

function checkAmount(
  input: { amount?: number; currency?: string; amount_details?: { line_items: { unit_cost: number }[] } },
  ctx: z.RefinementCtx,
): void {
  if (input.currency === undefined) return;
  const problem = input.amount !== undefined ? amountProblem(input.amount, input.currency) : undefined;
  if (problem) ctx.addIssue({ code: 'custom', path: ['amount'], message: problem });
  input.amount_details?.line_items.forEach((item, i) => {
    const itemProblem = amountProblem(item.unit_cost, input.currency!);
    if (itemProblem) ctx.addIssue({ code: 'custom', path: ['amount_details', 'line_items', i, 'unit_cost'], message: itemProblem });
  });
}

export const createPaymentIntent = defineAction({
  key: 'create_payment_intent',
  title: 'Create payment intent',
  description:
    'Creates a payment intent for an amount and currency. With payment_method it is ready to confirm; with confirm: true it is confirmed at once ' +
    '(then payment_method is required) and a decline is a card_error. capture_method manual only authorizes. Returns the payment intent.',
  group,
  output: paymentIntentObject,
  method: 'POST',
  path: '/v1/payment_intents',
  input: z
    .object({
      amount,
      currency,
      ...optionalFields({ ...clearablePaymentIntentFields, ...settablePaymentIntentFields }),
      metadata: metadata.optional(),
      confirm: z.boolean().optional().describe('Confirm now (charges the payment method). Requires payment_method.'),
      off_session: offSession.optional(),
      automatic_payment_methods: z
        .object({
          enabled: z.boolean(),
          allow_redirects: z.enum(['always', 'never']).optional().describe('never = only payment methods without a redirect.'),
        })
        .strict()
        .optional()
        .describe('Let Stripe pick the payment methods enabled in the Dashboard. Not with payment_method_types.'),
      return_url: z.string().url().optional().describe('Where the customer returns after a redirect-based payment method (with confirm).'),
      on_behalf_of: stripeId(['acct'], 'connected account').optional(),
      transfer_data: z
        .object({ destination: stripeId(['acct'], 'connected account'), amount: z.number().int().min(0).optional() })
        .strict()
        .optional()
        .describe('Send the funds to a connected account (Connect destination charge).'),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict()
    .superRefine((input, ctx) => {
      checkAmount(input, ctx);
      if (input.confirm && !input.payment_method) {
        ctx.addIssue({ code: 'custom', path: ['payment_method'], message: 'confirm: true needs a payment_method to charge' });
      }
      if (input.off_session !== undefined && !input.confirm) {
        ctx.addIssue({ code: 'custom', path: ['off_session'], message: 'off_session is only allowed with confirm: true' });
      }
      if (input.automatic_payment_methods?.enabled && input.payment_method_types) {
        ctx.addIssue({ code: 'custom', path: ['payment_method_types'], message: 'give automatic_payment_methods or payment_method_types, not both' });
      }
    }),
});

export const retrievePaymentIntent = defineAction({
  key: 'retrieve_payment_intent',
  title: 'Retrieve payment intent',
  description: 'Retrieves a payment intent by id: its status, amounts received and capturable, latest charge and last payment error.',
  group,
  output: paymentIntentObject,
  method: 'GET',
  path: '/v1/payment_intents/{payment_intent_id}',
  input: z.object({ payment_intent_id: paymentIntentId, expand, fields }).strict(),
});

export const updatePaymentIntent = defineAction({
  key: 'update_payment_intent',
  title: 'Update payment intent',
  description:
    'Updates the fields you pass. Amount, currency, payment method and capture method can only change before the payment succeeds or is authorized; ' +
    'null clears receipt_email, setup_future_usage, shipping and application_fee_amount. Metadata merges. Returns the payment intent.',
  group,
  output: paymentIntentObject,
  method: 'POST',
  path: '/v1/payment_intents/{payment_intent_id}',
  input: z
    .object({
      payment_intent_id: paymentIntentId,
      amount: amount.optional(),
      currency: currency.optional(),
      ...clearableFields(clearablePaymentIntentFields),
      ...optionalFields(settablePaymentIntentFields),
      metadata: metadataUpdate.optional(),
      expand,
    })
    .strict()
    .superRefine(checkAmount),
});

export const confirmPaymentIntent = defineAction({
  key: 'confirm_payment_intent',
  title: 'Confirm payment intent',
  description:
    'Confirms the payment: charges the payment method. payment_method is required unless the intent already has one. ' +
    'The intent becomes succeeded (or requires_capture with capture_method manual); a decline is a card_error and the intent goes back to requires_payment_method.',
  group,
  output: paymentIntentObject,
  method: 'POST',
  path: '/v1/payment_intents/{payment_intent_id}/confirm',
  input: z
    .object({
      payment_intent_id: paymentIntentId,
      payment_method: paymentMethodId.optional().describe('The payment method to charge; required unless the intent already has one.'),
      capture_method: captureMethod.optional(),
      receipt_email: email.nullable().optional().describe('Where Stripe sends the receipt; null clears it.'),
      setup_future_usage: setupFutureUsage.nullable().optional(),
      shipping: shipping.nullable().optional(),
      off_session: offSession.optional(),
      return_url: z.string().url().optional().describe('Where the customer returns after a redirect-based payment method.'),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict(),
});

export const capturePaymentIntent = defineAction({
  key: 'capture_payment_intent',
  title: 'Capture payment intent',
  description:
    'Captures an authorized payment intent (status requires_capture), in full or in part: a smaller amount_to_capture releases the rest. Returns the payment intent, now succeeded.',
  group,
  output: paymentIntentObject,
  method: 'POST',
  path: '/v1/payment_intents/{payment_intent_id}/capture',
  input: z
    .object({
      payment_intent_id: paymentIntentId,
      amount_to_capture: amount.optional().describe('Amount to capture in the smallest currency unit; default all of amount_capturable.'),
      final_capture: z.boolean().optional().describe('false keeps the rest capturable (multicapture, where enabled); default true.'),
      application_fee_amount: z.number().int().min(0).optional().describe('Platform fee in the smallest currency unit (Connect).'),
      statement_descriptor: statementDescriptor.optional(),
      statement_descriptor_suffix: statementDescriptor.optional(),
      metadata: metadataUpdate.optional(),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict(),
});

export const cancelPaymentIntent = defineAction({
  key: 'cancel_payment_intent',
  title: 'Cancel payment intent',
  description:
    'Cancels a payment intent that has not succeeded (an authorization is released). A succeeded or canceled intent cannot be canceled: refund it instead. Returns the payment intent.',
  group,
  output: paymentIntentObject,
  method: 'POST',
  path: '/v1/payment_intents/{payment_intent_id}/cancel',
  input: z
    .object({
      payment_intent_id: paymentIntentId,
      cancellation_reason: z.enum(['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned']).optional().describe('Why it was canceled.'),
      expand,
    })
    .strict(),
});

export const listPaymentIntents = defineListAction({
  key: 'list_payment_intents',
  title: 'List payment intents',
  description: 'Lists payment intents, newest first, optionally by customer or creation time. Returns { data, has_more }.',
  group,
  item: paymentIntentObject,
  path: '/v1/payment_intents',
  filters: {
    customer: customerId.optional().describe('Only this customer\'s payment intents.'),
    created: createdRange,
  },
});

export const searchPaymentIntents = defineSearchAction({
  key: 'search_payment_intents',
  title: 'Search payment intents',
  description:
    'Searches payment intents with Stripe\'s search language. Results can lag new writes by about a minute. Returns { data, has_more, next_page }.',
  group,
  item: paymentIntentObject,
  path: '/v1/payment_intents/search',
  queryHelp:
    "Stripe search query over amount, currency, customer, status, created and metadata, e.g. status:'succeeded' AND amount>1000, metadata['order_id']:'6735'.",
});

export const listPaymentIntentLineItems = defineListAction({
  key: 'list_payment_intent_line_items',
  title: 'List payment intent line items',
  description:
    'Lists the line items of a payment intent (product, quantity, unit cost, tax), as set by amount_details.line_items on ' +
    'create_payment_intent or update_payment_intent. Returns { data, has_more }.',
  group,
  item: paymentIntentAmountDetailsLineItemObject,
  path: '/v1/payment_intents/{payment_intent_id}/amount_details_line_items',
  filters: { payment_intent_id: paymentIntentId },
});

export const paymentIntentActions = [
  createPaymentIntent,
  retrievePaymentIntent,
  updatePaymentIntent,
  confirmPaymentIntent,
  capturePaymentIntent,
  cancelPaymentIntent,
  listPaymentIntents,
  searchPaymentIntents,
  listPaymentIntentLineItems,
];
