import { describe, expect, it } from 'vitest';
import type { Alert } from '@phoenix-alerting/core';
import { buildAlert, buildRoute } from '@phoenix-alerting/core/testing';
import { AggregationGroup } from './aggregation-group.js';
import { RouteIndex } from './route-index.js';
import { sortAlerts } from './sort.js';

function group(): AggregationGroup {
  const index = new RouteIndex<AggregationGroup>(buildRoute({ groupBy: ['alertname'] }));
  return new AggregationGroup(index, ['A'], '{}:{alertname="A"}', { alertname: 'A' }, 0);
}

const alert = (instance: string, extra: { endsAt?: number; job?: string } = {}) =>
  buildAlert({
    labels: { alertname: 'A', instance, ...(extra.job ? { job: extra.job } : {}) },
    endsAt: extra.endsAt,
  });

const instances = (alerts: readonly Alert[]) => alerts.map((a) => a.labels.instance);

/** What the order must be: a fresh sort of the alerts the group holds. */
const freshOrder = (g: AggregationGroup) => instances(sortAlerts([...g.alerts.values()]));

describe('AggregationGroup', () => {
  it('keeps the notification order across flushes and follows every change of its alerts', () => {
    const g = group();
    for (const instance of ['c', 'a', 'd']) g.put(alert(instance));
    g.put(alert('b', { job: 'node' }));
    expect(instances(g.sortedAlerts())).toEqual(['b', 'a', 'c', 'd']);
    // Unchanged: the same order again, in a new array each time (the flush edits its copy).
    const first = g.sortedAlerts();
    expect(g.sortedAlerts()).not.toBe(first);
    expect(g.sortedAlerts()).toEqual(first);

    // A new state of a held alert takes that alert's place, with its new fields.
    const updated = alert('c', { endsAt: Date.UTC(2024, 0, 2) });
    g.put(updated);
    const afterUpdate = g.sortedAlerts();
    expect(instances(afterUpdate)).toEqual(['b', 'a', 'c', 'd']);
    expect(afterUpdate[2]).toBe(updated);

    // A new alert is sorted in; a removed one leaves.
    g.put(alert('0'));
    expect(instances(g.sortedAlerts())).toEqual(['b', '0', 'a', 'c', 'd']);
    expect(g.drop(alert('a').fingerprint)).toBe(true);
    expect(g.drop(alert('a').fingerprint)).toBe(false);
    expect(instances(g.sortedAlerts())).toEqual(['b', '0', 'c', 'd']);
    expect(instances(g.sortedAlerts())).toEqual(freshOrder(g));
  });

  it('saves its fingerprints sorted, a fresh array each time, following adds and removals', () => {
    const g = group();
    const alerts = ['a', 'b', 'c'].map((instance) => alert(instance));
    for (const a of alerts) g.put(a);
    const state = g.state();
    expect(state.fingerprints).toEqual(alerts.map((a) => a.fingerprint).sort());
    state.fingerprints.pop();
    expect(g.state().fingerprints).toHaveLength(3);

    g.drop(alerts[0]!.fingerprint);
    expect(g.state().fingerprints).toEqual([alerts[1]!.fingerprint, alerts[2]!.fingerprint].sort());
    const added = alert('d');
    g.put(added);
    expect(g.state().fingerprints).toEqual(
      [alerts[1], alerts[2], added].map((a) => a!.fingerprint).sort(),
    );
  });
});
