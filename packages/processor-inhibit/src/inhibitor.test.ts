// Ports TestInhibitRuleHasEqual, TestInhibitRuleMatches, TestInhibitRuleMatchers and TestInhibit
// (inhibit/inhibit_test.go, Alertmanager 0.25), plus the cache lifecycle on the FakeClock.
import {
  createAlertMarker,
  createLogger,
  createMatcher,
  createPipelineEvents,
  fingerprint,
} from '@phoenix-alerting/core';
import type { Alert, Labels, PluginContext } from '@phoenix-alerting/core';
import { FakeClock, buildNotification, createMemoryStore } from '@phoenix-alerting/core/testing';
import { describe, expect, it } from 'vitest';
import { createInhibitor } from './inhibitor.js';
import type { InhibitorOptions } from './inhibitor.js';

const T0 = Date.UTC(2024, 0, 1);
const SECOND = 1_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;

/** An alert as the cache holds it; firing for an hour unless `endsAt` says otherwise. */
function alert(labels: Labels, times: { startsAt?: number; endsAt?: number } = {}): Alert {
  return {
    labels,
    annotations: {},
    startsAt: times.startsAt ?? T0 - MINUTE,
    endsAt: times.endsAt ?? T0 + HOUR,
    generatorURL: '',
    updatedAt: T0,
    timeout: false,
    fingerprint: fingerprint(labels),
  };
}

function setup(options: InhibitorOptions) {
  const clock = new FakeClock(T0);
  const store = createMemoryStore();
  const context: PluginContext = {
    clock,
    store,
    events: createPipelineEvents(),
    logger: createLogger({ level: 'silent' }),
  };
  const inhibitor = createInhibitor(options);
  return {
    clock,
    store,
    context,
    inhibitor,
    ingest: (...alerts: Alert[]) => inhibitor.process(alerts, { ...context, now: clock.now() }),
    mute: (...alerts: Alert[]) =>
      inhibitor.mute(buildNotification(alerts), { ...context, now: clock.now() }),
  };
}

describe('equal labels (TestInhibitRuleHasEqual)', () => {
  // Alertmanager calls hasEqual directly; here a `role` label keeps the cached alerts off the
  // target side, so that only the equal labels decide.
  const rule = (equal: string[]) => ({
    sourceMatchers: [],
    targetMatchers: [createMatcher('!=', 'role', 'source')],
    equal,
  });
  const source = (labels: Labels, endsAt = T0 + HOUR) =>
    alert({ ...labels, role: 'source' }, { endsAt });

  it.each<[string, Alert[], string[], Labels, boolean]>([
    ['no source alerts at all', [], [], { a: 'b' }, false],
    ['no equal labels: any source alert will do', [source({ x: 'y' })], [], { a: 'b' }, true],
    [
      'matching but already resolved',
      [source({ a: 'b', b: 'f' }, T0 - SECOND), source({ a: 'b', b: 'c' }, T0 - SECOND)],
      ['a', 'b'],
      { a: 'b', b: 'c' },
      false,
    ],
    [
      'matching and unresolved',
      [source({ a: 'b', c: 'd' }, T0 - SECOND), source({ a: 'b', c: 'f' })],
      ['a'],
      { a: 'b' },
      true,
    ],
    [
      'equal label does not match',
      [source({ a: 'c', c: 'd' }), source({ a: 'c', c: 'f' })],
      ['a'],
      { a: 'b' },
      false,
    ],
  ])('%s', (_, initial, equal, input, expected) => {
    const t = setup({ rules: [rule(equal)] });
    t.inhibitor.observe(initial, T0);
    expect(t.inhibitor.inhibits(input, T0).length > 0).toBe(expected);
  });

  it('counts a missing label as equal to a missing (or empty) one', () => {
    const t = setup({
      rules: [
        {
          source_matchers: ['alertname="ClusterDown"'],
          target_matchers: ['severity="warning"'],
          equal: ['cluster'],
        },
      ],
    });
    t.ingest(alert({ alertname: 'ClusterDown' }));
    expect(t.inhibitor.inhibits({ alertname: 'X', severity: 'warning' }, T0)).toHaveLength(1);
    expect(
      t.inhibitor.inhibits({ alertname: 'X', severity: 'warning', cluster: '' }, T0),
    ).toHaveLength(1);
    expect(t.inhibitor.inhibits({ alertname: 'X', severity: 'warning', cluster: 'a' }, T0)).toEqual(
      [],
    );
  });

  it('compares every equal label, not a concatenation of them', () => {
    const t = setup({ rules: [{ source_match: { s: '1' }, equal: ['a', 'b'] }] });
    t.ingest(alert({ s: '1', a: 'x|', b: 'y' }));
    expect(t.inhibitor.inhibits({ a: 'x', b: '|y' }, T0)).toEqual([]);
    expect(t.inhibitor.inhibits({ a: 'x|', b: 'y' }, T0)).toHaveLength(1);
  });
});

describe('rule matching', () => {
  // Sources: one that matches only rule 1's source side, one that matches both sides of rule 2.
  const sourceAlert1 = alert({ s1: '1', t1: '2', e: '1' });
  const sourceAlert2 = alert({ s2: '1', t2: '1', e: '1' });

  it.each<[Labels, boolean]>([
    [{ t1: '1', e: '1' }, true], // target of rule 1
    [{ t2: '1', e: '1' }, true], // target of rule 2
    [{ t1: '1', t3: '1', e: '1' }, true], // target of rule 1, plus noise
    [{ t1: '1', t2: '1', e: '1' }, true], // target of both rules
    [{ t1: '0', e: '1' }, false], // no target
    // Both sides of rule 1; sourceAlert1 matches only its source side, so it inhibits.
    [{ s1: '1', t1: '1', e: '1' }, true],
    // Both sides of rule 2; sourceAlert2 matches both sides too, so it does not.
    [{ s2: '1', t2: '1', e: '1' }, false],
    [{ t1: '1', e: '0' }, false], // equal label differs
  ])('deprecated match maps (TestInhibitRuleMatches): %o → %s', (target, expected) => {
    const t = setup({
      rules: [
        { source_match: { s1: '1' }, target_match: { t1: '1' }, equal: ['e'] },
        { source_match: { s2: '1' }, target_match: { t2: '1' }, equal: ['e'] },
      ],
    });
    t.ingest(sourceAlert1, sourceAlert2);
    expect(t.inhibitor.mutes(target, T0)).toBe(expected);
  });

  it.each<[Labels, boolean]>([
    [{ t1: '1', e: '1' }, false],
    [{ t2: '1', e: '1' }, true],
    [{ t1: '1', t3: '1', e: '1' }, false],
    [{ t1: '1', t2: '1', e: '1' }, true],
    [{ t1: '0', e: '1' }, true],
    [{ s1: '1', t1: '1', e: '1' }, false],
    [{ s2: '1', t2: '1', e: '1' }, true],
    [{ t1: '1', e: '0' }, false],
  ])('matcher strings (TestInhibitRuleMatchers): %o → %s', (target, expected) => {
    const t = setup({
      rules: [
        { source_matchers: ['s1="1"'], target_matchers: ['t1!="1"'], equal: ['e'] },
        { source_matchers: ['s2="1"'], target_matchers: ['t2="1"'], equal: ['e'] },
      ],
    });
    // Each source matches only one rule's source side, so each rule caches only its own, as in
    // Alertmanager's test, where the caches are filled by hand.
    t.ingest(sourceAlert1, sourceAlert2);
    expect(t.inhibitor.mutes(target, T0)).toBe(expected);
  });

  it('reports the source of the first rule that inhibits, in configuration order', () => {
    const first = alert({ alertname: 'NodeDown', node: 'n1' });
    const second = alert({ alertname: 'RackDown', node: 'n1' });
    const t = setup({
      rules: [
        {
          source_match: { alertname: 'RackDown' },
          target_match: { severity: 'warning' },
          equal: ['node'],
        },
        {
          source_match: { alertname: 'NodeDown' },
          target_match: { severity: 'warning' },
          equal: ['node'],
        },
      ],
    });
    t.ingest(first, second);
    expect(t.inhibitor.inhibits({ severity: 'warning', node: 'n1' }, T0)).toEqual([
      second.fingerprint,
    ]);
  });
});

describe('self-inhibition', () => {
  const rules = [
    {
      source_matchers: ['severity="critical"'],
      target_matchers: ['severity=~"warning|critical"'],
      equal: ['cluster'],
    },
  ];

  it('never lets an alert matching both sides be inhibited by itself or by its peers', () => {
    const t = setup({ rules });
    const critical1 = alert({ alertname: 'A', severity: 'critical', cluster: 'c1' });
    const critical2 = alert({ alertname: 'B', severity: 'critical', cluster: 'c1' });
    const warning = alert({ alertname: 'C', severity: 'warning', cluster: 'c1' });
    t.ingest(critical1);
    expect(t.mute(critical1)).toEqual([critical1]);
    t.ingest(critical2, warning);
    expect(t.mute(critical1, critical2, warning)).toEqual([critical1, critical2]);
    expect(t.inhibitor.marker.status(warning.fingerprint)).toMatchObject({
      state: 'suppressed',
      inhibitedBy: [critical1.fingerprint],
    });
    expect(t.inhibitor.marker.status(critical1.fingerprint)).toMatchObject({
      state: 'active',
      inhibitedBy: [],
    });
  });

  it('lets a two-sided alert be inhibited by a source that matches only the source side', () => {
    const t = setup({
      rules: [
        {
          source_matchers: ['alertname="NodeDown"'],
          target_matchers: ['severity="warning"'],
          equal: ['node'],
        },
      ],
    });
    const both = alert({ alertname: 'NodeDown', severity: 'warning', node: 'n1' });
    const sourceOnly = alert({ alertname: 'NodeDown', severity: 'critical', node: 'n1' });
    t.ingest(both);
    expect(t.mute(both)).toEqual([both]);
    t.ingest(sourceOnly);
    expect(t.mute(both)).toEqual([]);
    expect(t.inhibitor.marker.status(both.fingerprint).inhibitedBy).toEqual([
      sourceOnly.fingerprint,
    ]);
  });
});

describe('source lifecycle (TestInhibit)', () => {
  const rules = [{ source_match: { s: '1' }, target_match: { t: '1' }, equal: ['e'] }];
  const alertOne = alert({ t: '1', e: 'f' });
  const alertTwo = (endsAt: number) => alert({ s: '1', e: 'f' }, { endsAt });

  it('does not mute while the source has not fired', () => {
    const t = setup({ rules });
    t.ingest(alertOne);
    expect(t.inhibitor.mutes(alertOne.labels, T0)).toBe(false);
  });

  it('mutes the target while the source fires, never the source itself', () => {
    const t = setup({ rules });
    t.ingest(alertOne, alertTwo(T0 + HOUR));
    expect(t.inhibitor.mutes(alertOne.labels, T0)).toBe(true);
    expect(t.inhibitor.mutes(alertTwo(T0 + HOUR).labels, T0)).toBe(false);
  });

  it('lifts the inhibition when the source resolves (a resolved update)', () => {
    const t = setup({ rules });
    t.ingest(alertOne, alertTwo(T0 + HOUR), alertTwo(T0 - SECOND));
    expect(t.inhibitor.mutes(alertOne.labels, T0)).toBe(false);
    expect(t.inhibitor.cachedSources).toBe(0);
  });

  it('lifts the inhibition when the source reaches its end time, with no update', async () => {
    const marker = createAlertMarker();
    const t = setup({ rules, marker });
    t.ingest(alertOne, alertTwo(T0 + 5 * MINUTE));
    expect(t.mute(alertOne)).toEqual([]);
    expect(marker.status(alertOne.fingerprint).inhibitedBy).toEqual([alertTwo(0).fingerprint]);
    await t.clock.advance(5 * MINUTE);
    expect(t.mute(alertOne)).toEqual([alertOne]);
    expect(marker.status(alertOne.fingerprint)).toEqual({
      state: 'active',
      silencedBy: [],
      inhibitedBy: [],
    });
  });

  it('mutes resolved targets too, as the mute stage sees every alert of a notification', () => {
    const t = setup({ rules });
    const resolvedTarget = alert({ t: '1', e: 'f' }, { endsAt: T0 - SECOND });
    t.ingest(alertTwo(T0 + HOUR));
    expect(t.mute(resolvedTarget)).toEqual([]);
  });
});

describe('cache maintenance', () => {
  const rules = [{ source_match: { s: '1' }, target_match: { t: '1' } }];

  it('drops sources that resolved since they were seen, every 15 minutes', async () => {
    const t = setup({ rules });
    await t.inhibitor.start(t.context);
    t.ingest(alert({ s: '1', n: 'a' }, { endsAt: T0 + MINUTE }), alert({ s: '1', n: 'b' }));
    expect(t.inhibitor.cachedSources).toBe(2);
    await t.clock.advance(14 * MINUTE);
    expect(t.inhibitor.cachedSources).toBe(2);
    await t.clock.advance(MINUTE);
    expect(t.inhibitor.cachedSources).toBe(1);
    t.inhibitor.stop();
    expect(t.clock.pendingTimers).toBe(0);
  });

  it('seeds the caches from the stored alerts at start, as the alert provider replays them', async () => {
    const t = setup({ rules });
    const source = alert({ s: '1' });
    await t.store.alerts.upsert([source, alert({ s: '1', old: 'y' }, { endsAt: T0 - MINUTE })]);
    await t.inhibitor.start(t.context);
    expect(t.inhibitor.cachedSources).toBe(1);
    expect(t.inhibitor.inhibits({ t: '1' }, T0)).toEqual([source.fingerprint]);
    t.inhibitor.stop();
  });

  it('returns every batch unchanged', () => {
    const t = setup({ rules });
    const batch = [alert({ s: '1' }), alert({ t: '1' })];
    expect(t.inhibitor.process(batch, { ...t.context, now: T0 })).toBe(batch);
  });
});
