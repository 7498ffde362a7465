import { sortedLabelNames } from '@phoenix-alerting/core';
import type { Alert } from '@phoenix-alerting/core';
import type { AggregationGroup } from './aggregation-group.js';
import { compareUtf8 } from '@phoenix-alerting/core';
import { compareLabelSets, sortAlerts } from './sort.js';
import type { AlertGroupView, GroupsFilter } from './types.js';

/** Alertmanager's `Dispatcher.Groups`: filtered views of the groups, in its API order. */
export function listGroups(
  groups: Iterable<AggregationGroup>,
  filter: GroupsFilter = {},
  now: number,
): AlertGroupView[] {
  const views: { view: AlertGroupView; names: string[] }[] = [];
  for (const group of groups) {
    const route = group.index.route;
    if (filter.route && !filter.route(route)) continue;
    const alerts: Alert[] = [];
    for (const alert of group.alerts.values())
      if (!filter.alert || filter.alert(alert, now)) alerts.push(alert);
    if (alerts.length === 0) continue;
    const view: AlertGroupView = {
      groupKey: group.groupKey,
      labels: { ...group.labels },
      receiver: route.receiver,
      routeId: route.routeId,
      alerts: sortAlerts(alerts),
    };
    views.push({ view, names: sortedLabelNames(view.labels) });
  }
  // AlertGroups.Less: group labels (LabelSet.Before), then receiver.
  views.sort(
    (a, b) =>
      compareLabelSets(a.view.labels, a.names, b.view.labels, b.names) ||
      compareUtf8(a.view.receiver, b.view.receiver),
  );
  return views.map(({ view }) => view);
}
