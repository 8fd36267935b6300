/**
 * Stripe's events: every change the API makes is recorded as an `event` object in the caller's
 * partition, so `GET /v1/events` and the polling triggers built on it see what Stripe would show.
 * The generic create/update/delete record `<type>.created|updated|deleted`; resource rules record
 * their own transitions (`payment_intent.succeeded`, `invoice.paid`, `charge.refunded` ...) with
 * `emitEvent`. Each recorded event is handed to the webhook deliveries (webhooks.ts).
 */
import { DEFAULT_STRIPE_VERSION } from './version';
import type { RequestContext, ResourceDefinition } from './resource';

export const EVENT_ID_LENGTH = 24;

/**
 * Records one event about `object` (a snapshot is taken now). `previous` is the object before an
 * update: its changed top-level fields become `data.previous_attributes`, as Stripe sends them.
 */
export function emitEvent(
  ctx: RequestContext,
  type: string,
  object: Record<string, any>,
  previous?: Record<string, any>,
): Record<string, any> {
  const data: Record<string, any> = { object: structuredClone(object) };
  if (previous) data.previous_attributes = changedFields(previous, object);
  const event = {
    id: ctx.ids.next('evt_', EVENT_ID_LENGTH),
    object: 'event',
    api_version: DEFAULT_STRIPE_VERSION,
    created: ctx.now,
    data,
    livemode: ctx.livemode,
    pending_webhooks: 0,
    request: { id: ctx.requestId, idempotency_key: ctx.idempotencyKey ?? null },
    type,
  };
  ctx.eventRecorded?.(ctx.store.insert('event', event, ctx.now));
  return event;
}

/** What the generic routes record for a definition (see ResourceDefinition.events). */
export function recordEvent(
  ctx: RequestContext,
  def: ResourceDefinition,
  change: 'created' | 'updated' | 'deleted',
  object: Record<string, any>,
  previous?: Record<string, any>,
): void {
  if (def.events === false || def.type === 'event') return;
  const configured = def.events?.[change];
  if (configured === false) return;
  const type = configured ?? `${def.type}.${change}`;
  if (change === 'updated') {
    const changed = changedFields(previous ?? {}, object);
    // An update that changes nothing records nothing, as on Stripe.
    if (Object.keys(changed).length === 0) return;
    emitEvent(ctx, type, object, previous);
    return;
  }
  emitEvent(ctx, type, change === 'deleted' ? { ...object, deleted: true } : object);
}

function changedFields(before: Record<string, any>, after: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) out[key] = before[key] ?? null;
  }
  return out;
}
