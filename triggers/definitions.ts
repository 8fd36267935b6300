/**
 * The trigger catalogue: one declarative object per trigger. A trigger either watches a list
 * endpoint for new objects (`kind: 'list'`) or watches GET /v1/events for some event types
 * (`kind: 'events'`). The poll machinery (poller.ts) is the same for both: an `events` trigger is a
 * `list` trigger over /v1/events with a `types[]` filter, and its emitted `object` is the event.
 */
import { z } from 'zod';
import { DEFAULT_EVERY, MAX_EVERY_MS, MIN_EVERY_MS, parseInterval, EVERY_PATTERN } from './interval';

export type TriggerKind = 'list' | 'events';

/** Defaults of the options every trigger has. */
export const DEFAULT_BACKFILL = 0;
/**
 * 60 s: at least the cursor's own second (same-second objects listed on the far side of the cursor),
 * plus the time a slow Stripe request can take between stamping `created` and its object becoming
 * listable (a charge waiting on the card network). Longer costs one wider list call per poll.
 */
export const DEFAULT_LOOKBACK_SECONDS = 60;
export const MAX_LOOKBACK_SECONDS = 86_400;
/** Pages (of 100) one run may walk forward before it stops and lets the next run continue in order. */
export const DEFAULT_MAX_PAGES = 50;

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
};

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
  options: z.ZodObject;
  /** Option names sent to Stripe as list filters (the rest are ours). */
  listFilters: readonly string[];
  /** List params the trigger always sends (new_subscription lists every status: status=all). */
  fixedParams?: Readonly<Record<string, string>>;
  /** A filter Stripe's list cannot apply, checked on each listed object. */
  postFilter?: (object: Record<string, any>, options: Record<string, any>) => boolean;
  sample: Record<string, unknown>;
}


function listTrigger(def: Omit<TriggerDefinition, 'kind' | 'options'> & { filters?: Record<string, z.ZodType> }): TriggerDefinition {
  const { filters = {}, ...rest } = def;
  return { ...rest, kind: 'list', options: z.object({ ...filters, ...commonOptionShape }).strict() };
}

function eventTrigger(key: string, title: string, types: string[], description: string, sampleObject: Record<string, unknown>): TriggerDefinition {
  return {
    key,
    title,
    description: `${description} Emits the event (its data.object is the ${sampleObject.object as string}); object_id is the event id.`,
    kind: 'events',
    path: '/v1/events',
    eventTypes: types,
    options: z.object({ ...commonOptionShape }).strict(),
    listFilters: [],
    sample: sampleEvent(types[0]!, sampleObject),
  };
}

const CREATED = 1767225600;

function sampleEvent(type: string, object: Record<string, unknown>): Record<string, unknown> {
  return {
    id: 'evt_1SampleEvent0001',
    object: 'event',
    api_version: '2026-08-26.dahlia',
    created: CREATED,
    data: { object },
    livemode: false,
    pending_webhooks: 0,
    request: { id: 'req_Sample0001', idempotency_key: null },
    type,
  };
}

const SAMPLE_CHARGE = {
  id: 'ch_3SampleCharge0001',
  object: 'charge',
  amount: 2000,
  amount_captured: 2000,
  amount_refunded: 0,
  captured: true,
  created: CREATED,
  currency: 'usd',
  customer: 'cus_SampleCust01',
  description: 'Order 1042',
  livemode: false,
  metadata: {},
  paid: true,
  refunded: false,
  status: 'succeeded',
};
const SAMPLE_PI = {
  id: 'pi_3SamplePI0001',
  object: 'payment_intent',
  amount: 2000,
  currency: 'usd',
  customer: 'cus_SampleCust01',
  created: CREATED,
  livemode: false,
  metadata: {},
  status: 'succeeded',
};
const SAMPLE_INVOICE = {
  id: 'in_1SampleInvoice01',
  object: 'invoice',
  amount_due: 1500,
  amount_paid: 1500,
  currency: 'usd',
  customer: 'cus_SampleCust01',
  created: CREATED,
  livemode: false,
  status: 'paid',
  subscription: 'sub_1SampleSub0001',
};
const SAMPLE_SUBSCRIPTION = {
  id: 'sub_1SampleSub0001',
  object: 'subscription',
  customer: 'cus_SampleCust01',
  created: CREATED,
  livemode: false,
  status: 'active',
  cancel_at_period_end: false,
  metadata: {},
};
const SAMPLE_CHECKOUT = {
  id: 'cs_test_SampleSession01',
  object: 'checkout.session',
  amount_total: 2000,
  currency: 'usd',
  customer: 'cus_SampleCust01',
  created: CREATED,
  livemode: false,
  mode: 'payment',
  payment_status: 'paid',
  status: 'complete',
};

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
    listFilters: ['customer'],
    postFilter: (object, options) => options.status === undefined || object.status === options.status,
    sample: SAMPLE_CHARGE,
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
    listFilters: ['charge', 'payment_intent'],
    sample: {
      id: 're_3SampleRefund001',
      object: 'refund',
      amount: 500,
      charge: 'ch_3SampleCharge0001',
      created: CREATED,
      currency: 'usd',
      payment_intent: null,
      reason: 'requested_by_customer',
      status: 'succeeded',
    },
  }),
  listTrigger({
    key: 'new_customer',
    title: 'New customer',
    description: 'Fires once for every new customer, oldest first. Optional: only customers with this email.',
    path: '/v1/customers',
    filters: { email: z.string().max(512).optional().describe('Only customers with exactly this email (case-sensitive, as Stripe filters it).') },
    listFilters: ['email'],
    sample: { id: 'cus_SampleCust01', object: 'customer', created: CREATED, email: 'jenny@example.com', name: 'Jenny Rosen', livemode: false, metadata: {} },
  }),
  listTrigger({
    key: 'new_payment_intent',
    title: 'New payment intent',
    description: 'Fires once for every new payment intent, oldest first (whatever its status). Optional: only one customer\'s.',
    path: '/v1/payment_intents',
    filters: { customer: id(['cus'], 'customer').optional().describe('Only payment intents of this customer.') },
    listFilters: ['customer'],
    sample: { ...SAMPLE_PI, status: 'requires_payment_method' },
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
    listFilters: ['customer', 'subscription'],
    sample: { ...SAMPLE_INVOICE, status: 'draft', amount_paid: 0 },
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
    listFilters: ['customer', 'price'],
    fixedParams: { status: 'all' },
    sample: SAMPLE_SUBSCRIPTION,
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
    listFilters: ['charge', 'payment_intent'],
    sample: { id: 'dp_1SampleDispute1', object: 'dispute', amount: 2000, charge: 'ch_3SampleCharge0001', created: CREATED, currency: 'usd', reason: 'fraudulent', status: 'needs_response', livemode: false },
  }),
  listTrigger({
    key: 'new_payout',
    title: 'New payout',
    description: 'Fires once for every new payout, oldest first. Optional: only payouts with a given status (Stripe filters it).',
    path: '/v1/payouts',
    filters: { status: z.enum(['pending', 'paid', 'failed', 'canceled']).optional().describe('Only payouts with this status when listed.') },
    listFilters: ['status'],
    sample: { id: 'po_1SamplePayout01', object: 'payout', amount: 10000, arrival_date: CREATED + 172800, created: CREATED, currency: 'usd', status: 'pending', livemode: false },
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
    sample: { ...SAMPLE_CHECKOUT, status: 'open', payment_status: 'unpaid' },
  }),
  listTrigger({
    key: 'new_payment_link',
    title: 'New payment link',
    description: 'Fires once for every new payment link, oldest first. Optional: only active or only inactive links.',
    path: '/v1/payment_links',
    filters: { active: z.boolean().optional().describe('Only active (true) or only inactive (false) links.') },
    listFilters: ['active'],
    sample: { id: 'plink_1SampleLink001', object: 'payment_link', active: true, url: 'https://buy.stripe.com/test_sample', livemode: false, metadata: {} },
  }),
  {
    key: 'new_event',
    title: 'New event',
    description:
      'Fires once for every new Stripe event of the chosen types (all types when none are given), oldest first. Stripe keeps events 30 days. Emits the event; object_id is the event id.',
    kind: 'events',
    path: '/v1/events',
    options: z
      .object({
        types: z
          .array(z.string().regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/, 'expected an event type such as charge.succeeded'))
          .min(1)
          .max(20)
          .optional()
          .describe('Event types to watch (up to 20, exact names such as charge.succeeded). Default: every event.'),
        ...commonOptionShape,
      })
      .strict(),
    listFilters: [],
    sample: sampleEvent('charge.succeeded', SAMPLE_CHARGE),
  },
  eventTrigger('payment_intent_succeeded', 'Payment intent succeeded', ['payment_intent.succeeded'], 'Fires once when a payment intent succeeds (event payment_intent.succeeded).', SAMPLE_PI),
  eventTrigger(
    'payment_failed',
    'Payment failed',
    ['charge.failed', 'payment_intent.payment_failed'],
    'Fires once when a payment fails: a failed charge (charge.failed) or a failed payment intent attempt (payment_intent.payment_failed).',
    { ...SAMPLE_CHARGE, status: 'failed', paid: false, failure_code: 'card_declined' },
  ),
  eventTrigger('invoice_paid', 'Invoice paid', ['invoice.paid'], 'Fires once when an invoice is paid (event invoice.paid).', SAMPLE_INVOICE),
  eventTrigger(
    'invoice_payment_failed',
    'Invoice payment failed',
    ['invoice.payment_failed'],
    'Fires once when an invoice payment attempt fails (event invoice.payment_failed).',
    { ...SAMPLE_INVOICE, status: 'open', amount_paid: 0 },
  ),
  eventTrigger(
    'subscription_updated',
    'Subscription updated',
    ['customer.subscription.updated'],
    'Fires once for every subscription change (event customer.subscription.updated; data.previous_attributes names what changed).',
    SAMPLE_SUBSCRIPTION,
  ),
  eventTrigger(
    'subscription_canceled',
    'Subscription canceled',
    ['customer.subscription.deleted'],
    'Fires once when a subscription ends (event customer.subscription.deleted).',
    { ...SAMPLE_SUBSCRIPTION, status: 'canceled' },
  ),
  eventTrigger(
    'checkout_session_completed',
    'Checkout session completed',
    ['checkout.session.completed'],
    'Fires once when a Checkout Session completes (event checkout.session.completed).',
    SAMPLE_CHECKOUT,
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
export function listParams(trigger: TriggerDefinition, options: Record<string, any>): Record<string, unknown> {
  const params: Record<string, unknown> = { ...trigger.fixedParams };
  for (const name of trigger.listFilters) if (options[name] !== undefined) params[name] = options[name];
  if (trigger.kind === 'events') {
    const types = (options.types as string[] | undefined) ?? trigger.eventTypes;
    if (types && types.length > 0) params.types = [...types];
  }
  return params;
}
