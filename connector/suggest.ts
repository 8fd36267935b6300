/**
 * "Did you mean": the known names closest to a mistyped one, by edit distance (a swap of two
 * neighbouring letters counts as one edit), closest first. A name that merely contains the typed text,
 * or starts the same, also counts: `customer` suggests `create_customer`, `retrieve_customer` ...
 */
export function suggest(typed: string, known: readonly string[], max = 3): string[] {
  const wanted = typed.toLowerCase();
  if (!wanted) return [];
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  const scored: Array<[name: string, score: number]> = [];
  for (const name of known) {
    const candidate = name.toLowerCase();
    const distance = editDistance(wanted, candidate);
    if (distance <= limit) scored.push([name, distance]);
    else if (wanted.length >= 3 && candidate.includes(wanted)) scored.push([name, limit + 1 + (candidate.length - wanted.length) / 100]);
  }
  return scored
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, max)
    .map(([name]) => name);
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}
