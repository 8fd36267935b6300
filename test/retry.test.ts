import { DEFAULT_RETRY_OPTIONS, isRetryable, parseRetryAfterMs, retryDelayMs } from '../client/retry';

describe('retry policy', () => {
  it.each([
    [{ kind: 'network' } as const, true],
    [{ kind: 'response', status: 500 } as const, true],
    [{ kind: 'response', status: 503 } as const, true],
    [{ kind: 'response', status: 409 } as const, true],
    [{ kind: 'response', status: 429 } as const, true],
    [{ kind: 'response', status: 400 } as const, false],
    [{ kind: 'response', status: 402 } as const, false],
    [{ kind: 'response', status: 404 } as const, false],
    [{ kind: 'response', status: 429, shouldRetryHeader: 'false' } as const, false],
    [{ kind: 'response', status: 500, shouldRetryHeader: 'false' } as const, false],
    [{ kind: 'response', status: 400, shouldRetryHeader: 'true' } as const, true],
  ])('%j retryable: %s', (outcome, expected) => {
    expect(isRetryable(outcome)).toBe(expected);
  });

  it('backs off from 0.5 s, doubling, capped at 5 s, jittered down to half but never below 0.5 s', () => {
    const low = () => 0; // jitter factor 0.5
    const high = () => 0.999999; // jitter factor ~1
    const expectedCeilings = [500, 1000, 2000, 4000, 5000, 5000];
    expectedCeilings.forEach((ceiling, i) => {
      const retry = i + 1;
      expect(retryDelayMs(retry, DEFAULT_RETRY_OPTIONS, undefined, high)).toBeCloseTo(ceiling, -1);
      expect(retryDelayMs(retry, DEFAULT_RETRY_OPTIONS, undefined, low)).toBe(Math.max(500, ceiling / 2));
    });
  });

  it('waits out a Retry-After longer than the backoff, but not one beyond the cap', () => {
    expect(retryDelayMs(1, DEFAULT_RETRY_OPTIONS, '3', () => 0)).toBe(3000);
    expect(retryDelayMs(1, DEFAULT_RETRY_OPTIONS, '0', () => 0)).toBe(500);
    expect(retryDelayMs(1, DEFAULT_RETRY_OPTIONS, '3600', () => 0)).toBe(500);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfterMs('2')).toBe(2000);
    expect(parseRetryAfterMs('1.5')).toBe(1500);
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(parseRetryAfterMs('Mon, 23 Nov 2026 10:00:04 GMT', now)).toBe(4000);
    expect(parseRetryAfterMs('soon')).toBeUndefined();
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
  });
});
