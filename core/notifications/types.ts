import type { HealthChange } from '../health-history';
import type { TaskInput, TaskStatus } from '../types';

/** What crosses the workflow boundary for notifications: channel names, never URLs or secrets. */

export interface NotifyPlanInput {
  task: TaskInput;
  status: TaskStatus;
}

export interface NotifyPlan {
  /** Channels to deliver to; empty when no route matched or on-change saw no change. */
  channels: string[];
  /** What changed since the instance's previous check (absent for tasks without an instance). */
  change?: HealthChange;
}

export interface DeliveryInput {
  taskId: string;
  channel: string;
  change?: HealthChange;
  /** The alert that started the task (its labels and annotations, from the task's context). */
  alert?: Record<string, string>;
}

export interface DeliveryState {
  channel: string;
  status: 'delivered' | 'retrying';
  attempts: number;
  at: string;
  error?: string;
}
