import { serverIdentity, type ServerIdentity } from '../../core/server-identity';
import type { ToolOutput } from '../../core/types';
import type { RatesReport } from '../tools/redis/rates';

/**
 * Read access to the baseline tool outputs for checks. Every accessor tolerates absent tools and
 * fields (Redis 7.0 lacks some), so a check can say "skipped" instead of failing.
 */

export type BaselineInput = Record<string, { ok: true; output: ToolOutput } | { ok: false; error: string }>;

export class Baseline {
  private readonly infoFields: Record<string, unknown>;

  constructor(readonly input: BaselineInput) {
    const info = this.data<Record<string, Record<string, unknown>>>('redis_info') ?? {};
    this.infoFields = Object.assign(
      {},
      ...Object.entries(info)
        .filter(([section]) => !['commandstats', 'latencystats', 'keyspace', 'errorstats'].includes(section))
        .map(([, fields]) => fields),
    );
  }

  /** A tool's structured output, or undefined when the tool failed or did not run. */
  data<T>(tool: string): T | undefined {
    const entry = this.input[tool];
    return entry?.ok ? (entry.output.data as T) : undefined;
  }

  error(tool: string): string | undefined {
    const entry = this.input[tool];
    return entry && !entry.ok ? entry.error : undefined;
  }

  errors(): Array<{ tool: string; error: string }> {
    return Object.entries(this.input)
      .filter(([, e]) => !e.ok)
      .map(([tool, e]) => ({ tool, error: (e as { error: string }).error }));
  }

  hasInfo(): boolean {
    return Object.keys(this.infoFields).length > 0;
  }

  /** A numeric INFO field, or undefined when absent or not a number. */
  num(field: string): number | undefined {
    const value = this.infoFields[field];
    const n = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : NaN;
    return Number.isFinite(n) ? n : undefined;
  }

  str(field: string): string | undefined {
    const value = this.infoFields[field];
    return value === undefined ? undefined : String(value);
  }

  section<T = Record<string, unknown>>(name: string): T | undefined {
    return this.data<Record<string, unknown>>('redis_info')?.[name] as T | undefined;
  }

  /** errorstat_<PREFIX> count, e.g. errorCount('OOM'). */
  errorCount(prefix: string): number {
    const stats = this.section<Record<string, { count?: number }>>('errorstats') ?? {};
    return Number(stats[`errorstat_${prefix}`]?.count ?? 0);
  }

  config(param: string): string | undefined {
    return this.data<Record<string, string>>('redis_config_get')?.[param];
  }

  /** Redis or Valkey, and its own version (not Valkey's compatibility redis_version). */
  server(): ServerIdentity | undefined {
    return serverIdentity(this.infoFields);
  }

  /** The rate sample over a few seconds (redis_info_rates), when it ran. */
  rates(): RatesReport | undefined {
    const rates = this.data<RatesReport>('redis_info_rates');
    return rates && !rates.restarted ? rates : undefined;
  }

  /** A counter's per-second rate over the sample window (undefined when not sampled or absent on this server). */
  rate(field: string): number | undefined {
    return this.rates()?.perSecond[field];
  }
}

export const bytes = (n: number | undefined): string => {
  if (n === undefined) return 'unknown';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 100 || i === 0 ? 0 : 1)} ${units[i]}`;
};

export const percent = (ratio: number): string => `${(ratio * 100).toFixed(ratio < 0.1 ? 1 : 0)}%`;
