import { serveJson, type JsonReply, type JsonRequest, type RunningServer } from './json-server';

/**
 * An in-memory stand-in for the Qdrant REST API (the subset the adapter uses), answering with
 * Qdrant's response envelopes and validating request bodies the way Qdrant would: named vectors,
 * sparse vectors with unique indices, UUID point ids. Searches really rank (sparse dot product
 * with IDF, cosine, RRF), so tests can check results as well as requests.
 */

export interface RecordedQdrantRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: any;
}

interface SparseVector {
  indices: number[];
  values: number[];
}

interface StoredPoint {
  id: string;
  vector: Record<string, number[] | SparseVector>;
  payload: Record<string, unknown>;
}

interface Collection {
  params: { vectors?: Record<string, { size: number; distance: string }>; sparse_vectors?: Record<string, { modifier?: string }> };
  points: Map<string, StoredPoint>;
  payloadSchema: Record<string, string>;
}

type Condition = { key: string; match: { value?: unknown; any?: unknown[] } };
type Filter = { must?: Condition[] };

class QdrantHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function matches(point: StoredPoint, filter?: Filter): boolean {
  return (filter?.must ?? []).every(({ key, match }) => {
    const value = point.payload[key];
    const values = Array.isArray(value) ? value : [value];
    if (match.any) return values.some((v) => match.any!.includes(v));
    return values.includes(match.value);
  });
}

function pickPayload(point: StoredPoint, withPayload: unknown): Record<string, unknown> | undefined {
  if (withPayload === true) return point.payload;
  if (Array.isArray(withPayload)) return Object.fromEntries(withPayload.map((k: string) => [k, point.payload[k]]));
  return undefined;
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  a.forEach((x, i) => {
    dot += x * b[i];
    na += x * x;
    nb += b[i] * b[i];
  });
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

export class FakeQdrant {
  readonly requests: RecordedQdrantRequest[] = [];
  readonly collections = new Map<string, Collection>();
  private server?: RunningServer;

  async start(): Promise<string> {
    this.server = await serveJson((request) => this.respond(request));
    return this.server.origin;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  requestsTo(method: string, pathPattern: RegExp): RecordedQdrantRequest[] {
    return this.requests.filter((r) => r.method === method && pathPattern.test(r.path));
  }

  clearRequests(): void {
    this.requests.splice(0);
  }

  /** Qdrant's envelopes: {result, status: "ok", time} or {status: {error}, time}. */
  private respond({ method, url, body }: JsonRequest): JsonReply {
    const request: RecordedQdrantRequest = { method, path: url.pathname, query: Object.fromEntries(url.searchParams), body };
    this.requests.push(request);
    const started = process.hrtime.bigint();
    const time = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const result = this.route(request);
      return { status: 200, payload: { result, status: 'ok', time: time() } };
    } catch (err) {
      return { status: err instanceof QdrantHttpError ? err.status : 500, payload: { status: { error: (err as Error).message }, time: time() } };
    }
  }

  private collection(name: string): Collection {
    const found = this.collections.get(name);
    if (!found) throw new QdrantHttpError(404, `Not found: Collection \`${name}\` doesn't exist!`);
    return found;
  }

  private route({ method, path, body }: RecordedQdrantRequest): unknown {
    const m = /^\/collections\/([\w-]+)(\/.*)?$/.exec(path);
    if (!m) throw new QdrantHttpError(404, `no route ${method} ${path}`);
    const [, name, rest = ''] = m;
    const op = `${method} ${rest}`;
    switch (op) {
      case 'GET /exists':
        return { exists: this.collections.has(name) };
      case 'GET ':
        return this.info(this.collection(name));
      case 'PUT ':
        return this.create(name, body);
      case 'PUT /index':
        this.collection(name).payloadSchema[body.field_name] = body.field_schema;
        return { operation_id: this.requests.length, status: 'completed' };
      case 'PUT /points':
        this.upsert(this.collection(name), body);
        return { operation_id: this.requests.length, status: 'completed' };
      case 'POST /points/delete':
        for (const id of body.points as string[]) this.collection(name).points.delete(id);
        return { operation_id: this.requests.length, status: 'completed' };
      case 'POST /points/scroll':
        return this.scroll(this.collection(name), body);
      case 'POST /points/query':
        return { points: this.query(this.collection(name), body) };
      default:
        throw new QdrantHttpError(404, `no route ${method} ${path}`);
    }
  }

  private info(c: Collection) {
    return {
      status: 'green',
      optimizer_status: 'ok',
      segments_count: 1,
      points_count: c.points.size,
      indexed_vectors_count: 0,
      config: {
        params: { ...c.params, shard_number: 1, replication_factor: 1, write_consistency_factor: 1, on_disk_payload: true },
        hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10000, max_indexing_threads: 0, on_disk: false },
        optimizer_config: {
          deleted_threshold: 0.2,
          vacuum_min_vector_number: 1000,
          default_segment_number: 0,
          max_segment_size: null,
          memmap_threshold: null,
          indexing_threshold: 20000,
          flush_interval_sec: 5,
          max_optimization_threads: null,
        },
        wal_config: { wal_capacity_mb: 32, wal_segments_ahead: 0 },
        quantization_config: null,
      },
      payload_schema: Object.fromEntries(Object.entries(c.payloadSchema).map(([k, t]) => [k, { data_type: t, points: c.points.size }])),
    };
  }

  private create(name: string, body: any): boolean {
    if (this.collections.has(name)) throw new QdrantHttpError(409, `Wrong input: Collection \`${name}\` already exists!`);
    for (const [vectorName, params] of Object.entries<any>(body.vectors ?? {})) {
      if (!Number.isInteger(params.size) || !['Cosine', 'Dot', 'Euclid', 'Manhattan'].includes(params.distance)) {
        throw new QdrantHttpError(400, `Wrong input: bad params for vector ${vectorName}`);
      }
    }
    this.collections.set(name, { params: { vectors: body.vectors, sparse_vectors: body.sparse_vectors }, points: new Map(), payloadSchema: {} });
    return true;
  }

  private upsert(c: Collection, body: any): void {
    for (const point of body.points as StoredPoint[]) {
      if (!UUID.test(String(point.id))) throw new QdrantHttpError(400, `Format error in JSON body: invalid point id ${point.id}`);
      for (const [vectorName, vector] of Object.entries(point.vector)) {
        const dense = c.params.vectors?.[vectorName];
        const sparse = c.params.sparse_vectors?.[vectorName];
        if (dense) {
          if (!Array.isArray(vector) || vector.length !== dense.size)
            throw new QdrantHttpError(400, `Wrong input: Vector dimension error: expected dim: ${dense.size}`);
        } else if (sparse) {
          const { indices, values } = vector as SparseVector;
          if (indices.length !== values.length) throw new QdrantHttpError(400, 'Validation error in JSON body: indices and values must be of the same length');
          if (new Set(indices).size !== indices.length) throw new QdrantHttpError(400, 'Validation error in JSON body: indices must be unique');
          if (!indices.every((i) => Number.isInteger(i) && i >= 0 && i <= 0xffffffff))
            throw new QdrantHttpError(400, 'Format error in JSON body: sparse indices must be u32');
        } else {
          throw new QdrantHttpError(400, `Wrong input: Not existing vector name error: ${vectorName}`);
        }
      }
      c.points.set(point.id, point);
    }
  }

  private scroll(c: Collection, body: any) {
    const ids = [...c.points.keys()].filter((id) => matches(c.points.get(id)!, body.filter)).sort();
    const start = body.offset ? ids.indexOf(String(body.offset)) : 0;
    const limit = body.limit ?? 10;
    const page = ids.slice(Math.max(0, start), Math.max(0, start) + limit);
    return {
      points: page.map((id) => ({ id, payload: pickPayload(c.points.get(id)!, body.with_payload ?? true) })),
      next_page_offset: ids[Math.max(0, start) + limit] ?? null,
    };
  }

  private rank(c: Collection, stage: any, candidates: StoredPoint[]): Array<{ point: StoredPoint; score: number }> {
    let ranked: Array<{ point: StoredPoint; score: number }>;
    if (stage.prefetch) {
      const lists = (stage.prefetch as any[]).map((p) => this.rank(c, p, candidates));
      if (stage.query?.fusion !== 'rrf') throw new QdrantHttpError(400, 'fake supports only rrf fusion over prefetches');
      const fused = new Map<string, { point: StoredPoint; score: number }>();
      for (const list of lists) list.forEach(({ point }, rank) => fused.set(point.id, { point, score: (fused.get(point.id)?.score ?? 0) + 1 / (rank + 2) }));
      ranked = [...fused.values()];
    } else if (Array.isArray(stage.query)) {
      ranked = candidates
        .filter((p) => Array.isArray(p.vector[stage.using]))
        .map((point) => ({ point, score: cosine(stage.query, point.vector[stage.using] as number[]) }));
    } else {
      const query = stage.query as SparseVector;
      const docs = candidates.filter((p) => p.vector[stage.using]);
      const idf = (index: number) => {
        const df = docs.filter((p) => (p.vector[stage.using] as SparseVector).indices.includes(index)).length;
        return Math.log(1 + (docs.length - df + 0.5) / (df + 0.5));
      };
      const useIdf = c.params.sparse_vectors?.[stage.using]?.modifier === 'idf';
      ranked = docs
        .map((point) => {
          const v = point.vector[stage.using] as SparseVector;
          let score = 0;
          query.indices.forEach((index, i) => {
            const at = v.indices.indexOf(index);
            if (at >= 0) score += query.values[i] * v.values[at] * (useIdf ? idf(index) : 1);
          });
          return { point, score };
        })
        .filter((r) => r.score > 0);
    }
    return ranked
      .filter(({ point }) => matches(point, stage.filter))
      .sort((a, b) => b.score - a.score)
      .slice(0, stage.limit ?? 10);
  }

  private query(c: Collection, body: any) {
    return this.rank(c, body, [...c.points.values()]).map(({ point, score }) => ({
      id: point.id,
      version: 1,
      score,
      payload: pickPayload(point, body.with_payload),
    }));
  }
}
