import { renderChatAnswer, renderTriageReport } from '../../activities/rules/report';
import { summaryLine } from '../../core/answer-summary';
import type { BaselineDigest } from '../../core/types';

/** One rule picks the summary line of every answer: chat, knowledge, offline reports and synthesized reports. */
describe('answer summary line', () => {
  it('takes the first line of prose of a model answer, without markup', () => {
    expect(summaryLine('\n**Writes fail** because `maxmemory` is reached.\n\nDetails…')).toBe('Writes fail because maxmemory is reached.');
  });

  it('skips the offline label and headings of a knowledge answer', () => {
    const answer =
      '_Offline answer from the runbook knowledge base (no model configured)._\n\n### OOM — Fix [runbook: oom-maxmemory]\n\nRaise maxmemory or evict.';
    expect(summaryLine(answer)).toBe('Raise maxmemory or evict.');
  });

  it('prefers an explicit summary: a "## Summary" section or a "Summary:" line', () => {
    expect(summaryLine('# Deep triage\n\n## Summary\n\nMemory is full.\n\n## Findings\n- x')).toBe('Memory is full.');
    expect(summaryLine('# Report\n\n_label_\n\n**Summary:** 2 critical issue(s) need action now.')).toBe('2 critical issue(s) need action now.');
  });

  it('is what the offline reports carry as their summary', () => {
    const digest: BaselineDigest = { findings: [], passed: ['x'], skipped: [], facts: { role: 'master' }, toolErrors: [] };
    const triage = renderTriageReport(digest, 'cache-1');
    expect(triage.summary).toBe(summaryLine(triage.markdown));
    expect(triage.summary).toBe('Healthy: no significant issues found.');
    const chat = renderChatAnswer(digest, 'is it ok?', 'cache-1');
    expect(chat.summary).toBe(summaryLine(chat.markdown));
  });
});
