import { ConfigError, SreError, UnavailableError, errorMessage } from '../../core/errors';

/** Turns @qdrant/js-client-rest failures into errors that say what to check. */
export function explainQdrantError(err: unknown, url: string, what: string): Error {
  if (err instanceof SreError) return err;
  const status = (err as { status?: unknown }).status;
  if (typeof status !== 'number') {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return new UnavailableError(`Qdrant at ${url} is unreachable while ${what} (${cause ?? errorMessage(err)}); check QDRANT_URL and that Qdrant is running`);
  }
  const detail = (err as { data?: { status?: { error?: string } } }).data?.status?.error ?? errorMessage(err);
  if (status === 401 || status === 403) return new ConfigError([`QDRANT_API_KEY: Qdrant at ${url} refused the request (HTTP ${status}) while ${what}`]);
  if (status === 429 || status >= 500) return new UnavailableError(`Qdrant at ${url} answered HTTP ${status} while ${what}: ${detail}`);
  return new SreError(`Qdrant rejected the request while ${what} (HTTP ${status}): ${detail}`, 'qdrant_request');
}
