/**
 * A tiny Prometheus registry (text exposition format 0.0.4): counters, gauges and histograms
 * with labels. The API needs a handful of series; a client library would be more than that.
 */

type Labels = Record<string, string>;

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function labelText(labels: Labels): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return pairs.length ? `{${pairs.join(',')}}` : '';
}

const keyOf = (labels: Labels) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));

interface Metric {
  render(): string[];
}

abstract class Series<V> implements Metric {
  protected readonly series = new Map<string, { labels: Labels; value: V }>();

  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly type: string,
  ) {}

  protected entry(labels: Labels, initial: () => V): { labels: Labels; value: V } {
    const key = keyOf(labels);
    let found = this.series.get(key);
    if (!found) {
      found = { labels, value: initial() };
      this.series.set(key, found);
    }
    return found;
  }

  protected abstract lines(labels: Labels, value: V): string[];

  render(): string[] {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`, ...[...this.series.values()].flatMap((s) => this.lines(s.labels, s.value))];
  }
}

export class Counter extends Series<number> {
  constructor(name: string, help: string) {
    super(name, help, 'counter');
  }

  inc(labels: Labels = {}, by = 1): void {
    this.entry(labels, () => 0).value += by;
  }

  protected lines(labels: Labels, value: number): string[] {
    return [`${this.name}${labelText(labels)} ${value}`];
  }
}

export class Gauge extends Series<number> {
  constructor(name: string, help: string) {
    super(name, help, 'gauge');
  }

  add(labels: Labels, by: number): void {
    this.entry(labels, () => 0).value += by;
  }

  protected lines(labels: Labels, value: number): string[] {
    return [`${this.name}${labelText(labels)} ${value}`];
  }
}

interface HistogramValue {
  buckets: number[];
  sum: number;
  count: number;
}

export class Histogram extends Series<HistogramValue> {
  constructor(
    name: string,
    help: string,
    private readonly bounds: number[],
  ) {
    super(name, help, 'histogram');
  }

  observe(labels: Labels, value: number): void {
    const entry = this.entry(labels, () => ({ buckets: this.bounds.map(() => 0), sum: 0, count: 0 })).value;
    this.bounds.forEach((bound, i) => {
      if (value <= bound) entry.buckets[i]++;
    });
    entry.sum += value;
    entry.count++;
  }

  protected lines(labels: Labels, value: HistogramValue): string[] {
    return [
      ...this.bounds.map((bound, i) => `${this.name}_bucket${labelText({ ...labels, le: String(bound) })} ${value.buckets[i]}`),
      `${this.name}_bucket${labelText({ ...labels, le: '+Inf' })} ${value.count}`,
      `${this.name}_sum${labelText(labels)} ${value.sum}`,
      `${this.name}_count${labelText(labels)} ${value.count}`,
    ];
  }
}

export class MetricsRegistry {
  private readonly metrics: Metric[] = [];

  register<M extends Metric>(metric: M): M {
    this.metrics.push(metric);
    return metric;
  }

  render(): string {
    return `${this.metrics.flatMap((m) => m.render()).join('\n')}\n`;
  }
}
