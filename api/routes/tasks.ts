import type { Services } from '../../service';
import { feedbackSchema, taskCreateSchema, taskIdSchema, taskListSchema } from '../../service/schemas';
import type { ApiMetrics } from '../api-metrics';
import { API_PREFIX, json, type RouteSpec } from '../route-spec';
import { principalOf } from '../auth';

/** Tasks: one question answered by one workflow run. */
export function taskRoutes(services: Services, metrics: ApiMetrics): RouteSpec[] {
  const tag = 'tasks';
  const id = { id: taskIdSchema };
  return [
    {
      method: 'post',
      path: `${API_PREFIX}/tasks`,
      tag,
      summary: 'Submit a question; the task runs as a Temporal workflow',
      body: taskCreateSchema,
      rate: 'tasks',
      responses: { 202: 'queued: {task_id, thread_id, status}' },
      handler: json(202, async (req) => {
        const submitted = await services.tasks.submit(req.body, { source: 'api', actor: principalOf(req).name });
        metrics.taskSubmitted('task');
        return submitted;
      }),
    },
    {
      method: 'get',
      path: `${API_PREFIX}/tasks`,
      tag,
      summary: 'List tasks, newest first, one page at a time (pass next_page_token for the next page)',
      query: taskListSchema,
      responses: { 200: '{tasks: TaskView[], next_page_token?}' },
      handler: json(200, (req) => services.tasks.list(req.query)),
    },
    {
      method: 'get',
      path: `${API_PREFIX}/tasks/:id`,
      tag,
      summary: 'Status, phase, result, error, tool calls, token usage and timestamps of a task',
      params: id,
      responses: { 200: 'TaskView' },
      handler: json(200, (req) => services.tasks.get(req.params.id as string)),
    },
    {
      method: 'post',
      path: `${API_PREFIX}/tasks/:id/cancel`,
      tag,
      summary: 'Request cancellation of a queued or running task',
      params: id,
      responses: { 202: 'TaskView after the cancellation request' },
      handler: json(202, (req) => services.tasks.cancel(req.params.id as string, principalOf(req).name)),
    },
    {
      method: 'post',
      path: `${API_PREFIX}/tasks/:id/feedback`,
      tag,
      role: 'viewer',
      summary: 'Rate the answer 👍 (up) or 👎 (down), with an optional comment; disliked answers are exported by `sre-agent eval feedback`',
      params: id,
      body: feedbackSchema,
      responses: { 200: 'TaskView with feedback', 409: 'the task has no answer yet' },
      handler: json(200, (req) => services.tasks.feedback(req.params.id as string, req.body, principalOf(req).name)),
    },
  ];
}
