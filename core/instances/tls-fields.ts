import { X509Certificate, createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import { ValidationError } from '../errors';

/**
 * TLS settings of a rediss:// instance. The CA, client certificate and key are sealed with the
 * URL and password (core/instances/store.ts) and never returned: views say only whether each is
 * set. Validation messages never quote a value.
 */

const MAX_PEM = 64 * 1024;
const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function parses(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}

const pemCertificates = (what: string) =>
  z
    .string()
    .max(MAX_PEM, `at most ${MAX_PEM} characters`)
    .superRefine((value, ctx) => {
      const blocks = value.match(CERT_BLOCK) ?? [];
      if (blocks.length === 0) ctx.addIssue({ code: 'custom', message: `expected ${what} in PEM (-----BEGIN CERTIFICATE----- …)` });
      else if (!blocks.every((b) => parses(() => new X509Certificate(b)))) ctx.addIssue({ code: 'custom', message: `a certificate in ${what} does not parse` });
    });

const pemPrivateKey = z
  .string()
  .max(MAX_PEM, `at most ${MAX_PEM} characters`)
  .refine((value) => /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value) && parses(() => createPrivateKey(value)), {
    message: 'expected an unencrypted private key in PEM (-----BEGIN PRIVATE KEY----- …)',
  });

export const tlsFields = {
  tls_ca: pemCertificates('the CA certificate(s)')
    .optional()
    .describe('CA certificate(s) in PEM that signed the server certificate (rediss:// only; default: the system CAs); stored encrypted, never returned'),
  tls_cert: pemCertificates('the client certificate')
    .optional()
    .describe('Client certificate in PEM, for servers that require one (with tls_key); stored encrypted, never returned'),
  tls_key: pemPrivateKey.optional().describe('Private key of the client certificate in PEM, unencrypted; stored encrypted, never returned'),
  tls_server_name: z
    .string()
    .max(253, 'at most 253 characters')
    .regex(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'a DNS name such as redis.internal')
    .optional()
    .describe("The name to verify the server certificate against (and send as SNI), when it is not the URL's host"),
  tls_verify: z.boolean().describe('Verify the server certificate and its name (default true); false skips verification, for test servers only'),
};

/** The TLS settings the store keeps, merged from create or update. */
export interface TlsSettings {
  ca?: string;
  cert?: string;
  key?: string;
  serverName?: string;
  verify: boolean;
}

/** Cross-field rules, checked on the merged instance: TLS settings need rediss://, and a certificate needs its key. */
export function checkTlsSettings(tls: TlsSettings, isTls: boolean): void {
  const issues: Array<{ field: string; reason: string }> = [];
  const given: Array<[string, boolean]> = [
    ['tls_ca', tls.ca !== undefined],
    ['tls_cert', tls.cert !== undefined],
    ['tls_key', tls.key !== undefined],
    ['tls_server_name', tls.serverName !== undefined],
    ['tls_verify', !tls.verify],
  ];
  if (!isTls) for (const [field, set] of given) if (set) issues.push({ field, reason: 'applies to TLS only: use a rediss:// connection_url' });
  if (tls.cert !== undefined && tls.key === undefined) issues.push({ field: 'tls_key', reason: 'a client certificate (tls_cert) needs its private key' });
  if (tls.key !== undefined && tls.cert === undefined) issues.push({ field: 'tls_cert', reason: 'a private key (tls_key) needs its client certificate' });
  if (issues.length) throw new ValidationError(issues.map((i) => `${i.field}: ${i.reason}`).join('; '), issues);
}
