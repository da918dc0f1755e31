import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { TlsSettings } from './instances/tls-fields';

/** TLS to a rediss:// target: the options for the socket, and what a failed handshake means to the user. */

export function tlsOptions(host: string, settings: TlsSettings | undefined): ConnectionOptions {
  const name = settings?.serverName ?? host;
  return {
    // Node checks the certificate against servername (else the host it connects to, the checked
    // address). SNI takes names only (RFC 6066): an address is checked without it.
    ...(isIP(name) ? {} : { servername: name }),
    ca: settings?.ca,
    cert: settings?.cert,
    key: settings?.key,
    rejectUnauthorized: settings?.verify ?? true,
  };
}

/** OpenSSL's verification codes (err.code) for a certificate the agent will not trust. */
const VERIFY_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A sentence naming TLS and the setting to change, or undefined when the failure is not TLS. */
export function describeTlsFailure(err: (Error & { code?: string }) | undefined, where: string): string | undefined {
  const code = err?.code ?? '';
  const message = err?.message ?? '';
  if (VERIFY_CODES.has(code)) {
    const fix =
      code === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? "set the instance's tls_server_name to a name the certificate holds"
        : "set the instance's tls_ca to the CA certificate that signed the server's";
    return `TLS verification of the server certificate at ${where} failed: ${message} (${code}); ${fix}, or tls_verify=false to skip verification (test servers only)`;
  }
  if (/^ERR_SSL_/.test(code) || /alert (certificate required|bad certificate|unknown ca|handshake failure)/i.test(message)) {
    // OpenSSL's text is a multi-line trace; its alert (or reason) is what a person can act on.
    const reason = /alert ([a-z ]+)/i.exec(message)?.[1] ?? /routines:[^:]*:([^:\n]+)/.exec(message)?.[1] ?? message.split('\n')[0];
    const hint = /certificate/i.test(reason)
      ? 'the server wants a client certificate it trusts: set tls_cert and tls_key'
      : 'check that the port serves TLS and that tls_cert and tls_key are a pair the server trusts';
    return `the TLS handshake with ${where} failed: the server answered "${reason.trim()}" (${code || 'TLS alert'}); ${hint}`;
  }
  return undefined;
}
