import { z } from 'zod';
import { defineObject } from './define';
import { created, expandable, livemode, metadata, objectId, openEnum, SAMPLE_CREATED } from './fields';
import { attemptError } from './payment_method';

export const setupIntentObject = defineObject(
  'setup_intent',
  'A setup intent: saving a customer\'s payment method for later payments without charging it, with its status and last error.',
  {
    id: objectId('seti'),
    application: expandable('Connect application').nullable().describe('The Connect application that created it, if any.'),
    automatic_payment_methods: z
      .looseObject({
        allow_redirects: openEnum(['always', 'never'], 'Whether redirect-based payment methods may be offered.').optional(),
        enabled: z.boolean().nullable(),
      })
      .nullable()
      .describe('Settings when the payment methods come from the Dashboard; null when payment_method_types was given.'),
    cancellation_reason: openEnum(['abandoned', 'duplicate', 'requested_by_customer'], 'Why it was canceled.')
      .nullable()
      .describe('Why it was canceled; null unless status is canceled.'),
    client_secret: z
      .string()
      .nullable()
      .describe('Secret for confirming on the client (Stripe.js). Do not log or store it; pass it only to that customer\'s browser.'),
    created,
    customer: expandable('customer').nullable().describe('The customer the payment method is saved to on success.'),
    description: z.string().nullable(),
    flow_directions: z
      .array(openEnum(['inbound', 'outbound'], 'Direction of money movement.'))
      .nullable()
      .describe('Whether the payment method will take money in, pay money out, or both; null means inbound.'),
    last_setup_error: attemptError.nullable().describe('Why the last confirmation failed; null when it did not.'),
    latest_attempt: expandable('setup attempt').nullable().describe('The latest confirmation attempt (setatt_...).'),
    livemode,
    mandate: expandable('mandate').nullable().describe('The mandate set up, for payment methods that need one (e.g. SEPA Direct Debit).'),
    metadata: metadata.nullable(),
    next_action: z
      .looseObject({ type: z.string().describe('e.g. redirect_to_url, use_stripe_sdk, verify_with_microdeposits.') })
      .nullable()
      .describe('What the customer must do next when status is requires_action; null otherwise.'),
    on_behalf_of: expandable('account').nullable().describe('The connected account it is set up for (Connect).'),
    payment_method: expandable('payment method').nullable().describe('The payment method being set up; after success, the saved one.'),
    payment_method_options: z.looseObject({}).nullable().describe('Options per payment method type, e.g. card.request_three_d_secure.'),
    payment_method_types: z.array(z.string()).describe('Payment method types it may use, e.g. ["card"].'),
    single_use_mandate: expandable('mandate').nullable().describe('A single-use mandate set up with it, if any.'),
    status: openEnum(
      ['requires_payment_method', 'requires_confirmation', 'requires_action', 'processing', 'canceled', 'succeeded'],
      'Where it stands; succeeded means the payment method is saved.',
    ),
    usage: openEnum(['off_session', 'on_session'], 'How the saved payment method will be used.'),
  },
  {
    id: 'seti_1TZ0aSample0001',
    application: null,
    automatic_payment_methods: null,
    cancellation_reason: null,
    client_secret: 'seti_1TZ0aSample0001_secret_SAMPLE',
    created: SAMPLE_CREATED,
    customer: 'cus_TZ0aSample0001',
    description: 'Save card for renewals',
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: 'setatt_1TZ0aSample0001',
    livemode: false,
    mandate: null,
    metadata: { source: 'onboarding' },
    next_action: null,
    on_behalf_of: null,
    payment_method: 'pm_1TZ0aSampleCard01',
    payment_method_options: { card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
    payment_method_types: ['card'],
    single_use_mandate: null,
    status: 'succeeded',
    usage: 'off_session',
  },
  { summary: ['id', 'status', 'customer', 'payment_method', 'usage', 'created', 'metadata'] },
);
