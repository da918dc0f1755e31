import type { TargetResolution } from '../core/target-resolution';
import { answerReport } from '../core/answer-summary';
import { NO_USAGE, type Finding, type Report, type TaskInput, type TaskResult } from '../core/types';
import { addUsage } from '../core/usage';
import { askInstance } from './instance-task';
import { inLanes } from './lanes';
import { fleet } from './proxies';
import type { StatusTracker } from './status';

/** How many of the named instances are investigated at the same time. */
const CONCURRENCY = 4;

/**
 * A question that names several instances ("compare cache-prod and cache-staging", "check all
 * production caches"): each is asked the same question as its own task (child workflow, its own
 * thread, history and checks), a few at a time; the answer puts them side by side.
 */
export async function investigateSeveral(
  task: TaskInput,
  targets: Extract<TargetResolution, { kind: 'several' }>,
  status: StatusTracker,
): Promise<{ result: TaskResult; report: Report }> {
  const names = targets.targets.map((t) => t.name).join(', ');
  status.phase('investigating', `${targets.targets.length} instances, ${CONCURRENCY} at a time: ${names}`);
  const checked = await inLanes(
    targets.targets,
    CONCURRENCY,
    (member) =>
      askInstance(
        member,
        { taskId: `${task.taskId}-on-${member.instanceId}`, message: task.message, agent: task.agent, source: task.source, forceOffline: task.forceOffline },
        `${member.name}: ${task.message.slice(0, 100)}`,
      ),
    (done) => status.describe(`${done} of ${targets.targets.length} instances answered`),
  );
  const rows = checked.map((c) => c.row);
  const findings: Record<string, Finding[]> = Object.fromEntries(checked.map((c) => [c.row.instanceId, c.result?.findings ?? []]));
  status.phase('synthesizing', 'comparing the instances');
  const answer = await fleet.compareTargets({ question: task.message, reason: targets.reason, rows, findings, leftOut: targets.leftOut });
  const results = checked.flatMap((c) => (c.result ? [c.result] : []));
  const usage = results.reduce((sum, r) => addUsage(sum, r.usage), NO_USAGE);
  status.addUsage(usage);
  const result: TaskResult = {
    taskId: task.taskId,
    threadId: task.threadId,
    agent: results[0]?.agent ?? 'chat',
    mode: results.some((r) => r.mode === 'model') ? 'model' : 'offline',
    answer,
    // Each instance's findings stay with its own task (and its own remediation proposals).
    findings: [],
    usage,
    toolCalls: results.reduce((n, r) => n + r.toolCalls, 0),
  };
  return { result, report: answerReport(`Answer: ${task.message.slice(0, 80)}`, result.mode, answer) };
}
