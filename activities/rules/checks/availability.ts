import { bytes } from '../baseline';
import { ev, fail, finding, pass, skip, type Check } from '../check';

/** Conclusions drawn from how the target answered (or did not) while the baseline was collected. */

function firstError(errors: Array<{ tool: string; error: string }>, pattern: RegExp) {
  return errors.find((e) => pattern.test(e.error));
}

export const busyScript: Check = {
  id: 'availability.busy-script',
  name: 'server responsiveness (scripts)',
  category: 'availability',
  run(b) {
    const hit = firstError(b.errors(), /\bBUSY\b/);
    const busyErrors = b.errorCount('BUSY');
    if (!hit && busyErrors === 0) return b.hasInfo() || b.errors().length === 0 ? pass() : skip('target did not answer');
    const live = Boolean(hit);
    return fail(
      finding(this, {
        title: live
          ? 'Server blocked by a long-running Lua script: every command gets BUSY'
          : `Clients received ${busyErrors} BUSY errors from long-running scripts`,
        severity: live ? 'critical' : 'warning',
        detail: live
          ? `Redis answers every command with "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE." A Lua script (EVAL/EVALSHA) or function has been running longer than busy-reply-threshold (lua-time-limit) and Redis, being single-threaded, serves nothing else until it ends. The agent's own diagnostic commands were refused the same way (${hit!.tool}).`
          : 'Scripts have run past busy-reply-threshold before, blocking all other clients while they ran.',
        evidence: [
          ...(hit ? [ev(hit.tool, 'reply', hit.error.replace(/^[\w]+: /, '').slice(0, 160))] : []),
          ev('redis_info', 'errorstat_BUSY', busyErrors || 'n/a (INFO refused)'),
        ],
        recommendation:
          'Stop the script now with SCRIPT KILL (works if the script has not written anything; for functions use FUNCTION KILL). If it already wrote, the only way out is SHUTDOWN NOSAVE, which loses data since the last save: prefer failing over to a replica. Then fix the script: bound its loops, process big keys in batches from the client, and never run unbounded loops in Lua.',
        commands: ['SCRIPT KILL', 'FUNCTION KILL', 'SHUTDOWN NOSAVE  # last resort: loses unsaved writes', 'CONFIG GET busy-reply-threshold'],
        runbook: 'lua-busy-scripts',
      }),
    );
  },
};

export const reachability: Check = {
  id: 'availability.reachable',
  name: 'instance reachable',
  category: 'availability',
  run(b) {
    const errors = b.errors();
    // The most specific reason wins: refused, then maxclients, then a timeout.
    const down =
      firstError(errors, /connection refused/i) ??
      firstError(errors, /max number of clients/i) ??
      firstError(errors, /unreachable/i) ??
      firstError(errors, /did not answer/i);
    if (!down) return pass();
    if (b.hasInfo()) return pass();
    const maxclients = /max number of clients/i.test(down.error);
    return fail(
      finding(this, {
        title: maxclients ? 'New connections refused: maxclients reached (the agent could not connect either)' : 'Redis instance unreachable',
        severity: 'critical',
        detail: `${down.error.replace(/^[\w]+: /, '')}. Every diagnostic command failed, so no other check could run.`,
        evidence: [ev(down.tool, 'error', down.error.slice(0, 200))],
        recommendation: maxclients
          ? 'Connections are exhausted: find who holds them on the client hosts (ss -tnp | grep 6379), restart or fix leaking clients, or raise maxclients from a reserved admin connection.'
          : 'Check that the process is running (systemctl status redis / the orchestrator), the host and port are right, and no firewall or security group blocks the agent; if the server is alive but stuck (DEBUG SLEEP, a stopped process, swapping), its log and host metrics tell why.',
        commands: ['redis-cli -h <host> -p <port> PING', 'systemctl status redis-server', 'ss -tnlp | grep redis'],
        runbook: maxclients ? 'connection-limits' : 'replication-link-down',
      }),
    );
  },
};

export const authFailure: Check = {
  id: 'availability.auth',
  name: 'agent authentication',
  category: 'availability',
  run(b) {
    const hit = firstError(b.errors(), /authentication .* failed|NOAUTH|WRONGPASS/);
    if (!hit) return pass();
    return fail(
      finding(this, {
        title: 'The agent could not authenticate to Redis',
        severity: 'critical',
        detail: hit.error.replace(/^[\w]+: /, ''),
        evidence: [ev(hit.tool, 'error', hit.error.slice(0, 200))],
        recommendation:
          "Update the instance's password or ACL user (sre-agent instance update <id> --password …); the agent's user needs the README's least-privilege ACL line (Restricted and TLS targets).",
        commands: ['ACL WHOAMI', 'ACL GETUSER <user>'],
        runbook: 'security-acl-hardening',
      }),
    );
  },
};

export const loading: Check = {
  id: 'availability.loading',
  name: 'dataset loaded',
  category: 'availability',
  run(b) {
    const loadingNow = b.num('loading') === 1 || Boolean(firstError(b.errors(), /loading its dataset/));
    if (!loadingNow) return pass();
    // info-audit.md §4: loading_eta_seconds > 300 is a long outage; loading_rdb_used_mem > maxmemory will not fit.
    const eta = b.num('loading_eta_seconds');
    const rdbMem = b.num('loading_rdb_used_mem');
    const max = b.num('maxmemory') ?? 0;
    const tooBig = rdbMem !== undefined && max > 0 && rdbMem > max;
    return fail(
      finding(this, {
        title: 'Redis is still loading its dataset into memory',
        severity: 'critical',
        detail: `After a restart Redis answers LOADING until the RDB/AOF is fully loaded; clients get errors until then.${eta !== undefined ? ` About ${eta} s to go.` : ''}${tooBig ? ` The file was saved by a server using ${bytes(rdbMem)}, more than maxmemory ${bytes(max)}: once loaded, writes will fail or evict.` : ''}`,
        evidence: [
          ev('redis_info', 'loading', 1),
          ev('redis_info', 'loading_loaded_perc', b.num('loading_loaded_perc') ?? 'unknown'),
          ...(eta !== undefined ? [ev('redis_info', 'loading_eta_seconds', eta)] : []),
          ...(rdbMem !== undefined ? [ev('redis_info', 'loading_rdb_used_mem', rdbMem)] : []),
        ],
        recommendation: 'Wait for the load to finish (watch loading_loaded_perc); on replicas, consider replica-serve-stale-data and diskless loading.',
        commands: ['INFO persistence'],
        runbook: 'rdb-persistence-failures',
      }),
    );
  },
};

export const availabilityChecks: Check[] = [busyScript, reachability, authFailure, loading];
