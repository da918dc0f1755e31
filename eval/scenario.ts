import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ValidationError } from '../core/errors';
import { AGENT_CHOICES } from '../core/types';

/** The scenario file format of ../shared/SCENARIOS.md, validated with messages that name the field. */

const pattern = z
  .string()
  .min(1)
  .superRefine((value, ctx) => {
    try {
      new RegExp(value, 'i');
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(err as Error).message}` });
    }
  });

/** Servers the harness can run a scenario on. */
export const SERVER_KINDS = ['redis', 'valkey'] as const;

const toolName = z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, 'a tool name such as redis_client_list');

/** An item is a list of alternative patterns; a bare string is accepted as a one-item list. */
const item = z.union([z.array(pattern).min(1), pattern.transform((p) => [p])]);

const step = z.union([
  z.object({ redis: z.string().min(1, 'redis step needs a command') }).strict(),
  z.object({ shell: z.string().min(1, 'shell step needs a command'), background: z.boolean().default(false) }).strict(),
]);

export const scenarioSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'kebab-case id'),
    title: z.string().min(1),
    server_args: z.array(z.union([z.string(), z.number()]).transform(String)).default([]),
    run_as: z
      .string()
      .regex(/^[a-z_][a-z0-9_-]*$/, 'a user name')
      .optional(),
    replica: z.boolean().default(false),
    target: z.enum(['master', 'replica']).default('master'),
    setup: z.array(step).default([]),
    query: z.string().min(1, 'the question to ask is required'),
    agent: z.enum(AGENT_CHOICES).default('auto'),
    must_mention: z.array(item).default([]),
    must_not_mention: z.array(item).default([]),
    // Second version of the format (../shared/SCENARIOS.md): every field optional.
    servers: z
      .array(z.enum(SERVER_KINDS))
      .min(1)
      .default([...SERVER_KINDS]),
    topology: z.enum(['single', 'cluster', 'sentinel']).default('single'),
    must_call: z.array(toolName).default([]),
    must_not_call: z.array(toolName).default([]),
  })
  .refine((s) => s.target !== 'replica' || s.replica, { message: 'target: replica needs replica: true', path: ['target'] });

export type Scenario = z.output<typeof scenarioSchema>;
export type SetupStep = Scenario['setup'][number];

export type LoadedScenario = { ok: true; file: string; scenario: Scenario } | { ok: false; file: string; error: string };

export function loadScenarioFile(file: string): LoadedScenario {
  let raw: unknown;
  try {
    raw = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    return { ok: false, file, error: `${file}: invalid YAML: ${(err as Error).message.split('\n')[0]}` };
  }
  const result = scenarioSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map(
      (i) => `${i.path.length ? i.path.join('.') : '(file)'}: ${i.code === 'invalid_type' && i.message.includes('undefined') ? 'required' : i.message}`,
    );
    return { ok: false, file, error: `${file}: ${problems.join('; ')}` };
  }
  return { ok: true, file, scenario: result.data };
}

/** Every *.yaml / *.yml file under the given files or directories, sorted by name. */
export function findScenarioFiles(paths: string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    if (!fs.existsSync(p)) throw new ValidationError(`no such scenario file or directory: ${p}`);
    if (fs.statSync(p).isDirectory()) {
      for (const name of fs.readdirSync(p).sort()) if (/\.ya?ml$/.test(name)) files.push(path.join(p, name));
    } else files.push(p);
  }
  return files;
}

export interface CheckResult {
  passed: boolean;
  /** Human-readable items that failed: missing mentions and forbidden mentions found. */
  failed: string[];
}

export function checkAnswer(
  answer: string,
  scenario: Pick<Scenario, 'must_mention' | 'must_not_mention'> & Partial<Pick<Scenario, 'must_call' | 'must_not_call'>>,
  toolsCalled: string[] = [],
): CheckResult {
  const matches = (alternatives: string[]) => alternatives.some((p) => new RegExp(p, 'i').test(answer));
  const called = new Set(toolsCalled);
  const failed = [
    ...scenario.must_mention.filter((alts) => !matches(alts)).map((alts) => `missing: ${alts.join(' | ')}`),
    ...scenario.must_not_mention.filter((alts) => matches(alts)).map((alts) => `forbidden: ${alts.join(' | ')}`),
    ...(scenario.must_call ?? []).filter((t) => !called.has(t)).map((t) => `not called: ${t}`),
    ...(scenario.must_not_call ?? []).filter((t) => called.has(t)).map((t) => `called: ${t}`),
  ];
  return { passed: failed.length === 0, failed };
}
