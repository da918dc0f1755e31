import type { Evidence, Severity, TopicCategory } from '../../../core/types';
import { versionAtLeast } from '../../../core/server-identity';
import type { Baseline } from '../baseline';
import { fail, finding, pass, skip, type Check } from '../check';
import { cfgEv, role } from './config-values';

/**
 * A configuration audit rule: one row of the table in config-rules/*.ts. The table says what is
 * risky and why (with its source); configRuleCheck turns every row into a Check, so each rule is
 * data plus one small condition over the baseline (CONFIG GET *, INFO, the rate sample).
 */

/** What the condition saw when it holds: the values, in the words the answer will use. */
export interface Hit {
  /** A title that carries the values seen, e.g. "appendfsync always: every write waits for the disk". */
  title: string;
  /** The situation on this server: values seen and, for workload-dependent rules, what the current rates mean. */
  detail: string;
  evidence: Evidence[];
  /** Overrides the rule's severity (e.g. critical once the risk is happening). */
  severity?: Severity;
  /** Commands sized for this server (e.g. a backlog for the measured write rate) instead of fix.commands. */
  commands?: string[];
}

/** The condition could not be judged on this server (a field or sample it needs is missing). */
export interface NotJudged {
  skip: string;
}

/** A minimum version per server kind; false: the rule does not apply to that server. */
export type VersionScope = string | false;

export interface ConfigRule {
  id: `config.${string}`;
  /** Neutral name for the "checks passed" list; default: the id in words (config.hz-high → "hz high"). */
  name?: string;
  /** The directives judged, as CONFIG GET names them; the rule is skipped when the server has none of them. */
  directives: string[];
  category: TopicCategory;
  /** Severity of a hit unless the hit says otherwise. */
  severity: Severity;
  /** Where it applies: minimum Redis / Valkey version (default: every version), and the role it matters on. */
  appliesTo?: { redis?: VersionScope; valkey?: VersionScope; role?: 'master' | 'replica' };
  /** Why the value is risky, in our words; appended to the hit's detail. */
  rationale: string;
  /** The machine-checkable condition: a Hit when the risky value (or combination) is present. */
  when(b: Baseline): Hit | NotJudged | undefined;
  /** The fix. `{conf}` in a command becomes redis.conf or valkey.conf. */
  fix: { recommendation: string; commands: string[] };
  /** Where the threshold and the advice come from: file and tag/line, function, or URL. */
  source: string;
  runbook?: string;
}

/**
 * The common shape of a rule over one directive's value: it holds when `holds(value)`, and the
 * hit shows that value (plus any extra evidence the description adds).
 */
export function whenValue(
  names: string | string[],
  holds: (value: string, b: Baseline) => boolean,
  describe: (value: string, b: Baseline) => { title: string; detail: string; evidence?: Evidence[]; severity?: Severity },
): ConfigRule['when'] {
  const aliases = Array.isArray(names) ? names : [names];
  return (b) => {
    const value = aliases.map((n) => b.config(n)).find((v) => v !== undefined);
    if (value === undefined || !holds(value, b)) return undefined;
    const d = describe(value, b);
    return { title: d.title, detail: d.detail, severity: d.severity, evidence: [cfgEv(aliases[0], value), ...(d.evidence ?? [])] };
  };
}

/** Why the rule cannot run on this server (another server kind or an older version), if so. */
function outOfScope(rule: ConfigRule, b: Baseline): string | undefined {
  const server = b.server();
  const scope = rule.appliesTo;
  if (!server || !scope) return undefined;
  const min = scope[server.kind];
  if (min === false) return `applies to ${server.kind === 'redis' ? 'Valkey' : 'Redis'} only`;
  if (min === undefined) return undefined;
  const [major, minor = 0] = min.split('.').map(Number);
  return versionAtLeast(server.version, major, minor) ? undefined : `needs ${server.kind === 'redis' ? 'Redis' : 'Valkey'} ${min}+ (this is ${server.label})`;
}

/**
 * A runtime fix only lasts until the next restart unless it is written to the config file:
 * CONFIG REWRITE does that, and fails when the server was started without one (INFO config_file
 * empty), in which case the same lines must go into the file by hand. A command commented
 * "# or ..." is an alternative to the ones before it, not part of the fix to persist.
 */
export function persisted(b: Baseline, commands: string[]): string[] {
  const conf = b.server()?.kind === 'valkey' ? 'valkey.conf' : 'redis.conf';
  const out = commands.map((c) => c.split('{conf}').join(conf));
  const sets = out.map((c) => /^CONFIG SET (\S+) (.+?)(\s+#.*)?$/.exec(c)).filter((m): m is RegExpExecArray => m !== null && !/^\s+# or\b/.test(m[3] ?? ''));
  if (sets.length === 0 || out.some((c) => c.startsWith('CONFIG REWRITE'))) return out;
  if (b.str('config_file')) return [...out, 'CONFIG REWRITE'];
  const lines = sets.map((m) => `${m[1]} ${m[2]}`).join('; ');
  return [...out, `CONFIG REWRITE  # needs a config file; this server has none, so also put in ${conf}: ${lines}`];
}

export function configRuleCheck(rule: ConfigRule): Check {
  const check: Check = {
    id: rule.id,
    name: rule.name ?? rule.id.replace(/^config\./, '').replace(/-/g, ' '),
    category: rule.category,
    run(b) {
      const scope = outOfScope(rule, b);
      if (scope) return skip(scope);
      // A risk of the other role does not exist here: a replica-only setting on a master passes.
      const r = role(b);
      if (rule.appliesTo?.role && r && r !== rule.appliesTo.role) return pass();
      if (!b.data('redis_config_get')) return skip('CONFIG GET not available');
      if (rule.directives.every((d) => b.config(d) === undefined)) return skip(`${rule.directives.join(', ')} not on ${b.server()?.label ?? 'this server'}`);
      const hit = rule.when(b);
      if (!hit) return pass();
      if ('skip' in hit) return skip(hit.skip);
      return fail(
        finding(check, {
          title: hit.title,
          severity: hit.severity ?? rule.severity,
          detail: `${hit.detail} ${rule.rationale}`,
          evidence: hit.evidence,
          recommendation: rule.fix.recommendation,
          commands: persisted(b, hit.commands ?? rule.fix.commands),
          runbook: rule.runbook,
        }),
      );
    },
  };
  return check;
}
