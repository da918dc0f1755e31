import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { projectRoot } from '../../core/paths';

/** Runs the project's real ESLint config over a probe file given on stdin. */
function lint(code: string, file: string): { failed: boolean; output: string } {
  const root = projectRoot();
  const result = spawnSync(
    path.join(root, 'node_modules/.bin/eslint'),
    // The probe is not on disk, so it is linted without type information.
    [
      '--stdin',
      '--stdin-filename',
      file,
      '--parser-options',
      'project:false',
      '--rule',
      '@typescript-eslint/no-floating-promises: off',
      '--rule',
      '@typescript-eslint/no-misused-promises: off',
    ],
    { cwd: root, input: code, encoding: 'utf8' },
  );
  return { failed: result.status !== 0, output: `${result.stdout}${result.stderr}` };
}

describe('lint rules that keep workflows replay-safe', () => {
  it('fails when a workflow imports a Node builtin', () => {
    const result = lint("import * as fs from 'fs';\nexport const x = fs;\n", 'workflows/probe.ts');
    expect(result.failed).toBe(true);
    expect(result.output).toMatch(/Workflows must be deterministic: no Node APIs/);
  });

  it('fails when a workflow imports an I/O library or an activity implementation', () => {
    expect(lint("import Redis from 'ioredis';\nexport const r = Redis;\n", 'workflows/probe.ts').output).toMatch(/must not do I\/O/);
    expect(lint("import { createActivities } from '../activities';\nexport const a = createActivities;\n", 'workflows/probe.ts').output).toMatch(
      /Import activities as types only/,
    );
    expect(lint("import type { AgentActivities } from '../activities';\nexport type A = AgentActivities;\n", 'workflows/probe.ts').failed).toBe(false);
  });

  it('allows Node builtins outside workflows', () => {
    expect(lint("import * as fs from 'fs';\nexport const x = fs;\n", 'activities/probe.ts').failed).toBe(false);
  });
});
