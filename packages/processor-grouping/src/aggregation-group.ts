import type { Alert, GroupState, Labels, TimerHandle } from '@phoenix-alerting/core';
import type { GroupPath, RouteIndex } from './route-index.js';

/**
 * Alertmanager's `aggrGroup`: the alerts of one route that share the values of its `group_by`
 * labels, and the timer that flushes them. Plain state; the dispatcher drives it.
 */
export class AggregationGroup {
  /** The newest state of each alert, by fingerprint. */
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

  constructor(
    readonly index: RouteIndex<AggregationGroup>,
    readonly path: GroupPath,
    readonly groupKey: string,
    readonly labels: Labels,
    nextFlushAt: number,
  ) {
    this.nextFlushAt = nextFlushAt;
  }

  state(): GroupState {
    const route = this.index.route;
    return {
      groupKey: this.groupKey,
      receiver: route.receiver,
      routeId: route.routeId,
      groupLabels: { ...this.labels },
      fingerprints: [...this.alerts.keys()].sort(),
      firstFlushAt: this.firstFlushAt,
      lastFlushAt: this.lastFlushAt,
      nextFlushAt: this.nextFlushAt,
    };
  }
}
