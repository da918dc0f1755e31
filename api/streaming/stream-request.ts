import { z } from 'zod';
import { streamIdSchema } from '../../service/threads';
import { parseOrThrow } from '../../core/validation';

/** What a progress-stream client asks for, the same for SSE and WebSocket. */

export const streamQuerySchema = z
  .object({
    last_event_id: streamIdSchema.optional(),
    until: z.enum(['done'], "the only value is done: end the stream after the thread's newest task is done").optional(),
  })
  .strict();

export interface StreamRequest {
  threadId: string;
  /** Resume after this stream id ("0": from the start). */
  lastEventId: string;
  untilDone: boolean;
}

/** The Last-Event-ID header (sent by EventSource on reconnect) wins over ?last_event_id=. */
export function streamRequest(threadId: string, query: unknown, lastEventIdHeader?: string): StreamRequest {
  const { last_event_id, until } = parseOrThrow(streamQuerySchema, query);
  return { threadId, lastEventId: lastEventIdHeader ?? last_event_id ?? '0', untilDone: until === 'done' };
}
