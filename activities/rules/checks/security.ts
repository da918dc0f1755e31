import type { SecurityReport } from '../../tools/redis/security';
import { ev, fail, finding, pass, skip, type Check } from '../check';
import { versionAtLeast } from '../../../core/server-identity';

export const authentication: Check = {
  id: 'security.authentication',
  name: 'authentication required',
  category: 'security',
  run(b) {
    const s = b.data<SecurityReport>('redis_security');
    if (!s) return skip('security report not available');
    const open = s.users.filter((u) => u.enabled && u.nopass);
    if (open.length === 0 && (s.requirepassSet || s.users.length > 0)) return pass();
    if (open.length === 0) return pass();
    const exposed = s.protectedMode === 'no' && /(^|\s)(0\.0\.0\.0|\*|::)(\s|$)/.test(s.bind ?? '');
    return fail(
      finding(this, {
        title: `No password required: ACL user(s) ${open.map((u) => u.name).join(', ')} accept connections without a password`,
        severity: exposed ? 'critical' : 'warning',
        detail: `Anyone who can reach port ${s.port} can read and delete all data${open.some((u) => u.allCommands) ? ' and run any command (FLUSHALL, CONFIG)' : ''}.${exposed ? ' protected-mode is off and Redis listens on all interfaces.' : ''}`,
        evidence: [
          ev('redis_security', 'nopass users', open.map((u) => u.name).join(', ')),
          ev('redis_security', 'requirepass', s.requirepassSet ? 'set' : 'not set'),
          ev('redis_security', 'bind', s.bind ?? ''),
          ev('redis_security', 'protected-mode', s.protectedMode ?? ''),
        ],
        recommendation:
          'Create ACL users with passwords and least privilege for each application, disable or password-protect the default user, and keep Redis on private interfaces.',
        commands: ['ACL SETUSER app on >strong-password ~app:* +@read +@write -@dangerous', 'ACL SETUSER default off', 'ACL SAVE  # or CONFIG REWRITE'],
        runbook: 'security-acl-hardening',
      }),
    );
  },
};

export const dangerousCommands: Check = {
  id: 'security.dangerous-commands',
  name: 'dangerous commands',
  category: 'security',
  run(b) {
    const s = b.data<SecurityReport>('redis_security');
    if (!s) return skip('security report not available');
    const risky = s.dangerousCommandsEnabled.filter((c) => ['FLUSHALL', 'FLUSHDB', 'KEYS', 'DEBUG', 'CONFIG'].includes(c));
    const debugOpen = s.debugCommand === 'yes';
    if (risky.length === 0 && !debugOpen) return pass();
    return fail(
      finding(this, {
        title: `Dangerous commands available to clients: ${risky.join(', ')}${debugOpen ? ' (DEBUG enabled for all connections)' : ''}`,
        severity: 'info',
        detail: 'Any client with the default permissions can run these; one mistaken KEYS or FLUSHALL in production causes an outage.',
        evidence: [
          ev('redis_security', 'enabled dangerous commands', risky.join(', ')),
          ev('redis_security', 'enable-debug-command', s.debugCommand ?? 'unknown'),
        ],
        recommendation: 'Deny them to application users with ACLs (-@dangerous) rather than rename-command.',
        commands: ['ACL SETUSER <app-user> -@dangerous', 'ACL LIST'],
        runbook: 'security-acl-hardening',
      }),
    );
  },
};

export const oldVersion: Check = {
  id: 'security.version',
  name: 'Redis version',
  category: 'security',
  run(b) {
    const server = b.server();
    if (!server) return skip('the server version is not available');
    // Every Valkey release (7.2 onwards) is maintained; Redis before 6.2 is end of life.
    if (server.kind === 'valkey' || versionAtLeast(server.version, 6, 2)) return pass();
    return fail(
      finding(this, {
        title: `${server.label} is end of life`,
        severity: 'warning',
        detail: 'Versions before 6.2 no longer receive security fixes and lack ACL and latency improvements.',
        evidence: [ev('redis_info', 'redis_version', server.version)],
        recommendation: 'Plan an upgrade to a supported release (7.2 or later).',
        commands: ['INFO server'],
        runbook: 'security-acl-hardening',
      }),
    );
  },
};

export const securityChecks: Check[] = [authentication, dangerousCommands, oldVersion];
