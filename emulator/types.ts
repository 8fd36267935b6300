/**
 * The emulator's public contract. Tests, the demo, benchmarks and chaos tests are written against
 * these names, so they change only together with their users.
 */

export type SameSecondOrder = 'newest_first' | 'oldest_first';

export interface EmulatorOptions {
  /** 0 (default) = a free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /**
   * Accepted keys. Default: any key matching /^(sk|rk)_test_[A-Za-z0-9]+$/. Live keys
   * (sk_live_/rk_live_) are accepted only when listed here explicitly.
   */
  apiKeys?: string[];
  /** Restricted keys that may only GET: a POST/DELETE gets Stripe's 403 permission error. */
  readOnlyKeys?: string[];
  /** How lists order objects created in the same second (Stripe does not document it). Default 'newest_first'. */
  sameSecondOrder?: SameSecondOrder;
  /** Default true; false = list endpoints ignore created[...] filters. */
  honourCreatedFilter?: boolean;
  /** Default off; when set, more requests than this in one wall-clock second per account get a 429. */
  rateLimitPerSecond?: number;
  /** How webhook deliveries are retried and signed (see WebhookDeliveryOptions for the defaults). */
  webhooks?: WebhookDeliveryOptions;
}

export interface EmulatorClock {
  /** Unix seconds. */
  now(): number;
  /** Freezes the clock at this instant. */
  set(unixSeconds: number): void;
  /** Moves the clock (frozen or running) forward by this many seconds. */
  advance(seconds: number): void;
  /** Back to the machine's time, running. */
  useRealTime(): void;
}

export interface Emulator {
  /** 'http://127.0.0.1:PORT' */
  readonly url: string;
  readonly port: number;
  /** Closes the server and its keep-alive sockets, so jest can exit. */
  close(): Promise<void>;
  /** Clears objects, idempotency records, faults, latency, request log, revoked keys; real-time clock. */
  reset(): void;
  readonly clock: EmulatorClock;
  /** Queued; each request consumes the first queued fault that matches it, `count` times (default 1). */
  inject(fault: Fault): void;
  clearFaults(): void;
  /** Added before every API response (0 = none). */
  setLatency(ms: number): void;
  setSameSecondOrder(order: SameSecondOrder): void;
  /** A revoked key gets 401 until restored. */
  revokeKey(key: string): void;
  restoreKey(key: string): void;
  /** Every API request received (control-API requests excluded), in arrival order. */
  readonly requests: RecordedRequest[];
  clearRequests(): void;
  /**
   * Stored objects of a type ('customer', 'charge', 'card'), deleted ones excluded, oldest first.
   * `account` defaults to the platform account 'acct_emulator'; live-mode data of an account is
   * addressed as 'acct_x:live'.
   */
  objects(type: string, account?: string): any[];
  /** Webhook deliveries: fault switches, stats, secret rotation, waiting until none is in flight. */
  readonly webhooks: EmulatorWebhooks;
}

/**
 * Retries and signing of webhook deliveries. Stripe retries for up to 3 days with an exponential
 * backoff; the emulator keeps the shape (a few attempts, growing waits) at a test's time scale.
 */
export interface WebhookDeliveryOptions {
  /** HTTP attempts per delivery, the first included. Default 4. */
  attempts?: number;
  /** Waits before the 2nd, 3rd... attempt, ms (the last repeats). Default [200, 1000, 5000]. */
  retryDelaysMs?: number[];
  /** An attempt without a response by then counts as failed and is retried. Default 5000 ms. */
  timeoutMs?: number;
  /**
   * What `t=` in Stripe-Signature and secret expiry are measured with. 'wall' (default): the
   * machine's time, which is what a receiver checks its tolerance against, even while a test has
   * frozen or moved the emulator clock to stamp `created`. 'emulator': emulator.clock, so a test can
   * make signatures stale by moving the clock.
   */
  signatureClock?: 'wall' | 'emulator';
}

/**
 * Fault switches for webhook deliveries. A delivery = one event to one endpoint. Each delivery draws
 * from a seeded random sequence in a fixed order, so the same seed, switches and sequence of events
 * give the same faults. Setting switches replaces the earlier ones and restarts the sequence.
 */
export interface WebhookFaults {
  /** Seeds the random sequence. Default 1. */
  seed?: number;
  /** Share of deliveries never sent, not even retried: the event is lost for webhooks (0..1). */
  dropRate?: number;
  /**
   * Share of deliveries sent a second time: a separate delivery, with its own signature, delay and
   * retries (0..1). A dropped delivery is not duplicated, so the share of all is (1 - dropRate) * this.
   */
  duplicateRate?: number;
  /** Share of deliveries signed with a wrong secret (0..1). */
  badSignatureRate?: number;
  /** Wait before a delivery's first attempt: fixed ms, or uniformly random in [min, max] per delivery. */
  delayMs?: number | { min: number; max: number };
  /**
   * Deliveries are held until `window` of them have gathered, then released in a shuffled order; a
   * partial window is released `maxHoldMs` (default 250) after its first delivery arrived. Applies
   * to first attempts (after `delayMs`); retries are not held again.
   */
  reorder?: { window: number; maxHoldMs?: number };
}

/** Per endpoint, since the emulator started or was reset. */
export interface WebhookEndpointStats {
  /** HTTP requests sent (every retry counts). */
  attempts: number;
  /** Deliveries answered with a 2xx. */
  delivered: number;
  /** Deliveries that ran out of attempts. */
  failed: number;
  /** Deliveries the drop fault never sent. */
  dropped: number;
  /** Extra deliveries the duplicate fault made. */
  duplicated: number;
  /** Deliveries signed with a wrong secret by the bad-signature fault. */
  badSignatures: number;
  /** Deliveries stopped because the endpoint was disabled or deleted meanwhile. */
  canceled: number;
}

export interface WebhookDelivery {
  /** 'whd_<n>', in the order deliveries were created. */
  id: string;
  event: string;
  type: string;
  endpoint: string;
  /** Set on the extra delivery the duplicate fault made: the id of the delivery it copies. */
  duplicateOf: string | null;
  badSignature: boolean;
  outcome: 'pending' | 'delivered' | 'failed' | 'dropped' | 'canceled';
  /** One per attempt: the HTTP status, or the error code of a failed connection ('ECONNREFUSED', 'timeout'). */
  responses: (number | string)[];
}

export interface EmulatorWebhooks {
  /** Replaces the delivery fault switches (and restarts their random sequence from the seed). */
  setFaults(faults: WebhookFaults): void;
  /** No delivery faults; emulator.clearFaults() and reset() clear them too. */
  clearFaults(): void;
  /**
   * Resolves once no delivery is waiting (delay, reorder hold, retry backoff) or in flight. Rejects
   * after `timeoutMs` (default 30 000) naming how many are still busy.
   */
  idle(timeoutMs?: number): Promise<void>;
  /** Stats of every endpoint that had a delivery, by endpoint id. */
  stats(): Record<string, WebhookEndpointStats>;
  /** One endpoint's stats (zeros when it had no delivery). */
  stats(endpointId: string): WebhookEndpointStats;
  /** Every delivery so far, oldest first (the last 10 000). */
  deliveries(): WebhookDelivery[];
  /**
   * Rolls an endpoint's signing secret, as the Dashboard does. The old secret keeps signing too for
   * `expiresIn` seconds (default 0: it stops now): meanwhile deliveries carry two v1 signatures, the
   * new one first. Returns the new secret.
   */
  rollSecret(endpointId: string, options?: { expiresIn?: number }): { secret: string };
}

export interface FaultMatch {
  method?: string;
  /** Exact path, or a prefix ending in '*'. */
  path?: string;
}

export type Fault =
  | {
      kind: 'status';
      status: number;
      count?: number;
      /** Sets Stripe-Should-Retry: true|false; absent = no header. */
      shouldRetry?: boolean;
      /** Seconds; sets Retry-After. */
      retryAfter?: number;
      /** Overrides the error body; default a plausible one for the status. */
      error?: Partial<StripeErrorBody>;
      match?: FaultMatch;
    }
  | {
      kind: 'drop';
      /**
       * before = socket destroyed before handling (nothing happens);
       * after = request fully handled (object created, idempotent response stored), then the
       * socket is destroyed without a response.
       */
      when: 'before' | 'after';
      count?: number;
      match?: FaultMatch;
    }
  | { kind: 'latency'; ms: number; count?: number; match?: FaultMatch };

export interface RecordedRequest {
  method: string;
  path: string;
  /** qs-parsed query string. */
  query: Record<string, unknown>;
  /** qs-parsed form body. */
  body: Record<string, unknown>;
  rawQuery: string;
  rawBody: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** What was answered, 0 if dropped (or not answered yet). */
  status: number;
  requestId: string;
  idempotentReplayed: boolean;
  /** Date.now() ms. */
  receivedAt: number;
  /** The Stripe-Account header, or 'acct_emulator'. */
  account: string;
}

/** The `error` member of a Stripe error response. */
export interface StripeErrorBody {
  type: 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  charge?: string;
  doc_url?: string;
  request_log_url?: string;
  [extra: string]: unknown;
}
