import type { BaselineDigest, Finding } from '../core/types';

/**
 * One digest for an instance with several data nodes: the master's (which holds the sentinel
 * findings) with each replica's findings, tool errors and unreadable reads added, every one
 * naming its node. Pure: runs in the workflow.
 */

const INSTANCE_CHECKS = /^sentinel\./;

function onNode(f: Finding, node: string, role: string): Finding {
  return { ...f, node, title: `${role} ${node}: ${f.title}` };
}

/** A node's tool calls keyed tool@node, so each finding's evidence cites the call on its own node. */
function nodeCalls(node: string, calls: BaselineDigest['calls']): Record<string, string> {
  return Object.fromEntries(Object.entries(calls ?? {}).map(([tool, id]) => [`${tool}@${node}`, id]));
}

export function mergeNodeDigests(
  master: BaselineDigest & { topology: NonNullable<BaselineDigest['topology']> },
  replicas: Array<{ node: string; digest?: BaselineDigest; error?: string }>,
): BaselineDigest {
  const node = master.topology.master;
  const findings = [
    ...master.findings.map((f) => (INSTANCE_CHECKS.test(f.checkId) ? f : onNode(f, node, 'Master'))),
    ...replicas.flatMap((r) => (r.digest?.findings ?? []).map((f) => onNode(f, r.node, 'Replica'))),
  ];
  const severity = { critical: 0, warning: 1, info: 2 } as const;
  return {
    ...master,
    findings: findings.sort((a, b) => severity[a.severity] - severity[b.severity]),
    toolErrors: [
      ...master.toolErrors,
      ...replicas.flatMap((r) => [
        ...(r.digest?.toolErrors ?? []).map((e) => ({ ...e, tool: `${e.tool} on ${r.node}` })),
        ...(r.error ? [{ tool: `baseline of ${r.node}`, error: r.error }] : []),
      ]),
    ],
    ...(master.unreadable || replicas.some((r) => r.digest?.unreadable)
      ? {
          unreadable: [
            ...(master.unreadable ?? []),
            ...replicas.flatMap((r) => (r.digest?.unreadable ?? []).map((u) => ({ ...u, tool: `${u.tool} on ${r.node}` }))),
          ],
        }
      : {}),
    facts: { ...master.facts, master: node, replicas: master.topology.replicas.join(', ') || 'none' },
    calls: {
      ...master.calls,
      ...nodeCalls(node, master.calls),
      ...Object.assign({}, ...replicas.map((r) => nodeCalls(r.node, r.digest?.calls))),
    },
    nodes: [
      { node, role: 'master', findings: master.findings.filter((f) => !INSTANCE_CHECKS.test(f.checkId)).length },
      ...replicas.map((r) => ({ node: r.node, role: 'replica' as const, findings: r.digest?.findings.length ?? 0, ...(r.error ? { error: r.error } : {}) })),
    ],
  };
}
