import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { ValidationError, errorMessage } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Services } from '../../service';
import type { Thread } from '../../core/threads';
import type { ApiMetrics } from '../api-metrics';
import { authenticateRequest } from '../auth';
import { HttpError, toHttpError } from '../errors';
import { foreignLocalRequest } from '../local-origin';
import { API_PREFIX } from '../route-spec';
import { streamRequest } from './stream-request';
import type { ThreadEventHub } from './event-hub';
import { ThreadEventReader } from './thread-events';

/**
 * WebSocket /api/v1/ws/tasks/:thread_id: {type:'snapshot', thread}, then {type:'event', id, event}
 * in stream order. Bad requests are refused during the handshake with the API's JSON error.
 */

export const WEBSOCKET_PATH = `${API_PREFIX}/ws/tasks/:thread_id`;
// Case-insensitive like the REST routes (Express matches paths without regard to case).
const PATH = new RegExp(`^${API_PREFIX}/ws/tasks/([^/]+)$`, 'i');

function decodeThreadId(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ValidationError('thread_id: not a valid URL-encoded value', [{ field: 'thread_id', reason: 'not a valid URL-encoded value' }]);
  }
}

/** Answers a refused handshake as plain HTTP, with the same error body as the REST routes. */
function refuse(socket: Duplex, err: unknown, log: Logger): void {
  const { status, body } = toHttpError(err);
  if (status >= 500) log.error(`WebSocket handshake failed: ${errorMessage(err)}`);
  const payload = JSON.stringify(body);
  const headers = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(payload)}`,
    'Connection: close',
  ];
  if (status === 401) headers.push('WWW-Authenticate: Bearer realm="sre-agent"');
  socket.end(`${headers.join('\r\n')}\r\n\r\n${payload}`);
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

async function open(req: IncomingMessage, services: Services, hub: ThreadEventHub): Promise<{ thread: Thread; reader: ThreadEventReader }> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const match = PATH.exec(url.pathname);
  if (!match) throw new HttpError(404, 'not_found', `no WebSocket endpoint at ${url.pathname}; connect to ${API_PREFIX}/ws/tasks/<thread_id>`);
  const foreign = foreignLocalRequest(req.headers, services.config.api.host);
  if (foreign) throw new HttpError(403, 'forbidden', foreign);
  // A browser's WebSocket sends the session cookie; a cross-site page must not ride on it (SameSite=Strict, and the Origin must be this host).
  if (!req.headers.authorization && req.headers.cookie && req.headers.origin && hostOf(req.headers.origin) !== req.headers.host) {
    throw new HttpError(403, 'forbidden', `Origin '${req.headers.origin}' may not open a stream with this API's session cookie`);
  }
  const caller = await authenticateRequest({ keys: services.keys, sessions: services.stores.sessions }, req.headers, 'GET', 'viewer');
  return ThreadEventReader.open(services, hub, streamRequest(decodeThreadId(match[1]), Object.fromEntries(url.searchParams)), caller.name);
}

async function serve(ws: WebSocket, thread: Thread, reader: ThreadEventReader, metrics: ApiMetrics, pingMs: number, log: Logger): Promise<void> {
  const streamClosed = metrics.streamOpened('websocket');
  // Pings find clients that vanished without a close frame, so their readers do not linger.
  let alive = true;
  ws.on('pong', () => (alive = true));
  const ping = setInterval(() => {
    if (!alive) return ws.terminate();
    alive = false;
    ws.ping();
  }, pingMs);
  ws.once('close', () => {
    clearInterval(ping);
    reader.close();
    streamClosed();
  });
  try {
    ws.send(JSON.stringify({ type: 'snapshot', thread }));
    for await (const entry of reader.events()) {
      if (ws.readyState !== WebSocket.OPEN) break;
      ws.send(JSON.stringify({ type: 'event', id: entry.id, event: entry.event }));
    }
    ws.close(1000, 'done');
  } catch (err) {
    log.error(`WebSocket stream failed: ${errorMessage(err)}`);
    ws.close(1011, 'stream failed');
  }
}

export function attachWebSocketStreams(
  server: Server,
  services: Services,
  hub: ThreadEventHub,
  metrics: ApiMetrics,
  options: { pingMs: number; log: Logger },
): WebSocketServer {
  // Clients only listen; anything they send is small and ignored.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  server.on('upgrade', async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    let opened: { thread: Thread; reader: ThreadEventReader };
    try {
      opened = await open(req, services, hub);
    } catch (err) {
      refuse(socket, err, options.log);
      return;
    }
    if (socket.destroyed) {
      opened.reader.close();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => void serve(ws, opened.thread, opened.reader, metrics, options.pingMs, options.log));
  });
  return wss;
}
