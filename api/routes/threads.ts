import type { Services } from '../../service';
import { followUpSchema, threadIdSchema } from '../../service/schemas';
import { threadGetSchema, threadListSchema } from '../../service/threads';
import type { ApiMetrics } from '../api-metrics';
import { HttpError } from '../errors';
import { API_PREFIX, json, type RouteSpec } from '../route-spec';
import { streamQuerySchema } from '../streaming/stream-request';
import type { ThreadEventHub } from '../streaming/event-hub';
import { sseHandler } from '../streaming/sse';
import { WEBSOCKET_PATH } from '../streaming/websocket';
import { principalOf } from '../auth';

/** Threads: conversations, their tool calls and reports, follow-ups and the live progress stream. */
export function threadRoutes(services: Services, metrics: ApiMetrics, hub: ThreadEventHub, options: { heartbeatMs: number }): RouteSpec[] {
  const tag = 'threads';
  const id = { id: threadIdSchema };
  return [
    {
      method: 'get',
      path: `${API_PREFIX}/threads`,
      tag,
      summary: 'List threads, most recently updated first',
      query: threadListSchema,
      responses: { 200: '{threads: ThreadMeta[]}' },
      handler: json(200, async (req) => ({ threads: await services.threads.list(req.query) })),
    },
    {
      method: 'get',
      path: `${API_PREFIX}/threads/:id`,
      tag,
      summary: "A thread: one page of its messages (newest first pages; limit, before), with those tasks' tool calls and reports",
      params: id,
      query: threadGetSchema,
      responses: { 200: 'Thread with messages_total and messages_before (pass as before for the previous page)' },
      handler: json(200, (req) => services.threads.get(req.params.id as string, req.query)),
    },
    {
      method: 'post',
      path: `${API_PREFIX}/threads/:id/messages`,
      tag,
      summary: 'Ask a follow-up question: a new task on the same thread, with its prior context',
      params: id,
      body: followUpSchema,
      rate: 'tasks',
      responses: { 202: 'queued: {task_id, thread_id, status}' },
      handler: json(202, async (req) => {
        const submitted = await services.tasks.followUp(req.params.id as string, req.body, { source: 'api', actor: principalOf(req).name });
        metrics.taskSubmitted('follow_up');
        return submitted;
      }),
    },
    {
      method: 'delete',
      path: `${API_PREFIX}/threads/:id`,
      tag,
      summary: 'Delete a thread with its messages, reports, progress events and task records',
      params: id,
      responses: { 204: 'deleted' },
      handler: json(204, (req) => services.threads.delete(req.params.id as string, principalOf(req).name)),
    },
    {
      method: 'get',
      path: `${API_PREFIX}/threads/:id/stream`,
      tag,
      summary:
        'Server-sent events: `snapshot` (the thread), then each progress event with `id:` = its stream id; resumable with Last-Event-ID or ?last_event_id=; ends after the newest task is done only with ?until=done',
      params: id,
      query: streamQuerySchema,
      responses: { 200: 'text/event-stream' },
      produces: 'text/event-stream',
      rate: 'streams',
      handler: sseHandler(services, hub, metrics, options),
    },
    {
      method: 'get',
      path: WEBSOCKET_PATH,
      tag,
      summary:
        'WebSocket (Upgrade: websocket): {type:"snapshot", thread}, then {type:"event", id, event} in stream order; ?last_event_id= resumes, ?until=done closes after the newest task is done',
      params: { thread_id: threadIdSchema },
      query: streamQuerySchema,
      responses: { 101: 'switching protocols' },
      // The upgrade itself is served by streaming/websocket.ts; a plain GET lands here.
      handler: () => {
        throw new HttpError(426, 'upgrade_required', 'this is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket)');
      },
    },
  ];
}
