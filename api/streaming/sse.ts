import type { RequestHandler } from 'express';
import type { Services } from '../../service';
import type { ApiMetrics } from '../api-metrics';
import { streamRequest } from './stream-request';
import { principalOf } from '../auth';
import type { ThreadEventHub } from './event-hub';
import { ThreadEventReader } from './thread-events';

/** GET /threads/:id/stream: the thread's progress as server-sent events. */

function frame(event: string, data: unknown, id?: string): string {
  return `${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function sseHandler(services: Services, hub: ThreadEventHub, metrics: ApiMetrics, options: { heartbeatMs: number }): RequestHandler {
  return async (req, res) => {
    const request = streamRequest(req.params.id as string, req.query, req.get('last-event-id'));
    const { thread, reader } = await ThreadEventReader.open(services, hub, request, principalOf(req).name);
    // The client may have left while the reader opened: 'close' already fired, so nothing would free it.
    if (res.closed || req.destroyed) {
      reader.close();
      return;
    }
    const streamClosed = metrics.streamOpened('sse');
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // Reverse proxies (nginx) would otherwise buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    // Comments keep idle connections from being cut by proxies and let clients notice a dead server.
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), options.heartbeatMs);
    // The hub ends every stream at shutdown (one place, not a listener per stream).
    res.once('close', () => {
      clearInterval(heartbeat);
      reader.close();
      streamClosed();
    });
    res.write(frame('snapshot', thread));
    for await (const entry of reader.events()) res.write(frame(entry.event.type, entry.event, entry.id));
    res.end();
  };
}
