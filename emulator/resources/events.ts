/**
 * GET /v1/events and /v1/events/:id. Events are recorded by emulator/events.ts; Stripe keeps them
 * 30 days, which the emulator does not enforce. `type` takes one type or a `*` wildcard
 * (`charge.*`, `customer.subscription.*`); `types[]` up to 20 exact types; not both (Stripe's 400).
 * `created` is the generic range. `delivery_success=false`: events some webhook endpoint has not yet
 * acknowledged with a 2xx (pending, failed or dropped: `pending_webhooks` > 0); `true`: the others
 * (events no endpoint wanted included). Deliveries are emulator/webhooks.ts.
 */
import { paramError } from '../errors';
import { p, type Params } from '../params';
import type { ResourceDefinition } from '../resource';
import { EVENT_ID_LENGTH } from '../events';
import { LIST_PARAMS, listOf } from '../routes';

function typeMatches(pattern: string, type: string): boolean {
  if (!pattern.includes('*')) return pattern === type;
  const regex = new RegExp('^' + pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return regex.test(type);
}

function matchesFilters(event: Record<string, any>, params: Params): boolean {
  return (
    (params.type == null || typeMatches(params.type, event.type)) &&
    (params.types == null || (params.types as string[]).includes(event.type)) &&
    (params.delivery_success == null || params.delivery_success === (event.pending_webhooks === 0))
  );
}

export const events: ResourceDefinition = {
  type: 'event',
  idPrefix: 'evt_',
  idLength: EVENT_ID_LENGTH,
  basePath: '/v1/events',
  events: false,
  retrieve: {},
  // The list is custom only to refuse `type` with `types` before anything is read.
  custom: [
    {
      method: 'GET',
      path: '/v1/events',
      params: {
        ...LIST_PARAMS,
        type: p.string({ maxLength: 5000, emptyable: false }),
        types: p.array(p.string({ maxLength: 5000 }), { maxItems: 20 }),
        delivery_success: p.boolean(),
      },
      handle(ctx, params) {
        if (params.type != null && params.types != null) {
          throw paramError('You may only specify one of these parameters: type, types.', 'parameters_exclusive', 'types');
        }
        return listOf(ctx, events, ctx.store.live('event'), params, '/v1/events', (r) => matchesFilters(r.object, params));
      },
    },
  ],
};
