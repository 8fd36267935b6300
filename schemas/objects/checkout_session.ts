import { z } from 'zod';
import { defineObject } from './define';
import { address, amount, created, currency, expandable, livemode, metadata, openEnum, SAMPLE_CREATED } from './fields';
import { itemList, itemObject } from './item';

export const checkoutSessionObject = defineObject(
  'checkout.session',
  'A Stripe Checkout session: one customer\'s visit to a Stripe payment page, with its status, amounts and what it created (payment intent, subscription, customer).',
  {
    id: z.string().regex(/^cs_/).describe('Unique identifier (cs_test_... or cs_live_...).'),
    allow_promotion_codes: z.boolean().nullable().describe('Whether customers can enter promotion codes.'),
    amount_subtotal: amount.nullable().describe('Total before discounts and taxes, smallest currency unit; null in setup mode.'),
    amount_total: amount.nullable().describe('Total after discounts and taxes, smallest currency unit; null in setup mode.'),
    automatic_tax: z
      .looseObject({
        enabled: z.boolean(),
        liability: z.looseObject({ type: z.string() }).nullable().optional(),
        status: openEnum(['complete', 'failed', 'requires_location_inputs'], 'Status of the tax calculation.').nullable(),
      })
      .describe('Stripe Tax settings and status.'),
    billing_address_collection: openEnum(['auto', 'required'], 'When the billing address is collected.').nullable(),
    cancel_url: z.string().nullable().describe('Where the customer goes when they go back without paying (hosted_page only).'),
    client_reference_id: z.string().nullable().describe('Your own reference (order or user id).'),
    client_secret: z
      .string()
      .nullable()
      .describe('Secret for mounting the embedded form (ui_mode embedded_page); null for hosted_page sessions and once the session is no longer open.'),
    collected_information: z
      .looseObject({
        shipping_details: z.looseObject({ address, name: z.string() }).nullable().optional(),
      })
      .nullable()
      .describe('What the customer entered on the page (shipping_details: name and address); null until collected. Added in API 2025-02-24.acacia; since 2025-03-31.basil the top-level shipping_details is gone and the shipping address is only here.'),
    created,
    currency: currency.nullable().describe('The session\'s currency; null in setup mode without one.'),
    customer: expandable('customer').nullable().describe('The customer who pays: the one given, or the one created on completion; null until known.'),
    customer_creation: openEnum(['always', 'if_required'], 'When a customer is created on completion.').nullable(),
    customer_details: z
      .looseObject({
        address: address.nullable(),
        email: z.string().nullable(),
        name: z.string().nullable(),
        phone: z.string().nullable(),
        tax_exempt: openEnum(['none', 'exempt', 'reverse'], 'Tax exemption status.').nullable(),
        tax_ids: z.array(z.looseObject({ type: z.string(), value: z.string().nullable() })).nullable(),
      })
      .nullable()
      .describe('What the customer entered (email, name, address...); null until known.'),
    customer_email: z.string().nullable().describe('The email the page was prefilled with.'),
    expires_at: z.number().int().describe('When the session expires if not completed (Unix time, seconds).'),
    invoice: expandable('invoice').nullable().describe('The invoice created on completion (invoice creation or subscription); null otherwise.'),
    line_items: itemList,
    livemode,
    locale: z.string().nullable().describe('Language of the page, e.g. en, fr, or auto; null for the browser\'s.'),
    metadata: metadata.nullable(),
    mode: openEnum(['payment', 'setup', 'subscription'], 'What the session does.'),
    payment_intent: expandable('payment intent').nullable().describe('The payment intent (payment mode); null until created.'),
    payment_link: expandable('payment link').nullable().describe('The payment link that opened this session; null otherwise.'),
    payment_method_types: z.array(z.string()).describe('Payment method types the page accepts, e.g. ["card"].'),
    payment_status: openEnum(['paid', 'unpaid', 'no_payment_required'], 'Whether the payment went through; fulfil orders on paid or no_payment_required.'),
    redirect_on_completion: openEnum(['always', 'if_required', 'never'], 'When an embedded_page session redirects to return_url.')
      .optional()
      .describe('Only on ui_mode embedded_page sessions.'),
    return_url: z.string().optional().describe('Where an embedded_page session sends the customer after paying; only on ui_mode embedded_page sessions.'),
    setup_intent: expandable('setup intent').nullable().describe('The setup intent (setup mode); null until created.'),
    status: openEnum(['open', 'complete', 'expired'], 'open until paid (complete) or expired.').nullable(),
    submit_type: openEnum(['auto', 'book', 'donate', 'pay', 'subscribe'], 'Wording of the pay button.').nullable(),
    subscription: expandable('subscription').nullable().describe('The subscription created (subscription mode); null until completed.'),
    success_url: z.string().nullable().describe('Where the customer goes after paying (hosted_page only).'),
    total_details: z
      .looseObject({
        amount_discount: amount,
        amount_shipping: amount.nullable(),
        amount_tax: amount,
      })
      .nullable()
      .describe('Discount, shipping and tax totals, smallest currency unit; null in setup mode.'),
    ui_mode: openEnum(['hosted_page', 'embedded_page'], 'Where the page is shown (API 2026-03-25.dahlia names; before: hosted, embedded).').nullable(),
    url: z
      .string()
      .nullable()
      .describe('The Stripe-hosted page to send the customer to (ui_mode hosted_page); null for embedded_page sessions and once the session is no longer open.'),
  },
  {
    id: 'cs_test_a1TZ0aSampleSession0001',
    allow_promotion_codes: true,
    amount_subtotal: 3998,
    amount_total: 3998,
    automatic_tax: { enabled: false, liability: null, status: null },
    billing_address_collection: 'auto',
    cancel_url: 'https://example.com/cart',
    client_reference_id: 'order_42',
    client_secret: null,
    collected_information: null,
    created: SAMPLE_CREATED,
    currency: 'usd',
    customer: 'cus_TZ0aSample0001',
    customer_creation: null,
    customer_details: {
      address: null,
      email: 'jenny.rosen@example.com',
      name: 'Jenny Rosen',
      phone: null,
      tax_exempt: 'none',
      tax_ids: [],
    },
    customer_email: null,
    expires_at: SAMPLE_CREATED + 86400,
    invoice: null,
    line_items: {
      object: 'list',
      data: [itemObject.sample],
      has_more: false,
      url: '/v1/checkout/sessions/cs_test_a1TZ0aSampleSession0001/line_items',
    },
    livemode: false,
    locale: null,
    metadata: { order_id: '42' },
    mode: 'subscription',
    payment_intent: null,
    payment_link: null,
    payment_method_types: ['card'],
    payment_status: 'unpaid',
    setup_intent: null,
    status: 'open',
    submit_type: null,
    subscription: null,
    success_url: 'https://example.com/success?session_id={CHECKOUT_SESSION_ID}',
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted_page',
    url: 'https://checkout.stripe.com/c/pay/cs_test_a1TZ0aSampleSession0001',
  },
  { summary: ['id', 'mode', 'status', 'payment_status', 'url', 'customer', 'customer_email', 'amount_total', 'currency', 'payment_intent', 'subscription', 'expires_at', 'created', 'metadata'] },
);
