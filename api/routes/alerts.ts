import type { Services } from '../../service';
import { alertmanagerPayloadSchema } from '../../core/alerts/alertmanager-payload';
import { alertListSchema } from '../../service/alerts';
import type { ApiMetrics } from '../api-metrics';
import { API_PREFIX, json, type RouteSpec } from '../route-spec';
import { principalOf } from '../auth';

/** Alerts in: Alertmanager's webhook, and what it has sent (matched or not). */
export function alertRoutes(services: Services, metrics: ApiMetrics): RouteSpec[] {
  const tag = 'alerts';
  return [
    {
      method: 'post',
      path: `${API_PREFIX}/alerts/alertmanager`,
      tag,
      summary:
        'Alertmanager webhook (payload version 4): one triage per firing alert group and matched instance; a re-sent notification joins it; resolved is recorded on the thread',
      body: alertmanagerPayloadSchema,
      role: 'operator',
      responses: { 202: '{received, status, tasks: [{instance_id, task_id, thread_id, started}], resolved, unmatched}' },
      handler: json(202, async (req) => {
        const receipt = await services.alerts.receive(req.body, principalOf(req).name);
        for (const task of receipt.tasks) if (task.started) metrics.taskSubmitted('alert');
        return receipt;
      }),
    },
    {
      method: 'get',
      path: `${API_PREFIX}/alerts`,
      tag,
      summary: 'Alertmanager notifications received, newest first, with the instances they matched and the tasks they started',
      query: alertListSchema,
      responses: { 200: '{notifications}' },
      handler: json(200, async (req) => ({ notifications: await services.alerts.recent(req.query) })),
    },
  ];
}
