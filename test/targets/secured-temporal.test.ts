import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { loadConfig } from '../../core/config';
import { projectRoot } from '../../core/paths';
import { checkSearchAttributes, MissingSearchAttributesError } from '../../core/search-attribute-check';
import { createWorker } from '../../workers/worker';
import { startTestAgent, testEnv, type TestAgent } from '../support/agent';
import { startGrpcTlsProxy, type GrpcTlsProxy } from '../support/grpc-tls-proxy';
import { startRedis, type EphemeralRedis } from '../support/redis';
import { readStackEnv } from '../support/stack-env';
import { createTestCa } from '../support/test-ca';

/**
 * A secured Temporal: the test dev server behind nginx terminating mTLS (ssl_verify_client on),
 * reached with TEMPORAL_TLS_* as a production deployment would. The right client certificate
 * runs a real triage; a certificate from another CA fails at start with a message naming the
 * TLS variables; bad settings stop start-up naming the variable; missing search attributes on a
 * server that is not a dev server stop start-up with the commands that register them.
 */

const ca = createTestCa('sre-temporal-tls-');
const { file, read } = ca;
const cli = path.join(projectRoot(), 'dist/cli/main.js');

describe('secured Temporal (mTLS through nginx)', () => {
  let proxy: GrpcTlsProxy;
  let redis: EphemeralRedis;
  let agent: TestAgent | undefined;

  beforeAll(async () => {
    ca.makeCa('ca');
    ca.makeCa('other-ca');
    ca.makeSigned('server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
    ca.makeSigned('client', 'extendedKeyUsage=clientAuth\n');
    ca.makeSigned('intruder', 'extendedKeyUsage=clientAuth\n', 'other-ca');
    proxy = await startGrpcTlsProxy({
      dir: path.join(ca.dir, 'nginx'),
      upstream: loadConfig(testEnv()).temporal.address,
      serverCert: file('server.crt'),
      serverKey: file('server.key'),
      clientCa: file('ca.crt'),
    });
    redis = await startRedis();
  });
  afterAll(async () => {
    await agent?.stop();
    await redis?.stop();
    await proxy?.stop();
    ca.remove();
  });

  // The certificate as a file, the key as a PEM value: both forms are accepted.
  const secured = (client = 'client') => ({
    TEMPORAL_ADDRESS: proxy.address,
    TEMPORAL_TLS_CERT: file(`${client}.crt`),
    TEMPORAL_TLS_KEY: read(`${client}.key`),
    TEMPORAL_TLS_CA: file('ca.crt'),
  });
  const keyLine = (client = 'client') => read(`${client}.key`).split('\n')[1];

  it('runs a triage with a worker and client that reach Temporal only through the mTLS proxy, keeping the key out of the history', async () => {
    agent = await startTestAgent({ env: secured() });
    expect(agent.config.temporal.devServer).toBe(false); // a TLS server: search attributes were checked, not registered
    const instance = await agent.services.stores.instances.create({ name: 'behind-mtls', connection_url: redis.url, environment: 'test' });
    const view = await agent.run({ message: 'Run a full health check', instance_id: instance.id, agent: 'triage' }, { forceOffline: true });
    expect(view.status).toBe('done');
    expect(view.result!.answer).toMatch(/Redis health report/);
    const history = JSON.stringify(await agent.history(`${view.task_id}-triage`));
    expect(history.length).toBeGreaterThan(1000);
    expect(history).not.toContain(keyLine());
    expect(history).not.toMatch(/PRIVATE KEY/);
  });

  it('fails at start, naming the client certificate variables, when the certificate is not signed by a CA the server trusts', async () => {
    const config = loadConfig(testEnv(secured('intruder')));
    const failure = await createWorker(config, { workflowBundlePath: readStackEnv().workflowBundlePath }).then(
      () => 'connected',
      (err: Error) => err.message,
    );
    expect(failure).toMatch(/cannot reach the Temporal server at 127\.0\.0\.1:\d+ .*the TLS connection failed: .*TEMPORAL_TLS_CERT\/TEMPORAL_TLS_KEY/);
    expect(failure).not.toContain(keyLine('intruder'));

    // The worker and a CLI command exit on their own with the same message (a hang would hit spawnSync's timeout).
    for (const args of [['worker'], ['task', 'list']]) {
      const run = spawnSync(process.execPath, [cli, ...args], { env: testEnv(secured('intruder')), encoding: 'utf8', timeout: 60_000 });
      expect({ args, signal: run.signal, status: run.status }).toEqual({ args, signal: null, status: 4 });
      expect(run.stderr).toMatch(/the TLS connection failed: the server did not accept the client certificate in TEMPORAL_TLS_CERT\/TEMPORAL_TLS_KEY/);
      expect(run.stderr).not.toContain(keyLine('intruder'));
    }
  });

  it('names the server CA when the server certificate is not signed by TEMPORAL_TLS_CA, and says when the server speaks no TLS', async () => {
    const config = loadConfig(testEnv({ ...secured(), TEMPORAL_TLS_CA: file('other-ca.crt') }));
    const failure = await createWorker(config, { workflowBundlePath: readStackEnv().workflowBundlePath }).then(
      () => 'connected',
      (err: Error) => err.message,
    );
    expect(failure).toMatch(/the TLS connection failed: the server certificate is not signed by a CA in TEMPORAL_TLS_CA$/);
    const run = spawnSync(process.execPath, [cli, 'task', 'list'], {
      env: testEnv({ ...secured(), TEMPORAL_TLS_CA: file('other-ca.crt') }),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(4);
    expect(run.stderr).toMatch(/the TLS connection failed: the server certificate is not signed by a CA in TEMPORAL_TLS_CA$/m);

    // TLS settings pointed at the plaintext dev server itself.
    const plaintext = loadConfig(testEnv({ ...secured(), TEMPORAL_ADDRESS: loadConfig(testEnv()).temporal.address }));
    const direct = await createWorker(plaintext, { workflowBundlePath: readStackEnv().workflowBundlePath }).then(
      () => 'connected',
      (err: Error) => err.message,
    );
    expect(direct).toMatch(/the TLS connection failed: the server does not answer TLS on this address/);
  });

  it('stops start-up on bad TLS settings with the variable named (core checks: test/unit/temporal-tls-config.test.ts)', () => {
    // The CLI exits with the usage code and the same lines, before connecting anywhere.
    const run = spawnSync(process.execPath, [cli, 'task', 'list'], {
      env: testEnv({ TEMPORAL_TLS_CERT: file('client.crt'), TEMPORAL_TLS_KEY: file('nope.key') }),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/TEMPORAL_TLS_KEY: expected a PEM value .* cannot read .*nope\.key: ENOENT/);
  });

  it('registers missing search attributes on a dev server and prints the commands on any other server', async () => {
    const address = loadConfig(testEnv()).temporal.address;
    const namespace = `sa-check-${randomBytes(3).toString('hex')}`;
    const connection = await Connection.connect({ address });
    try {
      await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: { seconds: 86_400 as never } });
      const base = { TEMPORAL_NAMESPACE: namespace };
      const notDev = loadConfig(testEnv({ ...base, SRE_TEMPORAL_DEV_SERVER: 'false' }));
      const refused = await checkSearchAttributes(connection, notDev).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(MissingSearchAttributesError);
      const lines = (refused as MissingSearchAttributesError).problems;
      for (const name of ['SreAgent', 'SreInstanceId', 'SreStatus']) {
        expect(lines).toContain(`temporal operator search-attribute create --name ${name} --type Keyword --namespace ${namespace} --address ${address}`);
      }

      // The CLI and the worker print the same commands at start and exit with the usage code.
      for (const args of [['task', 'list'], ['worker']]) {
        const run = spawnSync(process.execPath, [cli, ...args], {
          env: testEnv({ ...base, SRE_TEMPORAL_DEV_SERVER: 'false' }),
          encoding: 'utf8',
          timeout: 60_000,
        });
        expect({ args, signal: run.signal, status: run.status }).toEqual({ args, signal: null, status: 2 });
        expect(run.stderr).toContain(`temporal operator search-attribute create --name SreStatus --type Keyword --namespace ${namespace}`);
      }

      // On the dev server they are registered, after which the strict check passes.
      await checkSearchAttributes(connection, loadConfig(testEnv(base)));
      const listed = await connection.operatorService.listSearchAttributes({ namespace });
      expect(Object.keys(listed.customAttributes ?? {})).toEqual(expect.arrayContaining(['SreAgent', 'SreInstanceId', 'SreStatus']));
      await expect(checkSearchAttributes(connection, notDev)).resolves.toBeUndefined();
    } finally {
      await connection.close();
    }
  });
});
