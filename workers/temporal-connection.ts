import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../core/config';
import { UnavailableError } from '../core/errors';
import { explainTemporalConnectFailure, temporalConnectionOptions } from '../core/temporal-connection-options';

/** The worker's connection (Rust core), with the same TLS / API key settings and messages as the client's. */
export async function connectWorkerTemporal(config: Config): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect(temporalConnectionOptions(config));
  } catch (err) {
    throw new UnavailableError(await explainTemporalConnectFailure(config, err));
  }
}
