import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import type { TaskRecord } from '../core/task-records';

/**
 * Answers people rated down become candidate scenarios: one file per task in the scenario format
 * (../shared/SCENARIOS.md) with the question, the agent, and the disliked answer and comment as
 * comments. Setup steps and must_mention are for a person to write (what should it have found?):
 * the file says so, and runs as it is (it checks only that the agent answers).
 */

export interface FeedbackExport {
  taskId: string;
  rating: 'up' | 'down';
  comment?: string;
  file?: string;
}

const slug = (taskId: string) =>
  `feedback-${taskId
    .replace(/^task_/, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')}`;

export function scenarioFromFeedback(record: TaskRecord): string {
  const answer = (record.result?.answer ?? '').split('\n').slice(0, 40);
  const doc = {
    id: slug(record.taskId),
    title: `Rated ${record.feedback!.rating} by ${record.feedback!.by}: ${(record.feedback!.comment ?? record.message).slice(0, 100)}`,
    setup: [],
    query: record.message,
    agent: record.requestedAgent,
    must_mention: [],
  };
  const header = [
    `# Candidate scenario from feedback on ${record.taskId} (${record.feedback!.at}).`,
    `# Comment: ${record.feedback!.comment ?? '(none)'}`,
    '# TODO: add setup steps that reproduce the incident and must_mention items for the cause the answer missed.',
    '# The answer that was rated:',
    ...answer.map((l) => `#   ${l}`),
  ];
  return `${header.join('\n')}\n${YAML.stringify(doc)}`;
}

/** Writes one scenario file per rated task into dir (existing files are kept); returns what was exported. */
export function exportFeedback(records: TaskRecord[], options: { rating?: 'up' | 'down'; dir?: string }): FeedbackExport[] {
  const rated = records.filter((r) => r.feedback && r.result && (!options.rating || r.feedback.rating === options.rating));
  if (options.dir) fs.mkdirSync(options.dir, { recursive: true });
  return rated.map((r) => {
    const out: FeedbackExport = { taskId: r.taskId, rating: r.feedback!.rating, ...(r.feedback!.comment ? { comment: r.feedback!.comment } : {}) };
    if (options.dir) {
      const file = path.join(options.dir, `${slug(r.taskId)}.yaml`);
      if (!fs.existsSync(file)) fs.writeFileSync(file, scenarioFromFeedback(r));
      out.file = file;
    }
    return out;
  });
}
