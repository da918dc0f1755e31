/**
 * The concrete claims an answer makes, the ones an SRE would act on and a model can invent:
 * field/value pairs (`used_memory: 9.9 MB`, `maxmemory-policy=noeviction`), numbers with units
 * (`512 ms`, `1.2 GB`, `85%`, `3,241 keys`), tool names cited, `CONFIG SET` recommendations, and
 * key names in backticks. Pure: extracted the same way on every run.
 */

export type Claim =
  | { kind: 'field'; text: string; field: string; value: string }
  | { kind: 'quantity'; text: string; value: number; unit: string }
  | { kind: 'tool'; text: string; tool: string; cited: boolean }
  | { kind: 'config-set'; text: string; parameter: string; value: string }
  | { kind: 'key'; text: string; key: string }
  | { kind: 'runbook'; text: string; id: string };

const UNITS =
  'B|KB|MB|GB|TB|KiB|MiB|GiB|TiB|kb|mb|gb|bytes?|ms|µs|us|s|sec|seconds?|minutes?|min|hours?|h|%|keys|clients|connections|ops/s|calls|entries|fields|members|elements|replicas?';
const NUMBER = '\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?';
const VALUE_UNIT = '(?:\\s?(?:B|KB|MB|GB|TB|bytes|ms|µs|us|s|sec|seconds|%)(?![\\w/]))?';

/** Words that look like fields but are prose ("step: 1", "note: …"). */
const NOT_FIELDS = new Set([
  'step',
  'note',
  'example',
  'warning',
  'critical',
  'info',
  'summary',
  'risk',
  'risks',
  'fix',
  'evidence',
  'cause',
  'diagnosis',
  'recommendation',
  'source',
  'sources',
  'runbook',
  'task',
  'thread',
  'tool',
  'tools',
  'value',
  'values',
]);

export function extractClaims(answer: string): Claim[] {
  const claims: Claim[] = [];
  const seen = new Set<string>();
  const push = (claim: Claim) => {
    const key = `${claim.kind}:${claim.text}`;
    if (!seen.has(key)) {
      seen.add(key);
      claims.push(claim);
    }
  };
  for (const m of answer.matchAll(/\bCONFIG\s+SET\s+([a-z][a-z0-9-]{1,60})\s+("[^"]{0,120}"|'[^']{0,120}'|[^\s`'"]{1,80})/gi)) {
    push({ kind: 'config-set', text: m[0], parameter: m[1].toLowerCase(), value: m[2].replace(/^["']|["']$/g, '') });
  }
  // A name like a tool's; `cited` when the answer presents it as a tool ("according to x", "x output"),
  // since redis_exporter metric names (redis_memory_used_bytes) look the same.
  for (const m of answer.matchAll(/\b((?:redis|prometheus|loki|knowledge)_[a-z0-9_]{2,60}|mcp_[a-z0-9_]{2,60})\b/g)) {
    const before = answer.slice(Math.max(0, m.index - 30), m.index);
    const after = answer.slice(m.index + m[1].length, m.index + m[1].length + 20);
    const cited =
      /\b(according to|from|via|using|per|with|call(ed)?|ran|run|the)\s*[`(]?$/i.test(before) ||
      /^[`)]?\s*(tool|output|returned|result|shows|says|reports|call)\b/i.test(after) ||
      /^\s*\(/.test(after);
    push({ kind: 'tool', text: m[1], tool: m[1], cited });
  }
  // field: value / field=value / `field` is value, where field is snake_case or kebab-case.
  // Quoted JSON ("field": 20) counts too: a model inventing an INFO excerpt writes it that way.
  const fieldValue = new RegExp(
    `[\`"']?\\b([a-z][a-z0-9]*(?:[_-][a-z0-9]+)+)\\b[\`"']?\\s*(?::|=|\\bis\\b|\\bwas\\b|\\bat\\b)\\s*[\`"']?([A-Za-z0-9][\\w.:/%-]{0,40}${VALUE_UNIT})[\`"']?`,
    'g',
  );
  for (const m of answer.matchAll(fieldValue)) {
    const field = m[1].toLowerCase();
    if (NOT_FIELDS.has(field) || /^(redis|prometheus|loki|knowledge|mcp)_/.test(field)) continue;
    // "master_host:master_port: 10.0.0.1:6379" names two fields; the value follows the last colon.
    if (/:$/.test(m[2]) || /^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$/.test(m[2])) continue;
    push({ kind: 'field', text: m[0].trim(), field, value: m[2].replace(/[.,;:]+$/, '') });
  }
  for (const m of answer.matchAll(new RegExp(`(?<![\\w.])(${NUMBER})\\s?(${UNITS})(?![\\w])`, 'gi'))) {
    const value = Number(m[1].replace(/,/g, ''));
    if (Number.isFinite(value)) push({ kind: 'quantity', text: m[0], value, unit: m[2] });
  }
  for (const m of answer.matchAll(/\[runbook:\s*([\w./-]{1,120})\]/gi)) push({ kind: 'runbook', text: m[0], id: m[1] });
  for (const m of answer.matchAll(/`([^`\s]{1,200}:[^`\s]{1,200})`/g)) {
    // a key name with a ':' separator, quoted as code (not a host:port, not field: value)
    if (!/^\d+\.\d+\.\d+\.\d+:\d+$/.test(m[1]) && !/^[a-z_-]+:$/.test(m[1])) push({ kind: 'key', text: m[0], key: m[1] });
  }
  return claims;
}
