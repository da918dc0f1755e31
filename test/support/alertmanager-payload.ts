/** An Alertmanager webhook notification (payload version 4) as Alertmanager 0.25 sends it. */
export function alertmanagerNotification(options: {
  groupKey: string;
  status?: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
}): Record<string, unknown> {
  const status = options.status ?? 'firing';
  const startsAt = options.startsAt ?? '2026-12-01T14:00:00.000Z';
  return {
    receiver: 'sre-agent',
    status,
    alerts: [
      {
        status,
        labels: options.labels,
        annotations: options.annotations ?? { summary: `${options.labels.alertname ?? 'alert'} summary` },
        startsAt,
        endsAt: status === 'resolved' ? '2026-12-01T14:10:00.000Z' : '0001-01-01T00:00:00Z',
        generatorURL: 'http://127.0.0.1:9090/graph?g0.expr=redis_up+%3D%3D+0',
        fingerprint: 'a1b2c3d4e5f60718',
      },
    ],
    groupLabels: { alertname: options.labels.alertname ?? 'alert' },
    commonLabels: options.labels,
    commonAnnotations: options.annotations ?? {},
    externalURL: 'http://127.0.0.1:9093',
    version: '4',
    groupKey: options.groupKey,
    truncatedAlerts: 0,
  };
}
