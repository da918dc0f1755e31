import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WebSocket } from 'ws';
import { openServices } from '../../service';
import { taskCreateSchema } from '../../service/schemas';
import { scheduleCreateSchema } from '../../service/schedules';
import { startApiUnderTest, serveApi, call, type ApiUnderTest } from '../support/api';

describe('REST system routes, auth and knowledge', () => {
  let api: ApiUnderTest;
  let docs: string;

  beforeAll(async () => {
    docs = fs.mkdtempSync(path.join(os.tmpdir(), 'sre-api-docs-'));
    // Knowledge in a data dir of its own, so ingesting here does not change other tests' index.
    api = await startApiUnderTest({ env: { SRE_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'sre-api-data-')), SRE_KNOWLEDGE_DIRS: docs } });
  });
  afterAll(async () => {
    await api.stop();
    fs.rmSync(docs, { recursive: true, force: true });
  });

  it('reports health of Temporal, the app Redis and Prometheus', async () => {
    const health = await api.call('GET', '/api/v1/health');
    expect(health.status).toBe(200);
    expect(health.body.ok).toBe(true);
    expect(health.body.dependencies.map((d: { name: string }) => d.name).sort()).toEqual(['app-redis', 'prometheus', 'temporal']);
    expect(health.body.dependencies.every((d: { ok: boolean }) => d.ok)).toBe(true);
  });

  it('answers 503 from health when the app Redis is down', async () => {
    const config = { ...api.agent.config, appRedisUrl: 'redis://127.0.0.1:1' };
    const broken = await openServices(config, { temporal: { client: api.agent.services.temporal } });
    broken.stores.redis.on('error', () => undefined);
    const server = await serveApi(broken);
    try {
      const health = await call(server.url, 'GET', '/api/v1/health');
      expect(health.status).toBe(503);
      expect(health.body.ok).toBe(false);
      expect(health.body.dependencies.find((d: { name: string }) => d.name === 'app-redis')).toMatchObject({ ok: false, error: expect.any(String) });
    } finally {
      await server.close();
      await broken.close();
    }
  });

  it('exposes its own request and task metrics, and the process and Node.js runtime series, in Prometheus text format', async () => {
    await api.call('GET', '/api/v1/threads');
    await api.call('GET', '/api/v1/tasks/task_doesNotExist1');
    await api.call('POST', '/api/v1/tasks', { message: 'what is maxmemory?', agent: 'knowledge' });
    const metrics = await api.call('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
    expect(metrics.text).toContain('# TYPE sre_api_requests_total counter');
    expect(metrics.text).toMatch(/sre_api_requests_total\{method="GET",route="\/api\/v1\/threads",status="200"\} [1-9]/);
    expect(metrics.text).toMatch(/sre_api_requests_total\{method="GET",route="\/api\/v1\/tasks\/:id",status="404"\} 1/);
    expect(metrics.text).toMatch(/sre_api_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/api\/v1\/threads",status="200"\} [1-9]/);
    expect(metrics.text).toMatch(/sre_api_request_duration_seconds_count\{method="GET",route="\/api\/v1\/threads",status="200"\} [1-9]/);
    expect(metrics.text).toMatch(/sre_api_tasks_submitted_total\{via="task"\} [1-9]/);
    // prom-client's default collectors: what an SRE asks of any Node process.
    expect(metrics.text).toMatch(/^process_resident_memory_bytes [1-9]/m);
    expect(metrics.text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(metrics.text).toMatch(/^nodejs_heap_size_used_bytes [1-9]/m);
    expect(metrics.text).toContain('# TYPE nodejs_gc_duration_seconds histogram');
    // Raw ids never become label values.
    expect(metrics.text).not.toContain('task_doesNotExist1');
  });

  it('serves an OpenAPI 3.1 document generated from the service schemas', async () => {
    const doc = await api.call('GET', '/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    const post = doc.body.paths['/api/v1/tasks'].post;
    expect(post.requestBody.content['application/json'].schema.properties.message.maxLength).toBe(8000);
    expect(post.requestBody.content['application/json'].schema.properties.agent.enum).toEqual(taskCreateSchema.shape.agent.unwrap().options);
    expect(post.responses['202']).toBeDefined();
    expect(post.responses['400'].content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
    expect(doc.body.paths['/api/v1/schedules'].post.requestBody.content['application/json'].schema.properties.overlap.enum).toEqual(
      scheduleCreateSchema.shape.overlap.unwrap().options,
    );
    expect(doc.body.paths['/api/v1/tasks/{id}'].get.parameters[0]).toMatchObject({ name: 'id', in: 'path', required: true });
    expect(doc.body.paths['/api/v1/tasks'].get.parameters.map((p: { name: string }) => p.name)).toEqual([
      'status',
      'agent',
      'instance_id',
      'thread_id',
      'limit',
      'next_page_token',
    ]);
    expect(doc.body.paths['/api/v1/threads/{id}/stream'].get.responses['200'].content['text/event-stream']).toBeDefined();
    expect(doc.body.paths['/api/v1/ws/tasks/{thread_id}']).toBeDefined();
    expect(doc.body.paths['/api/v1/health'].get.security).toEqual([]);
    expect(doc.body.components.schemas.Error.properties.error.required).toEqual(['code', 'message']);
    const operations = Object.values(doc.body.paths).flatMap((p: any) => Object.values(p)) as Array<{ operationId: string }>;
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(operations.length);
    expect(operations.length).toBeGreaterThanOrEqual(30);
  });

  it('searches the runbooks and ingests new documents', async () => {
    const found = await api.call('GET', '/api/v1/knowledge/search?q=OOM%20command%20not%20allowed%20maxmemory&limit=3');
    expect(found.status).toBe(200);
    expect(found.body.hits.length).toBeGreaterThan(0);
    expect(found.body.hits.length).toBeLessThanOrEqual(3);
    expect(found.body.hits[0]).toMatchObject({ docId: expect.any(String), title: expect.any(String), snippet: expect.any(String) });
    const inMemory = await api.call('GET', '/api/v1/knowledge/search?q=eviction&category=memory');
    expect(inMemory.body.hits.every((h: { category: string }) => h.category === 'memory')).toBe(true);

    fs.writeFileSync(
      path.join(docs, 'zebra-cache.md'),
      '# Zebra cache warm-up\n\nWhen the zebracache warm-up job floods Redis with MSET calls, throttle the zebracache loader.\n',
    );
    const outside = await api.call('POST', '/api/v1/knowledge/ingest', { paths: [os.tmpdir()] });
    expect(outside.status).toBe(400);
    expect(outside.body.error.issues[0]).toMatchObject({ field: 'paths.0', reason: expect.stringMatching(/outside the folders this server may index/) });
    const ingested = await api.call('POST', '/api/v1/knowledge/ingest', { paths: [docs] });
    expect(ingested.status).toBe(200);
    expect(ingested.body).toMatchObject({ backend: 'local', documents: 1, chunksAdded: expect.any(Number) });
    expect(ingested.body.chunksAdded).toBeGreaterThan(0);
    const again = await api.call('POST', '/api/v1/knowledge/ingest', { paths: [docs] });
    expect(again.body).toMatchObject({ chunksAdded: 0, unchanged: ingested.body.chunksAdded });
    const zebra = await api.call('GET', '/api/v1/knowledge/search?q=zebracache%20warm-up');
    expect(zebra.body.hits[0].title).toBe('Zebra cache warm-up');
  });

  describe('with an API key', () => {
    const KEY = 'test-api-key-0123456789';
    let url: string;
    let close: () => Promise<void>;

    beforeAll(async () => {
      const config = { ...api.agent.config, api: { ...api.agent.config.api, apiKey: KEY } };
      const services = await openServices(config, { temporal: { client: api.agent.services.temporal }, stores: api.agent.services.stores });
      const server = await serveApi(services);
      url = server.url;
      close = async () => {
        await server.close();
        await services.close();
      };
    });
    afterAll(async () => {
      await close();
    });

    it('answers 401 without or with a wrong key, and 200 with it', async () => {
      const missing = await call(url, 'GET', '/api/v1/threads');
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(missing.body).toEqual({ error: { code: 'unauthorized', message: expect.stringMatching(/Authorization: Bearer/) } });
      expect((await call(url, 'GET', '/api/v1/threads', undefined, { authorization: `Bearer ${KEY}x` })).status).toBe(401);
      expect((await call(url, 'GET', '/api/v1/threads', undefined, { authorization: KEY })).status).toBe(401);
      // Auth comes before body checks: an unauthenticated client learns nothing about the payload.
      expect((await call(url, 'POST', '/api/v1/tasks', 'not json')).status).toBe(401);
      expect((await call(url, 'GET', '/api/v1/threads', undefined, { authorization: `Bearer ${KEY}` })).status).toBe(200);
      expect((await call(url, 'POST', '/api/v1/tasks', { message: '' }, { authorization: `bearer ${KEY}` })).status).toBe(400);
      // Health, metrics and the OpenAPI document stay open for probes and tooling.
      expect((await call(url, 'GET', '/api/v1/health')).status).toBe(200);
      expect((await call(url, 'GET', '/metrics')).status).toBe(200);
      expect((await call(url, 'GET', '/api/v1/openapi.json')).status).toBe(200);
    });

    it('requires the key for WebSocket streams too', async () => {
      const threadId = (await call(url, 'POST', '/api/v1/tasks', { message: 'what is maxmemory?', agent: 'knowledge' }, { authorization: `Bearer ${KEY}` }))
        .body.thread_id;
      const wsUrl = `${url.replace('http', 'ws')}/api/v1/ws/tasks/${threadId}`;
      const status = await new Promise<number>((resolve) => {
        const ws = new WebSocket(wsUrl);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode!));
        ws.on('open', () => resolve(101));
        ws.on('error', () => undefined);
      });
      expect(status).toBe(401);
      const snapshot = await new Promise<any>((resolve, reject) => {
        const ws = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${KEY}` } });
        ws.once('message', (data) => {
          resolve(JSON.parse(String(data)));
          ws.close();
        });
        ws.on('error', reject);
      });
      expect(snapshot).toMatchObject({ type: 'snapshot', thread: { id: threadId } });
    });
  });
});
