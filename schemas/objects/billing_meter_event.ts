import { z } from 'zod';
import { defineObject } from './define';
import { created, livemode, SAMPLE_CREATED } from './fields';

export const billingMeterEventObject = defineObject(
  'billing.meter_event',
  'A usage report for a billing meter (no id of its own: identifier names it).',
  {
    created,
    event_name: z.string().describe('The meter\'s event_name this event counts towards.'),
    identifier: z.string().describe('Unique id of the event (yours, or generated); a repeat within 24 hours is refused.'),
    livemode,
    payload: z
      .record(z.string(), z.string())
      .describe('The event\'s fields as text, e.g. { stripe_customer_id: "cus_...", value: "25" }.'),
    timestamp: z.number().int().describe('When the usage happened (Unix time, seconds).'),
  },
  {
    created: SAMPLE_CREATED,
    event_name: 'api_requests',
    identifier: 'req_7f3a9c1e',
    livemode: false,
    payload: { stripe_customer_id: 'cus_TZ0aSample0001', value: '25' },
    timestamp: SAMPLE_CREATED,
  },
  { summary: ['event_name', 'identifier', 'payload', 'timestamp'] },
);
