/**
 * A light suffix stemmer: enough to make "evictions", "evicted" and "evicting" meet "eviction",
 * "replicas" meet "replica" and "policies" meet "policy", without a full Porter implementation.
 * Both documents and queries go through it, so consistency matters more than linguistic accuracy.
 */

const VOWEL = /[aeiouy]/;

function strip(word: string, suffix: string, minStem: number): string | undefined {
  if (!word.endsWith(suffix)) return undefined;
  const stem = word.slice(0, -suffix.length);
  return stem.length >= minStem && VOWEL.test(stem) ? stem : undefined;
}

function plural(word: string): string {
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (/(xes|ches|shes|zes)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

export function stem(word: string): string {
  if (word.length <= 3 || /[^a-z]/.test(word)) return word;
  let s = plural(word);
  const derived =
    strip(s, 'ing', 3) ??
    strip(s, 'ed', 3) ??
    strip(s, 'ion', 4) ??
    strip(s, 'ability', 4) ??
    strip(s, 'able', 4) ??
    strip(s, 'ence', 4) ??
    strip(s, 'ance', 4) ??
    strip(s, 'ly', 4) ??
    strip(s, 'er', 4);
  if (derived) {
    s = derived;
    // stopped -> stopp -> stop; l, s and z stay doubled (filled -> fill, missed -> miss)
    if (/([b-df-hj-km-rt-y])\1$/.test(s)) s = s.slice(0, -1);
  }
  if (s.length > 3 && /[ey]$/.test(s)) s = s.slice(0, -1);
  if (s.length > 5 && s.endsWith('at')) s = s.slice(0, -2);
  return s;
}
