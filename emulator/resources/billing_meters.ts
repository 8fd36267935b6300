/**
 * Billing meters and meter events (params from Stripe's OpenAPI spec: POST/GET /v1/billing/meters,
 * GET/POST /v1/billing/meters/{id}, POST /v1/billing/meters/{id}/deactivate|reactivate,
 * POST /v1/billing/meter_events).
 *
 * Meters: created active; event_name is unique among active meters; deactivate/reactivate move
 * status (with status_transitions.deactivated_at). Meter events: event_name must belong to an active
 * meter, the payload must carry the meter's customer key (naming a stored customer) and a numeric
 * value, `identifier` is unique for 24 hours (a repeat is refused), timestamp within the past 35
 * days or up to 5 minutes ahead. Meter events cannot be listed or retrieved (as on Stripe); no
 * aggregation is computed. Neither records v1 events (Stripe sends none for them).
 */
import { invalidRequest, paramError } from '../errors';
import { applyUpdate, p, type Params } from '../params';
import type { RequestContext, ResourceDefinition } from '../resource';
import { randomAlnum } from '../ids';

const DAY = 24 * 60 * 60;

export const billingMeters: ResourceDefinition = {
  type: 'billing.meter',
  idPrefix: 'mtr_test_',
  idLength: 32,
  basePath: '/v1/billing/meters',
  events: false,

  create: {
    params: {
      customer_mapping: p.object({
        event_payload_key: p.string({ required: true, maxLength: 100 }),
        type: p.enum(['by_id'], { required: true }),
      }),
      default_aggregation: p.object({ formula: p.enum(['count', 'last', 'sum'], { required: true }) }, { required: true }),
      display_name: p.string({ required: true, maxLength: 250, emptyable: false }),
      event_name: p.string({ required: true, maxLength: 100, emptyable: false }),
      event_time_window: p.enum(['day', 'hour']),
      value_settings: p.object({ event_payload_key: p.string({ required: true, maxLength: 100 }) }),
    },
    handle(ctx, params) {
      if (activeMeter(ctx, params.event_name)) {
        throw invalidRequest(`An active meter with event_name \`${params.event_name}\` already exists.`, { param: 'event_name' });
      }
      const object = {
        id: ctx.ids.next(ctx.livemode ? 'mtr_' : 'mtr_test_', 32),
        object: 'billing.meter',
        created: ctx.now,
        customer_mapping: { event_payload_key: params.customer_mapping?.event_payload_key ?? 'stripe_customer_id', type: 'by_id' },
        default_aggregation: { formula: params.default_aggregation.formula },
        display_name: params.display_name,
        event_name: params.event_name,
        event_time_window: params.event_time_window ?? null,
        livemode: ctx.livemode,
        status: 'active',
        status_transitions: { deactivated_at: null },
        updated: ctx.now,
        value_settings: { event_payload_key: params.value_settings?.event_payload_key ?? 'value' },
      };
      return ctx.store.insert('billing.meter', object, ctx.now);
    },
  },

  retrieve: {},

  update: {
    params: { display_name: p.string({ maxLength: 250, emptyable: false }) },
    handle(ctx, record, params) {
      applyUpdate(record.object, params, ['display_name']);
      record.object.updated = ctx.now;
    },
  },

  actions: {
    deactivate: {
      params: {},
      handle(ctx, record) {
        const meter = record.object;
        if (meter.status !== 'active') throw invalidRequest(`The meter ${meter.id} is already inactive.`, { param: 'id' });
        meter.status = 'inactive';
        meter.status_transitions = { deactivated_at: ctx.now };
        meter.updated = ctx.now;
      },
    },
    reactivate: {
      params: {},
      handle(ctx, record) {
        const meter = record.object;
        if (meter.status !== 'inactive') throw invalidRequest(`The meter ${meter.id} is already active.`, { param: 'id' });
        if (activeMeter(ctx, meter.event_name)) {
          throw invalidRequest(`An active meter with event_name \`${meter.event_name}\` already exists.`, { param: 'id' });
        }
        meter.status = 'active';
        meter.status_transitions = { deactivated_at: null };
        meter.updated = ctx.now;
      },
    },
  },

  list: {
    params: { status: p.enum(['active', 'inactive']) },
    filter: (meter, params) => params.status == null || meter.status === params.status,
  },
};

function activeMeter(ctx: RequestContext, eventName: string): Record<string, any> | undefined {
  return ctx.store.live('billing.meter').find((r) => r.object.status === 'active' && r.object.event_name === eventName)?.object;
}

/** The store key that remembers an identifier (meter events have no id of their own). */
const identifierKey = (identifier: string) => `meter_event_identifier:${identifier}`;

export const billingMeterEvents: ResourceDefinition = {
  type: 'billing.meter_event',
  idPrefix: '',
  idLength: 0,
  events: false,
  custom: [
    {
      method: 'POST',
      path: '/v1/billing/meter_events',
      params: {
        event_name: p.string({ required: true, maxLength: 100, emptyable: false }),
        identifier: p.string({ maxLength: 100, emptyable: false }),
        // Values are strings in the form; checked against the meter below.
        payload: p.metadata({ required: true, emptyable: false }),
        timestamp: p.integer(),
      },
      handle: createMeterEvent,
    },
  ],
};

function createMeterEvent(ctx: RequestContext, params: Params): Record<string, any> {
  const meter = activeMeter(ctx, params.event_name);
  if (!meter) {
    throw invalidRequest(`No active meter was found for event_name \`${params.event_name}\`.`, { param: 'event_name' });
  }
  const payload: Record<string, string> = {};
  for (const [k, v] of Object.entries(params.payload as Record<string, string | null>)) if (v !== null) payload[k] = v;
  const customerKey: string = meter.customer_mapping.event_payload_key;
  const valueKey: string = meter.value_settings.event_payload_key;
  const customerId = payload[customerKey];
  if (!customerId) throw paramError(`Missing required param: payload[${customerKey}].`, 'parameter_missing', `payload[${customerKey}]`);
  ctx.store.require('customer', customerId, `payload[${customerKey}]`, 400);
  const value = payload[valueKey];
  if (value === undefined) {
    if (meter.default_aggregation.formula !== 'count') {
      throw paramError(`Missing required param: payload[${valueKey}].`, 'parameter_missing', `payload[${valueKey}]`);
    }
  } else if (!/^-?\d+(\.\d+)?$/.test(value)) {
    throw paramError(`Invalid payload[${valueKey}]: the value must be a number, got '${value}'.`, undefined, `payload[${valueKey}]`);
  }
  const timestamp: number = params.timestamp ?? ctx.now;
  if (timestamp < ctx.now - 35 * DAY || timestamp > ctx.now + 5 * 60) {
    throw paramError('The timestamp must be within the past 35 calendar days or up to 5 minutes in the future.', undefined, 'timestamp');
  }
  const identifier: string = params.identifier ?? randomAlnum(24);
  const key = identifierKey(identifier);
  const previous = ctx.store.get(key, 'billing.meter_event');
  if (previous && previous.hidden.at > ctx.now - DAY) {
    throw invalidRequest(`A meter event with identifier \`${identifier}\` already exists; identifiers must be unique within 24 hours.`, {
      param: 'identifier',
    });
  }
  const event = {
    object: 'billing.meter_event',
    created: ctx.now,
    event_name: params.event_name,
    identifier,
    livemode: ctx.livemode,
    payload,
    timestamp,
  };
  // An identifier last used more than 24 hours ago may be used again.
  if (previous) {
    previous.object = { id: key, ...event };
    previous.hidden.at = ctx.now;
  } else {
    ctx.store.insert('billing.meter_event', { id: key, ...event }, ctx.now, { at: ctx.now });
  }
  return event;
}
