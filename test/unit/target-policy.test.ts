import { loadConfig } from '../../core/config';
import { ConfigError } from '../../core/errors';
import { numericIpv4, TargetPolicy, TargetRefusedError } from '../../core/target-policy';

/**
 * The address policy decides on addresses, never by connecting: every case here is checked with
 * no connection at all (names resolve through a stub; nothing leaves this process).
 */
const config = (env: Record<string, string> = {}) => loadConfig({ SRE_APP_REDIS_PORT: '6390', SRE_TEMPORAL_PORT: '7233', SRE_PROMETHEUS_PORT: '9090', ...env });
const names: Record<string, string[]> = {
  localhost: ['127.0.0.1', '::1'],
  'metadata.internal': ['169.254.169.254'],
  'mixed.internal': ['10.0.0.5', '169.254.1.1'],
  'cache.prod.internal': ['10.0.0.5'],
};
const lookup = async (host: string) => {
  if (!names[host]) throw new Error('ENOTFOUND');
  return names[host];
};
const policy = (env?: Record<string, string>) => new TargetPolicy(config(env), lookup);
const refusal = async (p: TargetPolicy, host: string, port = 6379) => {
  try {
    await p.check(host, port);
    return undefined;
  } catch (err) {
    if (err instanceof TargetRefusedError) return err.message;
    throw err;
  }
};

describe('target address policy', () => {
  it.each([
    ['2130706433', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['0xa9fea9fe', '169.254.169.254'],
    ['0', '0.0.0.0'],
    ['10.0.0.5', '10.0.0.5'],
  ])('reads the numeric form %s as %s', (text, address) => {
    expect(numericIpv4(text)).toBe(address);
  });

  it.each(['cache', '256.1.1.1', '1.2.3.4.5', '0x100000000', 'cache-1.internal'])('%s is not a numeric address', (text) => {
    expect(numericIpv4(text)).toBeUndefined();
  });

  it.each([
    ['169.254.169.254', /169\.254\.169\.254 is link-local/],
    ['0xa9fea9fe', /169\.254\.169\.254 is link-local/],
    ['::ffff:169.254.169.254', /169\.254\.169\.254 is link-local/],
    ['fe80::1', /link-local/],
    ['fd00:ec2::254', /cloud metadata endpoint/],
    ['0.0.0.0', /unspecified/],
    ['0', /unspecified/],
    ['::', /unspecified/],
    ['224.0.0.1', /multicast/],
    ['metadata.internal', /169\.254\.169\.254 is link-local/],
    ['mixed.internal', /169\.254\.1\.1 is link-local/],
    ['no-such-name.internal', /does not resolve/],
  ])('refuses %s', async (host, reason) => {
    expect(await refusal(policy(), host)).toMatch(reason);
  });

  it.each([
    ['127.0.0.1', 6390, /the agent's own Redis/],
    ['2130706433', 6390, /the agent's own Redis/],
    ['localhost', 6390, /the agent's own Redis/],
    ['127.0.0.2', 6390, /the agent's own Redis/],
    ['::1', 6390, /the agent's own Redis/],
    ['127.0.0.1', 7233, /the Temporal frontend/],
    ['127.0.0.1', 9090, /Prometheus/],
  ])("refuses the stack's own endpoints: %s:%d", async (host, port, reason) => {
    expect(await refusal(policy(), host, port)).toMatch(reason);
  });

  it('allows loopback targets by default, and private addresses when no allow-list is set', async () => {
    expect(await policy().check('127.0.0.1', 6391)).toMatchObject({ address: '127.0.0.1' });
    expect(await policy().check('localhost', 6391)).toMatchObject({ address: '127.0.0.1' });
    expect(await refusal(policy(), '10.0.0.5')).toBeUndefined();
  });

  it('with SRE_TARGET_ALLOW set, only listed hosts, CIDRs and ports get in (loopback still, unless turned off)', async () => {
    const allow = policy({ SRE_TARGET_ALLOW: '10.0.0.0/8:6379-6380, *.prod.internal, [fd12::/16]' });
    expect(await refusal(allow, '10.1.2.3', 6379)).toBeUndefined();
    expect(await refusal(allow, '10.1.2.3', 6380)).toBeUndefined();
    expect(await refusal(allow, '10.1.2.3', 6381)).toMatch(/not in SRE_TARGET_ALLOW/);
    expect(await refusal(allow, '192.168.1.10')).toMatch(/not in SRE_TARGET_ALLOW/);
    expect(await refusal(allow, 'cache.prod.internal', 7000)).toBeUndefined();
    expect(await refusal(allow, 'fd12::5')).toBeUndefined();
    expect(await refusal(allow, '127.0.0.1', 6391)).toBeUndefined();
    const strict = policy({ SRE_TARGET_ALLOW: '10.0.0.0/8', SRE_TARGET_ALLOW_LOOPBACK: 'false' });
    expect(await refusal(strict, '127.0.0.1', 6391)).toMatch(/loopback and SRE_TARGET_ALLOW_LOOPBACK is false/);
    // Link-local is refused even when an allow-list names it.
    expect(await refusal(policy({ SRE_TARGET_ALLOW: '169.254.0.0/16' }), '169.254.169.254')).toMatch(/link-local/);
  });

  it('names a malformed allow-list entry at start-up', () => {
    expect(() => config({ SRE_TARGET_ALLOW: '10.0.0.0/8, cache prod' })).toThrow(ConfigError);
    expect(() => config({ SRE_TARGET_ALLOW: '10.0.0.0/8, cache prod' })).toThrow(/SRE_TARGET_ALLOW: cannot read 'cache prod'/);
  });
});
