import { loadConfig, type Config } from '../core/config';
import { openServices, type Services } from '../service';

/** Opens the service layer for one command (with the given configuration) and always closes it. */
export async function withServices<T>(config: Config, fn: (services: Services) => Promise<T>): Promise<T> {
  const services = await openServices(config);
  try {
    return await fn(services);
  } finally {
    await services.close();
  }
}

/** The same, for commands that need nothing but the environment's configuration. */
export function withDefaultServices<T>(fn: (services: Services) => Promise<T>): Promise<T> {
  return withServices(loadConfig(), fn);
}
