import { setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { SA_STATUS } from '../core/search-attributes';
import { NO_USAGE, type TaskPhase, type TokenUsage, type WorkflowStatus } from '../core/types';
import { addUsage } from '../core/usage';
import { statusQuery } from './messages';

/** Answers the status query of every workflow, and writes the "current details" line of the Temporal UI. */
export class StatusTracker {
  readonly state: WorkflowStatus = { phase: 'queued', topics: [], toolCalls: [], usage: NO_USAGE };

  constructor() {
    setHandler(statusQuery, () => this.state);
  }

  /** Moves to a phase; the final ones are also written to the SreStatus search attribute. */
  phase(phase: TaskPhase, detail?: string): void {
    this.state.phase = phase;
    if (phase === 'done' || phase === 'failed') upsertSearchAttributes([{ key: SA_STATUS, value: phase }]);
    this.describe(detail);
  }

  /** Runs an agent's body; a failure is written to the status (and SreStatus) before it propagates. */
  async run<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (err) {
      this.phase('failed', err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  addUsage(usage: TokenUsage): void {
    this.state.usage = addUsage(this.state.usage, usage);
  }

  toolCall(call: WorkflowStatus['toolCalls'][number]): void {
    this.state.toolCalls.push(call);
    this.describe();
  }

  /** Tool calls that ran as activities (refusals before running are listed, not counted). */
  toolCallsRan(): number {
    return this.state.toolCalls.filter((c) => c.ran !== false).length;
  }

  /** Markdown shown on the workflow's page in the Temporal UI. */
  describe(detail?: string): void {
    const s = this.state;
    const lines = [`**Phase:** ${s.phase}${detail ? ` — ${detail}` : ''}`];
    if (s.agent) lines.push(`**Agent:** ${s.agent} (${s.mode ?? 'pending'})`);
    if (s.topics.length) lines.push(`**Topics:** ${s.topics.map((t) => `${t.title} [${t.state}]`).join(', ')}`);
    if (s.toolCalls.length)
      lines.push(`**Tool calls:** ${s.toolCalls.length} (${s.toolCalls.filter((c) => !c.ok).length} failed); last: ${s.toolCalls.at(-1)!.tool}`);
    if (s.usage.calls) lines.push(`**Model:** ${s.usage.calls} call(s), ${s.usage.totalTokens} tokens`);
    setCurrentDetails(lines.join('\n\n'));
  }
}
