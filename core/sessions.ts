import { createHash, randomBytes } from 'node:crypto';
import type Redis from 'ioredis';

/**
 * Console sign-in sessions in the app Redis. The cookie carries a random id; Redis keeps only the
 * id's SHA-256 (a copy of the store does not hand out live sessions) and the SHA-256 of the API
 * key it was made from, so a session follows its key: revoke the key and the session is gone.
 * Redis expires the record with the session's TTL; DELETE /session removes it at once.
 */

export interface SessionRecord {
  /** SHA-256 (hex) of the API key that signed in. */
  keyHash: string;
  createdAt: string;
  expiresAt: string;
}

const KEY = (id: string) => `sre:session:${createHash('sha256').update(id).digest('hex')}`;
/** 32 random bytes, base64url: what a cookie value may hold, and unguessable. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export class SessionStore {
  constructor(
    private readonly redis: Redis,
    readonly ttlSeconds: number,
  ) {}

  async create(keyHash: string, now = new Date()): Promise<{ id: string; record: SessionRecord }> {
    const id = randomBytes(32).toString('base64url');
    const record: SessionRecord = { keyHash, createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + this.ttlSeconds * 1000).toISOString() };
    await this.redis.set(KEY(id), JSON.stringify(record), 'EX', this.ttlSeconds);
    return { id, record };
  }

  /** The live session with this id, or undefined (unknown, expired, revoked, or not an id at all). */
  async get(id: string): Promise<SessionRecord | undefined> {
    if (!SESSION_ID.test(id)) return undefined;
    const raw = await this.redis.get(KEY(id));
    return raw ? (JSON.parse(raw) as SessionRecord) : undefined;
  }

  async revoke(id: string): Promise<void> {
    if (SESSION_ID.test(id)) await this.redis.del(KEY(id));
  }
}
