import type { WorkerDeps } from './deps';

/**
 * Bounded growth of the app Redis: task records and threads (with their messages, tool calls,
 * reports and progress streams) older than the retention are swept, in batches, by a Temporal
 * schedule of our own (workflows/retention.ts).
 */
export interface SweepResult {
  threads: number;
  tasks: number;
  cutoff: string;
}

const BATCH = 200;

export function createMaintenanceActivities(deps: WorkerDeps) {
  return {
    async sweepRetention(input: { days?: number }): Promise<SweepResult> {
      const days = input.days ?? deps.config.retentionDays;
      const cutoff = Date.now() - days * 86_400_000;
      let threads = 0;
      let tasks = 0;
      for (;;) {
        const stale = await deps.threads.staleIds(cutoff, BATCH);
        if (stale.length === 0) break;
        for (const id of stale) {
          const taskIds = await deps.tasks.idsForThread(id);
          await deps.threads.delete(id).catch(() => undefined);
          await deps.tasks.deleteForThread(id);
          tasks += taskIds.length;
          threads++;
        }
      }
      // Task records whose thread was deleted some other way, or that never had one.
      for (;;) {
        const stale = await deps.tasks.staleIds(cutoff, BATCH);
        if (stale.length === 0) break;
        await deps.tasks.delete(stale);
        tasks += stale.length;
      }
      return { threads, tasks, cutoff: new Date(cutoff).toISOString() };
    },
  };
}

export type MaintenanceActivities = ReturnType<typeof createMaintenanceActivities>;
