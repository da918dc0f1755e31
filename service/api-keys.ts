import { z } from 'zod';
import { newApiKey, readKeyFile, ROLES, writeKeyFile, type ApiKeyRing, type Principal } from '../core/api-keys';
import type { AuditLog } from '../core/audit';
import type { Config } from '../core/config';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors';
import { parseOrThrow } from '../core/validation';

/** Managing the named API keys (admin): they live hashed in SRE_API_KEYS_FILE; a new key is shown once. */

export const keyCreateSchema = z
  .object({
    name: z
      .string()
      .regex(/^[\w.@-]{1,64}$/, 'letters, digits and . _ @ -, at most 64')
      .describe('Who the key belongs to, recorded with every change it makes'),
    role: z.enum(ROLES).describe('viewer (read), operator (tasks, instances, schedules), approver (+ approve actions) or admin (+ keys, ingest, retention)'),
  })
  .strict();

export const keyNameSchema = z.string().regex(/^[\w.@-]{1,64}$/, 'a key name');

export class KeyService {
  constructor(
    private readonly config: Config,
    private readonly ring: ApiKeyRing,
    private readonly audit?: AuditLog,
  ) {}

  private file(): string {
    if (!this.config.api.keysFile) throw new ValidationError('SRE_API_KEYS_FILE is not set: named keys live in that file (SRE_API_KEY is a single admin key)');
    return this.config.api.keysFile;
  }

  list(): Principal[] {
    return this.ring.names();
  }

  async create(body: unknown, actor: string): Promise<Principal & { key: string }> {
    const { name, role } = parseOrThrow(keyCreateSchema, body);
    const file = this.file();
    const keys = readKeyFile(file);
    if (keys.some((k) => k.name === name) || name === 'admin') throw new ConflictError(`a key named '${name}' already exists`);
    const { key, entry } = newApiKey(name, role);
    writeKeyFile(file, [...keys, entry]);
    await this.audit?.record({ actor, action: 'key.create', target: name, detail: role });
    return { name, role, key };
  }

  async revoke(name: string, actor: string): Promise<void> {
    parseOrThrow(keyNameSchema, name, 'name');
    const file = this.file();
    const keys = readKeyFile(file);
    if (!keys.some((k) => k.name === name)) throw new NotFoundError('key', name);
    writeKeyFile(
      file,
      keys.filter((k) => k.name !== name),
    );
    await this.audit?.record({ actor, action: 'key.revoke', target: name });
  }
}
