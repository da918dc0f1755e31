import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

/**
 * Temporal Cloud Actions of one task, counted from its workflow histories the way the Cloud
 * bills them (docs.temporal.io/cloud/actions): a workflow start; two per child workflow (its
 * start and its execution); one per activity attempt; one per workflow task that recorded local
 * activities (all markers of one workflow task are one action); one per timer, signal, accepted
 * update, and search-attribute upsert (the TemporalChangeVersion upserts of patch markers are
 * exempt). Queries and activity heartbeats are billed too but are not in histories: left out, as
 * the Cloud's own history estimate leaves them out.
 */
type Event = temporal.api.history.v1.IHistoryEvent;

export interface ActionCount {
  total: number;
  byKind: Record<string, number>;
  workflows: number;
}

function upsertIsOnlyChangeVersion(event: Event): boolean {
  const fields = Object.keys(event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {});
  return fields.length > 0 && fields.every((f) => f === 'TemporalChangeVersion');
}

export function countActions(histories: Event[][]): ActionCount {
  const byKind: Record<string, number> = {};
  const add = (kind: string, n = 1) => (byKind[kind] = (byKind[kind] ?? 0) + n);
  histories.forEach((events, i) => {
    if (i === 0) add('workflow started');
    let markersInTask = false;
    for (const e of events) {
      if (e.workflowTaskCompletedEventAttributes) markersInTask = false;
      if (e.markerRecordedEventAttributes?.markerName === 'core_local_activity' && !markersInTask) {
        markersInTask = true;
        add('local activities (per workflow task)');
      }
      if (e.activityTaskStartedEventAttributes) add('activity attempts', Math.max(1, Number(e.activityTaskStartedEventAttributes.attempt ?? 1)));
      if (e.startChildWorkflowExecutionInitiatedEventAttributes) add('child workflow start + execution', 2);
      if (e.timerStartedEventAttributes) add('timers');
      if (e.workflowExecutionSignaledEventAttributes || e.signalExternalWorkflowExecutionInitiatedEventAttributes) add('signals');
      if (e.workflowExecutionUpdateAcceptedEventAttributes) add('updates');
      if (e.upsertWorkflowSearchAttributesEventAttributes && !upsertIsOnlyChangeVersion(e)) add('search attribute upserts');
    }
  });
  return { total: Object.values(byKind).reduce((n, v) => n + v, 0), byKind, workflows: histories.length };
}

/** A workflow's history and its children's, parent first. */
export async function taskHistories(client: Client, workflowId: string): Promise<Event[][]> {
  const out: Event[][] = [];
  const pending = [workflowId];
  while (pending.length) {
    const id = pending.shift()!;
    const events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
    out.push(events);
    for (const e of events) {
      const child = e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
      if (child) pending.push(child);
    }
  }
  return out;
}
