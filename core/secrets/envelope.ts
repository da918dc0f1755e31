import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { SreError } from '../errors';

/**
 * AES-256-GCM envelope encryption: each secret gets its own data key, and only the data key is
 * wrapped by the master key. Rotating the master key re-wraps data keys; ciphertexts stay.
 */

export interface SealedSecret {
  v: 1;
  /** Fingerprint of the master key that wrapped the data key (not secret). */
  kid: string;
  /** Wrapped data key: iv | tag | ciphertext, base64. */
  wk: string;
  /** Encrypted secret: iv | tag | ciphertext, base64. */
  ct: string;
}

export class SecretError extends SreError {
  constructor(message: string) {
    super(message, 'secret');
  }
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

function seal(key: Buffer, plaintext: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

function open(key: Buffer, sealed: string): Buffer {
  const raw = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}

export class MasterKey {
  readonly id: string;

  private constructor(private readonly key: Buffer) {
    this.id = createHash('sha256').update(key).digest('hex').slice(0, 12);
  }

  /** Accepts 32 bytes as base64 (44 chars) or hex (64 chars). */
  static parse(text: string, source = 'SRE_MASTER_KEY'): MasterKey {
    const trimmed = text.trim();
    const bytes = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
    if (bytes.length !== 32 || (!/^[0-9a-f]{64}$/i.test(trimmed) && bytes.toString('base64') !== trimmed)) {
      throw new SecretError(`${source}: expected a 32-byte key as base64 (44 characters) or hex (64 characters); generate one with: openssl rand -base64 32`);
    }
    return new MasterKey(bytes);
  }

  static generate(): { key: MasterKey; text: string } {
    const bytes = randomBytes(32);
    return { key: new MasterKey(bytes), text: bytes.toString('base64') };
  }

  encrypt(plaintext: string): SealedSecret {
    const dataKey = randomBytes(32);
    return { v: 1, kid: this.id, wk: seal(this.key, dataKey), ct: seal(dataKey, Buffer.from(plaintext, 'utf8')) };
  }

  decrypt(secret: SealedSecret): string {
    if (secret.kid !== this.id) {
      throw new SecretError(
        `secret was encrypted under master key ${secret.kid}, but the configured key is ${this.id}; set the original SRE_MASTER_KEY or rotate keys with 'sre-agent instance rotate-key'`,
      );
    }
    try {
      return open(open(this.key, secret.wk), secret.ct).toString('utf8');
    } catch {
      throw new SecretError('secret could not be decrypted: ciphertext or key is corrupt');
    }
  }

  /** A keyed hash for finding a secret by value without storing the value (e.g. URL reuse). */
  fingerprint(text: string): string {
    return createHmac('sha256', this.key).update(text).digest('hex').slice(0, 32);
  }

  /** Re-wraps the data key under another master key; the secret's ciphertext is unchanged. */
  rewrap(secret: SealedSecret, next: MasterKey): SealedSecret {
    if (secret.kid === next.id) return secret;
    if (secret.kid !== this.id) throw new SecretError(`secret is wrapped by key ${secret.kid}, not by the current key ${this.id}`);
    return { v: 1, kid: next.id, wk: seal(next.key, open(this.key, secret.wk)), ct: secret.ct };
  }
}
