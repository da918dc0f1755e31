import type { ToolAccess } from './servers-config';

/**
 * Whether an external tool may change something. Writes are offered to the model only with
 * SRE_ALLOW_WRITES, so when in doubt a tool counts as a write: an explicit override wins, then the
 * server's own annotations, then the verbs in its name.
 */

const WRITE_VERBS = new Set(['create', 'update', 'delete', 'set', 'write', 'put', 'remove', 'drop', 'flush', 'kill', 'exec', 'execute']);

interface ToolFacts {
  name: string;
  annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean };
}

/** Words of a tool name, whatever its style: delete_key, deleteKey, delete-key. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

export function toolAccess(tool: ToolFacts, overrides: Record<string, ToolAccess> = {}): ToolAccess {
  const override = overrides[tool.name];
  if (override) return override;
  if (tool.annotations?.readOnlyHint === true) return 'read';
  if (tool.annotations?.readOnlyHint === false || tool.annotations?.destructiveHint === true) return 'write';
  return words(tool.name).some((word) => WRITE_VERBS.has(word)) ? 'write' : 'read';
}
