import { createMemoryStore } from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import type { TemplateExpander } from './alerting-rule.js';
import { validateRuleGroups } from './rule-file.js';
import { createRuleSource } from './rule-source.js';
import type { RuleSourceOptions } from './rule-source.js';
import { ScriptedBackend, testContext } from './test-support.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const T0 = Date.parse('2024-06-01T00:00:00Z');

// The engine's own logic is under test here; rendering is the template package's (and the
// end-to-end tests use the real one). This double substitutes `{{ $labels.x }}` and `{{ $value }}`.
const expand: TemplateExpander = (text, data) =>
  text
    .replace(/\{\{\s*\$value\s*\}\}/g, String(data.value))
    .replace(/\{\{\s*\$labels\.(\w+)\s*\}\}/g, (_, name: string) => data.labels[name] ?? '')
    .replace(
      /\{\{\s*\$externalLabels\.(\w+)\s*\}\}/g,
      (_, name: string) => data.externalLabels[name] ?? '',
    );

function groups(rule: Record<string, unknown>, interval = '1m') {
  return validateRuleGroups(
    {
      groups: [{ name: 'g', interval, rules: [{ alert: 'HighLoad', expr: 'load > 1', ...rule }] }],
    },
    'rules.yml',
    {},
  ).groups;
}

function setup(rule: Record<string, unknown>, options: Partial<RuleSourceOptions> = {}) {
  const backend = new ScriptedBackend();
  const context = testContext();
  const source = createRuleSource({
    name: 'test-rules',
    groups: groups(rule),
    backend,
    ...options,
    expandTemplate: 'expandTemplate' in options ? options.expandTemplate : expand,
  });
  return { backend, context, source, clock: context.clock };
}

const series = { labels: { __name__: 'load', instance: 'a' }, value: 3 };

describe('rule evaluation (Prometheus semantics)', () => {
  it('keeps an alert pending for `for`, then fires it with templated labels and annotations', async () => {
    const { backend, context, source, clock } = setup(
      {
        for: '3m',
        labels: { severity: 'page', instance_copy: '{{ $labels.instance }}' },
        annotations: { summary: 'load is {{ $value }} on {{ $labels.instance }}' },
      },
      { externalLabels: { cluster: 'eu' }, externalURL: 'http://prom:9090' },
    );
    backend.samples = [series];
    await source.start(context);
    await clock.advance(0);
    expect(source.rules()[0]).toMatchObject({ state: 'pending', health: 'ok', evaluations: 1 });
    expect(context.batches).toEqual([]);

    await clock.advance(2 * MINUTE);
    expect(source.rules()[0]!.state).toBe('pending');
    await clock.advance(MINUTE);
    expect(source.rules()[0]!.state).toBe('firing');
    expect(context.batches).toHaveLength(1);
    expect(context.batches[0]).toEqual([
      {
        labels: {
          alertname: 'HighLoad',
          instance: 'a',
          instance_copy: 'a',
          severity: 'page',
          cluster: 'eu',
        },
        annotations: { summary: 'load is 3 on a' },
        startsAt: T0 + 3 * MINUTE,
        // 4 × max(resend delay 1m, interval 1m)
        endsAt: T0 + 3 * MINUTE + 4 * MINUTE,
        generatorURL: 'http://prom:9090/graph?g0.expr=load+%3E+1&g0.tab=1',
      },
    ]);
    expect(backend.queries.map((query) => query.time)).toEqual([
      T0,
      T0 + MINUTE,
      T0 + 2 * MINUTE,
      T0 + 3 * MINUTE,
    ]);
    await source.stop();
  });

  it('re-sends firing alerts at the resend delay, each with a later endsAt', async () => {
    const { backend, context, source, clock } = setup({}, { resendDelayMs: 2 * MINUTE });
    backend.samples = [series];
    await source.start(context);
    await clock.advance(6 * MINUTE);
    // Fired at once (no `for`); sent at 0, then when lastSent + 2m is before the evaluation: 3m, 6m.
    const sentAt = context.batches.map((batch) => batch[0]!.endsAt as number);
    expect(sentAt).toEqual([T0 + 8 * MINUTE, T0 + 11 * MINUTE, T0 + 14 * MINUTE]);
    expect(new Set(context.batches.map((batch) => batch[0]!.startsAt))).toEqual(new Set([T0]));
    await source.stop();
  });

  it('resolves an alert when its series disappears, re-sends the resolution, then forgets it after 15m', async () => {
    const { backend, context, source, clock } = setup({});
    backend.samples = [series];
    await source.start(context);
    await clock.advance(MINUTE);
    backend.samples = [];
    await clock.advance(MINUTE);
    const resolved = context.batches.at(-1)![0]!;
    expect(resolved).toMatchObject({ startsAt: T0, endsAt: T0 + 2 * MINUTE });
    expect(source.rules()[0]!.alerts[0]).toMatchObject({
      state: 'inactive',
      resolvedAt: T0 + 2 * MINUTE,
    });

    await clock.advance(15 * MINUTE);
    expect(source.rules()[0]!.alerts).toHaveLength(1);
    const batchesBefore = context.batches.length;
    await clock.advance(2 * MINUTE);
    expect(source.rules()[0]!.alerts).toHaveLength(0);
    // The resolution was re-sent while kept, always with the same endsAt.
    const resends = context.batches.slice(2, batchesBefore).map((batch) => batch[0]!.endsAt);
    expect(resends.length).toBeGreaterThan(3);
    expect(new Set(resends)).toEqual(new Set([T0 + 2 * MINUTE]));
    await source.stop();
  });

  it('drops a pending alert whose series disappears without ever sending it', async () => {
    const { backend, context, source, clock } = setup({ for: '5m' });
    backend.samples = [series];
    await source.start(context);
    await clock.advance(MINUTE);
    backend.samples = [];
    await clock.advance(MINUTE);
    expect(source.rules()[0]).toMatchObject({ state: 'inactive', alerts: [] });
    expect(context.batches).toEqual([]);
    await source.stop();
  });

  it('holds a firing alert for keep_firing_for after its series disappears', async () => {
    const { backend, context, source, clock } = setup({ keep_firing_for: '3m' });
    backend.samples = [series];
    await source.start(context);
    await clock.advance(MINUTE);
    backend.samples = [];
    await clock.advance(2 * MINUTE);
    expect(source.rules()[0]!.state).toBe('firing');
    expect(source.rules()[0]!.alerts[0]!.keepFiringSince).toBe(T0 + 2 * MINUTE);
    await clock.advance(2 * MINUTE); // 3m since the series went away
    expect(source.rules()[0]!.alerts[0]).toMatchObject({
      state: 'inactive',
      resolvedAt: T0 + 5 * MINUTE,
    });
    expect(context.batches.at(-1)![0]!.endsAt).toBe(T0 + 5 * MINUTE);
    await source.stop();
  });

  it('a series that comes back during keep_firing_for keeps the alert firing from its first start', async () => {
    const { backend, context, source, clock } = setup({ keep_firing_for: '5m' });
    backend.samples = [series];
    await source.start(context);
    await clock.advance(MINUTE);
    backend.samples = [];
    await clock.advance(MINUTE);
    backend.samples = [series];
    await clock.advance(MINUTE);
    expect(source.rules()[0]!.alerts[0]).toMatchObject({
      state: 'firing',
      firedAt: T0,
      keepFiringSince: 0,
    });
    await source.stop();
  });

  it('reports two series with the same labels after the rule labels are applied as an error', async () => {
    const { backend, context, source, clock } = setup({});
    backend.samples = [
      { labels: { __name__: 'load', instance: 'a' }, value: 1 },
      { labels: { __name__: 'load_other', instance: 'a' }, value: 2 },
    ];
    await source.start(context);
    await clock.advance(0);
    expect(source.rules()[0]).toMatchObject({
      health: 'err',
      lastError: 'vector contains metrics with the same labelset after applying alert labels',
    });
    await source.stop();
  });

  it('enforces the group limit', async () => {
    const backend = new ScriptedBackend();
    const context = testContext();
    const source = createRuleSource({
      name: 'test-rules',
      groups: validateRuleGroups(
        { groups: [{ name: 'g', limit: 1, rules: [{ alert: 'A', expr: 'up == 0' }] }] },
        'f',
      ).groups,
      backend,
      expandTemplate: expand,
    });
    backend.samples = [
      { labels: { instance: 'a' }, value: 0 },
      { labels: { instance: 'b' }, value: 0 },
    ];
    await source.start(context);
    await context.clock.advance(0);
    expect(source.rules()[0]).toMatchObject({
      health: 'err',
      lastError: 'exceeded limit of 1 with 2 alerts',
    });
    await source.stop();
  });
});

describe('templates (the real @phoenix-alerting/template)', () => {
  it('expands $labels, $value and $externalLabels, and renders a failing template as Prometheus does', async () => {
    const { backend, context, source, clock } = setup(
      {
        labels: { severity: '{{ if gt $value 2.0 }}page{{ else }}ticket{{ end }}' },
        annotations: {
          summary:
            '{{ $labels.instance }} at {{ $value | humanize }} in {{ $externalLabels.cluster }}',
          broken: '{{ template "nope" }}',
        },
      },
      { externalLabels: { cluster: 'eu' }, expandTemplate: undefined },
    );
    backend.samples = [{ labels: { instance: 'a' }, value: 2500 }];
    await source.start(context);
    await clock.advance(0);
    const [alert] = context.batches[0]!;
    expect(alert!.labels.severity).toBe('page');
    expect(alert!.annotations!.summary).toBe('a at 2.5k in eu');
    expect(alert!.annotations!.broken).toMatch(
      /^<error expanding template: error executing template __alert_HighLoad: template: .*"nope".*>$/,
    );
    await source.stop();
  });
});

describe('failed evaluations', () => {
  it('reports a query error and neither resolves nor re-sends the rule’s alerts', async () => {
    const { backend, context, source, clock } = setup({});
    backend.samples = [series];
    await source.start(context);
    await clock.advance(0);
    expect(context.batches).toHaveLength(1);

    backend.error = new Error('bad_data: parse error');
    await clock.advance(5 * MINUTE);
    const rule = source.rules()[0]!;
    expect(rule).toMatchObject({
      health: 'err',
      lastError: 'bad_data: parse error',
      evaluations: 6,
      evaluationFailures: 5,
      state: 'firing',
      lastEvaluation: T0 + 5 * MINUTE,
    });
    expect(context.batches).toHaveLength(1);
    expect(context.failures).toHaveLength(5);
    expect(context.failures[0]).toMatchObject({ plugin: 'test-rules', stage: 'rule g/HighLoad' });

    backend.error = undefined;
    await clock.advance(MINUTE);
    expect(source.rules()[0]).toMatchObject({ health: 'ok', lastError: '', state: 'firing' });
    expect(context.batches.at(-1)![0]!.startsAt).toBe(T0);
    await source.stop();
  });

  it('abandons a query that outlives the evaluation timeout and keeps the alerts firing', async () => {
    const { backend, context, source, clock } = setup({}, { evaluationTimeoutMs: 10 * SECOND });
    backend.samples = [series];
    await source.start(context);
    await clock.advance(0);
    backend.hang = true;
    await clock.advance(MINUTE + 10 * SECOND);
    expect(source.rules()[0]).toMatchObject({
      health: 'err',
      lastError: 'query timed out after 10000 ms',
      state: 'firing',
    });
    expect(context.failures).toHaveLength(1);
    await source.stop();
  });
});

describe('lifecycle', () => {
  it('stops with a query in flight without reporting it as a failure, and schedules nothing after', async () => {
    const { backend, context, source, clock } = setup({});
    backend.hang = true;
    await source.start(context);
    await clock.advance(0);
    expect(backend.queries).toHaveLength(1);
    await source.stop();
    expect(context.failures).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
    await expect(source.evaluateNow()).rejects.toThrow('rule source test-rules is not started');
  });

  it('skips missed iterations when an evaluation outlasts the interval', async () => {
    const { backend, context, source, clock } = setup({}, { evaluationTimeoutMs: 150 * SECOND });
    backend.hang = true;
    await source.start(context);
    await clock.advance(150 * SECOND); // the first query times out at 2m30s
    backend.hang = false;
    await clock.advance(30 * SECOND);
    // Evaluations at 0 and 3m: the slots at 1m and 2m were missed, not run late.
    expect(backend.queries.map((query) => (query.time - T0) / MINUTE)).toEqual([0, 3]);
    await source.stop();
  });
});

describe('state across restarts', () => {
  async function restartAfter(options: {
    downMs: number;
    rule?: Record<string, unknown>;
    settings?: Partial<RuleSourceOptions>;
  }) {
    const store = createMemoryStore();
    const first = setup({ for: '5m', ...options.rule }, options.settings);
    const firstContext = testContext({ store });
    first.backend.samples = [series];
    await first.source.start(firstContext);
    await firstContext.clock.advance(3 * MINUTE); // pending since T0, last saved at 3m
    expect(first.source.rules()[0]!.state).not.toBe('inactive');
    await first.source.stop();
    const saved = await store.kv!.list('rules:test-rules');
    expect(saved.map((entry) => entry.key)).toEqual(['rules.yml;g;0;HighLoad']);

    // A new process, `downMs` later.
    const second = setup({ for: '5m', ...options.rule }, options.settings);
    const context = testContext({ store });
    await context.clock.advanceTo(T0 + 3 * MINUTE + options.downMs);
    second.backend.samples = [series];
    await second.source.start(context);
    await context.clock.advance(0);
    return { source: second.source, context };
  }

  it('restores a pending alert, so `for` does not start over (the downtime does not count)', async () => {
    const { source, context } = await restartAfter({ downMs: MINUTE });
    // 3m of the 5m were observed before the restart: 2m are left, counted from the restart at 4m.
    expect(source.rules()[0]!.alerts[0]).toMatchObject({ state: 'pending', activeAt: T0 + MINUTE });
    await context.clock.advanceTo(T0 + 5 * MINUTE);
    expect(source.rules()[0]!.state).toBe('pending');
    await context.clock.advanceTo(T0 + 6 * MINUTE);
    expect(source.rules()[0]!.alerts[0]).toMatchObject({
      state: 'firing',
      firedAt: T0 + 6 * MINUTE,
    });
    expect(context.batches[0]![0]!.startsAt).toBe(T0 + 6 * MINUTE);
    await source.stop();
  });

  it('starts `for` over after an outage longer than the tolerance', async () => {
    const { source, context } = await restartAfter({
      downMs: 2 * 60 * MINUTE,
      settings: { outageToleranceMs: 60 * MINUTE },
    });
    const restartedAt = T0 + 3 * MINUTE + 2 * 60 * MINUTE;
    expect(source.rules()[0]!.alerts[0]).toMatchObject({ state: 'pending', activeAt: restartedAt });
    await context.clock.advanceTo(restartedAt + 5 * MINUTE);
    expect(source.rules()[0]!.alerts[0]).toMatchObject({ firedAt: restartedAt + 5 * MINUTE });
    await source.stop();
  });

  it('with Prometheus’ grace period, a restored alert fires no sooner than the grace period', async () => {
    const { source } = await restartAfter({
      downMs: MINUTE,
      rule: { for: '10m' },
      settings: { forGracePeriodMs: 9 * MINUTE },
    });
    // 7m were left (< 9m grace): it fires 9m after the restart at 4m, at 13m.
    expect(source.rules()[0]!.alerts[0]).toMatchObject({ activeAt: T0 + 3 * MINUTE });
    await source.stop();
  });

  it('keeps a firing alert firing across a restart, with its start', async () => {
    const { source, context } = await restartAfter({ downMs: MINUTE, rule: { for: '1m' } });
    expect(source.rules()[0]!.alerts[0]).toMatchObject({ state: 'firing', firedAt: T0 + MINUTE });
    // Last sent at 3m by the first process: the next resend is due after 4m.
    expect(context.batches).toEqual([]);
    await context.clock.advance(MINUTE);
    expect(context.batches[0]![0]!.startsAt).toBe(T0 + MINUTE);
    await source.stop();
  });

  it('keeps state in memory when the store has no key-value store', async () => {
    const store = createMemoryStore();
    const { kv: _kv, ...withoutKv } = store;
    const { backend, source } = setup({ for: '5m' });
    const context = testContext({ store: withoutKv });
    backend.samples = [series];
    await source.start(context);
    await context.clock.advance(5 * MINUTE);
    expect(source.rules()[0]!.state).toBe('firing');
    expect(await store.kv!.list('rules:test-rules')).toEqual([]);
    await source.stop();
  });
});

describe('recording rules', () => {
  it('are read, reported as not evaluated, and never queried', async () => {
    const parsed = validateRuleGroups(
      {
        groups: [
          {
            name: 'g',
            rules: [
              { record: 'job:up:sum', expr: 'sum(up) by (job)' },
              { alert: 'Down', expr: 'up == 0' },
            ],
          },
        ],
      },
      'rules.yml',
    );
    expect(parsed.warnings).toEqual([
      'rules.yml: groups[0].rules[0]: recording rule "job:up:sum" is not evaluated ' +
        '(Phoenix has no time-series database to write it to); evaluate it in Prometheus or Loki',
    ]);
    const backend = new ScriptedBackend();
    const context = testContext();
    const source = createRuleSource({
      name: 'r',
      groups: parsed.groups,
      backend,
      expandTemplate: expand,
    });
    await source.start(context);
    await context.clock.advance(0);
    expect(backend.queries.map((query) => query.expr)).toEqual(['up == 0']);
    expect(source.rules().map((rule) => rule.name)).toEqual(['Down']);
    await source.stop();
  });
});
