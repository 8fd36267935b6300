import { z } from 'zod';
import { defineAction, defineListAction } from './define';
import { atMostOne, when } from '../schemas/rules';
import { amountProblem } from '../schemas/currency';
import { createdRange, currency, customerId, email, expand, fields, idempotencyKey, metadata, paymentMethodType, stripeId } from '../schemas/common';
import { checkoutSessionObject } from '../schemas/objects/checkout_session';
import { itemObject } from '../schemas/objects/item';
import { priceId, productId } from './prices';

const group = 'checkout_sessions';
const sessionId = stripeId(['cs'], 'checkout session').describe('The checkout session id (cs_test_... or cs_live_...).');
const url = z.string().url().max(5000);

const lineItem = z
  .object({
    price: priceId.optional().describe('A price (price_...). Give price or price_data.'),
    price_data: z
      .object({
        currency,
        unit_amount: z.number().int().min(0).describe('Price per unit in the smallest currency unit (1999 = $19.99).'),
        product: productId.optional().describe('An existing product; or give product_data.'),
        product_data: z
          .object({ name: z.string().min(1).max(5000), description: z.string().max(40000).optional(), metadata: metadata.optional() })
          .strict()
          .optional()
          .describe('A product made for this session: {"name": "T-shirt"}.'),
        recurring: z
          .object({ interval: z.enum(['day', 'week', 'month', 'year']), interval_count: z.number().int().min(1).optional() })
          .strict()
          .optional()
          .describe('Makes the price recurring (subscription mode).'),
      })
      .strict()
      .optional()
      .describe('An ad-hoc price instead of price: currency, unit_amount and product or product_data.'),
    quantity: z.number().int().min(1).describe('How many units.'),
  })
  .strict()
  .superRefine((item, ctx) => {
    if ((item.price === undefined) === (item.price_data === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['price'], message: 'give exactly one of price or price_data' });
    }
    if (item.price_data && (item.price_data.product === undefined) === (item.price_data.product_data === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['price_data', 'product'], message: 'give exactly one of product or product_data' });
    }
    const problem = item.price_data && amountProblem(item.price_data.unit_amount, item.price_data.currency);
    if (problem) ctx.addIssue({ code: 'custom', path: ['price_data', 'unit_amount'], message: problem });
  });

export const createCheckoutSession = defineAction({
  key: 'create_checkout_session',
  title: 'Create checkout session',
  description:
    'Creates a Stripe-hosted payment page; send the customer to the returned url. mode payment (one-time prices), subscription (at least one recurring price) or setup (saves a payment method; no line items; currency needed unless payment_method_types is given). ' +
    'line_items are required in payment and subscription modes and not allowed in setup mode. Give customer or customer_email, not both. ' +
    'success_url and cancel_url are for the hosted page (ui_mode hosted_page); ui_mode embedded_page takes return_url instead. Returns the session (status open, url, expires_at).',
  group,
  output: checkoutSessionObject,
  method: 'POST',
  path: '/v1/checkout/sessions',
  input: z
    .object({
      mode: z.enum(['payment', 'subscription', 'setup']).describe('payment (one-time), subscription (recurring) or setup (save a payment method).'),
      line_items: z.array(lineItem).min(1).max(100).optional().describe('What is bought: [{"price": "price_...", "quantity": 1}].'),
      success_url: url.optional().describe('Where the customer goes after paying; {CHECKOUT_SESSION_ID} in it is replaced by the session id.'),
      cancel_url: url.optional().describe('Where the customer goes when they go back without paying.'),
      // API 2026-03-25.dahlia renamed hosted/embedded to hosted_page/embedded_page.
      ui_mode: z
        .enum(['hosted_page', 'embedded_page'])
        .optional()
        .describe('hosted_page (default): a Stripe page at url; embedded_page: a form in your site (needs return_url).'),
      return_url: url.optional().describe('Embedded mode only: where the customer goes after paying.'),
      customer: customerId.optional().describe('An existing customer to pay as. Not with customer_email.'),
      customer_email: email.optional().describe('Prefills the email field for a new customer. Not with customer.'),
      client_reference_id: z.string().max(200).optional().describe('Your own reference (order or user id) to reconcile the session later.'),
      currency: currency.optional().describe('Three-letter currency code; needed in setup mode.'),
      allow_promotion_codes: z.boolean().optional().describe('Let the customer enter promotion codes.'),
      expires_at: z.number().int().positive().optional().describe('When the session expires (unix seconds), 30 minutes to 24 hours from now (default 24 hours).'),
      payment_method_types: z.array(paymentMethodType).max(40).optional().describe('Accepted payment method types, e.g. ["card"]; default: those enabled in the Dashboard.'),
      billing_address_collection: z.enum(['auto', 'required']).optional().describe('Whether to always ask for the billing address.'),
      locale: z.string().max(10).optional().describe('Language of the page, e.g. "auto", "en", "fr".'),
      submit_type: z
        .enum(['auto', 'book', 'donate', 'pay', 'subscribe'])
        .optional()
        .describe('Wording of the pay button. Payment or subscription mode.'),
      subscription_data: z
        .object({
          description: z.string().max(500).optional(),
          metadata: metadata.optional(),
          trial_period_days: z.number().int().min(1).max(730).optional(),
        })
        .strict()
        .optional()
        .describe('For the subscription created in subscription mode: description, metadata, trial_period_days.'),
      payment_intent_data: z
        .object({
          description: z.string().max(1000).optional(),
          metadata: metadata.optional(),
          capture_method: z.enum(['automatic', 'automatic_async', 'manual']).optional(),
          setup_future_usage: z.enum(['off_session', 'on_session']).optional(),
        })
        .strict()
        .optional()
        .describe('For the payment intent created in payment mode: description, metadata, capture_method, setup_future_usage.'),
      metadata: metadata.optional(),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict()
    .superRefine((input, ctx) => {
      if (input.mode === 'setup' && !input.currency && !input.payment_method_types) {
        ctx.addIssue({ code: 'custom', path: ['currency'], message: 'setup mode needs currency (or payment_method_types)' });
      }
      if (input.ui_mode !== 'embedded_page' && input.return_url) {
        ctx.addIssue({ code: 'custom', path: ['return_url'], message: 'return_url is for ui_mode embedded_page only' });
      }
    }),
  rules: [
    atMostOne('customer', 'customer_email'),
    when('mode', ['payment', 'subscription'], { requires: ['line_items'] }),
    when('mode', ['setup'], { forbids: ['line_items', 'submit_type'] }),
    when('mode', ['payment', 'setup'], { forbids: ['subscription_data'] }),
    when('mode', ['subscription', 'setup'], { forbids: ['payment_intent_data'] }),
    when('ui_mode', ['embedded_page'], { requires: ['return_url'], forbids: ['success_url', 'cancel_url'] }),
  ],
});

export const retrieveCheckoutSession = defineAction({
  key: 'retrieve_checkout_session',
  title: 'Retrieve checkout session',
  description: 'Retrieves a checkout session by id: status (open, complete, expired), payment_status, amounts, customer. expand ["line_items"] includes what was bought.',
  group,
  output: checkoutSessionObject,
  method: 'GET',
  path: '/v1/checkout/sessions/{checkout_session_id}',
  input: z.object({ checkout_session_id: sessionId, expand, fields }).strict(),
});

export const expireCheckoutSession = defineAction({
  key: 'expire_checkout_session',
  title: 'Expire checkout session',
  description: 'Expires an open checkout session so the customer can no longer pay; Stripe refuses sessions that are complete or already expired. Returns the session (status expired).',
  group,
  output: checkoutSessionObject,
  method: 'POST',
  path: '/v1/checkout/sessions/{checkout_session_id}/expire',
  input: z.object({ checkout_session_id: sessionId, expand }).strict(),
});

export const listCheckoutSessions = defineListAction({
  key: 'list_checkout_sessions',
  title: 'List checkout sessions',
  description: 'Lists checkout sessions, newest first, optionally by customer, payment intent, subscription, status or creation time. Returns { data, has_more }.',
  group,
  item: checkoutSessionObject,
  path: '/v1/checkout/sessions',
  filters: {
    customer: customerId.optional().describe('Only this customer\'s sessions.'),
    payment_intent: stripeId(['pi'], 'payment intent').optional().describe('Only the session of this payment intent.'),
    subscription: stripeId(['sub'], 'subscription').optional().describe('Only the session that created this subscription.'),
    status: z.enum(['open', 'complete', 'expired']).optional().describe('Only sessions in this status.'),
    created: createdRange,
  },
});

export const listCheckoutSessionLineItems = defineListAction({
  key: 'list_checkout_session_line_items',
  title: 'List checkout session line items',
  description: 'Lists what a checkout session sells: each line item with price, quantity and amounts, in the order given. Returns { data, has_more }.',
  group,
  item: itemObject,
  path: '/v1/checkout/sessions/{checkout_session_id}/line_items',
  filters: { checkout_session_id: sessionId },
});

export const checkoutSessionActions = [
  createCheckoutSession,
  retrieveCheckoutSession,
  expireCheckoutSession,
  listCheckoutSessions,
  listCheckoutSessionLineItems,
];
