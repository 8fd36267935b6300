import { z } from 'zod';
import { STRIPE_API_VERSION } from '../api-version';
import { customerObject } from './customer';
import { defineObject, type Output, type StripeObjectType } from './define';
import { created, livemode, objectId, SAMPLE_CREATED } from './fields';

/** The fields of every event; `dataObject` is what `data.object` holds. */
function eventShape(dataObject: z.ZodType, type: z.ZodType<string>): z.ZodRawShape {
  return {
    id: objectId('evt'),
    api_version: z.string().nullable().describe('The API version the event is rendered in.'),
    created,
    data: z
      .looseObject({
        object: dataObject,
        previous_attributes: z
          .record(z.string(), z.unknown())
          .optional()
          .describe('On *.updated events: the changed fields\' values before the change.'),
      })
      .describe('The object the event is about, as it was when the event happened.'),
    livemode,
    pending_webhooks: z.number().int().describe('Webhook endpoints still to be told.'),
    request: z
      .looseObject({ id: z.string().nullable(), idempotency_key: z.string().nullable() })
      .nullable()
      .describe('The API request that caused the event (null for automatic changes).'),
    type,
  };
}

function sampleEvent(type: string, object: Record<string, unknown>): Record<string, unknown> {
  return {
    id: 'evt_1TZ0aSampleEvt001',
    api_version: STRIPE_API_VERSION,
    created: SAMPLE_CREATED,
    data: { object },
    livemode: false,
    pending_webhooks: 0,
    request: { id: 'req_TZ0aSample0001', idempotency_key: 'b6c1a1b2-6d1f-4a55-9c6e-2f0f3a9d7e11' },
    type,
  };
}

export const eventObject = defineObject(
  'event',
  'Something that happened in the account: its type (e.g. charge.succeeded) and the object it is about.',
  eventShape(z.looseObject({ object: z.string() }).describe('The object, e.g. a charge for charge.succeeded.'), z.string().describe('e.g. charge.succeeded, invoice.paid.')),
  sampleEvent('customer.created', customerObject.sample),
  { summary: ['id', 'type', 'created', 'data.object.id', 'data.object.object', 'request.id', 'api_version'] },
);

/**
 * Events of some types, whose `data.object` is one of `objects`. The sample is a `types[0]` event
 * about `sampleObject` (default: the first object type's sample), e.g. a failed charge for charge.failed.
 */
export function eventOf(
  types: readonly [string, ...string[]],
  objects: readonly [StripeObjectType, ...StripeObjectType[]],
  sampleObject: Record<string, unknown> = objects[0].sample,
): Output {
  const [first, ...rest] = objects;
  const sample = sampleEvent(types[0], sampleObject);
  const dataObject = rest.length === 0 ? first.schema : z.union([first.schema, ...rest.map((o) => o.schema)]);
  return {
    schema: z
      .looseObject({ id: objectId('evt'), object: z.literal('event'), ...eventShape(dataObject, z.enum(types)) })
      .describe(`A ${types.join(' or ')} event.`),
    sample: { id: sample.id, object: 'event', ...sample },
  };
}
