import type { Command } from 'commander';
import { loadConfig } from '../../core/config';
import { runWorker } from '../../workers/worker';
import { action } from '../output';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run a worker: executes task workflows and tool activities until SIGINT/SIGTERM')
    .action(action(async () => runWorker(loadConfig())));
}
