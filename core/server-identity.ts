/**
 * Which server answers: Redis, or Valkey (which also reports a redis_version for client
 * compatibility, e.g. 7.2.4 on Valkey 9). Reports name "Valkey 9.1.2", never the compatibility
 * number, and checks compare versions of the server they are looking at.
 */
export type ServerKindName = 'redis' | 'valkey';

export interface ServerIdentity {
  kind: ServerKindName;
  version: string;
  /** "Redis 7.0.15", "Valkey 9.1.2". */
  label: string;
}

export function serverIdentity(fields: Record<string, unknown>): ServerIdentity | undefined {
  const valkey = fields.server_name === 'valkey' || fields.valkey_version !== undefined;
  const version = String((valkey ? fields.valkey_version : fields.redis_version) ?? '');
  if (!version) return undefined;
  return valkey ? { kind: 'valkey', version, label: `Valkey ${version}` } : { kind: 'redis', version, label: `Redis ${version}` };
}

/** Whether a "major.minor.patch" version is at least the given one. */
export function versionAtLeast(version: string, major: number, minor = 0, patch = 0): boolean {
  const [a = 0, b = 0, c = 0] = version.split('.').map((p) => Number.parseInt(p, 10) || 0);
  return a !== major ? a > major : b !== minor ? b > minor : c >= patch;
}
