import { Client, Connection } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { Config } from './config';
import { UnavailableError } from './errors';
import { installTracing } from './tracing';

/** Temporal client for front doors (REST, MCP, CLI, eval). */
export async function connectTemporal(config: Config): Promise<{ client: Client; connection: Connection }> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: config.temporal.address, connectTimeout: '5s' });
  } catch (err) {
    throw new UnavailableError(
      `cannot reach the Temporal server at ${config.temporal.address} (${(err as Error).message}); start the local stack with 'sre-agent stack up' or set TEMPORAL_ADDRESS`,
    );
  }
  installTracing(config);
  // Starts, signals, updates and queries carry the caller's trace into the workflow (a no-op with tracing off).
  const interceptors = { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
  return { client: new Client({ connection, namespace: config.temporal.namespace, interceptors }), connection };
}
