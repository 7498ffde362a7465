import { PhoenixError } from './errors.js';
import { fingerprint } from './fingerprint.js';
import { labelProblems } from './labels.js';
import type { Labels } from './labels.js';

/**
 * An alert, as Alertmanager models it (`types.Alert`). Times are milliseconds since the Unix
 * epoch; `0` means "not set", like Go's zero `time.Time`.
 */
export interface Alert {
  /** Identity of the alert. Two alerts with the same labels are the same alert. */
  readonly labels: Labels;
  /** Free-form information (summary, description, runbook_url…); not part of the identity. */
  readonly annotations: Labels;
  /** When the alert started firing (ms since epoch). Always set. */
  readonly startsAt: number;
  /** When the alert resolves or resolved (ms since epoch); 0 when unknown. */
  readonly endsAt: number;
  /** Link back to the rule that produced the alert; '' when absent. */
  readonly generatorURL: string;
  /** When this state of the alert was received (ms since epoch). */
  readonly updatedAt: number;
  /**
   * True when the sender gave no `endsAt` and it was set from `resolve_timeout`; such an end time
   * is a guess that a later explicit one overrides (Alertmanager's `Alert.Timeout`).
   */
  readonly timeout: boolean;
  /** `fingerprint(labels)`: 16 lowercase hex digits, equal to Alertmanager's. */
  readonly fingerprint: string;
}

/** What a source hands in: an alert before validation and defaulting. */
export interface AlertInput {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  /** ms since epoch, a Date or an RFC 3339 string; defaults to the time of receipt. */
  startsAt?: number | Date | string;
  /** ms since epoch, a Date or an RFC 3339 string; absent means "until further notice". */
  endsAt?: number | Date | string;
  generatorURL?: string;
}

/** `firing` while `endsAt` is unset or in the future, `resolved` once it has passed. */
export type AlertStatus = 'firing' | 'resolved';

/** Alertmanager's `Alert.ResolvedAt(now)`: resolved when `endsAt` is set and not after `now`. */
export function isResolved(alert: Pick<Alert, 'endsAt'>, now: number): boolean {
  return alert.endsAt !== 0 && alert.endsAt <= now;
}

export function alertStatus(alert: Pick<Alert, 'endsAt'>, now: number): AlertStatus {
  return isResolved(alert, now) ? 'resolved' : 'firing';
}

function toMillis(value: number | Date | string | undefined, field: string): number {
  if (value === undefined || value === '') return 0;
  if (typeof value === 'number') return value;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms))
    throw new Error(`${field} is not a valid time: ${JSON.stringify(String(value))}`);
  // Go's zero time (0001-01-01T00:00:00Z) means "unset" in Alertmanager's API.
  return ms <= -62135596800000 ? 0 : ms;
}

export interface CreateAlertOptions {
  /** The receipt time (ms since epoch) used for `updatedAt` and a missing `startsAt`. */
  now: number;
  /**
   * When set, an alert without `endsAt` gets `now + resolveTimeoutMs` and `timeout: true`, as
   * Alertmanager's API does with `resolve_timeout` (default there: 5m).
   */
  resolveTimeoutMs?: number;
}

const NO_LABELS = 'at least one label pair required';

/** Alertmanager's API drops label pairs with an empty value before validating and fingerprinting. */
function withoutEmptyValues(labels: Record<string, string>): Record<string, string> {
  for (const name in labels) {
    if (labels[name] === '')
      return Object.fromEntries(Object.entries(labels).filter(([, value]) => value !== ''));
  }
  return labels;
}

/**
 * Problems with an alert, checked as Alertmanager's `Alert.Validate()`; empty when valid.
 * Messages name the offending label or field.
 */
export function alertProblems(
  alert: Pick<Alert, 'labels' | 'annotations' | 'startsAt' | 'endsAt'>,
): string[] {
  const problems: string[] = [];
  if (alert.startsAt === 0) problems.push('start time missing');
  if (alert.endsAt !== 0 && alert.endsAt < alert.startsAt)
    problems.push('start time must be before end time');
  const labels = labelProblems(alert.labels, 'labels');
  const empty = labels.indexOf(NO_LABELS);
  if (empty >= 0) labels.splice(empty, 1);
  if (labels.length > 0) problems.push(`invalid label set: ${labels.join('; ')}`);
  if (empty >= 0) problems.push(NO_LABELS);
  const annotations = labelProblems(alert.annotations, 'annotations');
  if (annotations.length > 0) problems.push(`invalid annotations: ${annotations.join('; ')}`);
  return problems;
}

/**
 * Validates an input and turns it into an {@link Alert} with its fingerprint. Throws a
 * `PhoenixError` (`ERR_ALERT_INVALID`) that lists every problem.
 */
export function createAlert(input: AlertInput, options: CreateAlertOptions): Alert {
  let startsAt: number;
  let endsAt: number;
  try {
    startsAt = toMillis(input.startsAt, 'startsAt') || options.now;
    endsAt = toMillis(input.endsAt, 'endsAt');
  } catch (error) {
    throw new PhoenixError('ERR_ALERT_INVALID', (error as Error).message);
  }
  const labels = withoutEmptyValues(input.labels ?? {});
  const annotations = input.annotations ?? {};
  let timeout = false;
  if (endsAt === 0 && options.resolveTimeoutMs !== undefined) {
    endsAt = options.now + options.resolveTimeoutMs;
    timeout = true;
  }
  const problems = alertProblems({ labels, annotations, startsAt, endsAt });
  if (problems.length > 0) throw new PhoenixError('ERR_ALERT_INVALID', problems.join('; '));
  return {
    labels,
    annotations,
    startsAt,
    endsAt,
    generatorURL: input.generatorURL ?? '',
    updatedAt: options.now,
    timeout,
    fingerprint: fingerprint(labels),
  };
}

/**
 * Alertmanager's `Alert.Merge`: combines two states of the same alert. The more recently updated
 * one wins, except that the earliest `startsAt` is kept, and an explicit (non-timeout) later
 * `endsAt` of the older state is kept while the newer one is still firing.
 */
export function mergeAlerts(a: Alert, b: Alert, now: number): Alert {
  if (b.updatedAt < a.updatedAt) return mergeAlerts(b, a, now);
  let startsAt = b.startsAt;
  let endsAt = b.endsAt;
  if (a.startsAt < b.startsAt) startsAt = a.startsAt;
  if (isResolved(b, now)) {
    if (isResolved(a, now) && a.endsAt > b.endsAt) endsAt = a.endsAt;
  } else if (a.endsAt > b.endsAt && !a.timeout) {
    endsAt = a.endsAt;
  }
  if (startsAt === b.startsAt && endsAt === b.endsAt) return b;
  return { ...b, startsAt, endsAt };
}
