import { createHmac } from 'node:crypto';

/**
 * The generic webhook's signature: HMAC-SHA256, keyed with the channel's secret, over
 * `<timestamp>.<body>`; the receiver recomputes it and refuses an old timestamp (replay).
 * Headers: X-SRE-Timestamp (Unix seconds) and X-SRE-Signature: sha256=<hex>.
 */

export const SIGNATURE_HEADER = 'x-sre-signature';
export const TIMESTAMP_HEADER = 'x-sre-timestamp';

export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function signedHeaders(secret: string, body: string, now = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(now / 1000));
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signature(secret, timestamp, body) };
}
