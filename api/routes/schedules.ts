import type { Services } from '../../service';
import { scheduleCreateSchema, scheduleIdSchema, scheduleUpdateSchema } from '../../service/schedules';
import type { ApiMetrics } from '../api-metrics';
import { API_PREFIX, json, type RouteSpec } from '../route-spec';
import { principalOf } from '../auth';

/** Recurring checks as Temporal schedules (also visible in `temporal schedule list`). */
export function scheduleRoutes(services: Services, metrics: ApiMetrics): RouteSpec[] {
  const tag = 'schedules';
  const id = { id: scheduleIdSchema };
  const action = (name: 'pause' | 'resume', summary: string): RouteSpec => ({
    method: 'post',
    path: `${API_PREFIX}/schedules/:id/${name}`,
    tag,
    summary,
    params: id,
    responses: { 200: 'ScheduleView' },
    handler: json(200, (req) => services.schedules[name](req.params.id as string, principalOf(req).name)),
  });
  return [
    {
      method: 'post',
      path: `${API_PREFIX}/schedules`,
      tag,
      summary: 'Create a schedule: exactly one of interval or cron',
      body: scheduleCreateSchema,
      responses: { 201: 'ScheduleView', 409: 'a schedule with this name exists' },
      handler: json(201, (req) => services.schedules.create(req.body, principalOf(req).name)),
    },
    {
      method: 'get',
      path: `${API_PREFIX}/schedules`,
      tag,
      summary: 'List schedules by name',
      responses: { 200: '{schedules: ScheduleView[]}' },
      handler: json(200, async () => ({ schedules: await services.schedules.list() })),
    },
    {
      method: 'get',
      path: `${API_PREFIX}/schedules/:id`,
      tag,
      summary: 'One schedule with its next and recent runs',
      params: id,
      responses: { 200: 'ScheduleView' },
      handler: json(200, (req) => services.schedules.get(req.params.id as string)),
    },
    {
      method: 'patch',
      path: `${API_PREFIX}/schedules/:id`,
      tag,
      summary: 'Change a schedule; fields left out stay as they are',
      params: id,
      body: scheduleUpdateSchema,
      responses: { 200: 'ScheduleView', 409: 'another schedule has this name' },
      handler: json(200, (req) => services.schedules.update(req.params.id as string, req.body, principalOf(req).name)),
    },
    {
      method: 'delete',
      path: `${API_PREFIX}/schedules/:id`,
      tag,
      summary: 'Delete a schedule (tasks it started stay)',
      params: id,
      responses: { 204: 'deleted' },
      handler: json(204, (req) => services.schedules.delete(req.params.id as string, principalOf(req).name)),
    },
    action('pause', 'Pause a schedule'),
    action('resume', 'Resume a paused schedule'),
    {
      method: 'post',
      path: `${API_PREFIX}/schedules/:id/trigger`,
      tag,
      summary: 'Run the schedule now; poll GET /tasks/{task_id} for the outcome',
      rate: 'tasks',
      params: id,
      responses: { 202: '{schedule: ScheduleView, task_id}' },
      handler: json(202, async (req) => {
        const triggered = await services.schedules.trigger(req.params.id as string, principalOf(req).name);
        metrics.taskSubmitted('schedule_trigger');
        return triggered;
      }),
    },
  ];
}
