import { SreError } from '../../core/errors';

/** HTTP for metric/log/knowledge backends: timeouts, and errors that say what was unreachable. */

export class BackendUnavailableError extends SreError {
  constructor(message: string) {
    super(message, 'backend_unavailable');
  }
}

export class BackendRequestError extends SreError {
  constructor(message: string, readonly status: number) {
    super(message, 'backend_request');
  }
}

export async function getJson<T>(
  backend: string,
  url: string,
  options: { headers?: Record<string, string>; timeoutMs?: number; method?: 'GET' | 'POST'; body?: string } = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method ?? 'GET',
      headers: options.headers,
      body: options.body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    const where = new URL(url).origin;
    throw new BackendUnavailableError(`${backend} at ${where} is unreachable (${cause === 'TimeoutError' ? 'timed out' : cause})`);
  }
  const text = await response.text();
  if (response.status >= 500 || response.status === 429) {
    throw new BackendUnavailableError(`${backend} answered HTTP ${response.status}: ${text.slice(0, 200)}`);
  }
  if (!response.ok) {
    throw new BackendRequestError(`${backend} rejected the request (HTTP ${response.status}): ${text.slice(0, 300)}`, response.status);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new BackendRequestError(`${backend} returned a non-JSON body: ${text.slice(0, 120)}`, response.status);
  }
}
