import { SreError } from '../../core/errors';

/** HTTP for metric/log/knowledge backends: timeouts, and errors that say what was unreachable. */

export class BackendUnavailableError extends SreError {
  constructor(message: string) {
    super(message, 'backend_unavailable');
  }
}

/** The backend refused the request as asked (bad query, unknown label): retrying will not help. */
export class BackendRequestError extends SreError {
  constructor(
    message: string,
    readonly status: number,
    /** The backend's own reply, for callers that can word its error better. */
    readonly body?: string,
  ) {
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
    throw new BackendRequestError(`${backend} rejected the request (HTTP ${response.status}): ${text.slice(0, 300)}`, response.status, text.slice(0, 4000));
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new BackendRequestError(`${backend} returned a non-JSON body: ${text.slice(0, 120)}`, response.status);
  }
}

/** An API path under a backend's base URL (which may itself have a path prefix), with query parameters. */
export function backendUrl(base: string, path: string, params: Record<string, string> = {}): string {
  const url = new URL(path, base.endsWith('/') ? base : `${base}/`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

const SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;

/** "30s", "5m", "1h", "2d", "1w" → seconds (the tools' zod schemas admit only these forms). */
export function durationSeconds(text: string): number {
  return Number(text.slice(0, -1)) * SECONDS[text.slice(-1) as keyof typeof SECONDS];
}
