import type { Config } from '../../core/config';
import type { ToolCapability, ToolSpec } from '../../core/types';
import { toolSpec, type ToolDefinition } from './define';
import { knowledgeGetDocument, knowledgeSearch } from './knowledge';
import { lokiLabels, lokiLabelValues, lokiQueryRange } from './loki';
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

  /** The tools a model may call under this configuration: available, and read-only unless writes are allowed. */
  offered(config: Config, filter: { withInstance: boolean; capabilities?: readonly ToolCapability[] }): ToolSpec[] {
    return this.all()
      .filter((t) => !t.available || t.available(config))
      .filter((t) => t.access === 'read' || config.allowWrites)
      .filter((t) => filter.withInstance || !t.needsInstance)
      .filter((t) => !filter.capabilities || filter.capabilities.includes(t.capability))
      .map(toolSpec);
  }
}
