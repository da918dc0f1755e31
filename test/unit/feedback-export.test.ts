import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exportFeedback } from '../../eval/feedback-export';
import { loadScenarioFile } from '../../eval/scenario';
import type { TaskRecord } from '../../core/task-records';
import { NO_USAGE } from '../../core/types';

const record = (id: string, rating: 'up' | 'down', comment?: string): TaskRecord => ({
  taskId: id,
  threadId: 'thread_x',
  message: 'why are writes failing on cache-prod?',
  requestedAgent: 'triage',
  source: 'api',
  createdAt: '2026-12-01T10:00:00.000Z',
  status: 'done',
  result: {
    taskId: id,
    threadId: 'thread_x',
    agent: 'triage',
    mode: 'offline',
    answer: '# Report\nRedis is not the problem.',
    findings: [],
    usage: NO_USAGE,
    toolCalls: 3,
  },
  feedback: { rating, ...(comment ? { comment } : {}), by: 'alice', at: '2026-12-01T10:05:00.000Z' },
});

describe('answers rated down become candidate scenarios', () => {
  it('writes one loadable scenario file per disliked answer, with the question, agent, comment and answer', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sre-feedback-'));
    const exported = exportFeedback([record('task_AAA111', 'down', 'missed the OOM'), record('task_BBB222', 'up')], { rating: 'down', dir });
    expect(exported.map((e) => e.taskId)).toEqual(['task_AAA111']);
    const loaded = loadScenarioFile(exported[0].file!);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.scenario).toMatchObject({ id: 'feedback-aaa111', query: 'why are writes failing on cache-prod?', agent: 'triage' });
    const text = fs.readFileSync(exported[0].file!, 'utf8');
    expect(text).toContain('# Comment: missed the OOM');
    expect(text).toContain('#   Redis is not the problem.');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
