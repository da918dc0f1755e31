import { registerAgentTargets } from '../stack/agent-targets';
import { installTracing } from '../core/tracing';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../core/config';
import { ConfigError, SreError, UnavailableError } from '../core/errors';
import { createLogger } from '../core/logger';
import { openServices, type Services } from '../service';
import { hasPollers } from '../service/workers';
import { ApiMetrics } from './api-metrics';
import { createApp, type ApiOptions } from './app';
import { ThreadEventHub } from './streaming/event-hub';
import { attachWebSocketStreams } from './streaming/websocket';

/** The API process: HTTP + WebSocket on one port, graceful shutdown. */

export interface RunningApi {
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

/**
 * Requests Node's HTTP parser rejects before Express runs (a URL or headers over 16 KB, broken
 * framing) still get the API's JSON error shape.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: import('node:stream').Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const body = JSON.stringify({
    error: {
      code: tooLarge ? 'request_too_large' : 'invalid_request',
      message: tooLarge ? 'request line or headers too large (over 16 KB)' : 'malformed HTTP request',
    },
  });
  socket.end(
    `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** Serves the app and the WebSocket streams for already opened services (tests use port 0). */
export async function listenApi(
  services: Services,
  options: Omit<ApiOptions, 'hub'> & { host: string; port: number; pingMs?: number; shutdownGraceMs?: number },
): Promise<RunningApi> {
  const log = options.log ?? createLogger('api', services.config.logLevel);
  const metrics = options.metrics ?? new ApiMetrics();
  const hub = new ThreadEventHub(services.stores.redis, services.config.appRedisUrl, services.config.api.streams);
  const server = http.createServer(createApp(services, { ...options, metrics, log, hub }));
  const wss = attachWebSocketStreams(server, services, hub, metrics, { pingMs: options.pingMs ?? 30_000, log });
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE' ? new UnavailableError(`port ${options.port} on ${options.host} is in use; pick another with --port or SRE_API_PORT`) : err,
      );
    server.once('error', failed);
    server.listen(options.port, options.host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  // The local stack's Prometheus scrapes this API's /metrics while it listens.
  const unlist = registerAgentTargets(services.config.dataDir, `api-${process.pid}-${address.port}`, [
    { component: 'api', address: `${host}:${address.port}` },
  ]);
  return {
    server,
    url: `http://${host}:${address.port}`,
    close: async () => {
      unlist();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Streams never end on their own: end them, let requests in flight finish, then cut what is left.
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      wss.close();
      await hub.close();
      const idle = setInterval(() => server.closeIdleConnections(), 50);
      const cut = setTimeout(() => server.closeAllConnections(), options.shutdownGraceMs ?? 10_000);
      await closed;
      clearInterval(idle);
      clearTimeout(cut);
    },
  };
}

/**
 * Instances exist but their secrets cannot be decrypted (no key, wrong key): every task on them
 * would fail, so the API refuses to start and says how to fix it.
 */
async function checkSecretsReadable(services: Services): Promise<void> {
  try {
    await services.instances.list();
  } catch (err) {
    if (err instanceof SreError && err.code === 'secret') {
      throw new ConfigError([`SRE_MASTER_KEY: instances are registered but their secrets cannot be read (${err.message})`]);
    }
    throw err;
  }
}

/** `sre-agent api`: runs until SIGINT/SIGTERM, then stops accepting, closes streams and connections. */
export async function startApi(config: Config): Promise<void> {
  const log = createLogger('api', config.logLevel);
  const services = await openServices(config);
  let api: RunningApi;
  try {
    await checkSecretsReadable(services);
    api = await listenApi(services, { host: config.api.host, port: config.api.port, log });
  } catch (err) {
    await services.close();
    throw err;
  }
  log.info(
    `REST API on ${api.url}/api/v1 (OpenAPI: ${api.url}/api/v1/openapi.json, metrics: ${api.url}/metrics)${config.api.apiKey ? '' : '; no SRE_API_KEY set: requests are not authenticated'}`,
  );
  if (!(await hasPollers(services.temporal, config.temporal.namespace, config.temporal.taskQueue).catch(() => true))) {
    log.warn(`no worker polls the task queue '${config.temporal.taskQueue}': tasks will stay queued until one runs (sre-agent worker)`);
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info(`${signal}: shutting down`);
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await api.close();
  await services.close();
  await installTracing(config).flush();
}
