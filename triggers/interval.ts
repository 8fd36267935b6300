/**
 * Poll intervals: `90s`, `10m`, `1h`, `1h30m`, or a number of seconds. Between 1 minute and 24 hours
 * (the bounds: Stripe's rate limits make sub-minute polling a poor trade; a day is the longest
 * a user waits for a "new X" flow).
 */
export const MIN_EVERY_MS = 60_000;
export const MAX_EVERY_MS = 24 * 60 * 60_000;
export const DEFAULT_EVERY = '10m';

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000 };
export const EVERY_PATTERN = /^(?:\d+|(?=\d)(?:\d+h)?(?:\d+m)?(?:\d+s)?)$/;

/** Milliseconds of an interval string, or undefined when it is not one (bounds not checked). */
export function parseInterval(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || !EVERY_PATTERN.test(trimmed)) return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  let ms = 0;
  for (const [, n, unit] of trimmed.matchAll(/(\d+)([hms])/g)) ms += Number(n) * UNIT_MS[unit!]!;
  return ms;
}

/** Milliseconds of a valid interval within bounds; throws a readable message otherwise. */
export function intervalMs(text: string): number {
  const ms = parseInterval(text);
  if (ms === undefined) throw new Error(`not an interval: ${JSON.stringify(text)} (use e.g. 90s, 10m, 1h, 1h30m)`);
  if (ms < MIN_EVERY_MS || ms > MAX_EVERY_MS) throw new Error(`interval ${text} is outside 1m..24h`);
  return ms;
}
