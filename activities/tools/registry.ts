import type { Config } from '../../core/config';
import type { ToolCapability, ToolSpec } from '../../core/types';
import { toolSpec, type ToolDefinition } from './define';
import { knowledgeGetDocument, knowledgeSearch } from './knowledge';
import { lokiLabels, lokiLabelValues, lokiQueryRange } from './loki';
import { proposeAction } from './propose-action';
import { prometheusAlerts, prometheusMetrics, prometheusQuery, prometheusQueryRange } from './prometheus';
import { redisClientList } from './redis/clients';
import { redisCommand } from './redis/command';
import { redisClientOrigins } from './redis/client-origins';
import { redisBigKeys, redisHotKeys, redisKeyInfo, redisMemory, redisSampleKeys } from './redis/memory';
import { redisLatency, redisSlowlog } from './redis/performance';
import { redisReplication } from './redis/replication';
import { redisInfoRates } from './redis/rates';
import { redisStreams } from './redis/streams';
import { redisKeyspaceProfile } from './redis/keyspace-profile';
import { redisSecurity } from './redis/security';
import { redisClusterTopology } from './redis/cluster-topology';
import { redisSentinel } from './redis/sentinel';
import { redisClusterInfo, redisConfigGet, redisInfo, redisKeyspace } from './redis/server';

/** Every built-in tool, defined once. External MCP tools are added at worker start. */
export const BUILTIN_TOOLS: ToolDefinition[] = [
  redisInfo,
  redisInfoRates,
  redisSlowlog,
  redisClientList,
  redisClientOrigins,
  redisConfigGet,
  redisMemory,
  redisLatency,
  redisReplication,
  redisKeyspace,
  redisSampleKeys,
  redisKeyInfo,
  redisBigKeys,
  redisHotKeys,
  redisStreams,
  redisKeyspaceProfile,
  redisSecurity,
  redisClusterInfo,
  redisClusterTopology,
  redisSentinel,
  redisCommand,
  prometheusQuery,
  prometheusQueryRange,
  prometheusMetrics,
  prometheusAlerts,
  lokiQueryRange,
  lokiLabels,
  lokiLabelValues,
  knowledgeSearch,
  knowledgeGetDocument,
  proposeAction,
] as ToolDefinition[];

export class ToolRegistry {
  private readonly byName = new Map<string, ToolDefinition>();

  constructor(tools: ToolDefinition[]) {
    for (const tool of tools) {
      if (this.byName.has(tool.name)) throw new Error(`tool '${tool.name}' is defined twice`);
      this.byName.set(tool.name, tool);
    }
  }

  get(name: string): ToolDefinition | undefined {
    return this.byName.get(name);
  }

  all(): ToolDefinition[] {
    return [...this.byName.values()];
  }

  /**
   * The tools a model may call under this configuration: available and read-only. A write tool
   * (an external MCP tool classed as a write) is never offered: it runs only as an approved
   * action (mcp_write, activities/actions), proposed and decided by people.
   */
  offered(config: Config, filter: { withInstance: boolean; capabilities?: readonly ToolCapability[] }): ToolSpec[] {
    return this.all()
      .filter((t) => !t.available || t.available(config))
      .filter((t) => t.access === 'read')
      .filter((t) => filter.withInstance || !t.needsInstance)
      .filter((t) => !filter.capabilities || filter.capabilities.includes(t.capability))
      .map(toolSpec);
  }
}
