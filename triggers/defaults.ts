/** Defaults of the options every trigger has (kept apart from the definitions, which build zod schemas). */

/** Names of the options every trigger has, as opposed to a trigger's own filters. */
export const COMMON_OPTION_NAMES = ['every', 'backfill', 'lookback_seconds', 'max_pages'] as const;
export type CommonOptionName = (typeof COMMON_OPTION_NAMES)[number];

/**
 * How an instant-capable trigger's objects arrive: 'poll' (default) or 'webhook+poll' (Stripe's
 * webhooks within seconds, the poll as the backstop; each object still fires once).
 */
export const DELIVERY_OPTION = 'delivery';
export const DELIVERY_MODES = ['poll', 'webhook+poll'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];
export const DEFAULT_DELIVERY: DeliveryMode = 'poll';
/** Options that shape how a subscription runs, not what it watches: changing them keeps its cursor. */
export const RUN_OPTION_NAMES: readonly string[] = [...COMMON_OPTION_NAMES, DELIVERY_OPTION];

export const DEFAULT_BACKFILL = 0;
/**
 * 60 s: at least the cursor's own second (same-second objects listed on the far side of the cursor),
 * plus the time a slow Stripe request can take between stamping `created` and its object becoming
 * listable (a charge waiting on the card network). Longer costs one wider list call per poll.
 */
export const DEFAULT_LOOKBACK_SECONDS = 60;
export const MAX_LOOKBACK_SECONDS = 86_400;
/** Pages (of 100) one run may walk forward before it stops and lets the next run continue in order. */
export const DEFAULT_MAX_PAGES = 50;
