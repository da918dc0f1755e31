import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BaselineInput } from '../../activities/rules/baseline';
import { Baseline } from '../../activities/rules/baseline';
import type { Check, CheckOutcome } from '../../activities/rules/check';
import { ALL_CHECKS } from '../../activities/rules/engine';
import type { Finding } from '../../core/types';

/**
 * Baselines captured from real servers (test/fixtures/baselines, written by `sre-agent eval
 * --capture`): <id>.json on Redis 7.0, <id>.valkey.json on Valkey 9. Rule tests replay them.
 */

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'baselines');

export interface Capture {
  raw: { info?: string; clientList?: string; slowlog?: unknown };
  baseline: BaselineInput;
}

/** A capture by fixture name: 'healthy' (Redis) or 'healthy.valkey'. */
export const load = (name: string): Capture => JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
export const baseline = (name: string): BaselineInput => structuredClone(load(name).baseline);
export const fixtureNames = (): string[] =>
  fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();

export function data<T>(b: BaselineInput, tool: string): T {
  const entry = b[tool];
  if (!entry?.ok) throw new Error(`${tool} missing in fixture`);
  return entry.output.data as T;
}
export const info = (b: BaselineInput) => data<Record<string, Record<string, unknown>>>(b, 'redis_info');
export const config = (b: BaselineInput) => data<Record<string, string>>(b, 'redis_config_get');

export const check = (id: string): Check => {
  const found = ALL_CHECKS.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
};
export const run = (id: string, b: BaselineInput): CheckOutcome => check(id).run(new Baseline(b));
export function fired(id: string, b: BaselineInput): Finding {
  const outcome = run(id, b);
  if (outcome.status !== 'fail') throw new Error(`${id} did not fire: ${JSON.stringify(outcome)}`);
  return outcome.findings[0];
}
export const text = (f: Pick<Finding, 'title' | 'detail' | 'recommendation' | 'commands'>): string =>
  `${f.title}\n${f.detail}\n${f.recommendation}\n${f.commands.join('\n')}`;
