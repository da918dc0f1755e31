import { noArgs } from '../define';
import { redisTool } from './tool';
import { onTarget, readConfig, readInfoFields } from './target';

const DANGEROUS = ['FLUSHALL', 'FLUSHDB', 'KEYS', 'CONFIG', 'DEBUG', 'SHUTDOWN', 'MONITOR', 'MODULE', 'EVAL'];

export interface SecurityReport {
  requirepassSet: boolean;
  protectedMode?: string;
  bind?: string;
  port?: number;
  users: Array<{ name: string; enabled: boolean; nopass: boolean; allCommands: boolean; allKeys: boolean }>;
  dangerousCommandsEnabled: string[];
  debugCommand?: string;
  protectedConfigs?: string;
  redisVersion?: string;
  aclLogEntries: number;
}

/** ACL LIST rule string → flags; password hashes are never kept. */
function parseAclUser(line: string) {
  const parts = line.split(' ');
  const name = parts[1] ?? '?';
  return {
    name,
    enabled: parts.includes('on'),
    nopass: parts.includes('nopass'),
    allCommands: parts.includes('+@all') || parts.includes('allcommands'),
    allKeys: parts.includes('~*') || parts.includes('allkeys'),
  };
}

export const redisSecurity = redisTool({
  name: 'redis_security',
  categories: ['security', 'configuration', 'connections'],
  description:
    'Security posture: whether a password is required, ACL users (enabled, nopass, all commands/keys), protected-mode and bind, whether dangerous commands (FLUSHALL, KEYS, CONFIG, DEBUG, SHUTDOWN…) are still enabled, and recent ACL denials. Never returns secrets.',
  schema: noArgs,
  handler: async (_args, ctx) =>
    onTarget(ctx, async (redis): Promise<SecurityReport> => {
      const [config, info, acl, commands, aclLog] = await Promise.all([
        readConfig(redis, 'requirepass', 'protected-mode', 'bind', 'port', 'enable-debug-command', 'enable-protected-configs'),
        readInfoFields(redis, 'server'),
        redis.call('ACL', 'LIST').catch(() => [] as string[]),
        redis.call('COMMAND', 'INFO', ...DANGEROUS),
        redis.call('ACL', 'LOG').catch(() => []),
      ]);
      const infoReplies = Array.isArray(commands) ? commands : [];
      return {
        requirepassSet: Boolean(config.requirepass),
        protectedMode: config['protected-mode'],
        bind: config.bind,
        port: Number(config.port),
        users: (acl as string[]).map(parseAclUser),
        dangerousCommandsEnabled: DANGEROUS.filter((_, i) => infoReplies[i] !== null && infoReplies[i] !== undefined),
        debugCommand: config['enable-debug-command'],
        protectedConfigs: config['enable-protected-configs'],
        redisVersion: info.redis_version,
        aclLogEntries: Array.isArray(aclLog) ? aclLog.length : 0,
      };
    }),
  summarize: (data: SecurityReport) =>
    `${data.requirepassSet || data.users.some((u) => u.enabled && !u.nopass) ? 'auth required' : 'no password required'}; ${data.users.filter((u) => u.nopass && u.enabled).length} nopass user(s)`,
});
