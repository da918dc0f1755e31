import { loadConfig } from '../../core/config';
import { ConfigError } from '../../core/errors';
import { temporalConnectionOptions } from '../../core/temporal-connection-options';
import { createTestCa } from '../support/test-ca';

/**
 * TEMPORAL_TLS_* and TEMPORAL_API_KEY are read and checked when the configuration loads, with
 * openssl-made certificates: both value forms, the pairing rules, and problems that name the
 * variable without quoting a key.
 */
describe('secured Temporal settings', () => {
  const ca = createTestCa('sre-temporal-config-');
  const { file, read } = ca;
  beforeAll(() => {
    ca.makeCa('ca');
    ca.makeCa('other-ca');
    ca.makeSigned('client', 'extendedKeyUsage=clientAuth\n');
    ca.makeSigned('intruder', 'extendedKeyUsage=clientAuth\n', 'other-ca');
  });
  afterAll(() => ca.remove());

  const keyLine = (name: string) => read(`${name}.key`).split('\n')[1];
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return 'loaded';
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
  };

  it('takes each certificate as a file or a PEM value and hands both connections the same bytes', () => {
    const fromFiles = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_CERT: file('client.crt'),
      TEMPORAL_TLS_KEY: file('client.key'),
      TEMPORAL_TLS_CA: file('ca.crt'),
    });
    const fromValues = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_CERT: read('client.crt'),
      TEMPORAL_TLS_KEY: read('client.key'),
      TEMPORAL_TLS_CA: read('ca.crt'),
    });
    expect(fromValues.temporal.tls).toEqual(fromFiles.temporal.tls);
    const options = temporalConnectionOptions(fromFiles);
    expect(options).toMatchObject({ address: 'temporal.internal:7233', tls: { serverRootCACertificate: Buffer.from(read('ca.crt')) } });
    expect(Buffer.from((options.tls as { clientCertPair: { key: Uint8Array } }).clientCertPair.key).toString()).toBe(read('client.key'));
    expect(fromFiles.temporal.devServer).toBe(false);
    // Plaintext on loopback is the dev server; no TLS options at all.
    expect(temporalConnectionOptions(loadConfig({}))).toEqual({ address: '127.0.0.1:7233' });
    expect(loadConfig({}).temporal.devServer).toBe(true);
  });

  it('stops on a missing file, a lone certificate or key, a key of another certificate and a CA that is not a certificate', () => {
    expect(problems({ TEMPORAL_TLS_CERT: file('missing.crt'), TEMPORAL_TLS_KEY: file('client.key') })).toMatch(
      /TEMPORAL_TLS_CERT: expected a PEM value \(starting with -----BEGIN\) or a readable file; cannot read .*missing\.crt: ENOENT/,
    );
    expect(problems({ TEMPORAL_TLS_CERT: file('client.crt') })).toMatch(/TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together .*: TEMPORAL_TLS_KEY is not set/);
    expect(problems({ TEMPORAL_TLS_KEY: read('client.key') })).toMatch(/TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together .*: TEMPORAL_TLS_CERT is not set/);
    const mismatch = problems({ TEMPORAL_TLS_CERT: file('client.crt'), TEMPORAL_TLS_KEY: read('intruder.key') });
    expect(mismatch).toMatch(/TEMPORAL_TLS_KEY: the private key does not belong to the certificate in TEMPORAL_TLS_CERT/);
    expect(mismatch).not.toContain(keyLine('intruder'));
    expect(problems({ TEMPORAL_TLS_CA: file('client.key') })).toMatch(/TEMPORAL_TLS_CA: not a PEM certificate/);
    expect(problems({ TEMPORAL_TLS_CA: file('client.ext') })).toMatch(/TEMPORAL_TLS_CA: .*client\.ext is not a PEM file/);
    const body = keyLine('client'); // a key pasted without its BEGIN line is neither a PEM nor a path, and is not quoted
    const pasted = problems({ TEMPORAL_TLS_CERT: file('client.crt'), TEMPORAL_TLS_KEY: body });
    expect(pasted).toMatch(/TEMPORAL_TLS_KEY: expected a PEM value .* cannot read the file it names \(value not shown\): ENOENT/);
    expect(pasted).not.toContain(body);
    expect(problems({ TEMPORAL_TLS_SERVER_NAME: 'bad name!' })).toMatch(/TEMPORAL_TLS_SERVER_NAME: expected a DNS name/);
  });

  it('takes an API key as implying TLS, refuses it in plaintext and never quotes it', () => {
    const cloud = loadConfig({ TEMPORAL_ADDRESS: 'us-east-1.aws.api.temporal.io:7233', TEMPORAL_API_KEY: 'k-secret-123' });
    expect(temporalConnectionOptions(cloud)).toEqual({ address: 'us-east-1.aws.api.temporal.io:7233', tls: true, apiKey: 'k-secret-123' });
    const refused = problems({ TEMPORAL_API_KEY: 'k-secret-123', TEMPORAL_TLS: 'false' });
    expect(refused).toMatch(/TEMPORAL_TLS: is false but TEMPORAL_API_KEY needs TLS/);
    expect(refused).not.toContain('k-secret-123');
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_TLS: 'true' })).tls).toBe(true);
  });
});
