import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type Redis from 'ioredis';
import { newApiKey, writeKeyFile, type Role } from '../../core/api-keys';
import { startApiUnderTest, type ApiUnderTest } from '../support/api';
import { eventually, fillToOom, maxmemoryPolicy } from '../support/oom';
import { startRedis, type EphemeralRedis } from '../support/redis';

/** Approvals and feedback over REST, with API keys: who may list, decide and rate. */
describe('approvals and feedback over REST', () => {
  let api: ApiUnderTest;
  let target: EphemeralRedis;
  let client: Redis;
  const keys: Record<Role, string> = { viewer: '', operator: '', approver: '', admin: '' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sre-approval-keys-'));
  const as = (role: Role) => ({ authorization: `Bearer ${keys[role]}` });

  beforeAll(async () => {
    writeKeyFile(
      path.join(dir, 'keys.yaml'),
      (['viewer', 'operator', 'approver', 'admin'] as const).map((role) => {
        const made = newApiKey(`${role}-key`, role);
        keys[role] = made.key;
        return made.entry;
      }),
    );
    api = await startApiUnderTest({ env: { SRE_API_KEYS_FILE: path.join(dir, 'keys.yaml') } });
    target = await startRedis();
    client = target.client();
    await fillToOom(client);
  });
  afterAll(async () => {
    client.disconnect();
    await api.stop();
    await target.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists the proposal, refuses viewer and operator (403), lets the approver decide once (then 409), and takes feedback', async () => {
    const instance = await api.call('POST', '/api/v1/instances', { name: 'cache-oom', connection_url: target.url, usage: 'cache' }, as('operator'));
    expect(instance.status).toBe(201);
    const submitted = await api.call('POST', '/api/v1/tasks', { message: 'full health check', instance_id: instance.body.id, agent: 'triage' }, as('operator'));
    expect(submitted.status).toBe(202);
    const task = await eventually(
      'triage done',
      async () => {
        const r = await api.call('GET', `/api/v1/tasks/${submitted.body.task_id}`, undefined, as('viewer'));
        return r.body.status === 'done' && r.body.actions?.length ? r.body : undefined;
      },
      120_000,
    );
    expect(task.result.answer).toContain('## Proposed actions (waiting for approval)');
    const proposal = task.actions.find((a: { action: string }) => a.action === 'config_set');
    expect(proposal).toMatchObject({ state: 'pending', title: 'Set maxmemory-policy to allkeys-lru', risk: 'medium' });

    const pending = await api.call('GET', `/api/v1/approvals?state=pending&instance_id=${instance.body.id}`, undefined, as('viewer'));
    expect(pending.status).toBe(200);
    expect(pending.body.approvals.map((a: { id: string }) => a.id)).toContain(proposal.id);
    expect((await api.call('GET', '/api/v1/approvals?state=sideways', undefined, as('viewer'))).body.error.message).toMatch(/state/);

    for (const role of ['viewer', 'operator'] as const) {
      const refused = await api.call('POST', `/api/v1/approvals/${proposal.id}/approve`, {}, as(role));
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toContain('this needs approver or above');
    }
    expect(await maxmemoryPolicy(client)).toBe('noeviction');

    const approved = await api.call('POST', `/api/v1/approvals/${proposal.id}/approve`, { comment: 'cache: evict' }, as('approver'));
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ state: 'verified', decided_by: 'approver-key', comment: 'cache: evict' });
    expect(await maxmemoryPolicy(client)).toBe('allkeys-lru');
    const again = await api.call('POST', `/api/v1/approvals/${proposal.id}/approve`, {}, as('admin'));
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('is verified (decided by approver-key)');

    const badRating = await api.call('POST', `/api/v1/tasks/${task.task_id}/feedback`, { rating: 'meh' }, as('viewer'));
    expect(badRating.status).toBe(400);
    expect(badRating.body.error.message).toContain('rating');
    const rated = await api.call('POST', `/api/v1/tasks/${task.task_id}/feedback`, { rating: 'down', comment: 'missed the big key' }, as('viewer'));
    expect(rated.status).toBe(200);
    expect(rated.body.feedback).toMatchObject({ rating: 'down', comment: 'missed the big key', by: 'viewer-key' });
  });
});
