import type { EvidenceEntry } from '../../core/evidence';

/**
 * The tool outputs of a task, indexed for the grounding check: every field with its values, every
 * number by what it measures, the raw text (for key names and runbook ids), the tools that ran,
 * and the configuration as CONFIG GET returned it.
 */

/** What a number measures. */
export type Dimension = 'time' | 'bytes' | 'ratio' | 'other';

export interface EvidenceIndex {
  fields: Map<string, Set<string>>;
  /** Numbers as their field holds them, by what the field's name says they measure (units unknown). */
  raw: Record<Dimension, number[]>;
  /** Numbers written with a unit ("12.6 MB", "57 s", "501.48 µs"), in bytes and in ms. */
  measured: { bytes: number[]; ms: number[]; percent: number[] };
  text: string;
  /** Tools called in the task, whether they succeeded or not. */
  called: Set<string>;
  config: Map<string, string>;
}

/** A number as written in English prose or JSON: "29,640", "1.5", "-3". */
export const NUMBER = '-?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|-?\\d+(?:\\.\\d+)?';
export const toNumber = (text: string) => Number(text.replace(/,/g, ''));

const BYTE_POWERS: Record<string, number> = { b: 0, byte: 0, bytes: 0, k: 1, kb: 1, kib: 1, m: 2, mb: 2, mib: 2, g: 3, gb: 3, gib: 3, t: 4, tb: 4, tib: 4 };
const MS_PER: Record<string, number> = {
  µs: 0.001,
  us: 0.001,
  usec: 0.001,
  ms: 1,
  msec: 1,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

/** A quantity with a unit in canonical form: bytes (binary multiples, as Redis prints them) or ms. */
export function canonical(value: number, unit: string): { dim: 'bytes' | 'time' | 'percent'; values: number[] } | undefined {
  const u = unit.toLowerCase();
  if (u in BYTE_POWERS) return { dim: 'bytes', values: [value * 1024 ** BYTE_POWERS[u], value * 1000 ** BYTE_POWERS[u]] };
  if (u in MS_PER) return { dim: 'time', values: [value * MS_PER[u]] };
  if (u === '%') return { dim: 'percent', values: [value] };
  return undefined;
}

const UNIT_IN_TEXT = new RegExp(
  `(${NUMBER})\\s?(µs|usec|us|ms|msec|seconds?|sec|s|minutes?|min|hours?|h|days?|d|bytes?|[KMGT]i?B|B|[KMGT]|%)(?![A-Za-z])`,
  'g',
);

const TIME_FIELD =
  /(^|_)(ms|msec|usec|us|sec|seconds?|micros|millis)($|_)|latency|duration|timeout|time|lag|idle|age|uptime|delay|period|interval|ttl|elapsed|stall|busy|longest/;
const BYTES_FIELD = /bytes|memory|mem|size|rss|buf|peak|dataset|overhead|length|maxmemory|capacity|limit|footprint|allocat|^used|_used/;
const RATIO_FIELD = /ratio|perc|pct|frag|rate|share|fraction|hit/;

/** A field name in snake case: "busyMs" and "busy-ms" read as "busy_ms". */
const normalise = (key: string) =>
  key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/-/g, '_')
    .toLowerCase();

function dimensionOf(key: string | undefined): Dimension {
  if (!key) return 'other';
  const name = normalise(key);
  if (TIME_FIELD.test(name)) return 'time';
  if (BYTES_FIELD.test(name)) return 'bytes';
  if (RATIO_FIELD.test(name)) return 'ratio';
  return 'other';
}

export function indexEvidence(entries: EvidenceEntry[], derived: unknown): EvidenceIndex {
  const fields = new Map<string, Set<string>>();
  const raw: EvidenceIndex['raw'] = { time: [], bytes: [], ratio: [], other: [] };
  const measured: EvidenceIndex['measured'] = { bytes: [], ms: [], percent: [] };
  const config = new Map<string, string>();
  const add = (key: string, value: unknown) => {
    const name = key.toLowerCase();
    if (!fields.has(name)) fields.set(name, new Set());
    fields.get(name)!.add(String(value).toLowerCase());
  };
  const scalar = (value: string | number | boolean, key?: string) => {
    if (key) add(key, value);
    if (typeof value === 'number') {
      if (Number.isFinite(value)) raw[dimensionOf(key)].push(value);
      return;
    }
    if (typeof value !== 'string') return;
    let rest = value;
    for (const m of value.matchAll(UNIT_IN_TEXT)) {
      const c = canonical(toNumber(m[1]), m[2]);
      if (!c) continue;
      if (c.dim === 'bytes') measured.bytes.push(...c.values);
      else if (c.dim === 'time') measured.ms.push(...c.values);
      else measured.percent.push(...c.values);
      rest = rest.replace(m[0], ' ');
    }
    for (const m of rest.matchAll(new RegExp(NUMBER, 'g'))) raw[dimensionOf(key)].push(toNumber(m[0]));
  };
  const walk = (value: unknown, key?: string) => {
    if (Array.isArray(value)) value.forEach((v) => walk(v, key));
    else if (value && typeof value === 'object') {
      // Evidence lines ({signal, value}) name their field in `signal`.
      const o = value as Record<string, unknown>;
      const named = typeof o.signal === 'string' && 'value' in o ? o.signal : undefined;
      for (const [k, v] of Object.entries(o)) walk(v, named && k === 'value' ? named : k);
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') scalar(value, key);
  };
  if (derived !== undefined) walk(derived);
  for (const e of entries) {
    if (e.data === undefined) continue;
    walk(e.data);
    if (e.tool === 'redis_config_get' && e.data && typeof e.data === 'object')
      for (const [k, v] of Object.entries(e.data)) config.set(k.toLowerCase(), String(v));
  }
  const text = JSON.stringify([derived ?? null, ...entries.map((e) => e.data ?? null)]).toLowerCase();
  return { fields, raw, measured, text, called: new Set(entries.map((e) => e.tool)), config };
}
