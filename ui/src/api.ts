/** The console's one door to the API: same origin, the session cookie, and the CSRF header on every call. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const API = '/api/v1';

/** Fired when the API says the session is gone, so the app can show the sign-in page. */
export const SIGNED_OUT = 'sre:signed-out';

export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { 'x-sre-console': '1', accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${API}${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: any;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = parsed?.error ?? {};
    if (response.status === 401 && path !== '/session') window.dispatchEvent(new Event(SIGNED_OUT));
    throw new ApiError(response.status, error.code ?? 'error', error.message ?? `${method} ${path}: HTTP ${response.status}`);
  }
  return parsed as T;
}

export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export type Role = 'viewer' | 'operator' | 'approver' | 'admin';
const ROLES: Role[] = ['viewer', 'operator', 'approver', 'admin'];

export interface Me {
  name: string;
  role: Role;
  auth_required: boolean;
  expires_at?: string;
}

let me: Me | undefined;

export function currentUser(): Me | undefined {
  return me;
}

export function setCurrentUser(value: Me | undefined): void {
  me = value;
}

/** What the page offers follows the caller's role (the API enforces it anyway). */
export function can(needed: Role): boolean {
  return Boolean(me) && ROLES.indexOf(me!.role) >= ROLES.indexOf(needed);
}
