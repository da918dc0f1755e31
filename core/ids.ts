import { randomBytes } from 'node:crypto';

/** Ids are short, URL-safe and prefixed with their kind, so a stray id says what it is. */
export type IdKind = 'task' | 'thread' | 'inst' | 'sched';

export function newId(kind: IdKind): string {
  return `${kind}_${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;
}

const ID_PATTERN = /^(task|thread|inst|sched)_[A-Za-z0-9]{6,64}$/;
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

export function isId(kind: IdKind, value: string): boolean {
  return ID_PATTERN.test(value) && value.startsWith(`${kind}_`);
}

/** Accepts our own ids and user-chosen ids made of safe characters (e.g. schedule names). */
export function isSafeId(value: string): boolean {
  return SAFE_ID.test(value);
}
