/**
 * The trigger catalogue: one declarative object per trigger. A trigger either watches a list
 * endpoint for new objects (`kind: 'list'`) or watches GET /v1/events for some event types
 * (`kind: 'events'`). The poll machinery (poller.ts) is the same for both: an `events` trigger is a
 * `list` trigger over /v1/events with a `types[]` filter, and its emitted `object` is the event.
 */
import { z } from 'zod';
import type { Output, StripeObjectType } from '../schemas/objects/define';
import { chargeObject } from '../schemas/objects/charge';
import { checkoutSessionObject } from '../schemas/objects/checkout_session';
import { customerObject } from '../schemas/objects/customer';
import { disputeObject } from '../schemas/objects/dispute';
import { eventObject, eventOf } from '../schemas/objects/event';
import { invoiceObject } from '../schemas/objects/invoice';
import { paymentIntentObject } from '../schemas/objects/payment_intent';
import { paymentLinkObject } from '../schemas/objects/payment_link';
import { payoutObject } from '../schemas/objects/payout';
import { refundObject } from '../schemas/objects/refund';
import { subscriptionObject } from '../schemas/objects/subscription';
import { DEFAULT_BACKFILL, DEFAULT_DELIVERY, DEFAULT_LOOKBACK_SECONDS, DEFAULT_MAX_PAGES, DELIVERY_MODES, MAX_LOOKBACK_SECONDS, type CommonOptionName } from './defaults';
import { DEFAULT_EVERY, MAX_EVERY_MS, MIN_EVERY_MS, parseInterval, EVERY_PATTERN } from './interval';

export type TriggerKind = 'list' | 'events';


const every = z
  .string()
  .regex(EVERY_PATTERN, 'expected an interval such as 90s, 10m, 1h or 1h30m')
  .refine((text) => {
    const ms = parseInterval(text);
    return ms !== undefined && ms >= MIN_EVERY_MS && ms <= MAX_EVERY_MS;
  }, 'must be between 1 minute (1m) and 24 hours (24h)')
  .default(DEFAULT_EVERY)
  .describe(`How often to poll: 90s, 10m, 1h, 1h30m ... between 1m and 24h. Default ${DEFAULT_EVERY}.`);

export const commonOptionShape = {
  every,
  backfill: z
    .number()
    .int()
    .min(0)
    .max(100)
    .default(DEFAULT_BACKFILL)
    .describe('How many of the most recent objects the first poll emits (oldest first); 0 = only what is new from now on.'),
  lookback_seconds: z
    .number()
    .int()
    .min(0)
    .max(MAX_LOOKBACK_SECONDS)
    .default(DEFAULT_LOOKBACK_SECONDS)
    .describe(
      `Seconds before the cursor's own second in which late or same-second objects are still looked for and emitted once. Default ${DEFAULT_LOOKBACK_SECONDS}.`,
    ),
  max_pages: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(DEFAULT_MAX_PAGES)
    .describe(`Pages of 100 one poll walks at most; the next poll continues where it stopped, in order. Default ${DEFAULT_MAX_PAGES}.`),
} satisfies Record<CommonOptionName, z.ZodType>;

/** Only on triggers whose objects have Stripe events (`webhookEvents`). */
const delivery = z
  .enum(DELIVERY_MODES)
  .default(DEFAULT_DELIVERY)
  .describe("poll (default) or webhook+poll: Stripe's webhooks fire it within seconds, the poll still runs as the backstop; each object fires once either way.");

const id = (prefixes: string[], what: string) =>
  z
    .string()
    .regex(new RegExp(`^(${prefixes.join('|')})_[A-Za-z0-9]+$`), `expected a ${what} id (${prefixes.map((p) => `${p}_...`).join(', ')})`);

export interface TriggerDefinition {
  key: string;
  title: string;
  description: string;
  kind: TriggerKind;
  /** The list endpoint polled. */
  path: string;
  /** Event types an `events` trigger watches (its `types` option, when it has one, narrows or sets them). */
  eventTypes?: readonly string[];
  /**
   * The Stripe events that carry this trigger's new objects: set, it can be instant (`delivery:
   * "webhook+poll"`). `['*']`: every event (new_event without `types`). Unset: poll only.
   */
  webhookEvents?: readonly string[];
  options: z.ZodObject;
  /** Option names sent to Stripe as list filters (the rest are ours). */
  listFilters: readonly string[];
  /** List params the trigger always sends (new_subscription lists every status: status=all). */
  fixedParams?: Readonly<Record<string, string>>;
  /** A filter Stripe's list cannot apply, checked on each listed object. */
  postFilter?: (object: Record<string, any>, options: Record<string, any>) => boolean;
  /** What each event's `object` is: the new object, or for `events` triggers the Stripe event. */
  emits: Output;
  /** One event as the flow receives it (schema and sample): the envelope around `emits`. */
  output: Output;
}


/** What a flow receives: our envelope around the emitted object (see TriggerEvent in sink.ts). */
function triggerOutput(key: string, emits: Output): Output {
  const object = emits.sample as { id: string };
  return {
    schema: z
      .object({
        subscription_id: z.string().describe('The subscription (your id) that fired.'),
        trigger: z.literal(key),
        object_id: z.string().describe('The new object\'s id (the event id for event triggers); unique per subscription.'),
        object: emits.schema,
        livemode: z.boolean(),
        emitted_at: z.string().describe('When the poll emitted it (ISO 8601).'),
      })
      .describe('One new object, as the flow receives it.'),
    sample: { subscription_id: 'orders-1', trigger: key, object_id: object.id, object, livemode: false, emitted_at: '2026-01-01T00:10:00.000Z' },
  };
}

function listTrigger(
  def: Omit<TriggerDefinition, 'kind' | 'options' | 'emits' | 'output'> & { filters?: Record<string, z.ZodType>; object: StripeObjectType },
): TriggerDefinition {
  const { filters = {}, object, ...rest } = def;
  const run = def.webhookEvents ? { ...commonOptionShape, delivery } : commonOptionShape;
  return { ...rest, kind: 'list', options: z.object({ ...filters, ...run }).strict(), emits: object, output: triggerOutput(def.key, object) };
}

function eventTrigger(
  key: string,
  title: string,
  types: readonly [string, ...string[]],
  description: string,
  objects: readonly [StripeObjectType, ...StripeObjectType[]],
  sampleObject?: Record<string, unknown>,
): TriggerDefinition {
  const emits = eventOf(types, objects, sampleObject);
  return {
    key,
    title,
    description: `${description} Emits the event (its data.object is the ${objects.map((o) => o.object).join(' or ')}); object_id is the event id.`,
    kind: 'events',
    path: '/v1/events',
    eventTypes: types,
    webhookEvents: types,
    options: z.object({ ...commonOptionShape, delivery }).strict(),
    listFilters: [],
    emits,
    output: triggerOutput(key, emits),
  };
}

/** When the canceled-subscription sample ended (2026-02-01). */
const SAMPLE_CANCELED_AT = 1769904000;

const CHARGE_STATUSES = ['succeeded', 'pending', 'failed'] as const;

export const TRIGGERS: readonly TriggerDefinition[] = [
  listTrigger({
    key: 'new_charge',
    title: 'New charge',
    description:
      'Fires once for every new charge, oldest first. Optional: only one customer\'s charges; only charges with a given status (checked after listing: Stripe\'s charge list has no status filter). The status is checked once, when the charge is first seen: a pending charge that succeeds later does not fire for status succeeded (use payment_intent_succeeded, or no status filter, for that).',
    path: '/v1/charges',
    filters: {
      customer: id(['cus'], 'customer').optional().describe('Only charges of this customer.'),
      status: z.enum(CHARGE_STATUSES).optional().describe('Only charges with this status when first seen (succeeded, pending or failed); a charge that changes status later is not looked at again. Default: every new charge.'),
    },
    webhookEvents: ['charge.succeeded', 'charge.failed', 'charge.pending'],
    listFilters: ['customer'],
    postFilter: (object, options) => options.status === undefined || object.status === options.status,
    object: chargeObject,
  }),
  listTrigger({
    key: 'new_refund',
    title: 'New refund',
    description: 'Fires once for every new refund, oldest first. Optional: only refunds of one charge or one payment intent.',
    path: '/v1/refunds',
    filters: {
      charge: id(['ch', 'py'], 'charge').optional().describe('Only refunds of this charge.'),
      payment_intent: id(['pi'], 'payment intent').optional().describe('Only refunds of this payment intent.'),
    },
    webhookEvents: ['refund.created', 'charge.refunded'],
    listFilters: ['charge', 'payment_intent'],
    object: refundObject,
  }),
  listTrigger({
    key: 'new_customer',
    title: 'New customer',
    description: 'Fires once for every new customer, oldest first. Optional: only customers with this email.',
    path: '/v1/customers',
    filters: { email: z.string().max(512).optional().describe('Only customers with exactly this email (case-sensitive, as Stripe filters it).') },
    webhookEvents: ['customer.created'],
    listFilters: ['email'],
    object: customerObject,
  }),
  listTrigger({
    key: 'new_payment_intent',
    title: 'New payment intent',
    description: 'Fires once for every new payment intent, oldest first (whatever its status). Optional: only one customer\'s.',
    path: '/v1/payment_intents',
    filters: { customer: id(['cus'], 'customer').optional().describe('Only payment intents of this customer.') },
    webhookEvents: ['payment_intent.created'],
    listFilters: ['customer'],
    object: paymentIntentObject,
  }),
  listTrigger({
    key: 'new_invoice',
    title: 'New invoice',
    description: 'Fires once for every new invoice (drafts included), oldest first. Optional: one customer, one subscription.',
    path: '/v1/invoices',
    filters: {
      customer: id(['cus'], 'customer').optional().describe('Only invoices of this customer.'),
      subscription: id(['sub'], 'subscription').optional().describe('Only invoices of this subscription.'),
    },
    webhookEvents: ['invoice.created'],
    listFilters: ['customer', 'subscription'],
    object: invoiceObject,
  }),
  listTrigger({
    key: 'new_subscription',
    title: 'New subscription',
    description: 'Fires once for every new subscription, oldest first. Lists subscriptions of every status (status=all). Optional: one customer, one price.',
    path: '/v1/subscriptions',
    filters: {
      customer: id(['cus'], 'customer').optional().describe('Only subscriptions of this customer.'),
      price: id(['price', 'plan'], 'price').optional().describe('Only subscriptions with this price.'),
    },
    webhookEvents: ['customer.subscription.created'],
    listFilters: ['customer', 'price'],
    fixedParams: { status: 'all' },
    object: subscriptionObject,
  }),
  listTrigger({
    key: 'new_dispute',
    title: 'New dispute',
    description: 'Fires once for every new dispute, oldest first. Optional: one charge or payment intent.',
    path: '/v1/disputes',
    filters: {
      charge: id(['ch', 'py'], 'charge').optional().describe('Only disputes of this charge.'),
      payment_intent: id(['pi'], 'payment intent').optional().describe('Only disputes of this payment intent.'),
    },
    webhookEvents: ['charge.dispute.created'],
    listFilters: ['charge', 'payment_intent'],
    object: disputeObject,
  }),
  listTrigger({
    key: 'new_payout',
    title: 'New payout',
    description: 'Fires once for every new payout, oldest first. Optional: only payouts with a given status (Stripe filters it).',
    path: '/v1/payouts',
    filters: { status: z.enum(['pending', 'paid', 'failed', 'canceled']).optional().describe('Only payouts with this status when listed.') },
    webhookEvents: ['payout.created'],
    listFilters: ['status'],
    object: payoutObject,
  }),
  listTrigger({
    key: 'new_checkout_session',
    title: 'New checkout session',
    description: 'Fires once for every new Checkout Session, oldest first. Optional: one customer, one payment link, one status.',
    path: '/v1/checkout/sessions',
    filters: {
      customer: id(['cus'], 'customer').optional().describe('Only sessions of this customer.'),
      payment_link: id(['plink'], 'payment link').optional().describe('Only sessions of this payment link.'),
      status: z.enum(['open', 'complete', 'expired']).optional().describe('Only sessions with this status when listed.'),
    },
    listFilters: ['customer', 'payment_link', 'status'],
    object: checkoutSessionObject,
  }),
  listTrigger({
    key: 'new_payment_link',
    title: 'New payment link',
    description: 'Fires once for every new payment link, oldest first. Optional: only active or only inactive links.',
    path: '/v1/payment_links',
    filters: { active: z.boolean().optional().describe('Only active (true) or only inactive (false) links.') },
    webhookEvents: ['payment_link.created'],
    listFilters: ['active'],
    object: paymentLinkObject,
  }),
  {
    key: 'new_event',
    title: 'New event',
    description:
      'Fires once for every new Stripe event of the chosen types (all types when none are given), oldest first. Stripe keeps events 30 days. Emits the event; object_id is the event id.',
    kind: 'events',
    path: '/v1/events',
    webhookEvents: ['*'],
    options: z
      .object({
        types: z
          .array(z.string().regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/, 'expected an event type such as charge.succeeded'))
          .min(1)
          .max(20)
          .optional()
          .describe('Event types to watch (up to 20, exact names such as charge.succeeded). Default: every event.'),
        ...commonOptionShape,
        delivery,
      })
      .strict(),
    listFilters: [],
    emits: eventObject,
    output: triggerOutput('new_event', eventObject),
  },
  eventTrigger('payment_intent_succeeded', 'Payment intent succeeded', ['payment_intent.succeeded'], 'Fires once when a payment intent succeeds (event payment_intent.succeeded).', [paymentIntentObject]),
  eventTrigger(
    'payment_failed',
    'Payment failed',
    ['charge.failed', 'payment_intent.payment_failed'],
    'Fires once when a payment fails: a failed charge (charge.failed) or a failed payment intent attempt (payment_intent.payment_failed).',
    [chargeObject, paymentIntentObject],
    { ...chargeObject.sample, captured: false, amount_captured: 0, balance_transaction: null, status: 'failed', paid: false, failure_code: 'card_declined', failure_message: 'Your card was declined.' },
  ),
  eventTrigger('invoice_paid', 'Invoice paid', ['invoice.paid'], 'Fires once when an invoice is paid (event invoice.paid).', [invoiceObject]),
  eventTrigger(
    'invoice_payment_failed',
    'Invoice payment failed',
    ['invoice.payment_failed'],
    'Fires once when an invoice payment attempt fails (event invoice.payment_failed).',
    [invoiceObject],
    { ...invoiceObject.sample, status: 'open', amount_paid: 0, amount_remaining: invoiceObject.sample.amount_due, attempt_count: 1 },
  ),
  eventTrigger(
    'subscription_updated',
    'Subscription updated',
    ['customer.subscription.updated'],
    'Fires once for every subscription change (event customer.subscription.updated; data.previous_attributes names what changed).',
    [subscriptionObject],
  ),
  eventTrigger(
    'subscription_canceled',
    'Subscription canceled',
    ['customer.subscription.deleted'],
    'Fires once when a subscription ends (event customer.subscription.deleted).',
    [subscriptionObject],
    { ...subscriptionObject.sample, status: 'canceled', canceled_at: SAMPLE_CANCELED_AT, ended_at: SAMPLE_CANCELED_AT },
  ),
  eventTrigger(
    'checkout_session_completed',
    'Checkout session completed',
    ['checkout.session.completed'],
    'Fires once when a Checkout Session completes (event checkout.session.completed).',
    [checkoutSessionObject],
    { ...checkoutSessionObject.sample, status: 'complete', payment_status: 'paid' },
  ),
];

const BY_KEY = new Map(TRIGGERS.map((t) => [t.key, t]));

export function listTriggers(): readonly TriggerDefinition[] {
  return TRIGGERS;
}

export function getTrigger(key: string): TriggerDefinition {
  const trigger = BY_KEY.get(key);
  if (!trigger) throw new Error(`unknown trigger ${JSON.stringify(key)}; known: ${TRIGGERS.map((t) => t.key).join(', ')}`);
  return trigger;
}

export function hasTrigger(key: string): boolean {
  return BY_KEY.has(key);
}

/** The Stripe list params a subscription's options turn into (filters only; paging is the poller's). */
export function listParams(trigger: TriggerDefinition, options: Record<string, unknown>): Record<string, unknown> {
  const params: Record<string, unknown> = { ...trigger.fixedParams };
  for (const name of trigger.listFilters) if (options[name] !== undefined) params[name] = options[name];
  if (trigger.kind === 'events') {
    const types = (options.types as string[] | undefined) ?? trigger.eventTypes;
    if (types && types.length > 0) params.types = [...types];
  }
  return params;
}
