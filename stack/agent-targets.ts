import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The agent's own scrape targets for the local stack's Prometheus (file_sd, re-read every 5 s):
 * each API and worker process that runs against a stack's data directory lists its endpoints
 * in a file of its own while it runs, so Prometheus scrapes exactly the processes it knows about.
 */

export type AgentComponent = 'api' | 'worker' | 'worker_sdk';

export function agentTargetsDir(dataDir: string): string {
  return path.join(dataDir, 'prometheus', 'agent');
}

/**
 * Lists the endpoints; returns the function that removes them again. A no-op outside a local
 * stack (no Prometheus directory under the data directory): there, your own Prometheus decides.
 */
export function registerAgentTargets(dataDir: string, name: string, endpoints: Array<{ component: AgentComponent; address: string }>): () => void {
  const dir = agentTargetsDir(dataDir);
  if (!fs.existsSync(dir) || endpoints.length === 0) return () => undefined;
  const file = path.join(dir, `${name.replace(/[^\w-]/g, '_')}.json`);
  const groups = endpoints.map((e) => ({ targets: [e.address], labels: { component: e.component } }));
  // Written whole then renamed, so Prometheus never reads half a file.
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(groups, null, 2));
  fs.renameSync(`${file}.tmp`, file);
  return () => fs.rmSync(file, { force: true });
}

export interface AgentTargetStatus {
  component: string;
  address: string;
  health: string;
  lastError?: string;
}

/** What the stack's Prometheus makes of those targets (GET /api/v1/targets), for `stack status`. */
export async function agentTargetStatus(prometheusUrl: string): Promise<AgentTargetStatus[]> {
  try {
    const response = await fetch(`${prometheusUrl}/api/v1/targets?state=active`, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return [];
    const body = (await response.json()) as {
      data: { activeTargets: Array<{ labels: Record<string, string>; scrapeUrl: string; health: string; lastError: string }> };
    };
    return body.data.activeTargets
      .filter((t) => t.labels.job === 'sre_agent')
      .map((t) => ({
        component: t.labels.component ?? '',
        address: t.labels.instance ?? t.scrapeUrl,
        health: t.health,
        ...(t.lastError ? { lastError: t.lastError } : {}),
      }));
  } catch {
    return [];
  }
}
