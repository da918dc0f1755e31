import { z } from 'zod';

/**
 * Alertmanager's webhook payload, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config).
 * Strict like every request shape of the API: a field outside version 4 is refused with 400 naming
 * it (Alertmanager logs the refusal and retries), so a malformed notification is refused whole
 * before anything happens.
 */

const labelSet = z
  .record(z.string().max(256, 'label names are at most 256 characters'), z.string().max(4096, 'at most 4096 characters'))
  .refine((labels) => Object.keys(labels).length <= 100, 'at most 100 labels')
  .meta({ maxProperties: 100 });

const timestamp = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'expected an RFC 3339 timestamp, e.g. 2026-12-01T14:00:00Z');

export const alertSchema = z.strictObject({
  status: z.enum(['firing', 'resolved']).describe('firing or resolved'),
  labels: labelSet.describe('The alert labels (alertname, severity, instance, …)'),
  annotations: labelSet.default({}).describe('The alert annotations (summary, description, runbook_url, …)'),
  startsAt: timestamp.describe('When the alert started firing'),
  endsAt: z.string().max(64).optional().describe('When it resolved (the zero time while firing)'),
  generatorURL: z.string().max(4096).optional().describe('The Prometheus graph of the rule expression'),
  fingerprint: z.string().max(64).optional().describe("Alertmanager's identity of the alert"),
});

export const alertmanagerPayloadSchema = z.strictObject({
  version: z.literal('4', { error: 'only version "4" of the Alertmanager webhook payload is understood' }).describe('Payload version: "4"'),
  groupKey: z
    .string()
    .regex(/\S/, 'must not be blank')
    .max(4096, 'at most 4096 characters')
    .describe('Identifies the alert group; one triage per group and instance'),
  truncatedAlerts: z.number().int().min(0).optional().describe('How many alerts Alertmanager left out (max_alerts)'),
  status: z.enum(['firing', 'resolved']).describe('firing while any alert of the group fires'),
  receiver: z.string().max(256).describe('The Alertmanager receiver that sent it'),
  groupLabels: labelSet.default({}),
  commonLabels: labelSet.default({}),
  commonAnnotations: labelSet.default({}),
  externalURL: z.string().max(4096).optional(),
  alerts: z.array(alertSchema).min(1, 'a notification carries at least one alert').max(1000, 'at most 1000 alerts'),
});

export type AlertmanagerPayload = z.output<typeof alertmanagerPayloadSchema>;
export type Alert = z.output<typeof alertSchema>;

/** An alert belongs to an instance when it carries every matcher label with exactly that value. */
export function alertMatches(labels: Record<string, string>, matchers: Record<string, string> | undefined): boolean {
  const entries = Object.entries(matchers ?? {});
  return entries.length > 0 && entries.every(([name, value]) => labels[name] === value);
}
