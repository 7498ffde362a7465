// The generic rule engine: groups of alerting rules evaluated on their interval against any
// QueryBackend (Prometheus, Loki, Tempo), as Prometheus' rules/manager.go and group evaluation do.
import { PhoenixError, fingerprint } from '@phoenix-alerting/core';
import type {
  AlertInput,
  Clock,
  KeyValueStore,
  Logger,
  PipelineEvents,
  Source,
  SourceContext,
  StopOptions,
  TimerHandle,
} from '@phoenix-alerting/core';
import { expandPrometheusTemplate } from '@phoenix-alerting/template';
import {
  AlertingRuleState,
  generatorURL as prometheusGeneratorURL,
  toAlertInput,
} from './alerting-rule.js';
import type { AlertState, RuleAlert, Sample, TemplateExpander } from './alerting-rule.js';
import type { AlertingRule, RuleGroup } from './rule-file.js';
import { restoreAlerts } from './rule-state.js';
import type { SavedRule } from './rule-state.js';

/** Runs instant queries. Used by every rule source; one per query language and server. */
export interface QueryBackend {
  /**
   * Evaluates `expr` at `time` (ms since epoch) and returns the result series. Rejects when the
   * query fails (the rule then reports the error and keeps its alerts as they are). Must stop
   * and reject when `signal` aborts (evaluation timeout, shutdown).
   */
  query(expr: string, time: number, signal: AbortSignal): Promise<Sample[]>;
}

/** Health of one rule, for `/metrics` and the API (Prometheus' `/api/v1/rules`). */
export interface RuleHealth {
  group: string;
  file: string;
  name: string;
  /** 'unknown' before the first evaluation, 'ok' after a successful one, 'err' after a failure. */
  health: 'unknown' | 'ok' | 'err';
  /** The last evaluation's error, '' after a success. */
  lastError: string;
  /** When the rule was last evaluated (ms since epoch), 0 if never. */
  lastEvaluation: number;
  /** How long the last evaluation took (ms, on the source's clock). */
  evaluationDurationMs: number;
  evaluations: number;
  evaluationFailures: number;
  /** firing if any alert fires, else pending if one is pending. */
  state: AlertState;
  /** The rule's alerts, including resolved ones still being re-sent. */
  alerts: readonly RuleAlert[];
}

export interface RuleSourceOptions {
  /** Source name: logs, events and the `rules:<name>` key-value namespace. */
  name: string;
  groups: readonly RuleGroup[];
  backend: QueryBackend;
  /** Added to every alert that lacks them, and available as `$externalLabels`. */
  externalLabels?: Record<string, string>;
  /** `$externalURL`, and the base of generator URLs. Default ''. */
  externalURL?: string;
  /** Prometheus' `--rules.alert.resend-delay`. Default 60 000 (1m). */
  resendDelayMs?: number;
  /** Interval of groups without `interval` (Prometheus' `evaluation_interval`). Default 60 000. */
  defaultIntervalMs?: number;
  /** A rule's query is abandoned after this long. Default: its group's interval. */
  evaluationTimeoutMs?: number;
  /** The link back from an alert to its rule. Default: Prometheus' `<externalURL>/graph?g0.expr=…`. */
  generatorURL?: (expr: string) => string;
  /**
   * Saved rule state older than this is not restored at start (`for` starts over), as Prometheus'
   * `--rules.alert.for-outage-tolerance`. Default 3 600 000 (1h).
   */
  outageToleranceMs?: number;
  /**
   * Prometheus' `--rules.alert.for-grace-period`: a restored pending alert fires no sooner than
   * this after the restart, and rules whose `for` is shorter are not restored. Default 0, so that
   * every rule's `for` survives a restart (Prometheus' default is 10m).
   */
  forGracePeriodMs?: number;
  /** Expands label and annotation templates. Default: `expandPrometheusTemplate`. */
  expandTemplate?: TemplateExpander;
}

/** A source that evaluates alerting rules. */
export interface RuleSource extends Source {
  start(context: SourceContext): Promise<void>;
  stop(options?: StopOptions): Promise<void>;
  /** Every alerting rule's health, state and alerts. */
  rules(): RuleHealth[];
  /** Evaluates every group once at the clock's current time, outside the schedule (tests, CLI). */
  evaluateNow(): Promise<void>;
}

interface RuleEntry {
  key: string;
  state: AlertingRuleState;
  health: Omit<RuleHealth, 'state' | 'alerts' | 'group' | 'file' | 'name'>;
}

interface GroupRunner {
  group: RuleGroup;
  intervalMs: number;
  rules: RuleEntry[];
  timer?: TimerHandle;
  running?: Promise<void>;
}

const defaultExpand: TemplateExpander = (text, data, name) =>
  expandPrometheusTemplate(text, data, { name });

/** Builds a rule source over a query backend. Recording rules are skipped (see the README). */
export function createRuleSource(options: RuleSourceOptions): RuleSource {
  const externalLabels = options.externalLabels ?? {};
  const externalURL = options.externalURL ?? '';
  const resendDelayMs = options.resendDelayMs ?? 60_000;
  const defaultIntervalMs = options.defaultIntervalMs ?? 60_000;
  const expand = options.expandTemplate ?? defaultExpand;
  const linkOf =
    options.generatorURL ?? ((expr: string) => prometheusGeneratorURL(externalURL, expr));
  const namespace = `rules:${options.name}`;
  const outageToleranceMs = options.outageToleranceMs ?? 3_600_000;
  const forGracePeriodMs = options.forGracePeriodMs ?? 0;

  const runners: GroupRunner[] = options.groups.map((group) => ({
    group,
    intervalMs: group.intervalMs ?? defaultIntervalMs,
    rules: group.rules
      .map((rule, index) => ({ rule, index }))
      .filter(
        (entry): entry is { rule: AlertingRule; index: number } => entry.rule.kind === 'alerting',
      )
      .map(({ rule, index }) => ({
        key: `${group.file};${group.name};${index};${rule.alert}`,
        state: new AlertingRuleState(rule),
        health: {
          health: 'unknown',
          lastError: '',
          lastEvaluation: 0,
          evaluationDurationMs: 0,
          evaluations: 0,
          evaluationFailures: 0,
        },
      })),
  }));

  let context: SourceContext | undefined;
  let clock: Clock;
  let logger: Logger;
  let events: PipelineEvents;
  let kv: KeyValueStore | undefined;
  let stopping = new AbortController();

  async function evaluateGroup(runner: GroupRunner, time: number): Promise<void> {
    const batch: AlertInput[] = [];
    for (const entry of runner.rules) {
      const rule = entry.state.rule;
      const startedAt = clock.now();
      entry.health.evaluations++;
      entry.health.lastEvaluation = time;
      try {
        const samples = await queryWithTimeout(rule.expr, time, runner);
        entry.state.evaluate(samples, time, runner.group.limit, {
          externalLabels,
          externalURL,
          expand,
          onTemplateError: (error, ruleName) =>
            logger.warn(
              { rule: ruleName, group: runner.group.name, err: error },
              'expanding alert template failed',
            ),
        });
        entry.health.health = 'ok';
        entry.health.lastError = '';
      } catch (error) {
        entry.health.health = 'err';
        entry.health.lastError = (error as Error)?.message ?? String(error);
        entry.health.evaluationFailures++;
        entry.health.evaluationDurationMs = clock.now() - startedAt;
        if (stopping.signal.aborted) return;
        logger.warn(
          {
            source: options.name,
            group: runner.group.name,
            rule: rule.alert,
            err: entry.health.lastError,
          },
          'evaluating rule failed',
        );
        events.emit('plugin-failed', {
          plugin: options.name,
          stage: `rule ${runner.group.name}/${rule.alert}`,
          error,
        });
        // As Prometheus: a failed evaluation sends nothing and changes no alert.
        continue;
      }
      entry.health.evaluationDurationMs = clock.now() - startedAt;
      const link = linkOf(rule.expr);
      for (const alert of entry.state.due(time, resendDelayMs, runner.intervalMs))
        batch.push(toAlertInput(alert, externalLabels, link));
    }
    // Every rule of the group in one write (a failed rule's state is unchanged, or cleared by `limit`).
    await persist(runner.rules, time);
    if (batch.length === 0 || !context) return;
    try {
      const result = await context.emit(batch);
      if (result.rejected.length > 0)
        logger.warn(
          { source: options.name, rejected: result.rejected },
          'alerts rejected by the pipeline',
        );
    } catch (error) {
      if (!stopping.signal.aborted)
        logger.error({ source: options.name, err: error }, 'emitting alerts failed');
    }
  }

  async function queryWithTimeout(
    expr: string,
    time: number,
    runner: GroupRunner,
  ): Promise<Sample[]> {
    const timeoutMs = options.evaluationTimeoutMs ?? runner.intervalMs;
    const controller = new AbortController();
    const onStop = () => controller.abort(stopping.signal.reason);
    stopping.signal.addEventListener('abort', onStop, { once: true });
    let timer: TimerHandle | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = clock.setTimeout(() => {
        const error = new PhoenixError(
          'ERR_PLUGIN_FAILED',
          `query timed out after ${timeoutMs} ms`,
        );
        controller.abort(error);
        reject(error);
      }, timeoutMs);
    });
    try {
      return await Promise.race([options.backend.query(expr, time, controller.signal), timedOut]);
    } finally {
      if (timer) clock.clearTimeout(timer);
      stopping.signal.removeEventListener('abort', onStop);
    }
  }

  async function persist(entries: readonly RuleEntry[], time: number): Promise<void> {
    if (!kv || entries.length === 0) return;
    try {
      await kv.put(
        namespace,
        entries.map((entry) => ({
          key: entry.key,
          value: { savedAt: time, alerts: [...entry.state.active.values()] } satisfies SavedRule,
        })),
      );
    } catch (error) {
      logger.error({ source: options.name, err: error }, 'saving rule state failed');
    }
  }

  async function restore(now: number): Promise<void> {
    if (!kv) return;
    const saved = new Map(
      (await kv.list<SavedRule>(namespace)).map((entry) => [entry.key, entry.value]),
    );
    for (const runner of runners) {
      for (const entry of runner.rules) {
        const record = saved.get(entry.key);
        if (!record) continue;
        const alerts = restoreAlerts(record, entry.state.rule.forMs, now, {
          outageToleranceMs,
          forGracePeriodMs,
        });
        if (!alerts) {
          logger.info(
            { source: options.name, rule: entry.state.rule.alert, savedAt: record.savedAt },
            'rule state older than the outage tolerance: `for` starts over',
          );
          continue;
        }
        entry.state.active = new Map(alerts.map((alert) => [fingerprint(alert.labels), alert]));
      }
    }
  }

  function schedule(runner: GroupRunner, due: number): void {
    if (stopping.signal.aborted) return;
    runner.timer = clock.setTimeout(() => {
      runner.timer = undefined;
      const time = clock.now();
      runner.running = evaluateGroup(runner, time)
        .catch((error: unknown) =>
          logger.error({ source: options.name, err: error }, 'rule group failed'),
        )
        .finally(() => {
          runner.running = undefined;
          // Missed iterations are skipped, as in Prometheus: the next slot after now.
          let next = due + runner.intervalMs;
          const now = clock.now();
          if (next <= now)
            next += Math.ceil((now - next + 1) / runner.intervalMs) * runner.intervalMs;
          schedule(runner, next);
        });
    }, due - clock.now());
  }

  const source: RuleSource = {
    name: options.name,
    async start(sourceContext) {
      context = sourceContext;
      clock = sourceContext.clock;
      logger = sourceContext.logger;
      events = sourceContext.events;
      kv = sourceContext.store.kv;
      stopping = new AbortController();
      await restore(clock.now());
      const now = clock.now();
      for (const runner of runners) schedule(runner, now);
    },
    async stop(stopOptions) {
      stopping.abort(new PhoenixError('ERR_PIPELINE_STOPPED', 'the rule source is stopping'));
      for (const runner of runners) {
        if (runner.timer) clock.clearTimeout(runner.timer);
        runner.timer = undefined;
      }
      const running = runners
        .map((runner) => runner.running)
        .filter((promise) => promise !== undefined);
      const abandoned = stopOptions?.signal
        ? new Promise<void>((resolve) =>
            stopOptions.signal.addEventListener('abort', () => resolve(), { once: true }),
          )
        : undefined;
      await Promise.race([Promise.allSettled(running), ...(abandoned ? [abandoned] : [])]);
      context = undefined;
    },
    rules() {
      return runners.flatMap((runner) =>
        runner.rules.map((entry) => ({
          group: runner.group.name,
          file: runner.group.file,
          name: entry.state.rule.alert,
          ...entry.health,
          state: entry.state.state,
          alerts: [...entry.state.active.values()].map((alert) => ({ ...alert })),
        })),
      );
    },
    async evaluateNow() {
      if (!context)
        throw new PhoenixError(
          'ERR_PIPELINE_STOPPED',
          `rule source ${options.name} is not started`,
        );
      const time = clock.now();
      await Promise.all(runners.map((runner) => evaluateGroup(runner, time)));
    },
  };
  return source;
}
