import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BaselineInput } from '../../activities/rules/baseline';
import { runChecks } from '../../activities/rules/engine';
import { renderChatAnswer } from '../../activities/rules/report';
import { symptomsOf } from '../../core/symptoms';
import { parseSlowlog } from '../../core/redis-replies';
import { summarizeSlowlog } from '../../activities/tools/redis/performance';

/** The finding that explains the symptom asked about comes first, and the answer opens with what was asked. */
const capture = (id: string): BaselineInput =>
  (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'baselines', `${id}.json`), 'utf8')) as { baseline: BaselineInput }).baseline;

describe('ranking by the question', () => {
  it('reads symptoms from the words a user uses', () => {
    expect(symptomsOf('Our application gets errors when writing to Redis')).toEqual(expect.arrayContaining(['writes-failing', 'errors']));
    expect(symptomsOf('Why is cache-prod slow since noon?')).toContain('slow');
    expect(symptomsOf('Is this instance exposed to attackers?')).toContain('security');
    expect(symptomsOf('How many clients are connected?')).toContain('connections');
  });

  it('puts the OOM that explains failing writes before an unrelated critical finding', () => {
    const { digest } = runChecks(capture('oom-noeviction'));
    // The capture has a critical security finding too (no password on the test server).
    expect(digest.findings.map((f) => f.checkId)).toEqual(expect.arrayContaining(['memory.maxmemory-write-errors', 'security.authentication']));
    const answer = renderChatAnswer(digest, 'Our application gets errors when writing to Redis. What is going on?', 'cache-1');
    expect(answer.findings[0].checkId).toBe('memory.maxmemory-write-errors');
    const security = renderChatAnswer(digest, 'Is this Redis secure? Run a security audit.', 'cache-1');
    expect(security.findings[0].category).toBe('security');
  });

  it('states the measured values asked about before the findings, naming the tool each came from', () => {
    const { digest } = runChecks(capture('oom-noeviction'));
    const answer = renderChatAnswer(digest, 'How much memory is Redis using?', 'cache-1').markdown;
    const asked = answer.indexOf('**What you asked about, as measured now:**');
    expect(asked).toBeGreaterThan(0);
    expect(asked).toBeLessThan(answer.indexOf('### '));
    expect(answer.slice(asked)).toMatch(/- used memory [\d.]+ [KMG]?B of maxmemory [\d.]+ [KMG]?B \(\d+%\), policy noeviction.*\(`redis_info`\)/);
  });

  it("leaves the agent's own slow-log entries out of the evidence and counts them", () => {
    const slow = (client: string, command: string, id: number) => [id, 1_796_000_000, 25_000, [command, 'x'], '127.0.0.1:5000', client];
    const summary = summarizeSlowlog(parseSlowlog([slow('', 'KEYS', 1), slow('sre-agent', 'SCAN', 2), slow('sre-agent', 'TYPE', 3)]), 3, {});
    expect(summary.entries.map((e) => e.command)).toEqual(['KEYS']);
    expect(summary.byCommand.map((g) => g.command)).toEqual(['KEYS']);
    expect(summary.ownEntriesLeftOut).toBe(2);
  });
});
