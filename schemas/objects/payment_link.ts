import { z } from 'zod';
import { defineObject } from './define';
import { amount, currency, expandable, livemode, metadata, objectId, openEnum } from './fields';
import { itemList, itemObject } from './item';

const enabled = (what: string) => z.looseObject({ enabled: z.boolean() }).describe(what);

export const paymentLinkObject = defineObject(
  'payment_link',
  'A Stripe payment link: a shareable checkout page (url) selling fixed line items; each visit opens a checkout session.',
  {
    id: objectId('plink'),
    active: z.boolean().describe('Whether the url can take payments; false when deactivated.'),
    after_completion: z
      .looseObject({
        type: openEnum(['hosted_confirmation', 'redirect'], 'What happens after payment.'),
        hosted_confirmation: z
          .looseObject({ custom_message: z.string().nullable() })
          .optional()
          .describe('The confirmation page (type hosted_confirmation).'),
        redirect: z.looseObject({ url: z.string() }).optional().describe('Where the customer is sent (type redirect).'),
      })
      .describe('What the customer sees after paying.'),
    allow_promotion_codes: z.boolean().describe('Whether customers can enter promotion codes.'),
    application_fee_amount: amount.nullable().describe('Connect: fee taken per payment, smallest currency unit; null when none.'),
    automatic_tax: z
      .looseObject({ enabled: z.boolean(), liability: z.looseObject({ type: z.string() }).nullable().optional() })
      .describe('Stripe Tax settings.'),
    billing_address_collection: openEnum(['auto', 'required'], 'When the billing address is collected.'),
    currency,
    custom_fields: z.array(z.looseObject({ key: z.string(), type: z.string() })).describe('Extra fields shown at checkout.'),
    customer_creation: openEnum(['always', 'if_required'], 'When a customer is created for one-time payments.'),
    inactive_message: z.string().nullable().describe('Shown when the link is deactivated; null for Stripe\'s default.'),
    line_items: itemList,
    livemode,
    metadata,
    on_behalf_of: expandable('account').nullable().describe('Connect: the account the payments are made for; null when none.'),
    payment_intent_data: z
      .looseObject({
        capture_method: openEnum(['automatic', 'automatic_async', 'manual'], 'When the payment is captured.').nullable(),
        description: z.string().nullable(),
        metadata,
        setup_future_usage: openEnum(['off_session', 'on_session'], 'Whether the payment method is saved for later.').nullable(),
        statement_descriptor: z.string().nullable(),
      })
      .nullable()
      .describe('Settings of the payment intents created in payment mode; null when none were given.'),
    payment_method_collection: openEnum(['always', 'if_required'], 'When a payment method is collected (if_required: not for free orders).'),
    payment_method_types: z.array(z.string()).nullable().describe('Accepted payment method types; null for those enabled in the Dashboard.'),
    phone_number_collection: enabled('Whether the phone number is collected.'),
    shipping_address_collection: z
      .looseObject({ allowed_countries: z.array(z.string()) })
      .nullable()
      .describe('Countries a shipping address is collected in; null when not collected.'),
    submit_type: openEnum(['auto', 'book', 'donate', 'pay', 'subscribe'], 'Wording of the pay button.'),
    subscription_data: z
      .looseObject({
        description: z.string().nullable(),
        metadata,
        trial_period_days: z.number().int().nullable().describe('Days of free trial before the first charge; null for none.'),
      })
      .nullable()
      .describe('Settings of the subscriptions the link creates; null when none were given.'),
    tax_id_collection: enabled('Whether tax ids are collected.'),
    url: z.string().describe('The link to share: https://buy.stripe.com/...'),
  },
  {
    id: 'plink_1TZ0aSampleLink0001',
    active: true,
    after_completion: { type: 'redirect', redirect: { url: 'https://example.com/thanks' } },
    allow_promotion_codes: true,
    application_fee_amount: null,
    automatic_tax: { enabled: false, liability: null },
    billing_address_collection: 'auto',
    currency: 'usd',
    custom_fields: [],
    customer_creation: 'if_required',
    inactive_message: null,
    line_items: { object: 'list', data: [itemObject.sample], has_more: false, url: '/v1/payment_links/plink_1TZ0aSampleLink0001/line_items' },
    livemode: false,
    metadata: { campaign: 'spring' },
    on_behalf_of: null,
    payment_intent_data: null,
    payment_method_collection: 'always',
    payment_method_types: null,
    phone_number_collection: { enabled: false },
    shipping_address_collection: null,
    submit_type: 'auto',
    subscription_data: { description: 'Pro plan', metadata: {}, trial_period_days: 14 },
    tax_id_collection: { enabled: false },
    url: 'https://buy.stripe.com/test_TZ0aSampleLink0001',
  },
  { summary: ['id', 'url', 'active', 'currency', 'metadata'] },
);
