import { randomBytes } from 'node:crypto';

/** Ids are short, URL-safe and prefixed with their kind, so a stray id says what it is. */
export type IdKind = 'task' | 'thread' | 'inst' | 'sched' | 'fleet';

export function newId(kind: IdKind): string {
  return `${kind}_${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;
}
