import { MasterKey, SecretError } from '../../core/secrets/envelope';

describe('envelope encryption of secrets', () => {
  const { key } = MasterKey.generate();

  it('round-trips a secret and never stores it in clear', () => {
    const sealed = key.encrypt('redis://:hunter2@db:6379');
    expect(JSON.stringify(sealed)).not.toContain('hunter2');
    expect(key.decrypt(sealed)).toBe('redis://:hunter2@db:6379');
  });

  it('uses a fresh data key per secret', () => {
    expect(key.encrypt('same').ct).not.toBe(key.encrypt('same').ct);
  });

  it('re-wraps under a new master key without changing the ciphertext', () => {
    const sealed = key.encrypt('p@ss');
    const next = MasterKey.generate().key;
    const rewrapped = key.rewrap(sealed, next);
    expect(rewrapped.ct).toBe(sealed.ct);
    expect(next.decrypt(rewrapped)).toBe('p@ss');
    expect(() => key.decrypt(rewrapped)).toThrow(SecretError);
  });

  it('rejects a malformed master key with a message that says what is expected', () => {
    expect(() => MasterKey.parse('too-short')).toThrow(/32-byte key as base64 \(44 characters\) or hex \(64 characters\)/);
    expect(MasterKey.parse('a'.repeat(64)).id).toHaveLength(12);
  });

  it('detects tampering', () => {
    const sealed = key.encrypt('value');
    const bytes = Buffer.from(sealed.ct, 'base64');
    bytes[bytes.length - 1] ^= 1;
    expect(() => key.decrypt({ ...sealed, ct: bytes.toString('base64') })).toThrow(/could not be decrypted/);
  });
});
