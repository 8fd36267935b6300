import { z } from 'zod';
import { defineAction, defineListAction } from './define';
import { expand, idempotencyKey } from '../schemas/common';
import { billingMeterObject } from '../schemas/objects/billing_meter';
import { billingMeterEventObject } from '../schemas/objects/billing_meter_event';

const MAX_SIGNIFICANT_DIGITS = 15;

/** The payload keys of a meter's default mappings, and what each holds. */
const REQUIRED_PAYLOAD_KEYS: ReadonlyArray<readonly [string, string]> = [
  ['stripe_customer_id', 'the customer the usage is for (cus_...), under the meter\'s default customer key'],
  ['value', 'the usage, a number written as text such as "25", under the meter\'s default value key'],
];

const group = 'billing_meters';

export const createMeterEvent = defineAction({
  key: 'create_meter_event',
  title: 'Create meter event',
  description:
    'Reports usage to a billing meter: event_name must be the event_name of an active meter, payload names the customer (stripe_customer_id) and the usage (value, a number written as text, e.g. "25"). ' +
    'identifier de-duplicates: Stripe refuses a second event with the same identifier within 24 hours, so pass your own unique id to make retries safe. Returns the meter event.',
  group,
  output: billingMeterEventObject,
  method: 'POST',
  path: '/v1/billing/meter_events',
  input: z
    .object({
      event_name: z.string().min(1).max(100).describe('The meter\'s event_name, e.g. "api_requests".'),
      payload: z
        .record(z.string().min(1).max(100).regex(/^[^[\]]+$/, 'payload keys cannot contain [ or ]'), z.string().min(1).max(500))
        .superRefine((payload, ctx) => {
          // Stripe takes the customer and the usage from these keys (a meter's default
          // customer_mapping.event_payload_key and value_settings.event_payload_key); without them it
          // refuses the event, so an empty payload must not go out.
          for (const [key, what] of REQUIRED_PAYLOAD_KEYS) {
            if (payload[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `required: ${what}` });
          }
          if (payload.value !== undefined && !/^-?\d+(\.\d+)?$/.test(payload.value)) {
            ctx.addIssue({ code: 'custom', path: ['value'], message: 'value must be a number written as text, e.g. "25"' });
          } else if (payload.value !== undefined && payload.value.replace(/[-.]/g, '').replace(/^0+/, '').length > MAX_SIGNIFICANT_DIGITS) {
            // Stripe refuses more precision than this (changelog 2026-04-22.dahlia).
            ctx.addIssue({ code: 'custom', path: ['value'], message: `value has more than ${MAX_SIGNIFICANT_DIGITS} significant digits` });
          }
        })
        .describe(
          'The event\'s fields as text: {"stripe_customer_id": "cus_...", "value": "25"}, both required (the keys of a meter\'s default mappings; extra keys are sent too). value must be numeric.',
        ),
      identifier: z.string().min(1).max(100).optional().describe('Your unique id for this event (e.g. a request id); a repeat within 24 hours is refused. Default: generated.'),
      timestamp: z
        .number()
        .int()
        .positive()
        .optional()
        .describe('When the usage happened (unix seconds): within the past 35 days or up to 5 minutes ahead. Default: now.'),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict(),
});

export const listMeters = defineListAction({
  key: 'list_meters',
  title: 'List billing meters',
  description: 'Lists billing meters (what usage-based prices measure), newest first, optionally only active or inactive ones. Returns { data, has_more }.',
  group,
  item: billingMeterObject,
  path: '/v1/billing/meters',
  filters: {
    status: z.enum(['active', 'inactive']).optional().describe('Only active or only inactive meters.'),
  },
});

export const billingMeterActions = [createMeterEvent, listMeters];
