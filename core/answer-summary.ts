import type { AnswerMode, Finding, Report } from './types';

/**
 * The one rule that picks an answer's summary line, for every agent and mode: an explicit
 * summary ("## Summary" section or a "Summary:" line) when the answer has one, else its first
 * line of prose (headings, labels in italics and blank lines skipped), markup removed.
 * Pure: the workflow bundle uses it too.
 */

const MAX_SUMMARY = 400;

function plain(line: string): string {
  return line
    .replace(/^#+\s*/, '')
    .replace(/^[-*]\s+/, '')
    .replace(/\*\*|__|`/g, '')
    .trim();
}

function cut(text: string): string {
  return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY - 1)}…` : text;
}

export function summaryLine(markdown: string): string {
  const lines = markdown.split('\n').map((l) => l.trim());
  const section = lines.findIndex((l) => /^#{1,3}\s*summary\b/i.test(l));
  if (section >= 0) {
    const body = lines.slice(section + 1).find((l) => l && !l.startsWith('#'));
    if (body) return cut(plain(body));
  }
  const labelled = lines.find((l) => /^(\*\*)?summary:?(\*\*)?:?\s+\S/i.test(l));
  if (labelled) return cut(plain(labelled).replace(/^summary:?\s*/i, ''));
  const prose = lines.find((l) => l && !l.startsWith('#') && !/^_.*_$/.test(l) && !/^```/.test(l));
  return prose ? cut(plain(prose)) : '';
}

/** A report around an answer written as markdown (model answers, knowledge answers). */
export function answerReport(title: string, mode: AnswerMode, markdown: string, findings: Finding[] = []): Report {
  return { title, mode, summary: summaryLine(markdown), findings, markdown };
}
