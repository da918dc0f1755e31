import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Config } from './config';

/**
 * After a failed Temporal connection over TLS, one plain handshake with the same CA, client
 * certificate and server name, for its reason: grpc-js retries a refused handshake until its
 * deadline and reports only "Failed to connect before the deadline". Undefined when the
 * handshake succeeds (the problem is elsewhere) or TLS is off.
 */
export function probeTemporalTls(config: Config, timeoutMs = 3000): Promise<string | undefined> {
  const settings = config.temporal.tls;
  if (!settings) return Promise.resolve(undefined);
  const at = config.temporal.address.lastIndexOf(':');
  const host = config.temporal.address.slice(0, at);
  const port = Number(config.temporal.address.slice(at + 1));
  const servername = settings.serverName ?? (net.isIP(host) ? undefined : host);
  return new Promise((resolve) => {
    const socket = tls.connect({
      host,
      port,
      ...(servername ? { servername } : {}),
      ...(settings.ca ? { ca: settings.ca } : {}),
      ...(settings.clientCert && settings.clientKey ? { cert: settings.clientCert, key: settings.clientKey } : {}),
      ALPNProtocols: ['h2'],
      // A server name given explicitly is what the certificate must hold, as for gRPC.
      checkServerIdentity: (_hostname, cert) => tls.checkServerIdentity(servername ?? host, cert),
    });
    const done = (reason: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reason);
    };
    const timer = setTimeout(() => done(`no TLS handshake within ${timeoutMs} ms`), timeoutMs);
    socket.once('secureConnect', () => done(undefined));
    socket.once('error', (err: NodeJS.ErrnoException) => done(`${err.message}${err.code && !err.message.includes(err.code) ? ` (${err.code})` : ''}`));
  });
}
