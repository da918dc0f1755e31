/**
 * Field-level mutations generated from a JSON Schema (the one a client sees: the OpenAPI document,
 * an MCP tool's inputSchema). Each candidate is kept only if the schema refuses it, plus a few
 * values that are wrong by documented meaning rather than by shape (a URL that is not redis://,
 * a cron that names minute 99, a server path that is not a document).
 */

export type Json = Record<string, any>;

/** How the server must answer a mutation. */
export type Outcome = 'invalid' | 'not_found' | 'conflict';

export interface Mutation {
  /** The top-level key whose value is replaced (nested fields carry their whole parent object). */
  key: string;
  /** The value, or MISSING to leave the key out. */
  value: unknown;
  label: string;
  outcome: Outcome;
  /** The field the error must name (dotted), when the check that refuses it names one. */
  field?: string;
  /** Text the error message must contain (e.g. the name of an unknown field). */
  mentions?: string;
}

export const MISSING = Symbol('missing');

interface Candidate {
  value: unknown;
  label?: string;
  outcome?: Outcome;
  /** false: refused by a check that does not name the field (e.g. a path that does not exist). */
  named?: boolean;
  mentions?: string;
}

/** Shown in test names: printable ASCII, long values cut. */
export function show(value: unknown): string {
  if (value === MISSING) return '(missing)';
  if (typeof value === 'string' && value.length > 60) {
    const chars = [...value];
    if (chars.every((c) => c === chars[0])) return `${show(chars[0])}×${chars.length}`;
  }
  const text = (JSON.stringify(value) ?? String(value)).replace(/[^\x20-\x7e]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
  return text.length > 56 ? `${text.slice(0, 48)}…(${text.length} chars)` : text;
}

const HUGE = 100_000;

export const INJECTIONS = [
  'task_x;FLUSHALL',
  '../../etc/passwd',
  'inst_$(rm -rf /)',
  "' OR 1=1 --",
  '%00',
  '\r\nSET x y',
  '{"$gt":""}',
  '*',
  '<script>alert(1)</script>',
  '${jndi:ldap://127.0.0.1/x}',
];

export const UNICODE = ['🔥🚀💥', 'שלום עולם', '\u202Egnp.exe', 'zero\u200Bwidth', 'nul\u0000byte', '\uD800', 'lone low \uDFFF', 'e\u0301\u0301\u0301'];

const ID_KINDS = ['task', 'thread', 'inst', 'sched'];

/** Ids that look almost right: the right prefix with something dangerous or wrong after it. */
function idVariants(kind: string, longId: number): Candidate[] {
  const other = ID_KINDS.find((k) => k !== kind)!;
  return [
    { value: `${kind}_x;FLUSHALL` },
    { value: `${kind}_$(rm -rf /)` },
    { value: `${kind}_AbC123xyz\r\nSET x y` },
    { value: `${kind}_AbC123xyz\u0000` },
    { value: `${kind}_*` },
    { value: `${kind}_🔥🔥🔥🔥🔥🔥` },
    { value: `${kind}_abc\u200Bdefg` },
    { value: `${kind}_${'a'.repeat(longId)}`, label: `${kind}_ + "a"×${longId}` },
    { value: `${kind}_abc` },
    { value: `${other}_AbC123xyz` },
    { value: `${kind.toUpperCase()}_AbC123xyz` },
    { value: `${kind}_doesNotExist1`, outcome: 'not_found' },
  ];
}

export const BAD_URLS = [
  'http://x',
  'redis://:@',
  'redis://host:99999',
  'javascript:alert(1)',
  'file:///etc/passwd',
  'redis://127.0.0.1:6379/abc',
  'redis://127.0.0.1:6379/100',
  'redis://',
  'redis://exa mple:6379',
  'redis://127.0.0.1:6379\r\nFLUSHALL',
];

export const BAD_CRONS = [
  'every day',
  '99 99 * * *',
  '60 * * * *',
  '0 24 * * *',
  '0 0 32 * *',
  '*/0 * * * *',
  '* * * * * * *',
  '@daily',
  '0 3 * * *; FLUSHALL',
  '0 3 * * *\r\nSET x y',
];

/** Ingest paths: only folders or .md/.txt files may be read on the server. */
const BAD_INGEST_PATHS: Candidate[] = [
  { value: '/etc/passwd.db' },
  { value: '/etc/passwd', named: false },
  { value: '../../../../../../etc/passwd', named: false },
  { value: '/dev/zero', named: false },
  { value: '/nonexistent/runbooks', named: false, mentions: '/nonexistent/runbooks' },
  { value: 'runbook\u0000.md', named: false },
];

/** Values refused by meaning, keyed by field name. */
function semanticExtras(name: string, schema: Json): Candidate[] {
  const extras: Candidate[] = [];
  if (schema.type === 'string' && (schema.minLength ?? 0) >= 1) extras.push({ value: '   ', label: 'blank "   "' });
  if (name === 'connection_url') extras.push(...BAD_URLS.map((value) => ({ value })));
  if (name === 'cron') extras.push(...BAD_CRONS.map((value) => ({ value })));
  return extras;
}

export function accepts(schema: Json, value: unknown): boolean {
  if (schema.anyOf) return (schema.anyOf as Json[]).some((s) => accepts(s, value));
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) return false;
  switch (schema.type) {
    case 'string': {
      if (typeof value !== 'string') return false;
      const length = [...value].length;
      if (schema.minLength !== undefined && length < schema.minLength) return false;
      if (schema.maxLength !== undefined && length > schema.maxLength) return false;
      return schema.pattern === undefined || pattern(schema.pattern).test(value);
    }
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value) || (schema.type === 'integer' && !Number.isInteger(value))) return false;
      return !(schema.minimum !== undefined && value < schema.minimum) && !(schema.maximum !== undefined && value > schema.maximum);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'array':
      if (!Array.isArray(value)) return false;
      if (schema.minItems !== undefined && value.length < schema.minItems) return false;
      if (schema.maxItems !== undefined && value.length > schema.maxItems) return false;
      return !schema.items || value.every((item) => accepts(schema.items, item));
    case 'object': {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
      const object = value as Record<string, unknown>;
      if (((schema.required ?? []) as string[]).some((key) => !(key in object))) return false;
      return Object.entries(object).every(([key, item]) => {
        if (schema.propertyNames && !accepts(schema.propertyNames, key)) return false;
        if (schema.properties && key in schema.properties) return accepts(schema.properties[key], item);
        if (schema.additionalProperties === false) return false;
        return typeof schema.additionalProperties !== 'object' || accepts(schema.additionalProperties, item);
      });
    }
    default:
      return true;
  }
}

function pattern(source: string): RegExp {
  try {
    return new RegExp(source, 'u');
  } catch {
    return new RegExp(source);
  }
}

/** A valid value for a schema: the parent object a nested mutation is placed in. */
export function sample(schema: Json): unknown {
  if ('default' in schema) return schema.default;
  if (schema.anyOf) return sample(schema.anyOf[0]);
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'string':
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return schema.minItems ? [sample(schema.items)] : [];
    case 'object':
      return Object.fromEntries(((schema.required ?? []) as string[]).map((key) => [key, sample(schema.properties[key])]));
    default:
      return null;
  }
}

/**
 * The server trims text fields that must not be empty before checking them ("  cache-prod " is
 * cache-prod), so surrounding whitespace, CR/LF included, is not bad input there.
 */
export function trimmedIsValid(schema: Json, value: unknown): boolean {
  return typeof value === 'string' && (schema.minLength ?? 0) >= 1 && value.trim() !== value && accepts(schema, value.trim());
}

export function idKind(schema: Json): string | undefined {
  return /^\^(task|thread|inst|sched)_/.exec(schema.pattern ?? '')?.[1];
}

/** Candidate values for a string, in a JSON body (huge: 100 KB) or a URL (long: a few KB). */
export function stringCandidates(schema: Json, where: 'body' | 'url'): Candidate[] {
  const long = where === 'url' ? 5_000 : HUGE;
  const out: Candidate[] = [{ value: '', label: 'empty ""' }, ...INJECTIONS.map((value) => ({ value })), ...UNICODE.map((value) => ({ value }))];
  if (schema.maxLength !== undefined) {
    out.push({ value: 'x'.repeat(schema.maxLength + 1), label: `"x"×${schema.maxLength + 1} (max ${schema.maxLength})` });
    if (schema.maxLength < 10_000) out.push({ value: '🔥'.repeat(schema.maxLength + 1), label: `"🔥"×${schema.maxLength + 1}` });
  }
  if (schema.maxLength === undefined || schema.maxLength < long) out.push({ value: 'x'.repeat(long), label: `"x"×${long}` });
  const kind = idKind(schema);
  if (kind) out.push(...idVariants(kind, where === 'url' ? 5_000 : 20_000));
  if (schema.enum) {
    const first = String(schema.enum[0]);
    out.push(...['root', first.toUpperCase(), `${first} `, `${first}\u0000`, `${first};FLUSHALL`].map((value) => ({ value })));
  }
  return out;
}

const WRONG_TYPES: Candidate[] = [
  { value: 42 },
  { value: true },
  { value: ['x'] },
  { value: { $gt: '' }, label: 'object {"$gt":""}' },
  { value: null },
  { value: 'text' },
];

const NUMBERS = [-1, 0, 1.5, 1e9, -1e9, 2 ** 53, '5', 'NaN'];

/** Every value a node must refuse, with how it must be refused. */
function nodeCandidates(schema: Json, name: string): Candidate[] {
  const types = new Set<string>(schema.anyOf ? (schema.anyOf as Json[]).map((s) => s.type) : [schema.type]);
  const raw: Candidate[] = [...WRONG_TYPES];
  if (types.has('string')) raw.push(...stringCandidates(schema, 'body'));
  if (types.has('integer') || types.has('number'))
    raw.push(...NUMBERS.map((value) => ({ value })), { value: (schema.minimum ?? 0) - 1 }, { value: (schema.maximum ?? 1e6) + 1 });
  if (types.has('boolean')) raw.push({ value: 'true' }, { value: 1 });
  if (types.has('array'))
    raw.push(
      { value: [], label: 'empty array' },
      { value: Array.from({ length: (schema.maxItems ?? 100) + 1 }, (_, i) => `/nonexistent/${i}.md`), label: `${(schema.maxItems ?? 100) + 1} items` },
    );
  const refused = raw.filter((c) => (c.outcome === 'not_found' ? accepts(schema, c.value) : !accepts(schema, c.value) && !trimmedIsValid(schema, c.value)));
  return [...refused, ...semanticExtras(name, schema)];
}

function dedupe(mutations: Mutation[]): Mutation[] {
  const seen = new Set<string>();
  return mutations.filter((m) => {
    const key = `${m.key}\u0001${m.value === MISSING ? '(missing)' : JSON.stringify(m.value)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function asMutations(key: string, field: string, candidates: Candidate[], place: (value: unknown) => unknown): Mutation[] {
  return candidates.map((c) => {
    const outcome = c.outcome ?? 'invalid';
    // An unknown id is refused by a lookup, which names the id rather than the field.
    const named = outcome === 'invalid' && c.named !== false;
    return {
      key,
      value: place(c.value),
      label: `${field}: ${c.label ?? show(c.value)}`,
      outcome,
      field: named ? field : undefined,
      mentions: c.mentions ?? (outcome === 'not_found' ? String(c.value) : undefined),
    };
  });
}

/** Mutations of one property (and, for objects, records and arrays, of what is inside it). */
function propertyMutations(key: string, schema: Json): Mutation[] {
  const out = asMutations(key, key, nodeCandidates(schema, key), (v) => v);
  if (schema.type === 'object' && schema.properties) {
    const parent = sample(schema) as Json;
    for (const [child, childSchema] of Object.entries(schema.properties as Record<string, Json>)) {
      out.push(...asMutations(key, `${key}.${child}`, nodeCandidates(childSchema, child), (v) => ({ ...parent, [child]: v })));
      if ((schema.required ?? []).includes(child)) {
        const { [child]: _dropped, ...rest } = parent;
        out.push({ key, value: rest, label: `${key}.${child}: (missing)`, outcome: 'invalid', field: `${key}.${child}` });
      }
    }
    if (schema.additionalProperties === false)
      out.push({ key, value: { ...parent, sudo: true }, label: `${key}: unknown field sudo`, outcome: 'invalid', field: key, mentions: 'sudo' });
  }
  if (schema.type === 'object' && schema.propertyNames) {
    const badKeys = [...INJECTIONS, ...UNICODE, 'k'.repeat(65), ''].filter((k) => !accepts(schema.propertyNames, k));
    out.push(...badKeys.map((k) => ({ key, value: { [k]: 'v' }, label: `${key}: key ${show(k)}`, outcome: 'invalid' as const, field: key })));
    out.push(
      ...asMutations(
        key,
        key,
        nodeCandidates(schema.additionalProperties ?? {}, 'value').map((c) => ({ ...c, label: `value ${c.label ?? show(c.value)}` })),
        (v) => ({ k: v }),
      ),
    );
    // A record's bound is its maxProperties when the schema states one (label sets), else the API's usual 20.
    const max = typeof schema.maxProperties === 'number' ? schema.maxProperties : 20;
    out.push({
      key,
      value: Object.fromEntries(Array.from({ length: max + 1 }, (_, i) => [`k${i}`, 'v'])),
      label: `${key}: ${max + 1} entries (max ${max})`,
      outcome: 'invalid',
      field: key,
    });
  }
  if (schema.type === 'array' && schema.items) {
    const items = key === 'paths' ? [...nodeCandidates(schema.items, 'item'), ...BAD_INGEST_PATHS] : nodeCandidates(schema.items, 'item');
    out.push(...asMutations(key, `${key}.0`, items, (v) => [v]));
  }
  return out;
}

/**
 * Every mutation of an object schema that must be refused: each property's bad values, each
 * required property left out, an unknown property.
 */
export function objectMutations(schema: Json): Mutation[] {
  const out: Mutation[] = [];
  for (const [key, property] of Object.entries((schema.properties ?? {}) as Record<string, Json>)) {
    out.push(...propertyMutations(key, property));
    if ((schema.required ?? []).includes(key)) out.push({ key, value: MISSING, label: `${key}: (missing)`, outcome: 'invalid', field: key });
  }
  if (schema.additionalProperties === false)
    out.push({ key: 'sudo', value: true, label: 'unknown field sudo', outcome: 'invalid', field: '(body)', mentions: 'sudo' });
  return dedupe(out);
}

/** A body with one mutation applied; `without` drops keys that conflict with the mutated one. */
export function applyMutation(base: Json, mutation: Mutation, without: Record<string, string[]> = {}): Json {
  const body: Json = { ...base };
  for (const key of without[mutation.key] ?? []) delete body[key];
  if (mutation.value === MISSING) delete body[mutation.key];
  else body[mutation.key] = mutation.value;
  return body;
}
