import type { Check } from '../check';

/** One entry of the INFO audit table (info-audit.ts): the fields, their known-bad range, its source. */

export type InfoSection =
  'server' | 'clients' | 'memory' | 'persistence' | 'stats' | 'replication' | 'cpu' | 'modules' | 'errorstats' | 'commandstats' | 'latencystats' | 'keyspace';

export interface InfoFieldRule {
  section: InfoSection;
  /** The INFO fields the entry reads. */
  fields: string[];
  /** Servers that print them: "all" (Redis 7.0+ and Valkey 8/9), "7.4+, Valkey 8+", "Valkey 8.1+". */
  versions: string;
  /** How the fields are judged: one value, two fields of one sample, a rate over the sample window, an enum, a change. */
  judge: 'abs' | 'ratio' | 'rate' | 'state' | 'delta';
  /** The known-bad range, in words. */
  bad: string;
  /** Where the threshold comes from (source file and function, redis.conf comment, documentation page). */
  source: string;
}

/** An entry the audit evaluates itself. */
export type AuditedField = InfoFieldRule & Check;

/** An entry an existing check already judges (by its id), or the CONFIG audit for settings. */
export type CoveredField = InfoFieldRule & { judgedBy: string };

/** A known-bad range this offline audit cannot judge, and why (what it would need). */
export type UnjudgedField = InfoFieldRule & { notJudged: string };

export type InfoAuditEntry = AuditedField | CoveredField | UnjudgedField;

export const isAudited = (e: InfoAuditEntry): e is AuditedField => 'run' in e;

/** Declares an evaluated entry (gives its run() the entry's own type, so finding(this, …) reads its id). */
export const audited = (entry: AuditedField): AuditedField => entry;
