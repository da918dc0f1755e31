import { createPrivateKey, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';

/**
 * How the agent reaches a secured Temporal: mTLS (self-hosted, Temporal Cloud) and/or a Temporal
 * Cloud API key. Each certificate variable holds a PEM value or a file path; everything is read
 * and checked at start, so a typo stops the process with the variable's name, not a handshake
 * error later. Problems never quote a key or the API key.
 */
export interface TemporalTlsSettings {
  /** PEM text of the client certificate chain and its private key (mTLS). */
  clientCert?: string;
  clientKey?: string;
  /** PEM of the CA that signed the server certificate; the system roots when unset. */
  ca?: string;
  /** The name the server certificate must hold, when it is not the host of TEMPORAL_ADDRESS. */
  serverName?: string;
}

export interface TemporalSecurity {
  /** Undefined: plaintext (the local dev server). */
  tls?: TemporalTlsSettings;
  apiKey?: string;
}

export interface TemporalSecurityEnv {
  TEMPORAL_TLS?: boolean;
  TEMPORAL_TLS_CERT?: string;
  TEMPORAL_TLS_KEY?: string;
  TEMPORAL_TLS_CA?: string;
  TEMPORAL_TLS_SERVER_NAME?: string;
  TEMPORAL_API_KEY?: string;
}

export const TEMPORAL_SECRET_VARIABLES = new Set(['TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY', 'TEMPORAL_TLS_CA', 'TEMPORAL_API_KEY']);

const isPem = (value: string) => value.trimStart().startsWith('-----BEGIN');

/** A path is named in a problem; a value that does not look like one (a key pasted without its BEGIN line) is not quoted. */
function shownPath(value: string): string {
  return /^(\/|\.{1,2}\/|~)[^\s]*$|^[^\s/]+\.(pem|crt|cer|key)$/i.test(value) && value.length <= 4096 ? value : 'the file it names (value not shown)';
}

/** A PEM value as given, or the text of the file it names; a problem names the variable. */
function readPemOrFile(name: string, value: string, problems: string[]): string | undefined {
  if (isPem(value)) return value.trim() + '\n';
  try {
    const text = fs.readFileSync(value, 'utf8');
    if (!isPem(text)) {
      problems.push(`${name}: ${shownPath(value)} is not a PEM file (it does not start with -----BEGIN)`);
      return undefined;
    }
    return text;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    problems.push(`${name}: expected a PEM value (starting with -----BEGIN) or a readable file; cannot read ${shownPath(value)}: ${code}`);
    return undefined;
  }
}

function certificate(name: string, pem: string, problems: string[]): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    problems.push(`${name}: not a PEM certificate (-----BEGIN CERTIFICATE-----)`);
    return undefined;
  }
}

/** Returns the settings, or pushes one line per problem. */
export function parseTemporalSecurity(e: TemporalSecurityEnv, problems: string[]): TemporalSecurity {
  const start = problems.length;
  const cert = e.TEMPORAL_TLS_CERT && readPemOrFile('TEMPORAL_TLS_CERT', e.TEMPORAL_TLS_CERT, problems);
  const key = e.TEMPORAL_TLS_KEY && readPemOrFile('TEMPORAL_TLS_KEY', e.TEMPORAL_TLS_KEY, problems);
  const ca = e.TEMPORAL_TLS_CA && readPemOrFile('TEMPORAL_TLS_CA', e.TEMPORAL_TLS_CA, problems);
  if (Boolean(e.TEMPORAL_TLS_CERT) !== Boolean(e.TEMPORAL_TLS_KEY)) {
    problems.push(
      `TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together (a client certificate and its private key): ${e.TEMPORAL_TLS_CERT ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT'} is not set`,
    );
  }
  if (cert && key) {
    const parsed = certificate('TEMPORAL_TLS_CERT', cert, problems);
    let privateKey;
    try {
      privateKey = createPrivateKey(key);
    } catch {
      problems.push('TEMPORAL_TLS_KEY: not a PEM private key (-----BEGIN PRIVATE KEY----- or an unencrypted EC/RSA key)');
    }
    if (parsed && privateKey && !parsed.checkPrivateKey(privateKey)) {
      problems.push('TEMPORAL_TLS_KEY: the private key does not belong to the certificate in TEMPORAL_TLS_CERT');
    }
  }
  if (ca) certificate('TEMPORAL_TLS_CA', ca, problems);
  const wantsTls = Boolean(e.TEMPORAL_TLS_CERT || e.TEMPORAL_TLS_CA || e.TEMPORAL_TLS_SERVER_NAME || e.TEMPORAL_API_KEY);
  if (e.TEMPORAL_TLS === false && wantsTls) {
    const given = ['TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_CA', 'TEMPORAL_TLS_SERVER_NAME', 'TEMPORAL_API_KEY'].filter((n) => e[n as keyof TemporalSecurityEnv]);
    problems.push(`TEMPORAL_TLS: is false but ${given.join(', ')} ${given.length > 1 ? 'need' : 'needs'} TLS (an API key is never sent in plaintext)`);
  }
  if (problems.length > start) return {};
  const tls =
    (e.TEMPORAL_TLS ?? wantsTls)
      ? { clientCert: cert || undefined, clientKey: key || undefined, ca: ca || undefined, serverName: e.TEMPORAL_TLS_SERVER_NAME }
      : undefined;
  return { tls, apiKey: e.TEMPORAL_API_KEY };
}
