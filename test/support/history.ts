import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { temporal } from '@temporalio/proto';
import { readStackEnv } from './stack-env';

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

/** Where recorded histories live: test/workflows/replay.test.ts replays every file in it. */
export const HISTORY_DIR = path.join(__dirname, '..', 'fixtures', 'histories');

/**
 * Saves a workflow's history the way an operator would (`temporal workflow show --output json`)
 * as `<name>.json` in HISTORY_DIR; an existing file is kept unless `overwrite`.
 */
export function saveHistory(temporalAddress: string, workflowId: string, name: string, options: { overwrite?: boolean } = {}): void {
  const file = path.join(HISTORY_DIR, `${name}.json`);
  if (!options.overwrite && fs.existsSync(file)) return;
  const json = execFileSync(
    readStackEnv().temporalBinary,
    ['workflow', 'show', '--workflow-id', workflowId, '--output', 'json', '--address', temporalAddress],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  fs.writeFileSync(file, json);
}
