/** Times in the browser's own time zone, with the exact instant kept in <time datetime>. */
export function time(iso: string | undefined): HTMLTimeElement | string {
  if (!iso) return '—';
  const el = document.createElement('time');
  el.dateTime = iso;
  el.textContent = new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  el.title = iso;
  return el;
}

export type Level = 'critical' | 'warning' | 'info' | 'healthy' | 'high' | 'medium' | 'low' | 'unknown';

/** Severity as a word as well as a colour, so it reads without colour (and in print). */
export function badge(level: string | undefined): HTMLElement {
  const el = document.createElement('span');
  const value = (level ?? 'unknown').toLowerCase();
  el.className = `badge badge-${value}`;
  el.textContent = value.toUpperCase();
  return el;
}
