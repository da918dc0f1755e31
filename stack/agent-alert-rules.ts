import { renderRules, type AlertRuleOptions, type Rule } from './alert-rules';

/**
 * Prometheus alert rules for the agent itself, over the worker's Temporal SDK series and the
 * agent's own (core/agent-metrics.ts). Sources:
 *   [tw]   https://docs.temporal.io/best-practices/worker-alerting (Workers that stopped polling)
 *   [th]   https://docs.temporal.io/cloud/worker-health ("Alert at >200ms" p99 Schedule-To-Start)
 *   [prom] https://prometheus.io/docs/concepts/jobs_instances/ (`up` is 0 when a scrape fails)
 *   [own]  this project's choice, with the reason given
 */

const RULES: Rule[] = [
  {
    alert: 'SreAgentWorkerDown',
    source: "[prom] up == 0: the worker's Temporal SDK endpoint is not answering scrapes (the worker process is gone or hung)",
    expr: 'up{job="sre_agent",component="worker_sdk"} == 0',
    for: '1m',
    severity: 'critical',
    summary: 'sre-agent worker {{ $labels.instance }} is not answering scrapes',
  },
  {
    alert: 'SreAgentWorkerNotPolling',
    source: '[tw] temporal_num_pollers at 0 for workflow tasks: the worker runs but no longer polls its task queue',
    expr: 'sum by (instance, task_queue) (temporal_num_pollers{poller_type=~"workflow_task|sticky_workflow_task"}) == 0',
    for: '2m',
    severity: 'critical',
    summary: 'sre-agent worker {{ $labels.instance }} does not poll task queue {{ $labels.task_queue }}',
  },
  {
    alert: 'SreAgentScheduleToStartHigh',
    source: '[th] p99 workflow and activity Schedule-To-Start latency above 200 ms means tasks wait for a free worker',
    expr: 'histogram_quantile(0.99, sum by (le, task_queue) (rate(temporal_workflow_task_schedule_to_start_latency_seconds_bucket[5m]))) > 0.2 or histogram_quantile(0.99, sum by (le, task_queue) (rate(temporal_activity_schedule_to_start_latency_seconds_bucket[5m]))) > 0.2',
    for: '5m',
    severity: 'warning',
    summary: 'Tasks on {{ $labels.task_queue }} wait {{ $value | humanizeDuration }} (p99) before a worker starts them',
  },
  {
    alert: 'SreAgentToolFailuresHigh',
    source: '[own] more than a quarter of tool call attempts failing over 10 minutes (at least 10 attempts): investigations then answer from partial evidence',
    expr: '(sum by (tool) (rate(sre_agent_tool_calls_total{outcome!="ok"}[10m])) / sum by (tool) (rate(sre_agent_tool_calls_total[10m])) > 0.25) and sum by (tool) (increase(sre_agent_tool_calls_total[10m])) >= 10',
    for: '5m',
    severity: 'warning',
    summary: 'Tool {{ $labels.tool }} fails {{ $value | humanizePercentage }} of its calls',
  },
  {
    alert: 'SreAgentModelErrors',
    source: '[own] any failed model call for 5 minutes: the agent falls back to the rules engine or fails tasks',
    expr: 'sum by (tier) (increase(sre_agent_model_calls_total{outcome="error"}[5m])) > 0',
    for: '5m',
    severity: 'warning',
    summary: 'Model calls of tier {{ $labels.tier }} are failing',
  },
  {
    alert: 'SreAgentApprovalWaiting',
    source: '[own] a remediation waiting over an hour for an approval: the incident it answers may be over, or nobody was told',
    expr: 'max(sre_agent_approval_oldest_wait_seconds) > 3600',
    for: '0s',
    severity: 'warning',
    summary: 'A remediation has waited {{ $value | humanizeDuration }} for an approval',
  },
];

export const AGENT_ALERT_NAMES = RULES.map((r) => r.alert);

export function agentAlertRules(options: AlertRuleOptions = {}): string {
  return renderRules('sre_agent', "alert rules for the agent itself, over its worker's metrics (stack/agent-alert-rules.ts)", RULES, options);
}
