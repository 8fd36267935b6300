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
