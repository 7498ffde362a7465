// Rule evaluation → server → webhook. A real Prometheus 2.42 scrapes itself; Phoenix's
// createPrometheusSource evaluates the spec's section 3.1 rules plus one always-firing rule
// (`for: 2s`) against Prometheus' /api/v1/query, and pushes what fires to the reference server's
// Alertmanager API v2, which sends its grouped notification to a webhook sink. The alert must
// arrive after its `for`, with its templated annotations, and the spec's rules must evaluate
// cleanly (valid PromQL against a real Prometheus, nothing firing).
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookConfig } from '../lib/config.mjs';
import { repositoryRoot, startPrometheus } from '../lib/systems.mjs';
import type { RunningSystem } from '../lib/systems.mjs';
import type { Notification, WebhookSink } from '../lib/webhook-sink.mjs';
import { describeTarget, Harness } from './support/harness.js';

const RULE_NAME = 'PhoenixRulesAlwaysFiring';
const FOR_MS = 2_000;
const ALWAYS_FIRING = `groups:
  - name: phoenix-e2e-rules
    interval: 1s
    rules:
      - alert: ${RULE_NAME}
        expr: up{job="prometheus"} == 1
        for: 2s
        labels:
          severity: page
          scraped: '{{ $labels.job }}'
        annotations:
          summary: '{{ $labels.job }} on {{ $labels.instance }} is up (value {{ $value }})'
          description: 'external cluster {{ $externalLabels.cluster }}'
`;
// Section 3.1 of the spec, as examples/reference-server/rules/ ships it (inline when absent).
const SPEC_RULES = join(repositoryRoot, 'examples/reference-server/rules/system-health.yml');
const SPEC_RULES_INLINE = `groups:
- name: system_health
  rules:
  - alert: HighCPUUsage
    expr: avg(rate(process_cpu_seconds_total[5m])) > 0.85
    for: 5m
    labels: { severity: warning, category: resource, team: platform }
    annotations:
      summary: High CPU usage detected
      description: "CPU usage is above 85% for 5 minutes"
      runbook_url: "docs/runbooks/high_cpu_usage.md"
  - alert: HighMemoryUsage
    expr: process_resident_memory_bytes / process_total_memory_bytes > 0.90
    for: 5m
    labels: { severity: warning, category: resource, team: platform }
    annotations:
      summary: High memory usage detected
      description: "Memory usage is above 90% for 5 minutes"
      runbook_url: "docs/runbooks/high_memory_usage.md"
  - alert: DiskSpaceCritical
    expr: disk_free_bytes / disk_total_bytes < 0.10
    for: 10m
    labels: { severity: critical, category: resource, team: platform }
    annotations:
      summary: Critical disk space
      description: "Less than 10% disk space remaining"
      runbook_url: "docs/runbooks/disk_space_critical.md"
`;

// The parts of @phoenix-alerting/source-prometheus this test uses (imported from its build, as
// the server is run from its build).
interface RuleHealth {
  name: string;
  health: string;
  lastError: string;
  state: string;
  alerts: { activeAt: number; firedAt: number; state: string }[];
}
interface RuleSource {
  start(context: unknown): Promise<void>;
  stop(): Promise<void>;
  rules(): RuleHealth[];
}
interface SourcePackage {
  createPrometheusSource(options: Record<string, unknown>): RuleSource;
}

/** A production clock (the source only needs these four members). */
const clock = {
  now: () => Date.now(),
  setTimeout(callback: () => void, delayMs: number) {
    const timer = setTimeout(callback, Math.max(0, delayMs));
    timer.unref();
    return timer;
  },
  clearTimeout: (timer: NodeJS.Timeout) => clearTimeout(timer),
  sleep: (delayMs: number) => new Promise((resolve) => setTimeout(resolve, delayMs)),
};

describe(`Prometheus 2.42 ← rule source → ${describeTarget()} → webhook`, () => {
  const harness = new Harness('rules');
  let sink: WebhookSink;
  let target: RunningSystem;
  let source: RuleSource;
  let sourceStartedAtMs = 0;
  const problems: string[] = [];

  beforeAll(async () => {
    const distEntry = join(repositoryRoot, 'packages/source-prometheus/dist/index.js');
    if (!existsSync(distEntry)) {
      throw new Error('packages/source-prometheus is not built: run `pnpm build` first');
    }
    const { createPrometheusSource } = (await import(
      pathToFileURL(distEntry).href
    )) as SourcePackage;

    sink = await harness.sink();
    const configFile = join(harness.root, 'target.yml');
    writeFileSync(
      configFile,
      webhookConfig({
        webhookUrl: sink.url('/rules'),
        receiver: 'e2e-webhook',
        groupWait: '0s',
        groupInterval: '1m',
        repeatInterval: '1h',
      }),
    );
    target = await harness.start(configFile, { name: 'target' });

    // Prometheus only stores and answers queries here; the rules run in Phoenix.
    const prometheusRules = join(harness.root, 'prometheus-rules.yml');
    writeFileSync(prometheusRules, 'groups: []\n');
    const prometheus = await startPrometheus({
      rulesFile: prometheusRules,
      alertmanagers: [],
      dir: harness.dir('prometheus'),
      logFile: join(harness.root, 'prometheus.log'),
    });

    const alwaysFiring = join(harness.root, 'always-firing.yml');
    writeFileSync(alwaysFiring, ALWAYS_FIRING);
    let specRules = SPEC_RULES;
    if (!existsSync(specRules)) {
      specRules = join(harness.root, 'system-health.yml');
      writeFileSync(specRules, SPEC_RULES_INLINE);
    }
    source = createPrometheusSource({
      url: prometheus.url,
      ruleFiles: [specRules, alwaysFiring],
      evaluationIntervalMs: 1_000,
      resendDelayMs: 1_000,
      externalLabels: { cluster: 'phoenix-e2e' },
    });
    const record = (level: string) => (object: unknown, message?: string) => {
      problems.push(`${level}: ${message ?? ''} ${JSON.stringify(object)}`);
    };
    const logger = {
      warn: record('warn'),
      error: record('error'),
      info: () => {},
      debug: () => {},
      child: () => logger,
    };
    sourceStartedAtMs = Date.now();
    await source.start({
      clock,
      logger,
      store: {},
      events: { emit: () => true },
      // What a host app (or Prometheus' notifier) does: POST the alerts to the API v2.
      async emit(alerts: Record<string, unknown>[]) {
        const body = alerts.map((alert) => ({
          ...alert,
          startsAt: new Date(alert.startsAt as number).toISOString(),
          endsAt: new Date(alert.endsAt as number).toISOString(),
        }));
        const response = await fetch(`${target.url}/api/v2/alerts`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
        if (!response.ok) throw new Error(`POST /api/v2/alerts: HTTP ${response.status}`);
        return { accepted: alerts.length, rejected: [] };
      },
    });
  });

  afterAll(async () => {
    await source?.stop();
    await harness.cleanup();
  });

  const firstFiring = async (): Promise<Notification> => {
    const isFiring = (notification: Notification): boolean =>
      notification.path === '/rules' && notification.body?.status === 'firing';
    await sink.waitFor((all) => all.some(isFiring), 60_000);
    return sink.notifications.find(isFiring)!;
  };

  it('fires the rule after `for` and delivers it with templated labels and annotations', async () => {
    const notification = await firstFiring();
    console.info(
      `first notification ${notification.receivedAtMs - sourceStartedAtMs} ms after the source started`,
    );
    expect(notification.receivedAtMs - sourceStartedAtMs).toBeGreaterThanOrEqual(FOR_MS);
    expect(notification.body).toMatchObject({
      version: '4',
      status: 'firing',
      receiver: 'e2e-webhook',
    });
    expect(notification.body.alerts).toHaveLength(1);
    const [alert] = notification.body.alerts;
    const instance = alert.labels.instance as string;
    expect(instance).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(alert).toMatchObject({
      status: 'firing',
      labels: {
        alertname: RULE_NAME,
        job: 'prometheus',
        severity: 'page',
        scraped: 'prometheus',
        cluster: 'phoenix-e2e',
      },
      annotations: {
        summary: `prometheus on ${instance} is up (value 1)`,
        description: 'external cluster phoenix-e2e',
      },
    });
    expect(alert.generatorURL).toMatch(
      /\/graph\?g0\.expr=up%7Bjob%3D%22prometheus%22%7D\+%3D%3D\+1&g0\.tab=1$/,
    );

    const rule = source.rules().find((entry) => entry.name === RULE_NAME)!;
    expect(rule).toMatchObject({ health: 'ok', state: 'firing' });
    const [state] = rule.alerts;
    expect(state!.firedAt - state!.activeAt).toBeGreaterThanOrEqual(FOR_MS);
    expect(Date.parse(alert.startsAt)).toBe(state!.firedAt);
  });

  it('evaluates the spec’s section 3.1 rules cleanly against the real Prometheus', () => {
    const spec = source.rules().filter((entry) => entry.name !== RULE_NAME);
    expect(spec.map((entry) => entry.name)).toEqual([
      'HighCPUUsage',
      'HighMemoryUsage',
      'DiskSpaceCritical',
    ]);
    for (const entry of spec)
      expect(entry).toMatchObject({ health: 'ok', lastError: '', state: 'inactive' });
    expect(problems).toEqual([]);
  });
});
