/** The median of the samples (the upper middle one for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** `BENCH_QUICK=1` (set by `npm run bench:quick`): a short run that prints its tables and writes no result file. */
export const QUICK = process.env.BENCH_QUICK === '1';
