import { sentinelLeastPrivilegeRules } from '../../core/least-privilege-acl';
import { MASTER_NAME, type SentinelFixture } from '../../stack/ephemeral-sentinel';

export { MASTER_NAME, startSentinelFixture, type SentinelFixture, type SentinelProcess } from '../../stack/ephemeral-sentinel';

/** The agent's user `sre-agent` on every sentinel: the README's least-privilege rules, plus any extra grants. */
export async function grantSentinelUser(fixture: SentinelFixture, password: string, ...extra: string[]): Promise<void> {
  for (const i of fixture.sentinels.keys()) {
    const c = fixture.sentinelClient(i);
    await c.call('ACL', 'SETUSER', 'sre-agent', 'reset', 'on', `>${password}`, ...sentinelLeastPrivilegeRules(), ...extra);
    c.disconnect();
  }
}

/** The fixture as a sentinel instance reached as that user (only a seed URL: the sentinels say where the master is). */
export function sentinelInstance(fixture: SentinelFixture, name: string, password: string) {
  return {
    name,
    connection_url: `redis://127.0.0.1:${fixture.master.port}`,
    environment: 'test' as const,
    instance_type: 'sentinel' as const,
    sentinel_addresses: fixture.sentinels.map((s) => s.address),
    sentinel_master_name: MASTER_NAME,
    sentinel_username: 'sre-agent',
    sentinel_password: password,
  };
}
