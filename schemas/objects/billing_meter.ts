import { z } from 'zod';
import { defineObject } from './define';
import { created, livemode, openEnum, SAMPLE_CREATED } from './fields';

export const billingMeterObject = defineObject(
  'billing.meter',
  'A billing meter: what usage-based prices measure, fed by meter events that carry its event_name.',
  {
    id: z.string().regex(/^mtr_/).describe('Unique identifier (mtr_..., mtr_test_... in test mode).'),
    created,
    customer_mapping: z
      .looseObject({
        event_payload_key: z.string().describe('The payload key holding the customer id, e.g. stripe_customer_id.'),
        type: openEnum(['by_id'], 'How the customer is found.'),
      })
      .describe('Where a meter event names its customer.'),
    default_aggregation: z
      .looseObject({ formula: openEnum(['count', 'last', 'sum'], 'How the events of a period are combined.') })
      .describe('How usage is aggregated over a billing period.'),
    display_name: z.string().describe('The meter\'s name.'),
    event_name: z.string().describe('The name meter events must carry to count towards this meter, e.g. api_requests.'),
    event_time_window: openEnum(['day', 'hour'], 'Time window events are pre-aggregated in.').nullable(),
    livemode,
    status: openEnum(['active', 'inactive'], 'Whether the meter accepts events.'),
    status_transitions: z
      .looseObject({ deactivated_at: z.number().int().nullable().describe('When it was deactivated (Unix seconds); null while active.') })
      .describe('When the status changed.'),
    updated: z.number().int().describe('When it was last changed (Unix time, seconds).'),
    value_settings: z
      .looseObject({ event_payload_key: z.string().describe('The payload key holding the usage value, e.g. value.') })
      .describe('Where a meter event carries its value.'),
  },
  {
    id: 'mtr_test_TZ0aSample0001',
    created: SAMPLE_CREATED,
    customer_mapping: { event_payload_key: 'stripe_customer_id', type: 'by_id' },
    default_aggregation: { formula: 'sum' },
    display_name: 'API requests',
    event_name: 'api_requests',
    event_time_window: null,
    livemode: false,
    status: 'active',
    status_transitions: { deactivated_at: null },
    updated: SAMPLE_CREATED,
    value_settings: { event_payload_key: 'value' },
  },
  { summary: ['id', 'display_name', 'event_name', 'status', 'default_aggregation.formula', 'created'] },
);
