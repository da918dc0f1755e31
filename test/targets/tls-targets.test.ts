import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { projectRoot } from '../../core/paths';
import { freePort } from '../../stack/processes';
import { testEnv } from '../support/agent';
import { startApiUnderTest, waitForTask, type ApiUnderTest } from '../support/api';
import { startRedis, type EphemeralRedis } from '../support/redis';
import { createTestCa } from '../support/test-ca';

/**
 * rediss:// targets on a real TLS redis-server that requires client certificates, with a test CA
 * made by openssl: CA, client certificate and key stored encrypted, a server name the certificate
 * holds (it names redis.test, not 127.0.0.1), the verify switch, and the failures a user meets.
 */

const ca = createTestCa();
const { file, read } = ca;

describe('TLS targets (rediss://)', () => {
  let api: ApiUnderTest;
  let redis: EphemeralRedis;
  let url: string;

  beforeAll(async () => {
    ca.makeCa('ca');
    ca.makeCa('other-ca');
    ca.makeSigned('server', 'subjectAltName=DNS:redis.test\nextendedKeyUsage=serverAuth\n');
    ca.makeSigned('client', 'extendedKeyUsage=clientAuth\n');
    const tlsPort = await freePort();
    redis = await startRedis({
      args: [
        '--tls-port',
        String(tlsPort),
        '--tls-cert-file',
        file('server.crt'),
        '--tls-key-file',
        file('server.key'),
        '--tls-ca-cert-file',
        file('ca.crt'),
        '--tls-auth-clients',
        'yes',
      ],
    });
    url = `rediss://127.0.0.1:${tlsPort}`;
    api = await startApiUnderTest();
  });
  afterAll(async () => {
    await api?.stop();
    await redis?.stop();
    ca.remove();
  });

  const secured = () => ({ tls_ca: read('ca.crt'), tls_cert: read('client.crt'), tls_key: read('client.key'), tls_server_name: 'redis.test' });
  const create = (name: string, fields: Record<string, unknown>) =>
    api.call('POST', '/api/v1/instances', { name, connection_url: url, environment: 'test', ...fields });
  const probe = async (id: string) => {
    const started = Date.now();
    const reply = await api.call('POST', `/api/v1/instances/${id}/test`);
    return { ...reply.body, seconds: (Date.now() - started) / 1000 };
  };

  it('connects with the CA, client certificate and server name, runs a triage over TLS, and never returns or stores the PEM', async () => {
    const created = await create('tls-ok', secured());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ has_tls_ca: true, has_tls_client_cert: true, tls_server_name: 'redis.test', tls_verify: true });
    expect(created.text).not.toMatch(/BEGIN|PRIVATE/);
    const listed = await api.call('GET', '/api/v1/instances');
    expect(listed.text).not.toMatch(/BEGIN|PRIVATE/);
    // At rest, the certificates and key are inside the encrypted envelope only.
    const raw = await api.appRedis.client().get(`sre:instance:${created.body.id}`);
    expect(raw).not.toMatch(/BEGIN|PRIVATE/);
    // No line of any PEM body either (a fixed marker like "MII" can occur in random ciphertext by chance).
    for (const file of ['ca.crt', 'client.crt', 'client.key'])
      for (const line of read(file)
        .split('\n')
        .filter((l) => /^[A-Za-z0-9+/]{40,}$/.test(l)))
        expect(raw).not.toContain(line);

    expect(await probe(created.body.id)).toMatchObject({ ok: true, role: 'master' });

    const task = await api.call('POST', '/api/v1/tasks', { message: 'Run a full health check', instance_id: created.body.id, agent: 'triage' });
    expect(task.status).toBe(202);
    const done = await waitForTask(api, task.body.task_id);
    expect(done.status).toBe('done');
    expect(done.tool_calls.filter((c: { ok: boolean }) => !c.ok)).toEqual([]);
    expect(done.result.answer).toMatch(/Redis health report/);
  });

  it('fails fast naming TLS verification and tls_ca when the CA is wrong, and works with tls_verify=false', async () => {
    const wrong = await create('tls-wrong-ca', { ...secured(), tls_ca: read('other-ca.crt') });
    expect(wrong.status).toBe(201);
    const failed = await probe(wrong.body.id);
    expect(failed.ok).toBe(false);
    expect(failed.error).toMatch(/TLS verification of the server certificate at 127\.0\.0\.1:\d+ failed: .*; set the instance's tls_ca/);
    expect(failed.seconds).toBeLessThan(5);

    const patched = await api.call('PATCH', `/api/v1/instances/${wrong.body.id}`, { tls_verify: false });
    expect(patched.status).toBe(200);
    expect(patched.body.tls_verify).toBe(false);
    expect(await probe(wrong.body.id)).toMatchObject({ ok: true });
  });

  it('names tls_server_name when the certificate does not hold the host, and the client certificate when the server wants one', async () => {
    const { tls_server_name: _name, ...withoutName } = secured();
    const noName = await create('tls-no-name', withoutName);
    const failed = await probe(noName.body.id);
    expect(failed.error).toMatch(/TLS verification .* failed: .*ERR_TLS_CERT_ALTNAME_INVALID.*tls_server_name/);

    const fixed = await api.call('PATCH', `/api/v1/instances/${noName.body.id}`, { tls_server_name: 'redis.test' });
    expect(fixed.body.tls_server_name).toBe('redis.test');
    expect(await probe(noName.body.id)).toMatchObject({ ok: true });

    const noClient = await create('tls-no-client-cert', { tls_ca: read('ca.crt'), tls_server_name: 'redis.test' });
    const refused = await probe(noClient.body.id);
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(
      /the TLS handshake with 127\.0\.0\.1:\d+ failed: the server answered "certificate required" \(ERR_SSL_\w+\); the server wants a client certificate it trusts: set tls_cert and tls_key$/,
    );
    expect(refused.seconds).toBeLessThan(5);
  });

  it('refuses bad TLS fields with a 400 naming the field, without echoing the value', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ tls_ca: 'not a certificate' }, 'tls_ca'],
      [{ tls_cert: read('client.crt') }, 'tls_key'],
      [{ tls_key: read('client.key') }, 'tls_cert'],
      [{ tls_key: 'garbage', tls_cert: read('client.crt') }, 'tls_key'],
      [{ tls_server_name: 'bad name!' }, 'tls_server_name'],
      [{ tls_verify: 'no' }, 'tls_verify'],
      [{ connection_url: 'redis://127.0.0.1:6379', tls_ca: read('ca.crt') }, 'tls_ca'],
    ];
    for (const [fields, field] of cases) {
      const reply = await create(`bad-${field}`, fields);
      expect(reply.status).toBe(400);
      expect(reply.body.error.issues.map((i: { field: string }) => i.field)).toContain(field);
      expect(reply.text).not.toMatch(/garbage|not a certificate/);
      for (const pem of ['client.crt', 'client.key', 'ca.crt']) expect(reply.text).not.toContain(read(pem).split('\n')[1]);
    }
  });

  it('registers and changes TLS settings from the CLI, reading the PEM files, never printing them', () => {
    const cli = path.join(projectRoot(), 'dist/cli/main.js');
    const env = testEnv({ SRE_APP_REDIS_URL: api.appRedis.url });
    const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'instance', ...args], { env, encoding: 'utf8', timeout: 60_000 });
    const created = run(
      'create',
      ...['--name', 'tls-cli', '--url', url, '--environment', 'test', '--tls-ca-file', file('other-ca.crt'), '--tls-cert-file', file('client.crt')],
      ...['--tls-key-file', file('client.key'), '--tls-server-name', 'redis.test', '--json'],
    );
    expect(created.status).toBe(0);
    const view = JSON.parse(created.stdout);
    expect(view).toMatchObject({ has_tls_ca: true, has_tls_client_cert: true, tls_server_name: 'redis.test', tls_verify: true });
    const wrongCa = run('test', view.id, '--json');
    expect(wrongCa.status).toBe(1);
    expect(JSON.parse(wrongCa.stdout).error).toMatch(/TLS verification/);

    const updated = run('update', view.id, '--tls-ca-file', file('ca.crt'), '--json');
    expect(updated.status).toBe(0);
    expect(run('test', view.id, '--json').status).toBe(0);
    const unverified = run('update', view.id, '--tls-verify', 'false', '--json');
    expect(JSON.parse(unverified.stdout).tls_verify).toBe(false);

    const badFlag = run('update', view.id, '--tls-verify', 'maybe');
    expect(badFlag.status).toBe(2);
    expect(badFlag.stderr).toMatch(/tls_verify/);
    const missing = run('update', view.id, '--tls-key-file', file('nope.key'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/tls_key: cannot read .*nope\.key: ENOENT/);
    for (const output of [created, wrongCa, updated, unverified]) expect(`${output.stdout}${output.stderr}`).not.toMatch(/BEGIN|PRIVATE KEY/);
  });
});
