import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AGENT_ALERT_NAMES, agentAlertRules } from '../../stack/agent-alert-rules';

/** The agent's own alert rules, checked and exercised by Prometheus's promtool. */
describe('alert rules for the agent itself', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sre-agent-rules-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('are valid for promtool, and each rule cites its source', () => {
    const file = path.join(dir, 'sre-agent.yml');
    fs.writeFileSync(file, agentAlertRules());
    expect(execFileSync('promtool', ['check', 'rules', file], { encoding: 'utf8' })).toContain(`SUCCESS: ${AGENT_ALERT_NAMES.length} rules found`);
    const text = fs.readFileSync(file, 'utf8');
    for (const name of AGENT_ALERT_NAMES) expect(text).toMatch(new RegExp(`# \\[[a-z]+\\][^\\n]*\\n\\s+- alert: ${name}\\n`));
    expect(AGENT_ALERT_NAMES).toEqual(
      expect.arrayContaining([
        'SreAgentWorkerDown',
        'SreAgentWorkerNotPolling',
        'SreAgentScheduleToStartHigh',
        'SreAgentToolFailuresHigh',
        'SreAgentModelErrors',
        'SreAgentApprovalWaiting',
      ]),
    );
  });

  it('fire on the series that should fire them, and stay quiet on healthy ones (promtool test rules)', () => {
    fs.writeFileSync(path.join(dir, 'sre-agent.yml'), agentAlertRules());
    const tests = `rule_files: [sre-agent.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'temporal_num_pollers{instance="w1:9464",task_queue="sre-agent",poller_type="workflow_task"}'
        values: '5 0x10'
      - series: 'temporal_num_pollers{instance="w2:9464",task_queue="sre-agent",poller_type="workflow_task"}'
        values: '5x10'
      # redis_info: 30 failed attempts of 60 a minute; redis_slowlog: all fine
      - series: 'sre_agent_tool_calls_total{tool="redis_info",outcome="ok"}'
        values: '0+30x20'
      - series: 'sre_agent_tool_calls_total{tool="redis_info",outcome="retryable_error"}'
        values: '0+30x20'
      - series: 'sre_agent_tool_calls_total{tool="redis_slowlog",outcome="ok"}'
        values: '0+60x20'
      - series: 'sre_agent_approval_oldest_wait_seconds{instance="w1:9465"}'
        values: '0 1800 3000 3700'
      - series: 'temporal_workflow_task_schedule_to_start_latency_seconds_bucket{task_queue="sre-agent",le="0.1"}'
        values: '0+1x20'
      - series: 'temporal_workflow_task_schedule_to_start_latency_seconds_bucket{task_queue="sre-agent",le="1"}'
        values: '0+10x20'
      - series: 'temporal_workflow_task_schedule_to_start_latency_seconds_bucket{task_queue="sre-agent",le="+Inf"}'
        values: '0+10x20'
    alert_rule_test:
      - eval_time: 5m
        alertname: SreAgentWorkerNotPolling
        exp_alerts:
          - exp_labels: { severity: critical, instance: "w1:9464", task_queue: sre-agent }
            exp_annotations: { summary: "sre-agent worker w1:9464 does not poll task queue sre-agent" }
      - eval_time: 20m
        alertname: SreAgentToolFailuresHigh
        exp_alerts:
          - exp_labels: { severity: warning, tool: redis_info }
            exp_annotations: { summary: "Tool redis_info fails 50% of its calls" }
      - eval_time: 3m
        alertname: SreAgentApprovalWaiting
        exp_alerts:
          - exp_labels: { severity: warning }
            exp_annotations: { summary: "A remediation has waited 1h 1m 40s for an approval" }
      - eval_time: 2m
        alertname: SreAgentApprovalWaiting
        exp_alerts: []
      - eval_time: 15m
        alertname: SreAgentScheduleToStartHigh
        exp_alerts:
          - exp_labels: { severity: warning, task_queue: sre-agent }
            exp_annotations: { summary: "Tasks on sre-agent wait 990ms (p99) before a worker starts them" }
      - eval_time: 15m
        alertname: SreAgentModelErrors
        exp_alerts: []
`;
    fs.writeFileSync(path.join(dir, 'tests.yml'), tests);
    expect(execFileSync('promtool', ['test', 'rules', 'tests.yml'], { cwd: dir, encoding: 'utf8' })).toContain('SUCCESS');
  });
});
