import { z } from 'zod';
import { SAMPLE_SHIPPING, shippingDetails, transferDataOf } from './charge';
import { defineObject } from './define';
import { amount, created, currency, expandable, livemode, metadata, objectId, openEnum, SAMPLE_CREATED } from './fields';
import { paymentIntentAmountDetailsLineItemObject } from './payment_intent_amount_details_line_item';
import { attemptError } from './payment_method';

export const paymentIntentObject = defineObject(
  'payment_intent',
  'A payment intent: one payment from a customer through its lifecycle (requires_payment_method ... succeeded), with amounts received and capturable, its latest charge and last error.',
  {
    id: objectId('pi'),
    amount: amount.describe('Amount to collect, in the smallest currency unit (e.g. cents; 100 = $1.00).'),
    amount_capturable: z.number().int().describe('Amount that can still be captured (capture_method manual, status requires_capture), smallest currency unit.'),
    amount_details: z
      .looseObject({
        discount_amount: z.number().int().nullable().optional().describe('Order-level discount, smallest currency unit.'),
        line_items: z
          .looseObject({
            object: z.literal('list'),
            data: z.array(paymentIntentAmountDetailsLineItemObject.schema),
            has_more: z.boolean(),
            url: z.string(),
          })
          .optional()
          .describe('The order\'s lines, when set with amount_details.line_items (list_payment_intent_line_items lists them all).'),
        shipping: z
          .looseObject({
            amount: z.number().int().nullable(),
            from_postal_code: z.string().nullable(),
            to_postal_code: z.string().nullable(),
          })
          .nullable()
          .optional()
          .describe('Shipping cost and postal codes, when given.'),
        tax: z.looseObject({ total_tax_amount: z.number().int() }).nullable().optional().describe('Order-level tax, smallest currency unit.'),
        tip: z.looseObject({ amount: z.number().int().optional() }).optional().describe('Tip included in amount (card-present payments).'),
      })
      .optional()
      .describe('Order details: line items, discount, shipping, tax and tip.'),
    amount_received: z.number().int().describe('Amount collected so far, smallest currency unit (0 until the payment succeeds).'),
    application_fee_amount: z.number().int().nullable().describe('Connect: the platform fee, smallest currency unit.'),
    automatic_payment_methods: z
      .looseObject({
        allow_redirects: openEnum(['always', 'never'], 'Whether redirect-based payment methods may be used.').optional(),
        enabled: z.boolean(),
      })
      .nullable()
      .describe('Whether Stripe picks the payment methods enabled in the Dashboard (null when payment_method_types was given).'),
    canceled_at: z.number().int().nullable().describe('When it was canceled (Unix time, seconds); null unless canceled.'),
    cancellation_reason: openEnum(
      ['abandoned', 'automatic', 'duplicate', 'expired', 'failed_invoice', 'fraudulent', 'requested_by_customer', 'void_invoice'],
      'Why it was canceled.',
    ).nullable(),
    capture_method: openEnum(['automatic', 'automatic_async', 'manual'], 'When the funds are captured; manual = authorize now, capture later.'),
    client_secret: z.string().nullable().describe('Secret for confirming on the client side (Stripe.js). Do not log or store it.'),
    confirmation_method: openEnum(['automatic', 'manual'], 'Whether it can be confirmed with the publishable key (automatic) or only with the secret key (manual).'),
    created,
    currency,
    customer: expandable('customer').nullable().describe('The customer paying, if any.'),
    description: z.string().nullable(),
    last_payment_error: attemptError.nullable().describe('Why the last confirmation failed (null after a success or before any attempt).'),
    latest_charge: expandable('charge').nullable().describe('The latest charge (ch_...) this payment intent made.'),
    livemode,
    metadata,
    next_action: z
      .looseObject({ type: z.string().describe('e.g. redirect_to_url, use_stripe_sdk, display_bank_transfer_instructions.') })
      .nullable()
      .describe('What the customer must do next (status requires_action), null otherwise.'),
    on_behalf_of: expandable('connected account').nullable().describe('Connect: the account the payment is made on behalf of.'),
    payment_method: expandable('payment method').nullable().describe('The payment method (pm_...) to charge or that was charged.'),
    payment_method_options: z.looseObject({}).nullable().describe('Payment-method-specific settings, keyed by type (e.g. card).'),
    payment_method_types: z.array(z.string()).describe('Payment method types this intent may use, e.g. ["card"].'),
    processing: z.looseObject({ type: z.string() }).nullable().describe('Details while status is processing, null otherwise.'),
    receipt_email: z.string().nullable().describe('Where the receipt is sent once the payment succeeds.'),
    setup_future_usage: openEnum(['off_session', 'on_session'], 'Whether the payment method is saved for later payments.').nullable(),
    shipping: shippingDetails.nullable(),
    statement_descriptor: z.string().nullable().describe('Statement text for non-card payments.'),
    statement_descriptor_suffix: z.string().nullable().describe('Added to the account\'s statement descriptor for card payments.'),
    status: openEnum(
      ['requires_payment_method', 'requires_confirmation', 'requires_action', 'processing', 'requires_capture', 'canceled', 'succeeded'],
      'Where the payment is in its lifecycle.',
    ),
    transfer_data: transferDataOf(
      z.number().int().optional().describe('Amount sent to the destination, smallest currency unit (absent: all of it).'),
    ).nullable(),
    transfer_group: z.string().nullable().describe('Connect: groups the resulting payment with transfers.'),
  },
  {
    id: 'pi_3TZ0aSample0001',
    amount: 2000,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 2000,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic_async',
    client_secret: 'pi_3TZ0aSample0001_secret_SAMPLE',
    confirmation_method: 'automatic',
    created: SAMPLE_CREATED,
    currency: 'usd',
    customer: 'cus_TZ0aSample0001',
    description: 'Order #1042',
    last_payment_error: null,
    latest_charge: 'ch_3TZ0aSample0001',
    livemode: false,
    metadata: { order_id: '1042' },
    next_action: null,
    on_behalf_of: null,
    payment_method: 'pm_1TZ0aSampleCard01',
    payment_method_options: {
      card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' },
    },
    payment_method_types: ['card'],
    processing: null,
    receipt_email: 'jenny.rosen@example.com',
    setup_future_usage: null,
    shipping: SAMPLE_SHIPPING,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'succeeded',
    transfer_data: null,
    transfer_group: null,
  },
  { summary: ['id', 'amount', 'amount_received', 'currency', 'status', 'customer', 'description', 'latest_charge', 'payment_method', 'receipt_email', 'created', 'metadata'] },
);
