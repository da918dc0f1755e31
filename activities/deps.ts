import type OpenAI from 'openai';
import type { ModelSettings } from '../core/config';
import type { TaskRecordStore } from '../core/task-records';
import type { ToolDeps } from './tools/deps';
import type { ToolRegistry } from './tools/registry';

/** Everything the worker's activities share, built once at worker start. */
export interface WorkerDeps extends ToolDeps {
  registry: ToolRegistry;
  tasks: TaskRecordStore;
  model?: { client: OpenAI; settings: ModelSettings };
}
