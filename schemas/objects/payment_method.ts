import { z } from 'zod';
import { defineObject } from './define';
import { address, created, expandable, livemode, metadata, objectId, openEnum, SAMPLE_ADDRESS, SAMPLE_CREATED } from './fields';

/** The billing details every payment method carries (each part null when not collected); charges copy them. */
export const billingDetails = z
  .looseObject({
    address: address.nullable(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    phone: z.string().nullable(),
  })
  .describe('Billing name, email, phone and address collected with the payment method.');

const card = z
  .looseObject({
    brand: openEnum(
      ['amex', 'diners', 'discover', 'eftpos_au', 'jcb', 'link', 'mastercard', 'unionpay', 'visa', 'unknown'],
      'Card network, lowercase.',
    ),
    checks: z
      .looseObject({
        address_line1_check: z.string().nullable().describe('pass, fail, unavailable or unchecked; null when no address line 1 was given.'),
        address_postal_code_check: z.string().nullable().describe('pass, fail, unavailable or unchecked; null when no postal code was given.'),
        cvc_check: z.string().nullable().describe('pass, fail, unavailable or unchecked; null when no CVC was given.'),
      })
      .nullable()
      .describe('Results of the address and CVC checks.'),
    country: z.string().nullable().describe('Two-letter ISO country code of the issuing bank.'),
    display_brand: z.string().nullable().describe('The brand to show the customer (e.g. cartes_bancaires for a co-branded card).'),
    exp_month: z.number().int().describe('Expiry month (1-12).'),
    exp_year: z.number().int().describe('Four-digit expiry year.'),
    fingerprint: z.string().nullable().describe('The same for every payment method made from this card number: use it to spot duplicates.'),
    funding: openEnum(['credit', 'debit', 'prepaid', 'unknown'], 'Funding type.'),
    generated_from: z.looseObject({}).nullable().describe('The card-present payment this card was generated from, if any.'),
    last4: z.string().describe('Last four digits of the card number.'),
    networks: z
      .looseObject({
        available: z.array(z.string()).describe('Networks the card can be charged on.'),
        preferred: z.string().nullable().describe('The network the customer prefers; null lets Stripe choose.'),
      })
      .nullable(),
    three_d_secure_usage: z.looseObject({ supported: z.boolean() }).nullable().describe('Whether 3D Secure is supported.'),
    wallet: z
      .looseObject({
        dynamic_last4: z.string().nullable().describe('Last four digits of the device account number.'),
        type: openEnum(['amex_express_checkout', 'apple_pay', 'google_pay', 'link', 'masterpass', 'samsung_pay', 'visa_checkout'], 'The wallet.'),
      })
      .nullable()
      .describe('The wallet the card was added from (Apple Pay, Google Pay...), or null.'),
  })
  .describe('Card details (present when type is card).');

export const paymentMethodObject = defineObject(
  'payment_method',
  'A customer\'s payment instrument (a card, a bank account...) that payments and subscriptions charge, with its billing details.',
  {
    id: objectId('pm'),
    allow_redisplay: openEnum(['always', 'limited', 'unspecified'], 'Whether it may be shown to the customer again in checkout flows.').optional(),
    billing_details: billingDetails,
    card: card.optional(),
    created,
    customer: expandable('customer').nullable().describe('The customer it is saved to; null until attached (or after detaching).'),
    livemode,
    metadata: metadata.nullable(),
    type: openEnum(
      ['acss_debit', 'affirm', 'bacs_debit', 'bancontact', 'card', 'cashapp', 'customer_balance', 'ideal', 'klarna', 'link', 'paypal', 'sepa_debit', 'us_bank_account'],
      'The kind of payment method; its details are in the field of the same name (card for card).',
    ),
  },
  {
    id: 'pm_1TZ0aSampleCard01',
    allow_redisplay: 'unspecified',
    billing_details: { address: SAMPLE_ADDRESS, email: 'jenny.rosen@example.com', name: 'Jenny Rosen', phone: null },
    card: {
      brand: 'visa',
      checks: { address_line1_check: null, address_postal_code_check: 'pass', cvc_check: 'pass' },
      country: 'US',
      display_brand: 'visa',
      exp_month: 12,
      exp_year: 2030,
      fingerprint: 'Xt5EWLLDS7FJjR1c',
      funding: 'credit',
      generated_from: null,
      last4: '4242',
      networks: { available: ['visa'], preferred: null },
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: SAMPLE_CREATED,
    customer: 'cus_TZ0aSample0001',
    livemode: false,
    metadata: {},
    type: 'card',
  },
  { summary: ['id', 'type', 'customer', 'card.brand', 'card.last4', 'card.exp_month', 'card.exp_year', 'billing_details.name', 'billing_details.email', 'created'] },
);

/**
 * Why a payment or setup attempt failed (a payment intent's last_payment_error, a setup intent's
 * last_setup_error): Stripe's error object, with the payment method that failed.
 */
export const attemptError = z.looseObject({
  charge: z.string().optional().describe('The failed charge (ch_...).'),
  code: z.string().optional().describe('e.g. card_declined.'),
  decline_code: z.string().optional().describe('The issuer\'s reason, e.g. insufficient_funds.'),
  doc_url: z.string().optional(),
  message: z.string().optional().describe('A message you can show the customer.'),
  param: z.string().optional(),
  payment_method: paymentMethodObject.schema.optional().describe('The payment method that failed.'),
  type: openEnum(['api_error', 'card_error', 'idempotency_error', 'invalid_request_error'], 'The error type.'),
});
