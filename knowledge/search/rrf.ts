/**
 * Reciprocal rank fusion: merges rankings whose scores are not comparable (BM25 vs cosine)
 * using only positions. k = 60 is the constant from the original paper (Cormack et al., 2009).
 */
export const RRF_K = 60;

export function reciprocalRankFusion<T>(rankings: T[][], key: (item: T) => string, k = RRF_K): Array<{ item: T; score: number }> {
  const fused = new Map<string, { item: T; score: number }>();
  for (const ranking of rankings) {
    ranking.forEach((item, rank) => {
      const id = key(item);
      const entry = fused.get(id) ?? { item, score: 0 };
      entry.score += 1 / (k + rank + 1);
      fused.set(id, entry);
    });
  }
  return [...fused.values()].sort((a, b) => b.score - a.score);
}
