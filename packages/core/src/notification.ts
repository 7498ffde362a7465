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
  /** Set when the escalation engine pages people for an incident. */
  incident?: NotificationIncident;
}

/** Where a person can be reached, as configured under `teams:` (spec 5.2). */
export interface Recipient {
  /** The person's name, unique across teams. */
  name: string;
  email?: string;
  /** E.164 phone number for SMS, e.g. `+15550100`. */
  phone?: string;
  /** Slack user id, e.g. `U0001`. */
  slack?: string;
  /** PagerDuty user id, e.g. `PABC123`. */
  pagerduty?: string;
}

/** The lifecycle states of an incident (spec 8.2). */
export type IncidentStatus = 'new' | 'acknowledged' | 'investigating' | 'mitigated' | 'resolved';

/** What happened to an incident that this notification tells people about. */
export type IncidentEvent =
  | 'triggered'
  | 'escalated'
  | 'repeated'
  | 'acknowledged'
  | 'unacknowledged'
  | 'status-changed'
  | 'reopened'
  | 'resolved';

/**
 * Set on a notification the escalation engine sends for an incident: channels that can show an
 * incident's state (Slack updates one message in place, PagerDuty keys by incident, email threads,
 * SMS replies with `ACK <number>`) read it; plain Alertmanager receivers never see it.
 */
export interface NotificationIncident {
  /** Stable incident id (also PagerDuty's `dedup_key` and the email thread id). */
  id: string;
  /** Short number people type in replies, e.g. `ACK 1234`. */
  number: number;
  /** One-line summary. */
  title: string;
  /** Severity level name, e.g. `critical`. */
  severity: string;
  status: IncidentStatus;
  /** What this notification announces. */
  event: IncidentEvent;
  /** Escalation level being paged (1-based); 0 when no level is paged (e.g. a resolution). */
  level: number;
  /** People this notification is addressed to, with their contact addresses. */
  recipients: readonly Recipient[];
  /** Who acknowledged, once someone has. */
  acknowledgedBy?: string;
  /** Link to the incident in the server's API or UI. */
  url?: string;
}

/** A notification the escalation engine sends: a {@link Notification} about an incident. */
export interface IncidentNotification extends Notification {
  incident: NotificationIncident;
}
