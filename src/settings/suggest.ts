/**
 * "Did you mean …?" for names that are not settings. Names are compared case-insensitively and without
 * separators, so `desiredLatencySecond`, `DESIRED_LATENCY_SECOND` and `desired-latency-second` all find
 * `desiredLatencySeconds`.
 */

export const normalize = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, "");

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b` (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** Up to a quarter of the name may differ (at least 1, at most 4 edits): close enough to be a typo. */
const closeEnough = (name: string, distance: number) => distance <= Math.min(4, Math.max(1, Math.floor(name.length / 4)));

/**
 * The candidate closest to `name`, compared with each of its spellings, or undefined when none is close.
 * On a tie the earlier candidate wins, so callers list the likeliest group first.
 */
export function closest<C>(name: string, candidates: readonly C[], spellings: (c: C) => readonly string[]): { candidate: C; distance: number } | undefined {
  const n = normalize(name);
  let best: { candidate: C; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = Math.min(...spellings(candidate).map((s) => editDistance(n, normalize(s))));
    if (best === undefined || distance < best.distance) best = { candidate, distance };
  }
  return best && closeEnough(n, best.distance) ? best : undefined;
}
