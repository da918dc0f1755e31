import { Client, Connection } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { Config } from './config';
import { UnavailableError } from './errors';
import { checkSearchAttributes } from './search-attribute-check';
import { explainTemporalConnectFailure, temporalConnectionOptions } from './temporal-connection-options';
import { installTracing } from './tracing';

/** Temporal client for front doors (REST, MCP, CLI, eval); the search attributes are checked once per connection. */
export async function connectTemporal(config: Config): Promise<{ client: Client; connection: Connection }> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...temporalConnectionOptions(config), connectTimeout: '5s' });
  } catch (err) {
    throw new UnavailableError(await explainTemporalConnectFailure(config, err));
  }
  try {
    await checkSearchAttributes(connection, config);
  } catch (err) {
    await connection.close();
    throw err;
  }
  installTracing(config);
  // Starts, signals, updates and queries carry the caller's trace into the workflow (a no-op with tracing off).
  const interceptors = { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
  return { client: new Client({ connection, namespace: config.temporal.namespace, interceptors }), connection };
}
