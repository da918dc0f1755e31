/**
 * A cluster node is named on the instance id: `inst_abc#node=10.0.0.5:6379`. Workflows pass it to
 * tool activities like any instance id; the activity resolves the instance's secrets itself and
 * connects to that node (after the target policy), so no URL or password enters the history.
 * Pure code: used by workflows and activities alike.
 */

const MARK = '#node=';

export interface NodeSelector {
  instanceId: string;
  /** host:port of one node of the instance's cluster, absent for the instance's own endpoint. */
  node?: string;
}

export function nodeInstanceId(instanceId: string, address: string): string {
  return `${parseNodeSelector(instanceId).instanceId}${MARK}${address}`;
}

export function parseNodeSelector(id: string): NodeSelector {
  const at = id.indexOf(MARK);
  return at < 0 ? { instanceId: id } : { instanceId: id.slice(0, at), node: id.slice(at + MARK.length) };
}

/** host and port of a host:port or [v6]:port address, or undefined when it is not one. */
export function splitAddress(address: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(address);
  if (!m) return undefined;
  const port = Number(m[3]);
  return port >= 1 && port <= 65535 ? { host: m[1] ?? m[2], port } : undefined;
}
