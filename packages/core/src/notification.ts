import type { Alert } from './alert.js';
import type { Labels } from './labels.js';

/** How an aggregation group and its timers are configured: the settings a route resolves to. */
export interface RouteSettings {
  /** Receiver name that notifications for this route go to. */
  receiver: string;
  /** Label names to group by; `'...'` groups by all labels (one group per alert). */
  groupBy: readonly string[] | '...';
  /** Wait before the first notification of a new group, in ms (Alertmanager default 30s). */
  groupWaitMs: number;
  /** Wait between notifications about changes to a group, in ms (default 5m). */
  groupIntervalMs: number;
  /** Wait before re-sending an unchanged, still-firing group, in ms (default 4h). */
  repeatIntervalMs: number;
  /** Names of time intervals during which notifications are muted. */
  muteTimeIntervals: readonly string[];
  /** Names of time intervals outside which notifications are muted (empty: always active). */
  activeTimeIntervals: readonly string[];
}

/** One route an alert matched, with the key that identifies the route in group keys. */
export interface RouteMatch extends RouteSettings {
  /**
   * Alertmanager's `Route.Key()`: the chain of matcher sets from the root, e.g.
   * `{}/{severity="critical"}`; part of the `groupKey` (`{}/{severity="critical"}:{alertname="X"}`).
   */
  readonly routeKey: string;
  /** Alertmanager's route ID (`Route.ID()`), unique per route in the tree. */
  readonly routeId: string;
}

/**
 * A grouped notification, the unit a Notifier delivers (Alertmanager's flushed aggregation group
 * for one receiver).
 */
export interface Notification {
  /** Receiver the notification is for. */
  receiver: string;
  /** Alertmanager's group key: `routeKey:groupLabels`, stable for the life of the group. */
  groupKey: string;
  /** The values of the route's `group_by` labels shared by the group. */
  groupLabels: Labels;
  /** Alerts in the group at flush time, firing and resolved, sorted by labels. */
  alerts: readonly Alert[];
  /** The flush time (ms since epoch): status of each alert is judged against it. */
  timestamp: number;
  /** The route settings the group was formed under. */
  route: RouteMatch;
}
