import { z } from 'zod';
import { defineAction, defineListAction, defineSearchAction } from './define';
import { atMostOne } from '../schemas/rules';
import { createdRange, customerId, expand, fields, idempotencyKey, metadata, metadataUpdate, paymentMethodId, stripeId } from '../schemas/common';
import { priceId } from './prices';
import { subscriptionObject } from '../schemas/objects/subscription';
import { subscriptionItemObject } from '../schemas/objects/subscription_item';

const group = 'subscriptions';
const subscriptionId = stripeId(['sub'], 'subscription');
const quantity = z.number().int().min(0).describe('How many units of the price (default 1).');
const prorationBehavior = z
  .enum(['create_prorations', 'always_invoice', 'none'])
  .describe('How to bill a change mid-period: create_prorations (default; credited/charged on the next invoice), always_invoice (invoice the proration now) or none.');
const collectionMethod = z
  .enum(['charge_automatically', 'send_invoice'])
  .describe('charge_automatically (default) charges the default payment method; send_invoice emails invoices to pay within days_until_due.');
const daysUntilDue = z.number().int().min(0).describe('Days the customer has to pay each invoice. Only with collection_method send_invoice.');
const paymentBehavior = z
  .enum(['allow_incomplete', 'default_incomplete', 'error_if_incomplete', 'pending_if_incomplete'])
  .describe('What happens when the first payment needs action or fails: default_incomplete leaves the subscription incomplete until paid (recommended with a payment form), error_if_incomplete fails the request, allow_incomplete creates it anyway.');
const trialEnd = z
  .union([z.literal('now'), z.number().int().positive()])
  .describe('When the trial ends: a unix timestamp in the future, or "now" to end it immediately.');
const trialSettings = z
  .object({
    end_behavior: z
      .object({ missing_payment_method: z.enum(['cancel', 'create_invoice', 'pause']) })
      .strict()
      .describe('What happens when the trial ends and no payment method is saved: cancel, create_invoice (default) or pause.'),
  })
  .strict()
  .describe('Trial settings.');
const discounts = z
  .array(
    z
      .object({
        coupon: z.string().min(1).max(5000).optional().describe('A coupon id.'),
        promotion_code: stripeId(['promo'], 'promotion code').optional(),
      })
      .strict()
      .superRefine((d, ctx) => {
        if ((d.coupon === undefined) === (d.promotion_code === undefined)) {
          ctx.addIssue({ code: 'custom', path: ['coupon'], message: 'give exactly one of coupon or promotion_code' });
        }
      }),
  )
  .max(20)
  .describe('Coupons or promotion codes to apply, each {"coupon": "..."} or {"promotion_code": "promo_..."}.');
const cancellationDetails = z
  .object({
    comment: z.string().max(5000).nullable().optional().describe('Free-text reason given by the customer (null clears it).'),
    feedback: z
      .enum(['customer_service', 'low_quality', 'missing_features', 'other', 'switched_service', 'too_complex', 'too_expensive', 'unused'])
      .nullable()
      .optional()
      .describe('The customer\'s reason for cancelling (null clears it).'),
  })
  .strict()
  .describe('Why the subscription is (being) cancelled.');
const description = z.string().max(500).describe('A description shown to the customer (up to 500 characters).');

export const createSubscription = defineAction({
  key: 'create_subscription',
  title: 'Create subscription',
  description:
    'Subscribes a customer to one or more recurring prices (items, up to 20, each price at most once). ' +
    'Give a trial with trial_period_days or trial_end (not both); days_until_due only with collection_method send_invoice. ' +
    'Prorations follow Stripe\'s flexible billing mode, the default for new subscriptions since API 2025-09-30. ' +
    'Returns the subscription: status active, trialing with a trial, or incomplete until the first payment succeeds.',
  group,
  output: subscriptionObject,
  method: 'POST',
  path: '/v1/subscriptions',
  input: z
    .object({
      customer: customerId.describe('The customer to subscribe (cus_...).'),
      items: z
        .array(z.object({ price: priceId.describe('A recurring price (price_...).'), quantity: quantity.optional(), metadata: metadata.optional() }).strict())
        .min(1)
        .max(20)
        .describe('What the customer subscribes to: [{"price": "price_...", "quantity": 1}], up to 20 items.'),
      default_payment_method: paymentMethodId.optional().describe('The payment method to charge (else the customer\'s default).'),
      collection_method: collectionMethod.optional(),
      days_until_due: daysUntilDue.optional(),
      trial_period_days: z.number().int().min(1).max(730).optional().describe('Days of free trial from now. Not with trial_end.'),
      trial_end: trialEnd.optional(),
      trial_settings: trialSettings.optional(),
      cancel_at_period_end: z.boolean().optional().describe('Cancel at the end of the first period.'),
      cancel_at: z.number().int().positive().optional().describe('Cancel at this time (unix seconds).'),
      discounts: discounts.optional(),
      payment_behavior: paymentBehavior.exclude(['pending_if_incomplete']).describe(paymentBehavior.description ?? '').optional(), // update-only value
      proration_behavior: prorationBehavior.optional(),
      description: description.optional(),
      metadata: metadata.optional(),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict()
    .superRefine((input, ctx) => {
      if (input.days_until_due !== undefined && input.collection_method !== 'send_invoice') {
        ctx.addIssue({ code: 'custom', path: ['days_until_due'], message: 'days_until_due needs collection_method send_invoice' });
      }
      const prices = input.items.map((item) => item.price);
      prices.forEach((price, i) => {
        if (prices.indexOf(price) !== i) ctx.addIssue({ code: 'custom', path: ['items', i, 'price'], message: 'each price can appear only once' });
      });
    }),
  rules: [atMostOne('trial_end', 'trial_period_days')],
});

export const retrieveSubscription = defineAction({
  key: 'retrieve_subscription',
  title: 'Retrieve subscription',
  description: 'Retrieves a subscription by id, canceled ones included. Returns the subscription with its items (each with its current period).',
  group,
  output: subscriptionObject,
  method: 'GET',
  path: '/v1/subscriptions/{subscription_id}',
  input: z.object({ subscription_id: subscriptionId, expand, fields }).strict(),
});

const updateItem = z
  .object({
    id: stripeId(['si'], 'subscription item').optional().describe('The item to change or remove (si_...); omit to add a new item.'),
    price: priceId.optional().describe('The new price of the item, or the price of a new item.'),
    quantity: quantity.optional(),
    deleted: z.boolean().optional().describe('true removes the item (needs id).'),
    clear_usage: z.boolean().optional().describe('With deleted, also clear metered usage.'),
    metadata: metadataUpdate.optional(),
  })
  .strict();

export const updateSubscription = defineAction({
  key: 'update_subscription',
  title: 'Update subscription',
  description:
    'Changes a subscription: items (each {"id": "si_...", "quantity": 2}, {"id": "si_...", "deleted": true} or a new {"price": "price_..."}; an item needs id or price, deleted needs id), ' +
    'cancel_at_period_end, pause_collection (null resumes collection), trial_end ("now" ends the trial), payment method, metadata (merged). ' +
    'days_until_due not with collection_method charge_automatically. A canceled subscription only takes metadata and cancellation_details. Returns the subscription.',
  group,
  output: subscriptionObject,
  method: 'POST',
  path: '/v1/subscriptions/{subscription_id}',
  input: z
    .object({
      subscription_id: subscriptionId,
      items: z.array(updateItem).max(20).optional().describe('Items to change, remove or add.'),
      cancel_at_period_end: z.boolean().optional().describe('true cancels at the end of the current period; false undoes it.'),
      cancel_at: z.number().int().positive().nullable().optional().describe('Cancel at this time (unix seconds); null removes a scheduled cancellation.'),
      cancellation_details: cancellationDetails.optional(),
      pause_collection: z
        .object({
          behavior: z
            .enum(['keep_as_draft', 'mark_uncollectible', 'void'])
            .describe('What happens to invoices while paused: keep_as_draft, mark_uncollectible or void.'),
          resumes_at: z.number().int().positive().optional().describe('When collection resumes by itself (unix seconds).'),
        })
        .strict()
        .nullable()
        .optional()
        .describe('Pause payment collection (the status stays active); null resumes it.'),
      proration_behavior: prorationBehavior.optional(),
      proration_date: z.number().int().positive().optional().describe('Compute prorations as of this time (unix seconds).'),
      billing_cycle_anchor: z.enum(['now', 'unchanged']).optional().describe('now restarts the billing period today.'),
      default_payment_method: paymentMethodId.optional(),
      collection_method: collectionMethod.optional(),
      days_until_due: daysUntilDue.optional(),
      trial_end: trialEnd.optional(),
      trial_settings: trialSettings.optional(),
      payment_behavior: paymentBehavior.optional(),
      discounts: discounts.nullable().optional().describe('Replaces the discounts; null removes them all.'),
      description: description.nullable().optional(),
      metadata: metadataUpdate.optional(),
      expand,
    })
    .strict()
    .superRefine((input, ctx) => {
      if (input.days_until_due !== undefined && input.collection_method === 'charge_automatically') {
        ctx.addIssue({ code: 'custom', path: ['days_until_due'], message: 'days_until_due does not go with collection_method charge_automatically' });
      }
      input.items?.forEach((item, i) => {
        if (!item.id && !item.price) ctx.addIssue({ code: 'custom', path: ['items', i, 'price'], message: 'give id (to change an item) or price (to add one)' });
        if (item.deleted && !item.id) ctx.addIssue({ code: 'custom', path: ['items', i, 'id'], message: 'deleted needs the item id' });
      });
    }),
});

export const cancelSubscription = defineAction({
  key: 'cancel_subscription',
  title: 'Cancel subscription',
  description:
    'Cancels a subscription immediately (to cancel at the period end, use update_subscription with cancel_at_period_end). ' +
    'invoice_now bills pending usage and prorations now; prorate credits the unused time. Returns the canceled subscription (status canceled).',
  group,
  output: subscriptionObject,
  method: 'DELETE',
  path: '/v1/subscriptions/{subscription_id}',
  input: z
    .object({
      subscription_id: subscriptionId,
      invoice_now: z.boolean().optional().describe('Create a final invoice now for pending usage and prorations.'),
      prorate: z.boolean().optional().describe('Credit the unused part of the period.'),
      cancellation_details: cancellationDetails.optional(),
      expand,
    })
    .strict(),
});

export const resumeSubscription = defineAction({
  key: 'resume_subscription',
  title: 'Resume subscription',
  description:
    'Resumes a paused subscription (status paused, e.g. after a trial ended without a payment method); any other status is refused by Stripe. ' +
    'To resume payment collection paused with pause_collection, use update_subscription with pause_collection null. Returns the subscription.',
  group,
  output: subscriptionObject,
  method: 'POST',
  path: '/v1/subscriptions/{subscription_id}/resume',
  input: z
    .object({
      subscription_id: subscriptionId,
      billing_cycle_anchor: z.enum(['now', 'unchanged']).optional().describe('now (default) starts a new billing period today; unchanged keeps the old cycle.'),
      proration_behavior: prorationBehavior.optional(),
      proration_date: z.number().int().positive().optional().describe('Compute prorations as of this time (unix seconds).'),
      expand,
    })
    .strict(),
});

export const listSubscriptions = defineListAction({
  key: 'list_subscriptions',
  title: 'List subscriptions',
  description:
    'Lists subscriptions, newest first. Without status, canceled ones are left out; status "all" includes them, "ended" gives only canceled ones. Returns { data, has_more }.',
  group,
  item: subscriptionObject,
  path: '/v1/subscriptions',
  filters: {
    customer: customerId.optional().describe('Only this customer\'s subscriptions.'),
    price: priceId.optional().describe('Only subscriptions with an item of this price.'),
    status: z
      .enum(['active', 'all', 'canceled', 'ended', 'incomplete', 'incomplete_expired', 'past_due', 'paused', 'trialing', 'unpaid'])
      .optional()
      .describe('Only this status; all = every status, ended = canceled or expired.'),
    collection_method: collectionMethod.optional(),
    created: createdRange,
  },
});

export const searchSubscriptions = defineSearchAction({
  key: 'search_subscriptions',
  title: 'Search subscriptions',
  description:
    'Searches subscriptions with Stripe\'s search language. Results can lag new writes by about a minute. Returns { data, has_more, next_page }.',
  group,
  item: subscriptionObject,
  path: '/v1/subscriptions/search',
  queryHelp: "Stripe search query over status, created and metadata, e.g. status:'active' AND metadata['plan']:'pro', created>1700000000.",
});

export const listSubscriptionItems = defineListAction({
  key: 'list_subscription_items',
  title: 'List subscription items',
  description: 'Lists the items of one subscription (price, quantity, current period). Returns { data, has_more }.',
  group,
  item: subscriptionItemObject,
  path: '/v1/subscription_items',
  filters: { subscription: subscriptionId.describe('The subscription whose items to list (sub_...).') },
});

export const subscriptionActions = [
  createSubscription,
  retrieveSubscription,
  updateSubscription,
  cancelSubscription,
  resumeSubscription,
  listSubscriptions,
  searchSubscriptions,
  listSubscriptionItems,
];
