import { z } from 'zod';
import { defineObject } from './define';
import { created, currency, expandable, livemode, metadata, objectId, openEnum, SAMPLE_CREATED } from './fields';
import { discountIds } from './line_item';
import { subscriptionItemObject } from './subscription_item';
import { taxRateObject } from './tax_rate';

const STATUSES = ['active', 'canceled', 'incomplete', 'incomplete_expired', 'past_due', 'paused', 'trialing', 'unpaid'];
const timestamp = (what: string) => z.number().int().nullable().describe(`${what} (Unix time, seconds); null when not set.`);

export const subscriptionObject = defineObject(
  'subscription',
  'A subscription: a customer billed for one or more recurring prices (its items), with its status, trial and cancellation.',
  {
    id: objectId('sub'),
    billing_cycle_anchor: z.number().int().describe('The reference time billing periods are aligned to (Unix seconds).'),
    billing_mode: z
      .looseObject({ type: openEnum(['classic', 'flexible'], 'How prorations and periods are computed.') })
      .describe('The billing mode (flexible is the default for new subscriptions since API 2025-09-30.clover).'),
    cancel_at: timestamp('When it will be canceled'),
    cancel_at_period_end: z.boolean().describe('Whether it cancels at the end of the current period.'),
    canceled_at: timestamp('When it was canceled (or, with cancel_at_period_end, when that was requested)'),
    cancellation_details: z
      .looseObject({
        comment: z.string().nullable().describe('The customer\'s comment.'),
        feedback: openEnum(
          ['customer_service', 'low_quality', 'missing_features', 'other', 'switched_service', 'too_complex', 'too_expensive', 'unused'],
          'The customer\'s reason.',
        ).nullable(),
        reason: openEnum(['cancellation_requested', 'payment_disputed', 'payment_failed'], 'Why it was canceled.').nullable(),
      })
      .nullable()
      .describe('Why it was canceled.'),
    collection_method: openEnum(['charge_automatically', 'send_invoice'], 'charge_automatically charges the default payment method; send_invoice emails invoices.'),
    created,
    currency,
    customer: expandable('customer'),
    days_until_due: z.number().int().nullable().describe('With send_invoice: days the customer has to pay each invoice.'),
    default_payment_method: expandable('payment method').nullable().describe('The payment method charged (else the customer\'s default).'),
    default_source: expandable('source').nullable(),
    default_tax_rates: z.array(taxRateObject.schema).nullable().describe('Tax rates applied to items without their own.'),
    description: z.string().nullable(),
    discounts: discountIds,
    ended_at: timestamp('When it ended'),
    items: z
      .looseObject({
        object: z.string().describe('Always "list".'),
        data: z.array(subscriptionItemObject.schema).describe('The items, each with its price, quantity and current period.'),
        has_more: z.boolean(),
        url: z.string(),
      })
      .describe('What the customer is subscribed to.'),
    latest_invoice: expandable('invoice').nullable().describe('The most recent invoice of the subscription.'),
    livemode,
    metadata,
    pause_collection: z
      .looseObject({
        behavior: openEnum(['keep_as_draft', 'mark_uncollectible', 'void'], 'What happens to invoices while paused.'),
        resumes_at: timestamp('When collection resumes by itself'),
      })
      .nullable()
      .describe('Set while payment collection is paused; null otherwise.'),
    pending_setup_intent: expandable('setup intent').nullable(),
    schedule: expandable('subscription schedule').nullable(),
    start_date: z.number().int().describe('When the subscription started (Unix seconds).'),
    status: openEnum(STATUSES, 'The subscription\'s state.'),
    test_clock: expandable('test clock').nullable(),
    trial_end: timestamp('When the trial ends (or ended)'),
    trial_settings: z
      .looseObject({
        end_behavior: z.looseObject({
          missing_payment_method: openEnum(['cancel', 'create_invoice', 'pause'], 'What happens when the trial ends without a payment method.'),
        }),
      })
      .nullable()
      .describe('Trial settings.'),
    trial_start: timestamp('When the trial started'),
  },
  {
    id: 'sub_1TZ0aSample0001',
    billing_cycle_anchor: SAMPLE_CREATED,
    billing_mode: { type: 'flexible' },
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, reason: null },
    collection_method: 'charge_automatically',
    created: SAMPLE_CREATED,
    currency: 'usd',
    customer: 'cus_TZ0aSample0001',
    days_until_due: null,
    default_payment_method: 'pm_1TZ0aSampleCard01',
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    ended_at: null,
    items: {
      object: 'list',
      data: [subscriptionItemObject.sample],
      has_more: false,
      url: '/v1/subscription_items?subscription=sub_1TZ0aSample0001',
    },
    latest_invoice: 'in_1TZ0aSample0002',
    livemode: false,
    metadata: { plan: 'pro' },
    pause_collection: null,
    pending_setup_intent: null,
    schedule: null,
    start_date: SAMPLE_CREATED,
    status: 'active',
    test_clock: null,
    trial_end: null,
    trial_settings: { end_behavior: { missing_payment_method: 'create_invoice' } },
    trial_start: null,
  },
  { summary: ['id', 'customer', 'status', 'currency', 'cancel_at_period_end', 'canceled_at', 'trial_end', 'start_date', 'latest_invoice', 'items.data.price.id', 'items.data.quantity', 'created', 'metadata'] },
);
