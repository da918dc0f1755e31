import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';
import type { Config } from './config';
import { probeTemporalTls } from './temporal-tls-probe';

/**
 * The address, TLS and API key both Temporal connections take (the client's grpc-js Connection
 * and the worker's NativeConnection accept the same shape), built from the checked configuration.
 */
export function temporalConnectionOptions(config: Config): { address: string; tls?: TLSConfig | boolean; apiKey?: string } {
  const { address, tls, apiKey } = config.temporal;
  if (!tls) return { address };
  const settings: TLSConfig = {
    ...(tls.serverName ? { serverNameOverride: tls.serverName } : {}),
    ...(tls.ca ? { serverRootCACertificate: Buffer.from(tls.ca) } : {}),
    ...(tls.clientCert && tls.clientKey ? { clientCertPair: { crt: Buffer.from(tls.clientCert), key: Buffer.from(tls.clientKey) } } : {}),
  };
  return { address, tls: Object.keys(settings).length ? settings : true, ...(apiKey ? { apiKey } : {}) };
}

/** The first line of an error and of each cause under it (grpc-js wraps the handshake error in "Failed to connect"). */
function causes(err: unknown): string[] {
  const lines: string[] = [];
  for (let e: unknown = err; e !== undefined && e !== null && lines.length < 4; e = (e as { cause?: unknown }).cause) {
    const line = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    if (line && !lines.includes(line)) lines.push(line);
  }
  return lines;
}

/**
 * What a failed connection means for the settings a user controls. With TLS on, a refused
 * handshake or an HTTP error from the terminating proxy (nginx answers a rejected client
 * certificate with HTTP 400) is about the certificates, so the message names their variables.
 */
export async function explainTemporalConnectFailure(config: Config, err: unknown): Promise<string> {
  const { address, tls, apiKey } = config.temporal;
  const handshake = tls ? await probeTemporalTls(config) : undefined;
  const raw = [...causes(err), ...(handshake ? [`TLS handshake: ${handshake}`] : [])].join(': ');
  const detail = apiKey ? raw.split(apiKey).join('***') : raw;
  const base = `cannot reach the Temporal server at ${address} (${detail})`;
  if (!tls) {
    if (/HTTP status code 400|Received HTTP|wrong version number|http2 error/i.test(detail)) {
      return `${base}; the server may require TLS: set TEMPORAL_TLS_CA (and TEMPORAL_TLS_CERT/TEMPORAL_TLS_KEY for mTLS) or TEMPORAL_API_KEY`;
    }
    return `${base}; start the local stack with 'sre-agent stack up' or set TEMPORAL_ADDRESS`;
  }
  if (apiKey && /unauthenticated|permission.?denied/i.test(detail)) {
    return `${base}; the server refused TEMPORAL_API_KEY for namespace '${config.temporal.namespace}': check the key and that it may use this namespace`;
  }
  if (/wrong version number|packet length too long|unexpected eof|record overflow/i.test(detail)) {
    return `${base}; the TLS connection failed: the server does not answer TLS on this address (a plaintext server: unset TEMPORAL_TLS_* and TEMPORAL_API_KEY)`;
  }
  const roots = tls.ca ? 'TEMPORAL_TLS_CA' : 'the system roots (set TEMPORAL_TLS_CA to a private CA)';
  if (
    /unable to (verify|get local issuer)|unknown ?issuer|self.signed|certificate verify failed|certificate in certificate chain|UNABLE_TO_VERIFY_LEAF_SIGNATURE|invalid peer certificate|UNABLE_TO_GET_ISSUER/i.test(
      detail,
    )
  ) {
    return `${base}; the TLS connection failed: the server certificate is not signed by a CA in ${roots}`;
  }
  if (/altname|hostname|ERR_TLS_CERT_ALTNAME_INVALID|NotValidForName|does not match|not valid for name/i.test(detail)) {
    return `${base}; the TLS connection failed: the server certificate does not name the host of TEMPORAL_ADDRESS; set TEMPORAL_TLS_SERVER_NAME to a name it holds`;
  }
  if (/HTTP status code 400|status: 400|certificate required|bad certificate|unknown ca|handshake failure|tlsv1 alert/i.test(detail)) {
    return `${base}; the TLS connection failed: ${
      tls.clientCert
        ? 'the server did not accept the client certificate in TEMPORAL_TLS_CERT/TEMPORAL_TLS_KEY: it must be signed by a CA the server trusts'
        : 'the server wants a client certificate: set TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY'
    }`;
  }
  if (/certificate|handshake|SSL|TLS|wrong version number|alert/i.test(detail)) {
    return `${base}; the TLS connection failed: check TEMPORAL_TLS_CA, TEMPORAL_TLS_SERVER_NAME and TEMPORAL_TLS_CERT/TEMPORAL_TLS_KEY`;
  }
  return `${base}; check TEMPORAL_ADDRESS and that the server accepts TLS there`;
}
