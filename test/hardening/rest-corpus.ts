import { ApiMetrics } from '../../api/api-metrics';
import { apiRoutes } from '../../api/app';
import { openApiDocument } from '../../api/openapi';
import { RUN, T } from './fixtures';
import { accepts, applyMutation, objectMutations, show, stringCandidates, type Json, type Mutation } from './mutations';

/**
 * The REST corpus, generated from the OpenAPI document: every documented route that takes a path
 * id, query parameters or a JSON body gets each of them mutated, plus malformed bodies.
 */

export interface RestExpectation {
  /** 'probe': POST /instances/test-url answers a failed connection test (200, ok: false) for a URL it cannot use. */
  status: number | 'probe' | '4xx';
  field?: string;
  mentions?: string;
}

export interface RestCase {
  name: string;
  method: string;
  /** OpenAPI path, e.g. /api/v1/instances/{id}. */
  template: string;
  /** Path parameter values (placeholders allowed), percent-encoded when sent. */
  params: Record<string, string>;
  /** Already percent-encoded path parameters (malformed encodings). */
  encodedParams?: Record<string, string>;
  query?: Record<string, string | string[]>;
  body?: Json;
  /** A body that is not the JSON of `body`: built from the (resolved) base body when sent. */
  raw?: (base: Json) => { body: string | Uint8Array; headers: Record<string, string> };
  expect: RestExpectation;
}

/** The document the served GET /api/v1/openapi.json must equal (checked by the test). */
export function documentedApi(): Json {
  const none = {} as never;
  const metrics = new ApiMetrics();
  return openApiDocument(apiRoutes(none, metrics, none, { heartbeatMs: 1_000 }));
}

interface RouteBase {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: Json;
  /** Keys dropped from the base when another is mutated (exactly one of interval or cron). */
  without?: Record<string, string[]>;
  /** Values that already exist: the server must answer 409. */
  conflicts?: Record<string, string>;
  probe?: boolean;
}

// A chat schedule needs no instance, so every case isolates the one field it changes.
const SCHEDULE_BODY = { name: `bad-${RUN}-rest`, agent: 'chat', interval: { every: 1, unit: 'hours' }, enabled: false };

/** A valid request per route: each case changes one thing in it. Ids of existing objects are placeholders. */
const BASES: Record<string, RouteBase> = {
  'POST /api/v1/tasks': { body: { message: 'bad-input probe: is memory ok?' } },
  'POST /api/v1/threads/{id}/messages': { params: { id: T.thread }, body: { message: 'bad-input probe: and now?' } },
  'GET /api/v1/threads/{id}/stream': { params: { id: T.thread } },
  'GET /api/v1/threads/{id}': { params: { id: T.thread } },
  'POST /api/v1/instances': { body: { name: `bad-${RUN}-rest`, connection_url: 'redis://127.0.0.1:1' }, conflicts: { name: T.instanceName } },
  'PATCH /api/v1/instances/{id}': { params: { id: T.instance }, body: {} },
  'GET /api/v1/instances/{id}/health': { params: { id: T.instance } },
  // Labels no instance matches: a valid notification is recorded, never investigated.
  'POST /api/v1/alerts/alertmanager': {
    body: {
      version: '4',
      groupKey: `{}:{alertname="BadInput${RUN}"}`,
      status: 'firing',
      receiver: 'sre-agent',
      alerts: [{ status: 'firing', labels: { alertname: `BadInput${RUN}` }, startsAt: '2026-12-01T14:00:00Z' }],
    },
  },
  'POST /api/v1/instances/test-url': { body: { connection_url: 'redis://127.0.0.1:1' }, probe: true },
  'POST /api/v1/schedules': { body: SCHEDULE_BODY, without: { cron: ['interval'] }, conflicts: { name: T.scheduleName } },
  'PATCH /api/v1/schedules/{id}': { params: { id: T.schedule }, body: {} },
  'GET /api/v1/knowledge/search': { query: { q: 'oom' } },
  'POST /api/v1/knowledge/ingest': { body: {} },
  // A key nobody holds: valid in shape, so each mutation is refused for its shape (400), never let in.
  'POST /api/v1/session': { body: { key: `sre_bad-input-${RUN}` } },
  'POST /api/v1/keys': { body: { name: `bad-${RUN}`, role: 'viewer' } },
  'DELETE /api/v1/keys/{name}': { params: { name: `nobody-${RUN}` } },
  // No such action: bodies are checked first, so each bad one is a 400; nothing is decided.
  'POST /api/v1/approvals/{id}/approve': { params: { id: 'act_0000000000000000' }, body: { comment: 'probe' } },
  'POST /api/v1/approvals/{id}/reject': { params: { id: 'act_0000000000000000' }, body: { comment: 'probe' } },
  'GET /api/v1/approvals/{id}': { params: { id: 'act_0000000000000000' } },
  'POST /api/v1/tasks/{id}/feedback': { params: { id: T.task }, body: { rating: 'down' } },
  // A name no instance has: a valid fleet check of it checks nothing.
  'POST /api/v1/fleet/checks': { body: { filter: { name: `nobody-${RUN}` } } },
  'GET /api/v1/fleet/checks/{id}': { params: { id: 'fleet_nosuchcheck0' } },
};

const json = (body: string) => ({ body, headers: { 'content-type': 'application/json' } });

/** A JSON object with a raw member first (keys JSON.stringify cannot write as own properties). */
const withRawMember = (base: Json, member: string) =>
  `{${[member, ...Object.entries(base).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)].join(',')}}`;

/** Bodies that are not a JSON object of the route's shape, sent to every route with a body. */
const BODY_SHAPES: Array<{ label: string; expect: RestExpectation; raw: RestCase['raw'] }> = [
  { label: 'body is a JSON array', expect: { status: 400, field: '(body)' }, raw: (b) => json(JSON.stringify([b])) },
  { label: 'body is JSON null', expect: { status: 400, mentions: 'not valid JSON' }, raw: () => json('null') },
  { label: 'body is a JSON string', expect: { status: 400, mentions: 'not valid JSON' }, raw: () => json('"FLUSHALL"') },
  { label: 'body is a JSON number', expect: { status: 400, mentions: 'not valid JSON' }, raw: () => json('42') },
  { label: 'body is truncated JSON', expect: { status: 400, mentions: 'not valid JSON' }, raw: () => json('{"message": "hi') },
  {
    label: 'body nests arrays 60000 deep',
    expect: { status: 400, mentions: 'nested' },
    raw: (b) => json(withRawMember(b, `"nested":${'['.repeat(60_000)}${']'.repeat(60_000)}`)),
  },
  {
    label: 'body of 2 MB',
    expect: { status: 413, mentions: 'SRE_API_BODY_LIMIT' },
    raw: (b) => json(JSON.stringify({ ...b, padding: 'x'.repeat(2_000_000) })),
  },
  {
    label: 'form-encoded body',
    expect: { status: 415 },
    raw: () => ({ body: 'message=hi&agent=root', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
  },
  { label: 'JSON sent as text/plain', expect: { status: 415 }, raw: (b) => ({ body: JSON.stringify(b), headers: { 'content-type': 'text/plain' } }) },
  { label: 'body without a Content-Type', expect: { status: 415 }, raw: (b) => ({ body: new TextEncoder().encode(JSON.stringify(b)), headers: {} }) },
  {
    label: 'JSON declared as latin1',
    expect: { status: 415 },
    raw: (b) => ({ body: JSON.stringify(b), headers: { 'content-type': 'application/json; charset=latin1' } }),
  },
  {
    label: 'gzip Content-Encoding over plain bytes',
    expect: { status: 400 },
    raw: (b) => ({ body: JSON.stringify(b), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } }),
  },
  { label: 'a __proto__ member', expect: { status: 400, mentions: '__proto__' }, raw: (b) => json(withRawMember(b, '"__proto__":{"admin":true}')) },
  {
    label: 'a constructor.prototype member',
    expect: { status: 400, mentions: 'constructor' },
    raw: (b) => json(withRawMember(b, '"constructor":{"prototype":{"admin":true}}')),
  },
  {
    label: '10000 unknown fields',
    expect: { status: 400, mentions: 'f0' },
    raw: (b) => json(JSON.stringify({ ...b, ...Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`f${i}`, i])) })),
  },
];

/** Values for a query parameter; numbers arrive as text and are coerced by the server. */
function queryCandidates(schema: Json): Array<string | string[]> {
  const numeric = schema.type === 'integer' || schema.type === 'number';
  const values = numeric
    ? ['-1', '0', '1.5', String((schema.maximum ?? 1e6) + 1), '1e9', 'NaN', 'ten', '', 'Infinity', '0x', '-0.5', '1;FLUSHALL', '%00']
    : stringCandidates(schema, 'url')
        .filter((c) => c.outcome === undefined)
        .map((c) => c.value as string);
  const refused = values.filter((v) => !accepts(schema, numeric ? Number(v) : v));
  return [...new Set(refused), ['1', '2']];
}

/** Path segments that fetch would normalise away or that route elsewhere. */
const UNROUTABLE = new Set(['', '.', '..']);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function statusFor(m: Pick<Mutation, 'outcome'>): number {
  return { invalid: 400, not_found: 404, conflict: 409 }[m.outcome];
}

export function restCorpus(doc: Json = documentedApi()): RestCase[] {
  const cases: Omit<RestCase, 'name'>[] = [];
  const labels: string[] = [];
  const add = (label: string, c: Omit<RestCase, 'name'>) => {
    labels.push(label);
    cases.push(c);
  };
  for (const [template, operations] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    for (const [verb, op] of Object.entries(operations)) {
      const method = verb.toUpperCase();
      if (op.responses['101']) continue; // the WebSocket handshake is not a JSON route
      const parameters = (op.parameters ?? []) as Json[];
      const bodySchema = op.requestBody?.content['application/json'].schema as Json | undefined;
      if (!parameters.length && !bodySchema) continue;
      const key = `${method} ${template}`;
      const base = BASES[key] ?? {};
      if (bodySchema && !base.body) throw new Error(`no valid base body for ${key}: add one to BASES in rest-corpus.ts`);
      const params = base.params ?? {};
      const route = { method, template, params, body: base.body, query: base.query };

      for (const p of parameters.filter((x) => x.in === 'path')) {
        const candidates = stringCandidates(p.schema, 'url').filter((c) =>
          c.outcome === 'not_found' ? accepts(p.schema, c.value) : !accepts(p.schema, c.value),
        );
        for (const c of candidates) {
          const value = c.value as string;
          if (UNROUTABLE.has(value)) continue;
          const outcome = c.outcome ?? 'invalid';
          // A lone surrogate cannot be UTF-8: the server cannot decode the segment, so no field is named.
          const field = outcome === 'invalid' && !LONE_SURROGATE.test(value) ? p.name : undefined;
          const mentions = outcome === 'not_found' ? value : undefined;
          add(`${p.name}: ${c.label ?? show(value)}`, {
            ...route,
            params: { ...params, [p.name]: value },
            expect: { status: statusFor({ outcome }), field, mentions },
          });
        }
      }

      const query = parameters.filter((x) => x.in === 'query');
      for (const q of query) {
        for (const value of queryCandidates(q.schema))
          add(`?${q.name}=${show(value)}`, { ...route, query: { ...base.query, [q.name]: value }, expect: { status: 400, field: q.name } });
        if (q.required) {
          const { [q.name]: _left, ...rest } = base.query ?? {};
          add(`?${q.name} missing`, { ...route, query: rest, expect: { status: 400, field: q.name } });
        }
      }
      if (query.length) {
        for (const unknown of ['sort', 'limit[$gt]', '__proto__', "q' OR 1=1 --"])
          add(`unknown parameter ${show(unknown)}`, { ...route, query: { ...base.query, [unknown]: '1' }, expect: { status: 400, mentions: unknown } });
      }

      if (bodySchema && base.body) {
        const mutations = objectMutations(bodySchema);
        for (const [field, value] of Object.entries(base.conflicts ?? {}))
          mutations.push({ key: field, value, label: `${field}: an existing name`, outcome: 'conflict', mentions: 'already exists' });
        for (const m of mutations) {
          const body = applyMutation(base.body, m, base.without);
          const status = base.probe && accepts(bodySchema, body) ? 'probe' : statusFor(m);
          add(m.label, { ...route, body, expect: { status, field: m.field, mentions: m.mentions } });
        }
        for (const shape of BODY_SHAPES) add(shape.label, { ...route, raw: shape.raw, expect: shape.expect });
      }
    }
  }

  add('unknown route with an injection', { method: 'GET', template: '/api/v1/instances;FLUSHALL', params: {}, expect: { status: 404 } });
  add('unknown method on a known path', { method: 'PUT', template: '/api/v1/tasks', params: {}, body: { message: 'hi' }, expect: { status: 404 } });
  add('malformed percent-encoding in an id', {
    method: 'GET',
    template: '/api/v1/tasks/{id}',
    params: {},
    encodedParams: { id: '%E0%A4%A' },
    expect: { status: 400 },
  });
  add('a percent sign alone as an id', {
    method: 'DELETE',
    template: '/api/v1/threads/{id}',
    params: {},
    encodedParams: { id: 'thread_%ZZabcdef' },
    expect: { status: 400 },
  });
  add(`id of 100 KB in the path`, { method: 'GET', template: '/api/v1/tasks/{id}', params: { id: `task_${'a'.repeat(100_000)}` }, expect: { status: '4xx' } });
  add(`query of 100 KB`, { method: 'GET', template: '/api/v1/knowledge/search', params: {}, query: { q: 'x'.repeat(100_000) }, expect: { status: '4xx' } });

  return cases.map((c, i) => {
    const status = c.expect.status === 'probe' ? '200 ok:false or 400' : c.expect.status;
    return { ...c, name: `rest#${String(i + 1).padStart(3, '0')} ${c.method} ${c.template} · ${labels[i]} → ${status}` };
  });
}
