import { compareUtf8, sortedLabelNames } from '@phoenix-alerting/core';
import type { Alert, Labels } from '@phoenix-alerting/core';

/** A label's value; undefined when absent (not an own string). */
const stringOrUndefined = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

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

/** An alert with its `job` and `instance` read once, as a sort compares each alert many times. */
interface SortKey {
  alert: Alert;
  job: string | undefined;
  instance: string | undefined;
  /** Sorted label names, computed only once `job` and `instance` both tie (seldom). */
  names: string[] | undefined;
}

/** One of `AlertSlice.Less`'s override labels: alerts that have it first, then by value. */
function compareOverride(x: string | undefined, y: string | undefined): number {
  if (x === y) return 0;
  if (x === undefined) return 1;
  if (y === undefined) return -1;
  return compareUtf8(x, y);
}

function namesOf(key: SortKey): string[] {
  return (key.names ??= sortedLabelNames(key.alert.labels));
}

/**
 * `types.AlertSlice.Less` of Alertmanager: by the `job` label, then `instance` (alerts that have
 * the label first), then by `LabelSet.Before`.
 */
function compareKeys(a: SortKey, b: SortKey): number {
  return (
    compareOverride(a.job, b.job) ||
    compareOverride(a.instance, b.instance) ||
    compareLabelSets(a.alert.labels, namesOf(a), b.alert.labels, namesOf(b))
  );
}

function sortKey(alert: Alert): SortKey {
  const labels = alert.labels;
  return {
    alert,
    job: stringOrUndefined(labels.job),
    instance: stringOrUndefined(labels.instance),
    names: undefined,
  };
}

/** Sorts alerts in place in Alertmanager's notification and API order (`sort.Stable(AlertSlice)`). */
export function sortAlerts<T extends Alert>(alerts: T[]): T[] {
  if (alerts.length < 2) return alerts;
  const keys = alerts.map(sortKey);
  keys.sort(compareKeys);
  for (let i = 0; i < alerts.length; i++) alerts[i] = keys[i]!.alert as T;
  return alerts;
}
