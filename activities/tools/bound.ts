/**
 * Keeps tool output small for the model and the workflow history: long strings are cut and the
 * longest arrays halved until the JSON fits, and the result says what was dropped.
 */

export const DEFAULT_TOOL_OUTPUT_BYTES = 8_000;
const MAX_STRING = 600;

function cutStrings(value: unknown): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}… [${value.length - MAX_STRING} more chars]` : value;
  if (Array.isArray(value)) return value.map(cutStrings);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, cutStrings(v)]));
  }
  return value;
}

/** Finds the longest array anywhere in the value (by element count). */
function longestArray(value: unknown, path: string[] = []): { path: string[]; length: number } | undefined {
  let best: { path: string[]; length: number } | undefined;
  const visit = (v: unknown, p: string[]) => {
    if (Array.isArray(v)) {
      if (!best || v.length > best.length) best = { path: p, length: v.length };
      v.forEach((item, i) => visit(item, [...p, String(i)]));
    } else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) visit(child, [...p, k]);
    }
  };
  visit(value, path);
  return best;
}

function at(value: unknown, path: string[]): unknown {
  return path.reduce<unknown>((v, key) => (v as Record<string, unknown>)[key], value);
}

export function bound(data: unknown, maxBytes = DEFAULT_TOOL_OUTPUT_BYTES): { data: unknown; truncated?: string } {
  const size = (v: unknown) => Buffer.byteLength(JSON.stringify(v) ?? '');
  let out = data;
  const originalBytes = size(out);
  if (originalBytes <= maxBytes) return { data: out };
  out = cutStrings(structuredClone(out));
  const dropped: string[] = [];
  for (let guard = 0; size(out) > maxBytes && guard < 64; guard++) {
    const target = longestArray(out);
    if (!target || target.length <= 1) break;
    const array = target.path.length ? (at(out, target.path) as unknown[]) : (out as unknown[]);
    const keep = Math.max(1, Math.floor(array.length / 2));
    dropped.push(`${target.path.join('.') || '(root)'}: kept ${keep} of ${array.length}`);
    array.splice(keep);
  }
  if (size(out) > maxBytes) {
    const text = JSON.stringify(out);
    return { data: { partial: text.slice(0, maxBytes) }, truncated: `output cut from ${originalBytes} to ${maxBytes} bytes` };
  }
  return { data: out, truncated: `output reduced from ${originalBytes} bytes (${dropped.length ? dropped.join('; ') : 'long strings shortened'})` };
}
