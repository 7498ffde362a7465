import type { Alert, GroupState, Labels, TimerHandle } from '@phoenix-alerting/core';
import type { GroupPath, RouteIndex } from './route-index.js';
import { sortAlerts } from './sort.js';

/**
 * Alertmanager's `aggrGroup`: the alerts of one route that share the values of its `group_by`
 * labels, and the timer that flushes them. Plain state; the dispatcher drives it.
 */
export class AggregationGroup {
  /** The newest state of each alert, by fingerprint. Change it only through `put` and `drop`. */
  readonly alerts = new Map<string, Alert>();
  /** Pending flush timer; undefined while a flush runs or after the group is removed. */
  timer: TimerHandle | undefined = undefined;
  /** When the timer is due (ms since epoch). */
  nextFlushAt: number;
  /** When the group first flushed, 0 while it waits for `group_wait`. */
  firstFlushAt = 0;
  lastFlushAt = 0;
  /** Alertmanager's `hasFlushed`: once set, an old alert no longer triggers an immediate flush. */
  hasFlushed = false;
  /** The flush in progress: a group's flushes never overlap. */
  flushing: Promise<void> | undefined = undefined;
  /** The timer fired during a flush; flush again as soon as it ends (Go's buffered tick). */
  tickPending = false;
  removed = false;
  /** The alerts its saved state listed, when the group resumed one after a restart. */
  persistedFingerprints: readonly string[] | undefined = undefined;

  // Both orders depend only on which fingerprints the group holds, so they are kept until an alert
  // joins or leaves: a flush of an unchanged group (every group_interval) sorts nothing.
  /** Fingerprints in Alertmanager's notification order. */
  private notificationOrder: string[] | undefined = undefined;
  /** Fingerprints in string order, as the saved state lists them. */
  private sortedFingerprints: string[] | undefined = undefined;

  constructor(
    readonly index: RouteIndex<AggregationGroup>,
    readonly path: GroupPath,
    readonly groupKey: string,
    readonly labels: Labels,
    nextFlushAt: number,
  ) {
    this.nextFlushAt = nextFlushAt;
  }

  /** Adds an alert, or replaces the state of one the group holds. */
  put(alert: Alert): void {
    const size = this.alerts.size;
    this.alerts.set(alert.fingerprint, alert);
    // A new state of a held alert has the same labels (`Alert.fingerprint` is their hash and the
    // alert's identity, as in Alertmanager), so it keeps its place in both orders.
    if (this.alerts.size !== size) this.membershipChanged();
  }

  /** Removes an alert; returns whether the group held it. */
  drop(fingerprint: string): boolean {
    const dropped = this.alerts.delete(fingerprint);
    if (dropped) this.membershipChanged();
    return dropped;
  }

  /** The current state of every alert, in Alertmanager's notification order (`sortAlerts`). */
  sortedAlerts(): Alert[] {
    const order = this.notificationOrder;
    if (order === undefined) {
      const alerts = sortAlerts([...this.alerts.values()]);
      this.notificationOrder = alerts.map((alert) => alert.fingerprint);
      return alerts;
    }
    const alerts: Alert[] = [];
    for (let i = 0; i < order.length; i++) alerts.push(this.alerts.get(order[i]!)!);
    return alerts;
  }

  state(): GroupState {
    const route = this.index.route;
    return {
      groupKey: this.groupKey,
      receiver: route.receiver,
      routeId: route.routeId,
      groupLabels: { ...this.labels },
      // A copy: a store may keep or change the array it is given.
      fingerprints: (this.sortedFingerprints ??= [...this.alerts.keys()].sort()).slice(),
      firstFlushAt: this.firstFlushAt,
      lastFlushAt: this.lastFlushAt,
      nextFlushAt: this.nextFlushAt,
    };
  }

  private membershipChanged(): void {
    this.notificationOrder = undefined;
    this.sortedFingerprints = undefined;
  }
}
