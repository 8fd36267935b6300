import { z } from 'zod';
import { defineAction, defineListAction } from './define';
import { address, customerId, email, expand, fields, idempotencyKey, metadata, paymentMethodId, paymentMethodType } from '../schemas/common';
import { paymentMethodObject } from '../schemas/objects/payment_method';

const group = 'payment_methods';


const billingDetails = z
  .object({
    name: z.string().max(5000).optional(),
    email: email.optional(),
    phone: z.string().max(5000).optional(),
    address: address.optional(),
  })
  .strict()
  .describe('The billing name, email, phone and address of the card holder.');

export const createPaymentMethod = defineAction({
  key: 'create_payment_method',
  title: 'Create payment method',
  description:
    'Creates a card payment method from a token (card: { token: "tok_visa" } in test mode; in live mode tokens come from Stripe.js or Elements). ' +
    'It belongs to no customer until attach_payment_method. Returns the payment method.',
  group,
  output: paymentMethodObject,
  method: 'POST',
  path: '/v1/payment_methods',
  input: z
    .object({
      type: z.literal('card').describe('The payment method type; this action creates cards.'),
      card: z
        .object({
          token: z.string().regex(/^tok_[A-Za-z0-9_]+$/, 'expected a card token (tok_...)').describe('A card token: tok_visa, tok_mastercard, tok_chargeDeclined ... in test mode.'),
        })
        .strict()
        .describe('The card, as a token.'),
      billing_details: billingDetails.optional(),
      metadata: metadata.optional(),
      allow_redisplay: z
        .enum(['always', 'limited', 'unspecified'])
        .optional()
        .describe('Whether it may be shown to the customer again in checkout flows.'),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict(),
});

export const attachPaymentMethod = defineAction({
  key: 'attach_payment_method',
  title: 'Attach payment method',
  description:
    'Saves a payment method to a customer so it can be charged again (the card is checked: a declined card fails with a card_error). Returns the payment method.',
  group,
  output: paymentMethodObject,
  method: 'POST',
  path: '/v1/payment_methods/{payment_method_id}/attach',
  input: z
    .object({
      payment_method_id: paymentMethodId,
      customer: customerId.describe('The customer to attach it to.'),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict(),
});

export const detachPaymentMethod = defineAction({
  key: 'detach_payment_method',
  title: 'Detach payment method',
  description: 'Removes a payment method from its customer; it can no longer be used (customer becomes null). Returns the payment method.',
  group,
  output: paymentMethodObject,
  method: 'POST',
  path: '/v1/payment_methods/{payment_method_id}/detach',
  input: z.object({ payment_method_id: paymentMethodId, expand }).strict(),
});

export const retrievePaymentMethod = defineAction({
  key: 'retrieve_payment_method',
  title: 'Retrieve payment method',
  description: 'Retrieves a payment method by id: type, card brand, last4, expiry, billing details and customer.',
  group,
  output: paymentMethodObject,
  method: 'GET',
  path: '/v1/payment_methods/{payment_method_id}',
  input: z.object({ payment_method_id: paymentMethodId, expand, fields }).strict(),
});

export const listCustomerPaymentMethods = defineListAction({
  key: 'list_customer_payment_methods',
  title: 'List customer payment methods',
  description: 'Lists the payment methods saved to a customer, newest first, optionally of one type (e.g. card). Returns { data, has_more }.',
  group,
  item: paymentMethodObject,
  path: '/v1/customers/{customer_id}/payment_methods',
  filters: {
    customer_id: customerId,
    type: paymentMethodType.optional().describe('Only payment methods of this type, e.g. card, sepa_debit, us_bank_account.'),
    allow_redisplay: z.enum(['always', 'limited', 'unspecified']).optional().describe('Only those with this redisplay setting.'),
  },
});

export const paymentMethodActions = [
  createPaymentMethod,
  attachPaymentMethod,
  detachPaymentMethod,
  retrievePaymentMethod,
  listCustomerPaymentMethods,
];
