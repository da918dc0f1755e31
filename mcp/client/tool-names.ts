import { createHash } from 'node:crypto';

/** Model tool names (and activity types) must be [a-zA-Z0-9_], at most 64 characters. */
const MAX_TOOL_NAME_LENGTH = 64;

/** mcp_<server>_<tool>; a name too long keeps its start and ends in a hash of the whole, so it stays unique. */
export function externalToolName(server: string, tool: string): string {
  const full = `mcp_${server}_${tool}`;
  const safe = full.replace(/[^a-zA-Z0-9_]/g, '_');
  if (safe.length <= MAX_TOOL_NAME_LENGTH) return safe;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${safe.slice(0, MAX_TOOL_NAME_LENGTH - hash.length - 1)}_${hash}`;
}
