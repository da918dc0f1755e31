import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { z } from 'zod';
import type { Config } from './config';
import { ConfigError } from './errors';

/**
 * API keys with roles, for REST, streams and MCP over HTTP. Keys live in the file named by
 * SRE_API_KEYS_FILE as SHA-256 hashes (a key is 32 random bytes, so a fast hash is enough), each
 * with a name and a role; SRE_API_KEY stays a single admin key. The file is re-read when it
 * changes, so a revoked key stops working without a restart.
 */

export const ROLES = ['viewer', 'operator', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What each role may do, cumulatively: viewer reads; operator starts tasks and manages instances and schedules; approver approves actions; admin manages keys, ingest and retention. */
export function roleAllows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export interface Principal {
  /** The key's name, recorded with every change it makes. */
  name: string;
  role: Role;
}

/** When no key is configured the API is open (it binds to loopback by default). */
export const OPEN_ACCESS: Principal = { name: 'anonymous', role: 'admin' };

const keyFileSchema = z
  .object({
    keys: z
      .array(
        z
          .object({
            name: z.string().regex(/^[\w.@-]{1,64}$/, 'a key name: letters, digits, . _ @ -'),
            role: z.enum(ROLES),
            sha256: z.string().regex(/^[0-9a-f]{64}$/, 'the SHA-256 of the key, 64 hex digits'),
            created_at: z.string().optional(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export type KeyFileEntry = z.infer<typeof keyFileSchema>['keys'][number];

const sha256 = (text: string) => createHash('sha256').update(text).digest();

export function readKeyFile(file: string): KeyFileEntry[] {
  if (!fs.existsSync(file)) return [];
  let parsed: unknown;
  try {
    parsed = parseYaml(fs.readFileSync(file, 'utf8')) ?? {};
  } catch (err) {
    throw new ConfigError([`SRE_API_KEYS_FILE: cannot read ${file}: ${(err as Error).message}`]);
  }
  const result = keyFileSchema.safeParse(parsed);
  if (!result.success) throw new ConfigError(result.error.issues.map((i) => `SRE_API_KEYS_FILE: ${file}: ${i.path.join('.')}: ${i.message}`));
  const names = new Set<string>();
  for (const k of result.data.keys) {
    if (names.has(k.name)) throw new ConfigError([`SRE_API_KEYS_FILE: ${file}: the key name '${k.name}' is used twice`]);
    names.add(k.name);
  }
  return result.data.keys;
}

export function writeKeyFile(file: string, keys: KeyFileEntry[]): void {
  fs.writeFileSync(file, toYaml({ keys }), { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

/** A new random key, and the file entry that stores its hash. The key itself is shown once. */
export function newApiKey(name: string, role: Role): { key: string; entry: KeyFileEntry } {
  const key = `sre_${randomBytes(32).toString('base64url')}`;
  return { key, entry: { name, role, sha256: sha256(key).toString('hex'), created_at: new Date().toISOString() } };
}

interface LoadedKey {
  principal: Principal;
  hash: Buffer;
}

export class ApiKeyRing {
  private fileKeys: LoadedKey[] = [];
  private fileStamp = '';

  constructor(
    private readonly single: string | undefined,
    private readonly file: string | undefined,
  ) {
    this.reload();
  }

  static fromConfig(config: Config): ApiKeyRing {
    return new ApiKeyRing(config.api.apiKey, config.api.keysFile);
  }

  /** Whether any key is configured; without one, every caller is OPEN_ACCESS. */
  get enabled(): boolean {
    this.reload();
    return Boolean(this.single) || this.fileKeys.length > 0 || Boolean(this.file);
  }

  private reload(): void {
    if (!this.file) return;
    let stamp = 'missing';
    try {
      const stat = fs.statSync(this.file);
      stamp = `${stat.mtimeMs}:${stat.size}`;
    } catch {
      // a missing file is no keys
    }
    if (stamp === this.fileStamp) return;
    this.fileKeys = readKeyFile(this.file).map((k) => ({ principal: { name: k.name, role: k.role }, hash: Buffer.from(k.sha256, 'hex') }));
    this.fileStamp = stamp;
  }

  /** The principal of a presented key; every stored hash is compared, so timing says nothing. */
  authenticate(token: string | undefined): Principal | undefined {
    if (!this.enabled) return OPEN_ACCESS;
    if (!token) return undefined;
    return this.byHash(sha256(token));
  }

  /** The SHA-256 of a key, which a console session keeps instead of the key itself. */
  static hashOf(token: string): string {
    return sha256(token).toString('hex');
  }

  /** The principal whose key has this hash today: a session ends when its key is revoked or re-created. */
  byHash(hash: Buffer | string): Principal | undefined {
    this.reload();
    const presented = typeof hash === 'string' ? Buffer.from(hash, 'hex') : hash;
    if (presented.length !== 32) return undefined;
    let found: Principal | undefined;
    const candidates: LoadedKey[] = [
      ...(this.single ? [{ principal: { name: 'admin', role: 'admin' as const }, hash: sha256(this.single) }] : []),
      ...this.fileKeys,
    ];
    for (const k of candidates) if (timingSafeEqual(presented, k.hash) && !found) found = k.principal;
    return found;
  }

  /** The principal of a request's `Authorization: Bearer <key>` header. */
  fromAuthorization(header: string | undefined): Principal | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    return this.authenticate(match?.[1]);
  }

  names(): Array<Principal> {
    this.reload();
    return [...(this.single ? [{ name: 'admin', role: 'admin' as const }] : []), ...this.fileKeys.map((k) => k.principal)];
  }
}
