import { z } from 'zod';
import { defineAction, defineListAction } from './define';
import { createdRange, expand, fields, stripeId } from '../schemas/common';
import { atMostOne } from '../schemas/rules';
import { eventObject } from '../schemas/objects/event';

const group = 'events';
const eventType = z
  .string()
  .min(1)
  .max(5000)
  .regex(/^[a-z0-9_.*]+$/, 'expected an event type such as customer.subscription.updated');

export const retrieveEvent = defineAction({
  key: 'retrieve_event',
  title: 'Retrieve event',
  description: 'Retrieves an event (kept 30 days) by id: its type, and in data.object the object as it was, with data.previous_attributes on updates.',
  group,
  output: eventObject,
  method: 'GET',
  path: '/v1/events/{event_id}',
  input: z.object({ event_id: stripeId(['evt'], 'event'), expand, fields }).strict(),
});

export const listEvents = defineListAction({
  key: 'list_events',
  title: 'List events',
  description:
    'Lists events of the last 30 days, newest first. Filter by type (one type, or a pattern with *, e.g. "customer.subscription.*") or types (up to 20 exact types), not both; and by creation time. Returns { data, has_more }.',
  group,
  item: eventObject,
  path: '/v1/events',
  filters: {
    type: eventType.optional().describe('One event type, or a * pattern such as "invoice.*". Not with types.'),
    types: z
      .array(eventType.regex(/^[^*]+$/, 'types takes exact types; use type for a * pattern'))
      .min(1)
      .max(20)
      .optional()
      .describe('Up to 20 exact event types, e.g. ["customer.subscription.updated", "customer.subscription.deleted"]. Not with type.'),
    created: createdRange,
    delivery_success: z.boolean().optional().describe('Only events whose webhook delivery succeeded (true) or failed (false).'),
  },
  rules: [atMostOne('type', 'types')],
});

export const eventActions = [retrieveEvent, listEvents];
