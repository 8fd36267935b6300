/**
 * The contracts between the webhook pieces (issue 15): the receiver verifies and hands a delivery to
 * the inbox; the inbox queues it durably; the worker matches it to subscriptions; the endpoint manager
 * keeps one Stripe endpoint per account and its signing secrets in the sealed store.
 *
 * `ref` names one Stripe account's endpoint: `webhookRefOf(credentials)` (webhook-index.ts; 24 hex
 * characters, never the key). The endpoint's URL is `<public base URL>/<ref>`.
 */

/** A Stripe event as a webhook delivers it (the body of the POST). */
export interface StripeWebhookEvent {
  id: string;
  object: 'event';
  type: string;
  created: number;
  livemode: boolean;
  /** Connect: the connected account the event is about. */
  account?: string;
  api_version?: string | null;
  data: { object: Record<string, unknown> & { id?: string; created?: number }; previous_attributes?: Record<string, unknown> };
  [field: string]: unknown;
}

/** One account's endpoint as the connector keeps it (sealed in Redis, never in plaintext). */
export interface WebhookEndpointRecord {
  ref: string;
  /** Stripe's id (we_...); null when the host registered the endpoint itself. */
  endpoint_id: string | null;
  url: string | null;
  /** Signing secrets (whsec_...), newest first: several while a secret rotates. */
  secrets: string[];
  /** True when the connector created it and keeps its events in step (false: the host's). */
  managed: boolean;
  /** The event types the endpoint was last given (managed only). */
  enabled_events: string[];
}

/** What the receiver needs of the sealed store. */
export interface WebhookSecretSource {
  get(ref: string): Promise<WebhookEndpointRecord | undefined>;
}

export type InboxOutcome = 'queued' | 'duplicate' | 'replayed';

/** What the receiver needs of the inbox: durable before it resolves. */
export interface WebhookInboxPort {
  /**
   * Queues a verified delivery. `signatureHash` (SHA-256 hex of the signature's timestamp and the v1
   * that matched) refuses an exact replay ('replayed'); an event id already queued for `ref` is
   * 'duplicate' (Stripe delivers some events twice; answered 2xx, not queued again).
   */
  accept(ref: string, event: StripeWebhookEvent, signatureHash: string): Promise<InboxOutcome>;
}

/** The job the inbox queues (queue WEBHOOK_QUEUE, job id `<ref>.<event id>`, name = event type). */
export interface WebhookJobData {
  ref: string;
  event: StripeWebhookEvent;
  received_at: string;
  /** Set by the worker on a retry: the subscriptions still to offer the event to (a poll held their lock). */
  remaining?: string[];
  /** How many times the worker has waited for a poll lock (it gives up to the poll after a few). */
  lock_waits?: number;
}
