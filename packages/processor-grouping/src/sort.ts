import { compareUtf8, sortedLabelNames } from '@phoenix-alerting/core';
import type { Alert, Labels } from '@phoenix-alerting/core';

function labelValue(labels: Labels, name: string): string | undefined {
  const value = labels[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * `model.LabelSet.Before` as a comparator: fewer labels first; otherwise the first differing pair
 * in name order decides, a set lacking that name coming first. `names` are each set's names in
 * Go order (`sortedLabelNames`).
 */
export function compareLabelSets(
  a: Labels,
  aNames: readonly string[],
  b: Labels,
  bNames: readonly string[],
): number {
  if (aNames.length !== bNames.length) return aNames.length - bNames.length;
  // Walking both sorted name lists equals Go's walk over their sorted union.
  for (let i = 0; i < aNames.length; i++) {
    const aName = aNames[i]!;
    const bName = bNames[i]!;
    if (aName !== bName) return compareUtf8(aName, bName) < 0 ? 1 : -1;
    const order = compareUtf8(a[aName]!, b[bName]!);
    if (order !== 0) return order;
  }
  return 0;
}

const OVERRIDE_KEYS = ['job', 'instance'] as const;

/**
 * `types.AlertSlice.Less` of Alertmanager: by the `job` label, then `instance` (alerts that have
 * the label first), then by `LabelSet.Before`.
 */
function compareDecorated(a: Decorated, b: Decorated): number {
  for (const key of OVERRIDE_KEYS) {
    const x = labelValue(a.alert.labels, key);
    const y = labelValue(b.alert.labels, key);
    if (x === undefined && y === undefined) continue;
    if (x === undefined) return 1;
    if (y === undefined) return -1;
    if (x !== y) return compareUtf8(x, y);
  }
  return compareLabelSets(a.alert.labels, a.names, b.alert.labels, b.names);
}

interface Decorated {
  alert: Alert;
  names: string[];
}

/** Sorts alerts in place in Alertmanager's notification and API order (`sort.Stable(AlertSlice)`). */
export function sortAlerts<T extends Alert>(alerts: T[]): T[] {
  if (alerts.length < 2) return alerts;
  const decorated = alerts.map((alert) => ({ alert, names: sortedLabelNames(alert.labels) }));
  decorated.sort(compareDecorated);
  for (let i = 0; i < alerts.length; i++) alerts[i] = decorated[i]!.alert as T;
  return alerts;
}
