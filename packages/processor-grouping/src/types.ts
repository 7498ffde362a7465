import type { Alert, Dispatcher, Labels, RouteMatch, StopOptions } from '@phoenix-alerting/core';

/** One aggregation group as `GET /api/v2/alerts/groups` shows it (Alertmanager's `AlertGroup`). */
export interface AlertGroupView {
  /** `routeKey:groupLabels`, e.g. `{}/{env="prod"}:{alertname="HighLatency"}`. */
  groupKey: string;
  /** The group's values of the route's `group_by` labels. */
  labels: Labels;
  /** Receiver the group notifies. */
  receiver: string;
  /** Id of the route the group belongs to. */
  routeId: string;
  /** The group's alerts (as received, not as last notified), in Alertmanager's order. */
  alerts: Alert[];
}

/** Narrows {@link GroupingDispatcher.groups}, as Alertmanager's `Dispatcher.Groups` filters. */
export interface GroupsFilter {
  /** Keeps the groups of the routes it accepts. */
  route?: (route: RouteMatch) => boolean;
  /** Keeps the alerts it accepts; `now` is read once per call. Groups left empty are omitted. */
  alert?: (alert: Alert, now: number) => boolean;
}

/** Counters and gauges for `/metrics`. */
export interface GroupingStats {
  /** Aggregation groups alive (Alertmanager's `alertmanager_dispatcher_aggregation_groups`). */
  groups: number;
  /** Alerts held across all groups; an alert in the groups of two routes counts twice. */
  alerts: number;
  /** Flushes waiting for their notification's delivery. */
  flushesInFlight: number;
  /** Flushes started since the dispatcher was created. */
  flushes: number;
  /** Flushes whose notification was not delivered (resolved alerts were kept for the next one). */
  flushFailures: number;
}

/** What {@link GroupingDispatcher.restore} did. */
export interface RestoreResult {
  /** Groups resumed from a persisted state (their flush times kept). */
  resumed: number;
  /** Groups without a persisted state, started afresh (`group_wait`, or at once for old alerts). */
  created: number;
  /** Alerts inserted into groups. */
  alerts: number;
  /** Persisted states deleted because none of the given alerts belongs to them any more. */
  discarded: number;
}

/**
 * Alertmanager's dispatcher: sorts routed alerts into aggregation groups and flushes each group
 * on its own timers (`group_wait`, then every `group_interval`). Whether a flush actually sends
 * anything (a change, or `repeat_interval` elapsed) is decided downstream by the notification log.
 */
export interface GroupingDispatcher extends Dispatcher {
  /**
   * Resumes groups after a restart. `start` reads the group states a previous process saved
   * (`store.groups`); call `restore` once after the pipeline has started, with the alerts still
   * active (e.g. `await store.alerts.list()`) and the routes each matches
   * (`alerts.map((alert) => router.match(alert.labels))`). Batches may arrive before or meanwhile.
   *
   * A group whose saved state has the same group key keeps its flush times, whether `restore` or
   * an incoming batch forms it: if it had flushed it does not wait `group_wait` again but flushes
   * at the saved `nextFlushAt` (at once when that has passed), then every `group_interval`; the
   * notification log in the same store keeps it from re-sending what was already delivered.
   * Resolved alerts are restored only into a group whose saved state still lists them (the others
   * were notified and removed, or never notified firing). Alerts without a saved group form new
   * groups, as `dispatch` does. Saved states that none of the alerts claims are deleted, and later
   * groups start afresh.
   *
   * @param now the restore time (ms since epoch); default `clock.now()`.
   * @throws PhoenixError `ERR_PLUGIN_FAILED` when called before `start`.
   */
  restore(
    alerts: readonly Alert[],
    routes: readonly (readonly RouteMatch[])[],
    now?: number,
  ): Promise<RestoreResult>;
  /** The groups and their alerts, sorted as Alertmanager's API sorts them (labels, then receiver). */
  groups(filter?: GroupsFilter): AlertGroupView[];
  stats(): GroupingStats;
  /**
   * Clears every timer, waits for flushes in flight (until `options.signal` aborts, when given),
   * then saves every group's state in one write. Later `dispatch` calls are ignored. Runs once.
   */
  stop(options?: StopOptions): Promise<void>;
}
