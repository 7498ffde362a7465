import { sortedLabelNames } from '@phoenix-alerting/core';
import type { Alert, Labels } from '@phoenix-alerting/core';

/**
 * Compares strings as Go does (by UTF-8 bytes, i.e. by code point). It differs from JavaScript's
 * `<` only where a surrogate pair meets U+E000–U+FFFF.
 */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Move surrogates (astral code points) above U+E000–U+FFFF.
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

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
    if (aName !== bName) return compareGoStrings(aName, bName) < 0 ? 1 : -1;
    const order = compareGoStrings(a[aName]!, b[bName]!);
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
    if (x !== y) return compareGoStrings(x, y);
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
