import { z } from 'zod';
import { defineAction, defineListAction, sendAction } from './define';
import { expand, fields, idempotencyKey, metadata, optionalFields, stripeId } from '../schemas/common';
import { paymentLinkObject } from '../schemas/objects/payment_link';
import { itemObject } from '../schemas/objects/item';
import { priceId } from './prices';

const group = 'payment_links';
const paymentLinkId = stripeId(['plink'], 'payment link');

const adjustableQuantity = z
  .object({
    enabled: z.boolean().describe('Let the customer change the quantity at checkout.'),
    minimum: z.number().int().min(0).max(999999).optional().describe('Smallest quantity the customer may choose (default 0).'),
    maximum: z.number().int().min(1).max(999999).optional().describe('Largest quantity the customer may choose (default 99).'),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.minimum !== undefined && value.maximum !== undefined && value.minimum > value.maximum) {
      ctx.addIssue({ code: 'custom', path: ['minimum'], message: 'minimum must not exceed maximum' });
    }
  })
  .describe('Lets the customer choose the quantity: {"enabled": true, "maximum": 10} (minimum must not exceed maximum).');

const afterCompletion = z
  .object({
    type: z.enum(['hosted_confirmation', 'redirect']).describe('Show Stripe\'s confirmation page, or redirect to your url.'),
    hosted_confirmation: z
      .object({ custom_message: z.string().max(500).optional().describe('Message on the confirmation page.') })
      .strict()
      .optional(),
    redirect: z
      .object({ url: z.string().url().max(2048).describe('Where to send the customer; {CHECKOUT_SESSION_ID} is replaced by the session id.') })
      .strict()
      .optional()
      .describe('Required when type is redirect.'),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.type === 'redirect' && !value.redirect) ctx.addIssue({ code: 'custom', path: ['redirect'], message: 'redirect.url is required when type is redirect' });
  })
  .describe('What happens after payment: {"type": "redirect", "redirect": {"url": "https://example.com/thanks"}}, or the default hosted confirmation page.');

const toggle = (what: string) => z.object({ enabled: z.boolean() }).strict().describe(what);

/** Settings that create and update share. */
const linkSettings = {
  after_completion: afterCompletion,
  allow_promotion_codes: z.boolean().describe('Let customers enter promotion codes.'),
  billing_address_collection: z.enum(['auto', 'required']).describe('Collect the billing address only when needed (auto) or always (required).'),
  customer_creation: z.enum(['always', 'if_required']).describe('Create a customer for every one-time payment (always) or only when needed.'),
  automatic_tax: toggle('Calculate tax with Stripe Tax: {"enabled": true}.'),
  shipping_address_collection: z
    .object({ allowed_countries: z.array(z.string().regex(/^[A-Z]{2}$/, 'expected a two-letter country code such as US')).min(1) })
    .strict()
    .describe('Collect a shipping address in these countries: {"allowed_countries": ["US", "CA"]}.'),
  metadata: metadata.describe('Key-value pairs stored on the link (on update they merge; a key set to "" is removed).'),
};

export const createPaymentLink = defineAction({
  key: 'create_payment_link',
  title: 'Create payment link',
  description:
    'Creates a shareable checkout page (url https://buy.stripe.com/...) selling line_items: 1 to 20 of {price, quantity}. ' +
    'Each price must be active and all in one currency; recurring prices make it a subscription. Returns the payment link.',
  group,
  output: paymentLinkObject,
  method: 'POST',
  path: '/v1/payment_links',
  input: z
    .object({
      line_items: z
        .array(
          z
            .object({
              price: priceId.describe('An active price (price_...).'),
              quantity: z.number().int().min(1).describe('How many (1 for a price where the customer chooses the amount).'),
              adjustable_quantity: adjustableQuantity.optional(),
            })
            .strict(),
        )
        .min(1)
        .max(20)
        .describe('What the link sells: [{"price": "price_...", "quantity": 1}] (1 to 20 items).'),
      ...optionalFields(linkSettings),
      phone_number_collection: toggle('Collect the customer\'s phone number: {"enabled": true}.').optional(),
      tax_id_collection: toggle('Let business customers enter a tax id: {"enabled": true}.').optional(),
      submit_type: z.enum(['auto', 'book', 'donate', 'pay']).optional().describe('The wording of the pay button (one-time payments).'),
      inactive_message: z.string().max(500).optional().describe('Shown when someone opens the link after it is deactivated.'),
      payment_intent_data: z
        .object({ description: z.string().max(1000).optional(), metadata: metadata.optional() })
        .strict()
        .optional()
        .describe('Description and metadata copied to each payment (one-time payments).'),
      subscription_data: z
        .object({
          description: z.string().max(500).optional(),
          metadata: metadata.optional(),
          trial_period_days: z.number().int().min(1).optional().describe('Days of free trial before the first charge.'),
        })
        .strict()
        .optional()
        .describe('Settings of the subscriptions the link creates (recurring prices).'),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict(),
});

export const retrievePaymentLink = defineAction({
  key: 'retrieve_payment_link',
  title: 'Retrieve payment link',
  description: 'Retrieves a payment link by id (plink_...); active tells whether its url still works. Expand ["line_items"] to include what it sells.',
  group,
  output: paymentLinkObject,
  method: 'GET',
  path: '/v1/payment_links/{payment_link_id}',
  input: z.object({ payment_link_id: paymentLinkId, expand, fields }).strict(),
});

export const updatePaymentLink = defineAction({
  key: 'update_payment_link',
  title: 'Update payment link',
  description:
    'Updates a payment link\'s settings, or the quantities of its line items (by line item id, li_...; prices cannot be swapped: create a new link). active false deactivates it, true reactivates it. Returns the payment link.',
  group,
  output: paymentLinkObject,
  method: 'POST',
  path: '/v1/payment_links/{payment_link_id}',
  input: z
    .object({
      payment_link_id: paymentLinkId,
      active: z.boolean().optional().describe('false deactivates the link (its url shows inactive_message); true reactivates it.'),
      line_items: z
        .array(
          z
            .object({
              id: stripeId(['li'], 'line item').describe('The line item to change (from list_payment_link_line_items).'),
              quantity: z.number().int().min(1).optional(),
              adjustable_quantity: adjustableQuantity.optional(),
            })
            .strict(),
        )
        .min(1)
        .max(20)
        .optional()
        .describe('Changes to existing line items: [{"id": "li_...", "quantity": 2}].'),
      ...optionalFields(linkSettings),
      inactive_message: z.string().max(500).nullable().optional().describe('Shown when the link is deactivated; null clears it.'),
      expand,
    })
    .strict(),
});

export const deactivatePaymentLink = defineAction({
  key: 'deactivate_payment_link',
  title: 'Deactivate payment link',
  description:
    'Deactivates a payment link (sets active to false): customers opening its url see inactive_message and cannot pay. Payment links cannot be deleted; update_payment_link with active true reactivates it. Returns the payment link.',
  group,
  output: paymentLinkObject,
  method: 'POST',
  path: '/v1/payment_links/{payment_link_id}',
  input: z
    .object({
      payment_link_id: paymentLinkId,
      inactive_message: z.string().max(500).optional().describe('What customers see instead of the checkout page.'),
      expand,
    })
    .strict(),
  run: (ctx, input) =>
    sendAction({ key: 'deactivate_payment_link', method: 'POST', path: '/v1/payment_links/{payment_link_id}' }, { ...input, active: false }, ctx),
});

export const listPaymentLinks = defineListAction({
  key: 'list_payment_links',
  title: 'List payment links',
  description: 'Lists payment links, newest first, optionally only active or only deactivated ones. Returns { data, has_more }.',
  group,
  item: paymentLinkObject,
  path: '/v1/payment_links',
  filters: { active: z.boolean().optional().describe('true: only active links; false: only deactivated ones.') },
});

export const listPaymentLinkLineItems = defineListAction({
  key: 'list_payment_link_line_items',
  title: 'List payment link line items',
  description: 'Lists what a payment link sells: items with their price object, quantity and amounts. Returns { data, has_more }.',
  group,
  item: itemObject,
  path: '/v1/payment_links/{payment_link_id}/line_items',
  filters: { payment_link_id: paymentLinkId },
});

export const paymentLinkActions = [
  createPaymentLink,
  retrievePaymentLink,
  updatePaymentLink,
  deactivatePaymentLink,
  listPaymentLinks,
  listPaymentLinkLineItems,
];
