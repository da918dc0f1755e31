import type { temporal } from '@temporalio/proto';

type Events = temporal.api.history.v1.IHistoryEvent[];

/** Activity types scheduled in a history (regular activities), in order. */
export function scheduledActivities(events: Events): string[] {
  return events.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name!);
}

/** Local activity types recorded in a history (as markers), in order. */
export function localActivities(events: Events): string[] {
  return events
    .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')
    .map((e) => {
      const payload = e.markerRecordedEventAttributes!.details?.data?.payloads?.[0];
      const data = JSON.parse(Buffer.from(payload?.data ?? []).toString('utf8') || '{}') as { activity_type?: string; activityType?: string };
      return data.activity_type ?? data.activityType ?? '?';
    });
}

/** Results of the completed activities of one type, decoded (JSON payloads), in order. */
export function activityResults<T = unknown>(events: Events, type: string): T[] {
  const scheduled = new Set(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === type).map((e) => String(e.eventId)));
  return events
    .filter((e) => e.activityTaskCompletedEventAttributes && scheduled.has(String(e.activityTaskCompletedEventAttributes.scheduledEventId)))
    .map((e) => JSON.parse(Buffer.from(e.activityTaskCompletedEventAttributes!.result?.payloads?.[0]?.data ?? []).toString('utf8') || 'null') as T);
}
