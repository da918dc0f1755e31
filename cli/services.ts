import { loadConfig } from '../core/config';
import { openServices, type Services } from '../core/service';

/** Opens the service layer for one command and always closes it. */
export async function withServices<T>(fn: (services: Services) => Promise<T>): Promise<T> {
  const services = await openServices(loadConfig());
  try {
    return await fn(services);
  } finally {
    await services.close();
  }
}
