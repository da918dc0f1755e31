import { startTestAgent, type TestAgent } from './agent';
import { startRedis, type EphemeralRedis } from './redis';
import { ScriptedModel, say, type Script } from './scripted-model';
import type { EphemeralRedisOptions } from '../../stack/ephemeral-redis';

/**
 * The set-up most model-mode tests share: a scripted OpenAI-compatible model, a real worker on
 * the test Temporal server pointed at it, a real target Redis, and that Redis registered as an
 * instance. One fixture instead of the same four steps in every file.
 */
export interface ModelWorld {
  model: ScriptedModel;
  agent: TestAgent;
  redis: EphemeralRedis;
  instanceId: string;
  stop(): Promise<void>;
}

export async function startModelWorld(
  options: { script?: Script; latencyMs?: number; env?: Record<string, string>; redis?: EphemeralRedisOptions; instanceName?: string } = {},
): Promise<ModelWorld> {
  const model = new ScriptedModel(options.script ?? (() => say('unused')), { latencyMs: options.latencyMs });
  const agent = await startTestAgent({ modelBaseURL: await model.start(), env: options.env });
  const redis = await startRedis(options.redis);
  const instanceId = (await agent.services.stores.instances.ensureForUrl(redis.url, options.instanceName ?? `target-${redis.port}`)).id;
  return {
    model,
    agent,
    redis,
    instanceId,
    async stop() {
      await agent.stop();
      await model.stop();
      await redis.stop();
    },
  };
}
