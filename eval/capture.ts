import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTool } from '../activities/tools/activities';
import type { WorkerDeps } from '../activities/deps';
import type { BaselineInput } from '../activities/rules/baseline';
import { withTarget } from '../core/target-redis';
import { BASELINE_CALLS } from '../workflows/playbook';
import type { ServerKind } from '../stack/install';
import type { Scenario } from './scenario';
import type { ScenarioWorld } from './environment';

/**
 * Captures what the rules engine reads for a scenario: the raw INFO / CLIENT LIST / SLOWLOG
 * replies of the real server, and every baseline tool's output. Rule unit tests replay these.
 */

/** What the rules engine reads: exactly the diagnosis playbook's baseline calls. */
export const CAPTURE_TOOLS = BASELINE_CALLS;

export interface CapturedScenario {
  id: string;
  title: string;
  server?: ServerKind;
  capturedAt: string;
  raw: { info?: string; clientList?: string; slowlog?: unknown; error?: string };
  baseline: BaselineInput;
}

/** The fixture file of a scenario on a server: <id>.json on Redis, <id>.valkey.json on Valkey. */
export function fixtureName(id: string, server: ServerKind): string {
  return server === 'redis' ? `${id}.json` : `${id}.${server}.json`;
}

export async function captureScenario(
  deps: WorkerDeps,
  scenario: Scenario,
  world: ScenarioWorld,
  instanceId: string,
  outDir: string,
  server: ServerKind = 'redis',
): Promise<string> {
  const connection = await deps.instances.resolve(instanceId);
  const raw: CapturedScenario['raw'] = {};
  try {
    await withTarget(connection, async (redis) => {
      raw.info = String(await redis.call('INFO', 'everything'));
      raw.clientList = String(await redis.call('CLIENT', 'LIST'));
      raw.slowlog = await redis.call('SLOWLOG', 'GET', 50);
    });
  } catch (err) {
    raw.error = (err as Error).message;
  }
  const baseline: BaselineInput = {};
  await Promise.all(
    CAPTURE_TOOLS.map(async ({ tool, args }) => {
      const definition = deps.registry.get(tool)!;
      try {
        baseline[tool] = {
          ok: true,
          output: await runTool(definition, deps, { callId: `capture-${tool}`, taskId: 'task_capture', threadId: 'thread_capture', instanceId, args }),
        };
      } catch (err) {
        baseline[tool] = { ok: false, error: (err as Error).message };
      }
    }),
  );
  // Ports and pids differ per run; keep fixtures stable and free of local paths.
  const text = JSON.stringify(
    { id: scenario.id, title: scenario.title, server, capturedAt: new Date().toISOString(), raw, baseline } satisfies CapturedScenario,
    null,
    2,
  )
    .split(String(world.target.port))
    .join('6379')
    .split(world.master.dir)
    .join('/var/lib/redis')
    .split(world.replica?.dir ?? '\0no replica\0')
    .join('/var/lib/redis-replica');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, fixtureName(scenario.id, server));
  fs.writeFileSync(file, text);
  return file;
}
