import type { EvidenceEntry } from '../../core/evidence';
import { shortCallId } from '../../core/call-id';
import { sameConfigValue } from '../../core/config-values';
import type { GroundingFlag } from '../../core/types';
import { extractClaims, type Claim } from './claims';
import { canonical, indexEvidence, NUMBER, toNumber, type Dimension, type EvidenceIndex } from './evidence-index';

/**
 * The grounding check: every concrete claim of an answer against the tool outputs recorded for the
 * task. A value no tool returned, a tool that does not exist or was not called, a CONFIG SET to the
 * value the server already has, a key nobody saw: each is marked in the answer ("not found in the
 * evidence") and counted, so an SRE can tell a grounded answer from an invented one.
 * Deterministic: no model.
 */

export interface GroundingResult {
  /** Claims checked. */
  checked: number;
  supported: number;
  unsupported: GroundingFlag[];
  /** The answer with a note beside each unsupported claim, a closing line with the counts, and the calls behind the tools it cites. */
  annotated: string;
  /** The tools the answer cites that ran in this task, with the call ids their outputs came from. */
  cited: Array<{ tool: string; callIds: string[] }>;
}

export interface GroundingOptions {
  /**
   * Values computed from the tool outputs (the rules engine's digest: ratios, rates, vitals): an
   * answer quoting them is grounded, though no single tool printed them.
   */
  derived?: unknown;
  /** 'knowledge': an answer from runbooks, about no instance; its numbers are advice, its citations must exist. */
  scope?: 'instance' | 'knowledge';
}

/**
 * The raw values a quantity may stand for in a field whose unit is unknown: a time in three units,
 * a size in bytes either way or as written, a percent as a ratio.
 */
function rawCandidates(value: number, unit: string): { dims: Dimension[]; values: number[] } {
  const c = canonical(value, unit);
  if (c?.dim === 'bytes') return { dims: ['bytes'], values: [...c.values, value] };
  if (c?.dim === 'time') return { dims: ['time'], values: [value, value * 1000, value / 1000, c.values[0], c.values[0] / 1000] };
  if (c?.dim === 'percent') return { dims: ['ratio', 'other'], values: [value, value / 100] };
  // A count ("14 errors", "3,000 keys") may be any number.
  return { dims: ['time', 'bytes', 'ratio', 'other'], values: [value] };
}

/** The numbers a field's value may stand for: as written, and in bytes or ms when it carries a unit ("8.29M", "8.29 MB", "20 ms"). */
function valueNumbers(text: string): number[] {
  const m = new RegExp(`^(${NUMBER})\\s?([A-Za-zµ%]+)?$`).exec(text.trim());
  if (!m) return [...text.matchAll(new RegExp(NUMBER, 'g'))].map((x) => toNumber(x[0]));
  const n = toNumber(m[1]);
  const c = m[2] ? canonical(n, m[2]) : undefined;
  return [n, ...(c && c.dim !== 'percent' ? c.values : [])];
}

function quantityFound(index: EvidenceIndex, value: number, unit: string, relative: number): boolean {
  const c = canonical(value, unit);
  const pool = c?.dim === 'bytes' ? index.measured.bytes : c?.dim === 'time' ? index.measured.ms : c?.dim === 'percent' ? index.measured.percent : [];
  if (c && pool.some((n) => c.values.some((w) => near(w, n, relative)))) return true;
  const { dims, values } = rawCandidates(value, unit);
  // Counts may also be written with a unit-like word in the evidence ("3000 pattern subscriptions").
  const raw = dims.flatMap((d) => index.raw[d]).concat(c ? [] : index.measured.percent);
  return raw.some((n) => values.some((w) => near(w, n, relative)));
}

/**
 * How far a stated number may be from the measured one: 2 %, or the rounding its own precision
 * implies ("10 MB" stands for anything from 9.5 to 10.5 MB).
 */
function tolerance(stated: string, value: number): number {
  const decimals = /\.(\d+)/.exec(stated)?.[1].length ?? 0;
  return Math.max(0.02, (0.5 * 10 ** -decimals) / Math.max(Math.abs(value), 1e-9));
}

const near = (a: number, b: number, relative: number) => a === b || Math.abs(a - b) <= relative * Math.abs(a);

/**
 * A proposal or a reference value is not a claim about what was seen: "raise maxmemory to 2 GB",
 * "confirm rdb_last_bgsave_status:ok", "e.g. 64mb-256mb", "(defaults 32mb 8mb 60)", "idle over 600 s".
 */
function isProposal(answer: string, claim: Claim): boolean {
  const at = answer.indexOf(claim.text);
  const before = answer.slice(Math.max(0, at - 60), at).toLowerCase();
  return (
    /\b(to|at least|at most|below|above|under|over|more than|less than|longer than|exceeds?|every|within|after|for|per|than|[<>≤≥]=?)\s*$/.test(before) ||
    /\b(set|raise|increase|lower|reduce|limit|cap|confirm|verify|until|expect|should|must|wait for|look for|check that)\b[^.]*$/.test(before) ||
    /(e\.g\.|for example|such as|defaults?\b|instead of|recommended|typical(ly)?)[^()]{0,40}$/.test(before)
  );
}

function verify(claim: Claim, index: EvidenceIndex, knownTools: Set<string>, answer: string): string | undefined {
  switch (claim.kind) {
    case 'tool':
      if (!knownTools.has(claim.tool)) return `there is no tool named ${claim.tool}`;
      if (!index.called.has(claim.tool)) return `${claim.tool} was not called in this task`;
      return undefined;
    case 'config-set': {
      const current = index.config.get(claim.parameter);
      if (current === undefined) return undefined;
      return sameConfigValue(current, claim.value) ? `${claim.parameter} is already ${current}: this CONFIG SET changes nothing` : undefined;
    }
    case 'key':
      return index.text.includes(claim.key.toLowerCase()) ? undefined : `no tool output mentions the key ${claim.key}`;
    case 'runbook':
      return index.text.includes(`"${claim.id.toLowerCase()}"`) ? undefined : `no runbook ${claim.id} was found by this task's searches`;
    case 'field': {
      const names = [claim.field, claim.field.replace(/-/g, '_'), claim.field.replace(/_/g, '-')];
      const known = names.map((n) => index.fields.get(n)).find(Boolean);
      const numeric = /^-?\d/.test(claim.value);
      // Unknown kebab-case names are as often client names or key prefixes as settings; INFO-style snake_case names are fields.
      if (!known) return numeric && claim.field.includes('_') && !isProposal(answer, claim) ? `no tool output has a field ${claim.field}` : undefined;
      const value = claim.value.toLowerCase();
      if (known.has(value)) return undefined;
      if (numeric) {
        const claimed = valueNumbers(claim.value);
        const seen = [...known].flatMap(valueNumbers);
        if (claimed.some((c) => seen.some((s) => near(c, s, tolerance(claim.value, c))))) return undefined;
        return isProposal(answer, claim) ? undefined : `${claim.field} is ${[...known].slice(0, 3).join(' / ')} in the tool outputs, not ${claim.value}`;
      }
      return [...known].some((k) => k.includes(value) || value.includes(k)) || isProposal(answer, claim)
        ? undefined
        : `${claim.field} is ${[...known].slice(0, 3).join(' / ')} in the tool outputs, not ${claim.value}`;
    }
    case 'quantity': {
      if (isProposal(answer, claim)) return undefined;
      const relative = tolerance(claim.text.replace(/[^\d.]/g, ''), claim.value);
      return quantityFound(index, claim.value, claim.unit, relative) ? undefined : `no tool output shows ${claim.text}`;
    }
  }
}

/** Text outside fenced code blocks: commands in them are recommendations, not claims. */
function prose(answer: string): string {
  return answer.replace(/```[\s\S]*?```/g, (block) => (/\bCONFIG\s+SET\b/i.test(block) ? block.replace(/^(?!.*CONFIG\s+SET).*$/gim, '') : ''));
}

/** In a knowledge answer, numbers and settings are advice about Redis in general, not observations. */
const KNOWLEDGE_CLAIMS: ReadonlySet<Claim['kind']> = new Set(['tool', 'runbook']);

export function checkGrounding(answer: string, evidence: EvidenceEntry[], knownTools: Iterable<string>, options: GroundingOptions = {}): GroundingResult {
  const index = indexEvidence(evidence, options.derived);
  const tools = new Set(knownTools);
  const claims = extractClaims(prose(answer))
    .filter((c) => options.scope !== 'knowledge' || KNOWLEDGE_CLAIMS.has(c.kind))
    // An unknown tool-like name not presented as a tool is a metric or a word, not a citation.
    .filter((c) => c.kind !== 'tool' || tools.has(c.tool) || c.cited);
  const unsupported: GroundingFlag[] = [];
  let annotated = answer;
  for (const claim of claims) {
    const reason = verify(claim, index, tools, answer);
    if (!reason) continue;
    unsupported.push({ claim: claim.text, reason });
    const at = annotated.indexOf(claim.text);
    if (at >= 0)
      annotated = `${annotated.slice(0, at + claim.text.length)} ⚠️ _(not found in the evidence: ${reason})_${annotated.slice(at + claim.text.length)}`;
  }
  const checked = claims.length;
  const cited = [...new Set(claims.flatMap((c) => (c.kind === 'tool' && index.called.has(c.tool) ? [c.tool] : [])))].map((tool) => ({
    tool,
    callIds: evidence.filter((e) => e.tool === tool).map((e) => e.callId),
  }));
  const lines = [
    unsupported.length
      ? `**Grounding check:** ${checked - unsupported.length} of ${checked} concrete claims were found in this task's tool outputs; ${unsupported.length} were not (marked ⚠️ above).`
      : `**Grounding check:** all ${checked} concrete claims were found in this task's tool outputs.`,
  ];
  if (cited.length) lines.push(`Evidence from: ${cited.map((c) => `\`${c.tool}\` (call ${c.callIds.map(shortCallId).join(', ')})`).join('; ')}.`);
  return { checked, supported: checked - unsupported.length, unsupported, cited, annotated: checked ? `${annotated}\n\n---\n${lines.join('\n')}` : annotated };
}
