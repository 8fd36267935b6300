import { z } from 'zod';
import { defineAction } from './define';
import { customerId, expand, fields, idempotencyKey, metadata, paymentMethodId, stripeId } from '../schemas/common';
import { setupIntentObject } from '../schemas/objects/setup_intent';

const group = 'setup_intents';
const setupIntentId = stripeId(['seti'], 'setup intent');

export const createSetupIntent = defineAction({
  key: 'create_setup_intent',
  title: 'Create setup intent',
  description:
    'Creates a setup intent to save a payment method for later payments without charging it. With customer, confirming attaches the payment method to them; ' +
    'with confirm: true it is confirmed at once (then payment_method is required). Returns the setup intent.',
  group,
  output: setupIntentObject,
  method: 'POST',
  path: '/v1/setup_intents',
  input: z
    .object({
      customer: customerId.optional().describe('The customer the payment method is saved to on success.'),
      payment_method: paymentMethodId.optional().describe('The payment method to set up (pm_..., or pm_card_visa in test mode).'),
      confirm: z.boolean().optional().describe('Confirm now. Requires payment_method.'),
      usage: z.enum(['off_session', 'on_session']).optional().describe('How it will be used: off_session (default, customer absent) or on_session.'),
      description: z.string().max(1000).optional().describe('An internal note.'),
      metadata: metadata.optional(),
      payment_method_types: z.array(z.string().regex(/^[a-z_]+$/, 'expected a payment method type such as card')).min(1).optional()
        .describe('Payment method types allowed, e.g. ["card"]. Default: those enabled in the Dashboard.'),
      return_url: z.string().url().optional().describe('Where the customer returns after a redirect (with confirm).'),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict()
    .superRefine((input, ctx) => {
      if (input.confirm && !input.payment_method) {
        ctx.addIssue({ code: 'custom', path: ['payment_method'], message: 'confirm: true needs a payment_method' });
      }
    }),
});

export const retrieveSetupIntent = defineAction({
  key: 'retrieve_setup_intent',
  title: 'Retrieve setup intent',
  description: 'Retrieves a setup intent by id: status, payment method, customer and last setup error.',
  group,
  output: setupIntentObject,
  method: 'GET',
  path: '/v1/setup_intents/{setup_intent_id}',
  input: z.object({ setup_intent_id: setupIntentId, expand, fields }).strict(),
});

export const confirmSetupIntent = defineAction({
  key: 'confirm_setup_intent',
  title: 'Confirm setup intent',
  description:
    'Confirms a setup intent: checks the payment method and, on success, attaches it to the intent\'s customer (status succeeded). ' +
    'payment_method is required unless the intent already has one; a declined card is a card_error.',
  group,
  output: setupIntentObject,
  method: 'POST',
  path: '/v1/setup_intents/{setup_intent_id}/confirm',
  input: z
    .object({
      setup_intent_id: setupIntentId,
      payment_method: paymentMethodId.optional().describe('The payment method to set up; required unless the intent already has one.'),
      return_url: z.string().url().optional().describe('Where the customer returns after a redirect.'),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict(),
});

export const cancelSetupIntent = defineAction({
  key: 'cancel_setup_intent',
  title: 'Cancel setup intent',
  description: 'Cancels a setup intent that has not succeeded. Returns the setup intent (status canceled).',
  group,
  output: setupIntentObject,
  method: 'POST',
  path: '/v1/setup_intents/{setup_intent_id}/cancel',
  input: z
    .object({
      setup_intent_id: setupIntentId,
      cancellation_reason: z.enum(['abandoned', 'duplicate', 'requested_by_customer']).optional().describe('Why it was canceled.'),
      expand,
    })
    .strict(),
});

export const setupIntentActions = [createSetupIntent, retrieveSetupIntent, confirmSetupIntent, cancelSetupIntent];
