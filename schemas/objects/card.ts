import { z } from 'zod';
import { defineObject } from './define';
import { expandable, metadata, objectId, openEnum } from './fields';

/** Result of a check Stripe ran on the card: pass, fail, unavailable or unchecked; null when not checked. */
const check = (what: string) => z.string().nullable().describe(`Result of the ${what} check: pass, fail, unavailable or unchecked; null when not checked.`);

export const cardObject = defineObject(
  'card',
  'A card saved on a customer as a source (the older Sources API; new integrations save payment methods): brand, last4, expiry and address checks.',
  {
    id: objectId('card'),
    address_city: z.string().nullable(),
    address_country: z.string().nullable().describe('Billing address country.'),
    address_line1: z.string().nullable(),
    address_line1_check: check('address line 1'),
    address_line2: z.string().nullable(),
    address_state: z.string().nullable(),
    address_zip: z.string().nullable(),
    address_zip_check: check('postal code'),
    brand: openEnum(
      ['American Express', 'Diners Club', 'Discover', 'Eftpos Australia', 'JCB', 'MasterCard', 'UnionPay', 'Visa', 'Unknown'],
      'Card brand, capitalised as on the card object.',
    ),
    country: z.string().nullable().describe('Two-letter ISO country code of the issuing bank.'),
    customer: expandable('customer').nullable().describe('The customer the card is saved to.'),
    cvc_check: check('CVC'),
    dynamic_last4: z.string().nullable().describe('Last four digits of the device account number (Apple Pay, Android Pay cards).'),
    exp_month: z.number().int().describe('Expiry month (1-12).'),
    exp_year: z.number().int().describe('Four-digit expiry year.'),
    fingerprint: z.string().nullable().describe('The same for every card object made from this card number: use it to spot duplicates.'),
    funding: openEnum(['credit', 'debit', 'prepaid', 'unknown'], 'Funding type.'),
    last4: z.string().describe('Last four digits of the card number.'),
    metadata: metadata.nullable(),
    name: z.string().nullable().describe('Cardholder name.'),
    tokenization_method: z.string().nullable().describe('apple_pay or google_pay when the card came from a wallet; null otherwise.'),
  },
  {
    id: 'card_1TZ0aSample0001',
    address_city: null,
    address_country: null,
    address_line1: null,
    address_line1_check: null,
    address_line2: null,
    address_state: null,
    address_zip: '94103',
    address_zip_check: 'pass',
    brand: 'Visa',
    country: 'US',
    customer: 'cus_TZ0aSample0001',
    cvc_check: 'pass',
    dynamic_last4: null,
    exp_month: 12,
    exp_year: 2030,
    fingerprint: 'Xt5EWLLDS7FJjR1c',
    funding: 'credit',
    last4: '4242',
    metadata: {},
    name: 'Jenny Rosen',
    tokenization_method: null,
  },
  { summary: ['id', 'brand', 'last4', 'exp_month', 'exp_year', 'country', 'funding', 'customer', 'name'] },
);
