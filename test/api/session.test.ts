import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WebSocket } from 'ws';
import { newApiKey, writeKeyFile, type Role } from '../../core/api-keys';
import { SessionStore } from '../../core/sessions';
import type { RunningApi } from '../../api/server';
import { call, serveApi, startApiUnderTest, type ApiUnderTest } from '../support/api';

/**
 * Console sign-in: an API key is exchanged for an HttpOnly, SameSite=Strict session cookie that
 * the API (REST, SSE, WebSocket) accepts like the key, that expires, that sign-out and key
 * revocation end, and that cannot be used for a change without the console's CSRF header.
 */
describe('console sessions', () => {
  let api: ApiUnderTest;
  const keys: Record<Role, string> = { viewer: '', operator: '', approver: '', admin: '' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sre-session-keys-'));
  const keysFile = path.join(dir, 'keys.yaml');
  const bearer = (role: Role) => ({ authorization: `Bearer ${keys[role]}` });

  async function signIn(key: string, url = api.url): Promise<{ cookie: string; setCookie: string; body: any }> {
    const reply = await call(url, 'POST', '/api/v1/session', { key });
    expect(reply.status).toBe(201);
    const setCookie = reply.headers.get('set-cookie') ?? '';
    return { cookie: setCookie.split(';')[0], setCookie, body: reply.body };
  }

  beforeAll(async () => {
    writeKeyFile(
      keysFile,
      (['viewer', 'operator', 'approver', 'admin'] as const).map((role) => {
        const made = newApiKey(`${role}-key`, role);
        keys[role] = made.key;
        return made.entry;
      }),
    );
    api = await startApiUnderTest({ env: { SRE_API_KEYS_FILE: keysFile } });
  });
  afterAll(async () => {
    await api.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exchanges a good key for an HttpOnly SameSite=Strict cookie the API accepts instead of the key', async () => {
    const { cookie, setCookie, body } = await signIn(keys.operator);
    expect(setCookie).toMatch(/^sre_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=28800$/);
    expect(body).toMatchObject({ name: 'operator-key', role: 'operator', auth_required: true });
    expect(Date.parse(body.expires_at) - Date.now()).toBeGreaterThan(7.9 * 3600 * 1000);
    expect(JSON.stringify(body)).not.toContain(keys.operator);

    const me = await api.call('GET', '/api/v1/session', undefined, { cookie });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ name: 'operator-key', role: 'operator', expires_at: body.expires_at });
    expect((await api.call('GET', '/api/v1/instances', undefined, { cookie })).status).toBe(200);
    expect((await api.call('GET', '/api/v1/instances')).status).toBe(401);
    // The cookie's id is kept only as a hash in the app Redis: a copy of the store does not hold live sessions.
    const redis = api.appRedis.client();
    const stored = await redis.keys('sre:session:*');
    redis.disconnect();
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.join(' ')).not.toContain(cookie.split('=')[1]);
  });

  it('answers a wrong key with 401 and no cookie', async () => {
    const reply = await api.call('POST', '/api/v1/session', { key: 'sre_not-a-real-key' });
    expect(reply.status).toBe(401);
    expect(reply.headers.get('set-cookie')).toBeNull();
    const empty = await api.call('POST', '/api/v1/session', { key: '' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toContain('key');
    // A made-up cookie is no session.
    expect((await api.call('GET', '/api/v1/instances', undefined, { cookie: `sre_session=${'a'.repeat(43)}` })).status).toBe(401);
  });

  it('refuses a change made with the cookie unless the console CSRF header is sent, and keeps roles', async () => {
    const { cookie } = await signIn(keys.operator);
    const body = { message: 'what is maxmemory-policy?', agent: 'knowledge' };
    const forged = await api.call('POST', '/api/v1/tasks', body, { cookie });
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('csrf_header_missing');
    expect((await api.call('POST', '/api/v1/tasks', body, { cookie, 'x-sre-console': '1' })).status).toBe(202);

    const viewer = await signIn(keys.viewer);
    const refused = await api.call('POST', '/api/v1/tasks', body, { cookie: viewer.cookie, 'x-sre-console': '1' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('viewer role');
  });

  it('ends the session at sign-out and when its key is revoked', async () => {
    const { cookie } = await signIn(keys.viewer);
    const out = await api.call('DELETE', '/api/v1/session', undefined, { cookie });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^sre_session=; HttpOnly; SameSite=Strict; Path=\/; Max-Age=0/);
    expect((await api.call('GET', '/api/v1/threads', undefined, { cookie })).status).toBe(401);

    const made = await api.call('POST', '/api/v1/keys', { name: 'laptop', role: 'approver' }, bearer('admin'));
    expect(made.status).toBe(201);
    const laptop = await signIn(made.body.key);
    expect((await api.call('GET', '/api/v1/threads', undefined, { cookie: laptop.cookie })).status).toBe(200);
    expect((await api.call('DELETE', '/api/v1/keys/laptop', undefined, bearer('admin'))).status).toBe(204);
    expect((await api.call('GET', '/api/v1/threads', undefined, { cookie: laptop.cookie })).status).toBe(401);
    // A new key under the same name does not bring the old session back.
    expect((await api.call('POST', '/api/v1/keys', { name: 'laptop', role: 'approver' }, bearer('admin'))).status).toBe(201);
    expect((await api.call('GET', '/api/v1/threads', undefined, { cookie: laptop.cookie })).status).toBe(401);
  });

  it('expires: after its TTL the cookie is refused', async () => {
    // A second API over the same services, with one-second sessions.
    const services = api.agent.services;
    const short = {
      ...services,
      keys: services.keys,
      knowledge: services.knowledge,
      stores: { ...services.stores, sessions: new SessionStore(services.stores.redis, 1) },
    };
    let shortApi: RunningApi | undefined;
    try {
      shortApi = await serveApi(short);
      const { cookie, setCookie } = await signIn(keys.viewer, shortApi.url);
      expect(setCookie).toContain('Max-Age=1');
      expect((await call(shortApi.url, 'GET', '/api/v1/threads', undefined, { cookie })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1_300));
      expect((await call(shortApi.url, 'GET', '/api/v1/threads', undefined, { cookie })).status).toBe(401);
    } finally {
      await shortApi?.close();
    }
  });

  it('authenticates browser streams by the cookie: SSE and WebSocket, which cannot send the key', async () => {
    const submitted = await api.call('POST', '/api/v1/tasks', { message: 'how do I find big keys?', agent: 'knowledge' }, bearer('operator'));
    expect(submitted.status).toBe(202);
    const threadId = submitted.body.thread_id;
    const { cookie } = await signIn(keys.viewer);

    expect((await fetch(`${api.url}/api/v1/threads/${threadId}/stream?until=done`)).status).toBe(401);
    const sse = await fetch(`${api.url}/api/v1/threads/${threadId}/stream?until=done`, { headers: { cookie } });
    expect(sse.status).toBe(200);
    expect(sse.headers.get('content-type')).toContain('text/event-stream');
    const text = await sse.text();
    expect(text.startsWith('event: snapshot\n')).toBe(true);
    expect(text).toContain('event: task_done');

    const frames = await new Promise<any[]>((resolve, reject) => {
      const received: any[] = [];
      const ws = new WebSocket(`${api.url.replace('http', 'ws')}/api/v1/ws/tasks/${threadId}?until=done`, { headers: { cookie } });
      ws.on('message', (data) => received.push(JSON.parse(String(data))));
      ws.on('close', () => resolve(received));
      ws.on('error', reject);
    });
    expect(frames[0]).toMatchObject({ type: 'snapshot', thread: { id: threadId } });
    expect(frames.map((f) => f.event?.type)).toContain('task_done');
  });

  it('serves the console under /ui with a CSP that forbids inline script', async () => {
    const bare = await fetch(`${api.url}/ui`, { redirect: 'manual' });
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/ui/');
    const page = await fetch(`${api.url}/ui/`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await page.text();
    expect(html).toContain('<script type="module" src="main.js"></script>');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const script = await fetch(`${api.url}/ui/main.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
  });
});
