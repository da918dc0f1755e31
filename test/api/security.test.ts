import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { newApiKey, writeKeyFile, type Role } from '../../core/api-keys';
import { createLogger, redact } from '../../core/logger';
import { shareServices } from '../../mcp/server/create-server';
import { startMcpHttpServer } from '../../mcp/server/http';
import { startApiUnderTest, type ApiUnderTest } from '../support/api';
import { startRedis, type EphemeralRedis } from '../support/redis';

/**
 * Security round 2, on the running API: roles, the target address policy (refused before any
 * connection), one error for whatever is not Redis, rate limits, bounded streams, paginated
 * threads, and the smaller defects the hostile pass found.
 */
describe('API security and bounds', () => {
  let api: ApiUnderTest;
  let target: EphemeralRedis;
  const keys: Record<Role, string> = { viewer: '', operator: '', approver: '', admin: '' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sre-keys-'));
  const keysFile = path.join(dir, 'keys.yaml');
  const as = (role: Role) => ({ authorization: `Bearer ${keys[role]}` });

  beforeAll(async () => {
    const entries = (['viewer', 'operator', 'approver', 'admin'] as const).map((role) => {
      const made = newApiKey(`${role}-key`, role);
      keys[role] = made.key;
      return made.entry;
    });
    writeKeyFile(keysFile, entries);
    api = await startApiUnderTest({ env: { SRE_API_KEYS_FILE: keysFile, SRE_RATE_PROBES_PER_MINUTE: '5', SRE_MAX_STREAMS_PER_KEY: '3' } });
    target = await startRedis();
  });
  afterAll(async () => {
    await api.stop();
    await target.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('API keys with roles', () => {
    it('lets each role do its part, refuses the rest with 403, and records who changed what', async () => {
      expect((await api.call('GET', '/api/v1/instances')).status).toBe(401);
      expect((await api.call('GET', '/api/v1/instances', undefined, as('viewer'))).status).toBe(200);
      const refused = await api.call('POST', '/api/v1/instances', { name: 'by-viewer', connection_url: target.url }, as('viewer'));
      expect(refused.status).toBe(403);
      expect(refused.body.error).toEqual({ code: 'forbidden', message: "the key 'viewer-key' has the viewer role; this needs operator or above" });

      const created = await api.call('POST', '/api/v1/instances', { name: 'by-operator', connection_url: target.url }, as('operator'));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ created_by: 'operator-key', updated_by: 'operator-key' });
      const task = await api.call('POST', '/api/v1/tasks', { message: 'what is maxmemory?', agent: 'knowledge' }, as('operator'));
      expect(task.status).toBe(202);

      // Keys, ingest and the audit trail are the admin's.
      expect((await api.call('POST', '/api/v1/knowledge/ingest', {}, as('approver'))).status).toBe(403);
      expect((await api.call('GET', '/api/v1/audit', undefined, as('operator'))).status).toBe(403);
      const audit = await api.call('GET', '/api/v1/audit?limit=20', undefined, as('admin'));
      expect(audit.status).toBe(200);
      const actions = audit.body.entries.map((e: { actor: string; action: string; target: string }) => `${e.actor} ${e.action} ${e.target}`);
      expect(actions).toEqual(expect.arrayContaining([`operator-key instance.create ${created.body.id}`, `operator-key task.submit ${task.body.task_id}`]));
      const listed = await api.call('GET', '/api/v1/keys', undefined, as('admin'));
      expect(listed.body.keys).toEqual(expect.arrayContaining([{ name: 'viewer-key', role: 'viewer' }]));
      expect(JSON.stringify(listed.body)).not.toMatch(/[0-9a-f]{64}/);
    });

    it('revokes a key at once: the file is re-read, no restart', async () => {
      const made = await api.call('POST', '/api/v1/keys', { name: 'temporary', role: 'viewer' }, as('admin'));
      expect(made.status).toBe(201);
      const key = { authorization: `Bearer ${made.body.key}` };
      expect((await api.call('GET', '/api/v1/threads', undefined, key)).status).toBe(200);
      expect((await api.call('DELETE', '/api/v1/keys/temporary', undefined, as('admin'))).status).toBe(204);
      expect((await api.call('GET', '/api/v1/threads', undefined, key)).status).toBe(401);
    });

    it('enforces roles on WebSocket streams and MCP over HTTP too', async () => {
      const posted = await api.call('POST', '/api/v1/tasks', { message: 'what is noeviction?', agent: 'knowledge' }, as('operator'));
      const wsUrl = `${api.url.replace('http', 'ws')}/api/v1/ws/tasks/${posted.body.thread_id}?until=done`;
      const status = await new Promise<number>((resolve) => {
        const ws = new WebSocket(wsUrl);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => resolve(101));
        ws.on('error', () => undefined);
      });
      expect(status).toBe(401);

      const mcp = await startMcpHttpServer(shareServices(api.agent.services, createLogger('mcp', 'warn')), { host: '127.0.0.1', port: 0 });
      try {
        const client = new Client({ name: 'viewer', version: '1.0.0' });
        await client.connect(new StreamableHTTPClientTransport(new URL(mcp.url), { requestInit: { headers: as('viewer') } }));
        const { tools } = await client.listTools();
        expect(tools.map((t) => t.name)).toContain('redis_sre_list_instances');
        expect(tools.map((t) => t.name)).not.toContain('redis_sre_create_instance');
        const result = await client.callTool({ name: 'redis_sre_create_instance', arguments: { name: 'via-mcp', connection_url: target.url } });
        expect(result.isError).toBe(true);
        expect(JSON.stringify(result.content)).toMatch(/viewer role; redis_sre_create_instance needs operator/);
        await client.close();
      } finally {
        await mcp.close();
      }
    });
  });

  describe('target address policy', () => {
    /** Every connection this process attempts, refused outright unless it is to loopback. */
    const attempts: string[] = [];
    const original = net.Socket.prototype.connect;
    beforeAll(() => {
      net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
        const options = (typeof args[0] === 'object' ? args[0] : { port: args[0], host: args[1] }) as { host?: string; path?: string };
        const host = options.host ?? (options.path ? 'unix' : 'localhost');
        attempts.push(host);
        if (!/^(127\.|::1$|localhost$|unix$)/.test(host)) throw new Error(`test guard: refused a connection to ${host}`);
        return (original as (...a: unknown[]) => net.Socket).apply(this, args);
      } as typeof net.Socket.prototype.connect;
    });
    afterAll(() => {
      net.Socket.prototype.connect = original;
    });

    it.each([
      ['redis://169.254.169.254:6379', /169\.254\.169\.254 is link-local/],
      ['redis://[fe80::1]:6379', /link-local/],
      ['redis://0xa9fea9fe:6379', /169\.254\.169\.254 is link-local/],
      ['redis://0.0.0.0:6379', /unspecified/],
    ])('refuses %s at registration and at test-url, before any connection is attempted', async (url, reason) => {
      const before = attempts.length;
      const created = await api.call('POST', '/api/v1/instances', { name: `refused-${Date.now()}`, connection_url: url }, as('operator'));
      expect(created.status).toBe(400);
      expect(created.body.error.issues[0]).toEqual({ field: 'connection_url', reason: expect.stringMatching(reason) });
      const probed = await api.call('POST', '/api/v1/instances/test-url', { connection_url: url }, as('operator'));
      expect([400, 429]).toContain(probed.status);
      expect(attempts.slice(before).filter((h) => !/^(127\.|::1$|localhost$)/.test(h))).toEqual([]);
    });

    it("refuses the agent's own Redis and Temporal frontend, in any spelling", async () => {
      const appPort = new URL(api.appRedis.url).port;
      const temporalPort = api.agent.config.temporal.address.split(':')[1];
      for (const [url, what] of [
        [`redis://127.0.0.1:${appPort}`, /the agent's own Redis/],
        [`redis://2130706433:${appPort}`, /the agent's own Redis/],
        [`redis://localhost:${appPort}`, /the agent's own Redis/],
        [`redis://127.0.0.2:${temporalPort}`, /the Temporal frontend/],
      ] as const) {
        const created = await api.call('POST', '/api/v1/instances', { name: `own-${Date.now()}`, connection_url: url }, as('operator'));
        expect(created.status).toBe(400);
        expect(created.body.error.message).toMatch(what);
      }
    });
  });

  describe('probing is not a port scanner', () => {
    it('answers one generic error for a closed port and for a server that is not Redis, and limits the rate of probes', async () => {
      const web = http.createServer((_req, res) => res.end('hello')).listen(0, '127.0.0.1');
      await new Promise((resolve) => web.once('listening', resolve));
      const closed = net.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const closedPort = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      try {
        const probe = (port: number) => api.call('POST', '/api/v1/instances/test-url', { connection_url: `redis://127.0.0.1:${port}` }, as('admin'));
        const http1 = await probe((web.address() as AddressInfo).port);
        const none = await probe(closedPort);
        expect(http1.body.ok).toBe(false);
        expect(none.body.ok).toBe(false);
        expect(http1.body.error.replace(/\d+$/, '').replace(/:\d+ /, ': ')).toBe(none.body.error.replace(/\d+$/, '').replace(/:\d+ /, ': '));
        expect(http1.body.error).toMatch(/^no Redis server answered at 127\.0\.0\.1:\d+ \(nothing listening, unreachable, or not a Redis server\)$/);
        const answers = [];
        for (let i = 0; i < 6; i++) answers.push(await probe(closedPort));
        const limited = answers.find((a) => a.status === 429);
        expect(limited).toBeDefined();
        expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      } finally {
        web.close();
      }
    });
  });

  describe('bounded growth and connections', () => {
    it('pages a long thread: the newest messages first, with how to get the earlier ones', async () => {
      const first = await api.call('POST', '/api/v1/tasks', { message: 'what is maxmemory?', agent: 'knowledge' }, as('operator'));
      const thread = first.body.thread_id;
      const deadline = Date.now() + 60_000;
      while ((await api.call('GET', `/api/v1/threads/${thread}`, undefined, as('viewer'))).body.messages.length < 2 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 300));
      const page = await api.call('GET', `/api/v1/threads/${thread}?limit=1`, undefined, as('viewer'));
      expect(page.status).toBe(200);
      expect(page.body.messages).toHaveLength(1);
      expect(page.body.messages[0].role).toBe('assistant');
      expect(page.body).toMatchObject({ messages_total: 2, messages_before: 1 });
      const earlier = await api.call('GET', `/api/v1/threads/${thread}?limit=1&before=1`, undefined, as('viewer'));
      expect(earlier.body.messages[0].role).toBe('user');
      expect(earlier.body.messages_before).toBeUndefined();
    });

    it('serves many streams over two app-Redis connections, caps them per key, and logs no listener warning', async () => {
      const posted = await api.call('POST', '/api/v1/tasks', { message: 'what is appendfsync?', agent: 'knowledge' }, as('operator'));
      const probe = api.appRedis.client();
      const clients = async () => Number(/connected_clients:(\d+)/.exec(await probe.info('clients'))![1]);
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(w.name);
      process.on('warning', onWarning);
      const before = await clients();
      const controllers: AbortController[] = [];
      const open = async (key: string) => {
        const c = new AbortController();
        controllers.push(c);
        const res = await fetch(`${api.url}/api/v1/threads/${posted.body.thread_id}/stream`, { headers: { authorization: `Bearer ${key}` }, signal: c.signal });
        return res.status;
      };
      try {
        const statuses = await Promise.all([...Array(3)].map(() => open(keys.viewer)).concat([...Array(3)].map(() => open(keys.operator))));
        expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
        // Six streams: at most one extra connection (the shared reader), not six.
        expect((await clients()) - before).toBeLessThanOrEqual(1);
        expect(await open(keys.viewer)).toBe(429);
      } finally {
        for (const c of controllers) c.abort();
        process.off('warning', onWarning);
        probe.disconnect();
      }
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    });
  });

  describe('smaller defects', () => {
    it('refuses a JSON body in another charset as a media type (415), not as bad JSON', async () => {
      const res = await fetch(`${api.url}/api/v1/tasks`, {
        method: 'POST',
        headers: { ...as('operator'), 'content-type': 'application/json; charset=utf-16' },
        body: JSON.stringify({ message: 'hi' }),
      });
      expect(res.status).toBe(415);
    });

    it('refuses a URL whose password has a malformed escape when it is registered, not at every task', async () => {
      const created = await api.call('POST', '/api/v1/instances', { name: 'bad-escape', connection_url: 'redis://:pa%zzss@127.0.0.1:6399' }, as('operator'));
      expect(created.status).toBe(400);
      expect(created.body.error.issues[0]).toMatchObject({ field: 'connection_url', reason: expect.stringMatching(/malformed %-escape/) });
    });

    it('matches WebSocket paths without regard to case, like the REST routes', async () => {
      const posted = await api.call('POST', '/api/v1/tasks', { message: 'what is a replica?', agent: 'knowledge' }, as('operator'));
      const opened = await new Promise<number>((resolve) => {
        const ws = new WebSocket(`${api.url.replace('http', 'ws')}/API/V1/WS/TASKS/${posted.body.thread_id}?until=done`, { headers: as('viewer') });
        ws.on('open', () => {
          resolve(101);
          ws.close();
        });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => undefined);
      });
      expect(opened).toBe(101);
    });

    it('masks secrets, not the words around them', () => {
      expect(redact('send the header Authorization: Bearer <key>')).toBe('send the header Authorization: Bearer <key>');
      expect(redact('password: Invalid input: expected string')).toBe('password: Invalid input: expected string');
      expect(redact('password=S3cret-Pa55')).toBe('password=***');
      expect(redact('"password":"hunter2"')).toBe('"password":"***"');
      expect(redact('Authorization: Bearer abc.def.123')).toBe('Authorization: Bearer ***');
    });
  });
});
