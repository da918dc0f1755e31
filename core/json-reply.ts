/**
 * JSON out of a model's reply when the server has no JSON mode: small models wrap it in ```json
 * fences, put a sentence before it, or emit two objects. Scanning for balanced braces (strings and
 * escapes respected) finds each complete JSON value; what does not parse is skipped.
 */
export function jsonObjectsIn(text: string): unknown[] {
  const found: unknown[] = [];
  for (let start = 0; start < text.length; start++) {
    const open = text[start];
    if (open !== '{' && open !== '[') continue;
    const end = balancedEnd(text, start);
    if (end < 0) continue;
    try {
      found.push(JSON.parse(text.slice(start, end + 1)));
      start = end;
    } catch {
      // not JSON after all (e.g. "[runbook: x]"): keep scanning inside it
    }
  }
  return found;
}

function balancedEnd(text: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') stack.push(c === '{' ? '}' : ']');
    else if (c === '}' || c === ']') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

/** The first JSON object in a reply (what a planner or router was asked for), or undefined. */
export function parseJsonReply(text: string | null | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  const value = jsonObjectsIn(text).find((v) => v !== null && typeof v === 'object' && !Array.isArray(v));
  return value as Record<string, unknown> | undefined;
}
