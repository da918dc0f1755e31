import * as os from 'node:os';

/** Who a CLI change is recorded as: the local user, so the audit trail names a person. */
export function cliActor(): string {
  try {
    return `cli:${os.userInfo().username}`;
  } catch {
    return 'cli';
  }
}
