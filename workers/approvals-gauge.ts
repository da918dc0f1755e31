import type { ApprovalStore } from '../core/approvals';
import { setApprovalsPending } from '../core/agent-metrics';

/**
 * Keeps sre_agent_approvals_pending and the oldest one's wait current: the wait grows while
 * nothing happens, so the gauge is refreshed on a timer from the app Redis, not only on changes.
 */
export function watchPendingApprovals(approvals: ApprovalStore, everyMs = 15_000): () => void {
  const refresh = async () => {
    try {
      const pending = await approvals.list({ state: 'pending', limit: 1000 });
      const oldest = Math.min(...pending.map((a) => Date.parse(a.proposedAt)));
      setApprovalsPending(pending.length, pending.length ? (Date.now() - oldest) / 1000 : 0);
    } catch {
      // The app Redis is away: the gauge keeps its last value until it is back.
    }
  };
  void refresh();
  const timer = setInterval(() => void refresh(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
