import * as net from 'node:net';
import { encode } from 'gpt-tokenizer';
import { runTool } from '../../activities/tools/activities';
import { runChecks } from '../../activities/rules/engine';
import type { BaselineInput } from '../../activities/rules/baseline';
import { digestText } from '../../core/digest-text';
import { loadConfig } from '../../core/config';
import { withTarget } from '../../core/target-redis';
import { buildWorkerDeps } from '../../workers/deps';
import { CAPTURE_TOOLS } from '../../eval/capture';
import { startEphemeralRedis } from '../../stack/ephemeral-redis';
import type { IsolatedStack } from '../../stack/isolated';
import { agentEnv } from './harness';
import { round } from './stats';

/** What the model receives per tool call: compacted tool output vs the raw Redis reply. */

const size = (text: string) => ({ bytes: Buffer.byteLength(text), tokens: encode(text).length });

export async function benchContext(stack: IsolatedStack) {
  const target = await startEphemeralRedis();
  const sockets: net.Socket[] = [];
  const config = loadConfig(agentEnv(stack));
  const deps = buildWorkerDeps(config);
  try {
    // A realistic busy instance: many clients, a full slow log, a keyspace.
    const admin = target.client();
    await admin.call('DEBUG', 'POPULATE', '20000', 'item', '100');
    await admin.config('SET', 'slowlog-log-slower-than', '0');
    await admin.config('SET', 'slowlog-max-len', '128');
    for (let i = 0; i < 150; i++) await admin.call(['GET', 'STRLEN', 'EXISTS', 'TTL'][i % 4], `item:${i}`);
    for (let i = 0; i < 150; i++) sockets.push(net.connect(target.port, '127.0.0.1'));
    await new Promise((r) => setTimeout(r, 300));
    admin.disconnect();

    const instance = await deps.instances.ensureForUrl(target.url);
    const connection = await deps.instances.resolve(instance.id);
    const raw = await withTarget(connection, async (redis) => ({
      INFO: String(await redis.call('INFO', 'everything')),
      'CLIENT LIST': String(await redis.call('CLIENT', 'LIST')),
      SLOWLOG: JSON.stringify(await redis.call('SLOWLOG', 'GET', 128)),
    }));
    const compact = async (tool: string, args: unknown) =>
      JSON.stringify(
        (
          await runTool(deps.registry.get(tool)!, deps, {
            callId: `bench-${tool}`,
            taskId: 'task_bench',
            threadId: 'thread_bench',
            instanceId: instance.id,
            args,
          })
        ).data,
      );
    const compacted = {
      INFO: await compact('redis_info', { section: 'all' }),
      'CLIENT LIST': await compact('redis_client_list', {}),
      SLOWLOG: await compact('redis_slowlog', { count: 128 }),
    };
    const perTool = (Object.keys(raw) as Array<keyof typeof raw>).map((name) => {
      const r = size(raw[name]);
      const c = size(compacted[name]);
      return {
        output: name,
        rawBytes: r.bytes,
        rawTokens: r.tokens,
        compactBytes: c.bytes,
        compactTokens: c.tokens,
        reduction: `${round(r.tokens / c.tokens, 1)}x`,
      };
    });

    const baseline: BaselineInput = {};
    let baselineTokens = 0;
    for (const { tool, args } of CAPTURE_TOOLS) {
      const output = await runTool(deps.registry.get(tool)!, deps, {
        callId: `bench-${tool}`,
        taskId: 'task_bench',
        threadId: 'thread_bench',
        instanceId: instance.id,
        args,
      });
      baseline[tool] = { ok: true, output };
      baselineTokens += encode(JSON.stringify(output.data)).length;
    }
    const digest = size(digestText(runChecks(baseline).digest));
    return {
      perTool,
      baseline: { tools: CAPTURE_TOOLS.length, compactedToolOutputTokens: baselineTokens, digestBytes: digest.bytes, digestTokens: digest.tokens },
      tokenizer: 'gpt-tokenizer (o200k_base)',
    };
  } finally {
    for (const s of sockets) s.destroy();
    await deps.close();
    await target.stop();
  }
}
