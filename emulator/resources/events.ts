/**
 * GET /v1/events and /v1/events/:id. Events are recorded by emulator/events.ts; Stripe keeps them
 * 30 days, which the emulator does not enforce. `type` takes one type or a `*` wildcard
 * (`charge.*`); `types[]` several exact types.
 */
import { p } from '../params';
import type { ResourceDefinition } from '../resource';
import { EVENT_ID_LENGTH } from '../events';

function typeMatches(pattern: string, type: string): boolean {
  if (!pattern.includes('*')) return pattern === type;
  const regex = new RegExp('^' + pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return regex.test(type);
}

export const events: ResourceDefinition = {
  type: 'event',
  idPrefix: 'evt_',
  idLength: EVENT_ID_LENGTH,
  basePath: '/v1/events',
  events: false,
  retrieve: {},
  list: {
    params: {
      type: p.string({ maxLength: 5000, emptyable: false }),
      types: p.array(p.string({ maxLength: 5000 }), { maxItems: 20 }),
      delivery_success: p.boolean(),
    },
    filter: (event, params) =>
      (params.type == null || typeMatches(params.type, event.type)) &&
      (params.types == null || (params.types as string[]).includes(event.type)),
  },
};
