/**
 * When and how long to wait before sending a request again: stripe-node's policy
 * (network errors, 409 and 5xx retry; `Stripe-Should-Retry` overrides the status), plus 429, which a
 * connector polling on a schedule must ride out, and `Retry-After` when Stripe gives one.
 */

export interface RetryOptions {
  /** Retries after the first attempt. Default 2 (stripe-node's default). */
  maxRetries: number;
  /** First backoff, doubled per retry. Default 500 ms. */
  initialRetryDelayMs: number;
  /** Backoff cap (before jitter). Default 5 000 ms. */
  maxRetryDelayMs: number;
  /** Longest `Retry-After` honoured; a longer one is not waited out in-process. Default 60 000 ms. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  maxRetries: 2,
  initialRetryDelayMs: 500,
  maxRetryDelayMs: 5_000,
  maxRetryAfterMs: 60_000,
};

/** What came back from one attempt: a status and headers, or no response at all. */
export type AttemptOutcome =
  | { kind: 'response'; status: number; shouldRetryHeader?: string; retryAfterHeader?: string }
  | { kind: 'network' };

/** Whether the outcome is worth another attempt at all (ignoring how many were made). */
export function isRetryable(outcome: AttemptOutcome): boolean {
  if (outcome.kind === 'network') return true;
  if (outcome.shouldRetryHeader === 'true') return true;
  if (outcome.shouldRetryHeader === 'false') return false;
  return outcome.status === 409 || outcome.status === 429 || outcome.status >= 500;
}

/**
 * Backoff before retry number `retry` (1-based): min(initial * 2^(retry-1), max), jittered down to half,
 * never below the initial delay; a `Retry-After` (seconds) within `maxRetryAfterMs` wins when longer.
 */
export function retryDelayMs(
  retry: number,
  options: RetryOptions,
  retryAfterHeader?: string,
  random: () => number = Math.random,
): number {
  const base = Math.min(options.initialRetryDelayMs * 2 ** (retry - 1), options.maxRetryDelayMs);
  const jittered = Math.max(options.initialRetryDelayMs, base * 0.5 * (1 + random()));
  const retryAfterMs = parseRetryAfterMs(retryAfterHeader);
  if (retryAfterMs !== undefined && retryAfterMs <= options.maxRetryAfterMs) {
    return Math.max(jittered, retryAfterMs);
  }
  return jittered;
}

/** `Retry-After` as delay-seconds or an HTTP date. */
export function parseRetryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
