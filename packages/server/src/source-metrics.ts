// `/metrics` of the configured sources: Prometheus' own rule metrics (rules/group.go, with the
// `rule_group="<file>;<group>"` label) plus a `source` label, and Phoenix's health-check gauges.
// Read from the running sources when scraped; the counters stay monotonic across reloads.
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { CheckStatus } from '@phoenix-alerting/source-healthcheck';
import type { RuleHealth, RuleSource } from '@phoenix-alerting/source-prometheus';
import type { ConfiguredSource } from './sources.js';

type RuleLabels = 'source' | 'rule_group';
type CheckLabels = 'source' | 'check';

/**
 * Registers the rule and health-check metrics on `registry`; `sources` returns the running
 * configuration's sources (none before the server starts).
 */
export function registerSourceMetrics(
  registry: Registry,
  sources: () => readonly ConfiguredSource[],
): void {
  const registers = [registry];
  // What each source instance had counted at the last scrape: a reload starts new instances at 0.
  const counted = new WeakMap<RuleSource, Map<string, { evaluations: number; failures: number }>>();
  const ruleSources = () =>
    sources().filter(
      (configured): configured is Extract<ConfiguredSource, { source: RuleSource }> =>
        configured.type !== 'healthcheck',
    );
  const byGroup = () => {
    const groups = new Map<string, { labels: Record<RuleLabels, string>; rules: RuleHealth[] }>();
    for (const { name, source } of ruleSources()) {
      for (const rule of source.rules()) {
        const labels = { source: name, rule_group: `${rule.file};${rule.group}` };
        const key = `${labels.source}\u0000${labels.rule_group}`;
        let group = groups.get(key);
        if (!group) groups.set(key, (group = { labels, rules: [] }));
        group.rules.push(rule);
      }
    }
    return groups;
  };

  // Sources counted at the previous scrape: one a reload replaced is counted a last time, so the
  // evaluations it made after that scrape are not lost.
  let previous = new Map<RuleSource, string>();
  // Both counters advance together, from whichever is collected first.
  function advance() {
    const current = new Map(ruleSources().map(({ name, source }) => [source, name]));
    for (const [source, name] of new Map([...previous, ...current])) {
      let seen = counted.get(source);
      if (!seen) counted.set(source, (seen = new Map()));
      for (const rule of source.rules()) {
        const labels = { source: name, rule_group: `${rule.file};${rule.group}` };
        const key = `${rule.file};${rule.group};${rule.name}`;
        const before = seen.get(key) ?? { evaluations: 0, failures: 0 };
        evaluations.inc(labels, rule.evaluations - before.evaluations);
        failures.inc(labels, rule.evaluationFailures - before.failures);
        seen.set(key, { evaluations: rule.evaluations, failures: rule.evaluationFailures });
      }
    }
    previous = current;
  }
  const evaluations: Counter<RuleLabels> = new Counter({
    name: 'prometheus_rule_evaluations_total',
    help: 'The total number of rule evaluations.',
    labelNames: ['source', 'rule_group'],
    registers,
    collect: advance,
  });
  const failures: Counter<RuleLabels> = new Counter({
    name: 'prometheus_rule_evaluation_failures_total',
    help: 'The total number of rule evaluation failures.',
    labelNames: ['source', 'rule_group'],
    registers,
    collect: advance,
  });

  const groupGauge = (
    name: string,
    help: string,
    value: (rules: readonly RuleHealth[]) => number,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['source', 'rule_group'],
      registers,
      collect() {
        this.reset();
        for (const { labels, rules } of byGroup().values()) this.set(labels, value(rules));
      },
    });
  groupGauge(
    'prometheus_rule_group_last_evaluation_timestamp_seconds',
    'The timestamp of the last rule group evaluation in seconds.',
    (rules) => Math.max(0, ...rules.map((rule) => rule.lastEvaluation)) / 1000,
  );
  groupGauge(
    'prometheus_rule_group_last_duration_seconds',
    'The duration of the last rule group evaluation.',
    (rules) => rules.reduce((sum, rule) => sum + rule.evaluationDurationMs, 0) / 1000,
  );
  groupGauge(
    'prometheus_rule_group_rules',
    'The number of rules (alerting rules: recording rules are not evaluated).',
    (rules) => rules.length,
  );
  new Gauge<RuleLabels | 'rule' | 'state'>({
    name: 'phoenix_rule_alerts',
    help: 'Alerts of each alerting rule by state (pending, firing), as Prometheus’ ALERTS series.',
    labelNames: ['source', 'rule_group', 'rule', 'state'],
    registers,
    collect() {
      this.reset();
      for (const { labels, rules } of byGroup().values()) {
        for (const rule of rules) {
          const counts = { pending: 0, firing: 0 };
          for (const alert of rule.alerts)
            if (alert.state === 'pending' || alert.state === 'firing') counts[alert.state]++;
          for (const [state, count] of Object.entries(counts))
            this.set({ ...labels, rule: rule.name, state }, count);
        }
      }
    },
  });

  const checkGauge = (
    name: string,
    help: string,
    value: (status: CheckStatus) => number | undefined,
  ) =>
    new Gauge<CheckLabels>({
      name,
      help,
      labelNames: ['source', 'check'],
      registers,
      collect() {
        this.reset();
        for (const configured of sources()) {
          if (configured.type !== 'healthcheck') continue;
          for (const status of configured.source.status()) {
            const measured = value(status);
            if (measured !== undefined)
              this.set({ source: configured.name, check: status.name }, measured);
          }
        }
      },
    });
  checkGauge(
    'phoenix_healthcheck_up',
    'Whether the last run of the health check passed (1) or failed (0); absent before its first run.',
    (status) => (status.lastResult === undefined ? undefined : status.lastResult.ok ? 1 : 0),
  );
  checkGauge(
    'phoenix_healthcheck_firing',
    'Whether the health check’s alert is firing (failures reached the failure threshold).',
    (status) => (status.state === 'firing' ? 1 : 0),
  );
  checkGauge(
    'phoenix_healthcheck_consecutive_failures',
    'Failed runs of the health check in a row.',
    (status) => status.consecutiveFailures,
  );
  checkGauge(
    'phoenix_healthcheck_last_duration_seconds',
    'How long the last run of the health check took.',
    (status) => (status.lastDurationMs === undefined ? undefined : status.lastDurationMs / 1000),
  );
  checkGauge(
    'phoenix_healthcheck_last_run_timestamp_seconds',
    'When the last run of the health check started.',
    (status) => (status.lastRunAt === undefined ? undefined : status.lastRunAt / 1000),
  );
}
