/**
 * Which Stripe events carry a trigger's new objects, and which objects of one delivered event a
 * subscription would have listed. A webhook offers an object only when the subscription's filters
 * can be checked on it and hold; anything in doubt is left to the poll, which is the backstop anyway.
 */
import type { TriggerDefinition } from './definitions';
import { DEFAULT_DELIVERY, DELIVERY_OPTION } from './defaults';
import type { StripeWebhookEvent } from './webhook-types';

type StripeObject = { id: string; created?: number; livemode?: boolean } & Record<string, unknown>;

export function canBeInstant(trigger: TriggerDefinition): boolean {
  return trigger.webhookEvents !== undefined;
}

/** A subscription's delivery mode from its parsed options. */
export function deliveryOf(options: Record<string, unknown>): string {
  return String(options[DELIVERY_OPTION] ?? DEFAULT_DELIVERY);
}

/**
 * The event types a subscription's endpoint must be enabled for: [] when it is poll-only, ['*'] for
 * every event. An events trigger's `types` option narrows its types.
 */
export function webhookEventTypes(trigger: TriggerDefinition, options: Record<string, unknown>): string[] {
  if (!trigger.webhookEvents || deliveryOf(options) !== 'webhook+poll') return [];
  if (trigger.kind === 'events') {
    const types = options.types as string[] | undefined;
    if (types && types.length > 0) return [...types];
  }
  return [...trigger.webhookEvents];
}

/** The union an account's endpoint needs: '*' alone when anything needs every event; sorted otherwise. */
export function unionOfEventTypes(lists: Iterable<readonly string[]>): string[] {
  const all = new Set<string>();
  for (const list of lists) for (const type of list) all.add(type);
  if (all.has('*')) return ['*'];
  return [...all].sort();
}

/** The objects of `event` that `trigger` with these options would emit, oldest first. */
export function objectsOfEvent(trigger: TriggerDefinition, options: Record<string, unknown>, event: StripeWebhookEvent): StripeObject[] {
  const types = webhookEventTypes(trigger, options);
  if (!types.includes('*') && !types.includes(event.type)) return [];
  if (trigger.kind === 'events') return isObject(event) ? [event as unknown as StripeObject] : [];
  const candidates = objectsCarried(trigger, event);
  return candidates.filter((object) => object.object === objectType(trigger) && passesListFilters(trigger, options, object));
}

/**
 * What an event carries for a list trigger: its data.object, except charge.refunded for new_refund,
 * whose refunds ride inside the charge (`refunds.data`) on the API versions that still send it.
 */
function objectsCarried(trigger: TriggerDefinition, event: StripeWebhookEvent): StripeObject[] {
  const object = event.data?.object;
  if (!isObject(object)) return [];
  if (trigger.key === 'new_refund' && event.type === 'charge.refunded') {
    const refunds = (object.refunds as { data?: unknown } | undefined)?.data;
    return Array.isArray(refunds) ? refunds.filter(isObject) : [];
  }
  return [object];
}

/** The Stripe object type a list trigger emits, from its sample (charge, refund, customer, ...). */
function objectType(trigger: TriggerDefinition): unknown {
  return (trigger.emits.sample as { object?: unknown }).object;
}

/** Stripe's list filters, re-checked on the object: equality on the field or on an expanded object's id. */
function passesListFilters(trigger: TriggerDefinition, options: Record<string, unknown>, object: StripeObject): boolean {
  for (const name of trigger.listFilters) {
    const wanted = options[name];
    if (wanted === undefined) continue;
    if (!fieldMatches(trigger, name, wanted, object)) return false;
  }
  return true;
}

function fieldMatches(trigger: TriggerDefinition, name: string, wanted: unknown, object: StripeObject): boolean {
  if (trigger.key === 'new_subscription' && name === 'price') {
    const items = (object.items as { data?: Array<{ price?: { id?: string }; plan?: { id?: string } }> } | undefined)?.data;
    return Array.isArray(items) && items.some((item) => item.price?.id === wanted || item.plan?.id === wanted);
  }
  const value = object[name];
  if (value === undefined) return false; // cannot tell: the poll decides
  if (isObject(value)) return value.id === wanted;
  return value === wanted;
}

function isObject(value: unknown): value is StripeObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { id?: unknown }).id === 'string';
}
