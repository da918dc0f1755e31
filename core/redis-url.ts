/** Redis connection URLs: parse, validate, and mask for display. */

export interface RedisEndpoint {
  host: string;
  port: number;
  db: number;
  tls: boolean;
  username?: string;
  hasPassword: boolean;
}

export function parseRedisUrl(text: string): RedisEndpoint {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error('expected a Redis URL such as redis://host:6379/0 or rediss://user:password@host:6380');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new Error(`expected redis:// or rediss://, got ${url.protocol}//`);
  }
  if (!url.hostname) throw new Error('the Redis URL has no host');
  // Options in a query string (e.g. ?password=) would escape masking: credentials belong in user:password@.
  if (url.search || url.hash) throw new Error('the Redis URL must not have a query string or fragment; put credentials as redis://user:password@host:port/db');
  // A malformed %-escape would fail every connection later ("URI malformed"): refuse it now.
  for (const [part, value] of [
    ['user name', url.username],
    ['password', url.password],
  ] as const) {
    try {
      decodeURIComponent(value);
    } catch {
      throw new Error(`the ${part} in the URL has a malformed %-escape; write a literal % as %25`);
    }
  }
  const port = url.port ? Number(url.port) : 6379;
  const dbText = url.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d{1,2}$/.test(dbText)) throw new Error(`database must be a number 0-99, got '${dbText}'`);
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    db: dbText === '' ? 0 : Number(dbText),
    tls: url.protocol === 'rediss:',
    username: url.username ? decodeURIComponent(url.username) : undefined,
    hasPassword: url.password !== '',
  };
}

/** The URL with any password replaced by ***; safe for responses, logs and history. */
export function maskRedisUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '<invalid url>';
  }
}

/** host:port label, never secret. */
export function endpointLabel(text: string): string {
  try {
    const e = parseRedisUrl(text);
    return `${e.host}:${e.port}`;
  } catch {
    return '<invalid url>';
  }
}
