import { proxyActivities } from '@temporalio/workflow';
import type { MaintenanceActivities } from '../activities/maintenance';

const maintenance = proxyActivities<MaintenanceActivities>({ startToCloseTimeout: '10m', retry: { initialInterval: '10s', maximumAttempts: 5 } });

/**
 * Keeps the app Redis bounded: run by the `sre-retention` schedule (service/retention.ts), it
 * deletes task records and threads older than the retention (SRE_RETENTION_DAYS, or `days`).
 */
export async function retentionWorkflow(input: { days?: number } = {}): Promise<{ threads: number; tasks: number; cutoff: string }> {
  return maintenance.sweepRetention(input);
}
