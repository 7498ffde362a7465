import type { Alert } from './alert.js';
import type { Labels } from './labels.js';
import type { IncidentNotification, IncidentStatus, RouteMatch } from './notification.js';

/** An automated or manual action taken on an incident (spec 8.2 `actions_taken`). */
export interface IncidentAction {
  /** Action type, e.g. `RestartService`, or free text for a manual action. */
  action: string;
  /** Who ran it: a person, or a responder's name. */
  by: string;
  /** When (ms since epoch). */
  at: number;
  /** Whether it succeeded. */
  ok: boolean;
  /** What happened. */
  message: string;
}

/**
 * An incident of the escalation engine (spec 8.2): one per aggregation group and escalation
 * policy while it is open. Plain JSON data; stores copy it in and out.
 */
export interface IncidentRecord {
  /** Stable id (a UUID). */
  id: string;
  /** Short number, unique per store, that people type in replies (`ACK 12`). */
  number: number;
  /** What opened it: receiver, policy and group key. At most one open incident per key. */
  dedupKey: string;
  title: string;
  /** Severity level name from the severity matrix. */
  severity: string;
  status: IncidentStatus;
  /** Receiver whose `escalation_policy` opened it. */
  receiver: string;
  /** Escalation policy name. */
  policy: string;
  /** The aggregation group's key. */
  groupKey: string;
  /** The group's labels: its group-by labels and the labels every alert of it shares. */
  labels: Labels;
  /** The values of the route's `group_by` labels. */
  groupLabels: Labels;
  /** The route the group was formed under (pages carry it, as notifications do). */
  route: RouteMatch;
  /** The group's alerts as last notified, firing and resolved. */
  alerts: Alert[];
  /** Level last paged (1-based); 0 before the first page. */
  level: number;
  /** How many times the policy has repeated (0 on the first pass). */
  cycle: number;
  /** How many times it was reopened: part of page keys, so a reopened incident pages afresh. */
  round: number;
  /** How many steps and broadcasts were decided: numbers step ids, so every decision is unique. */
  decisions: number;
  /** Set when every level and repeat was paged without an acknowledgement. */
  exhausted: boolean;
  /** Names of everyone paged so far (resolution notifies them). */
  paged: string[];
  assignedTo?: string;
  acknowledgedBy?: string;
  acknowledgedAt?: number;
  resolvedBy?: string;
  resolvedAt?: number;
  actionsTaken: IncidentAction[];
  createdAt: number;
  updatedAt: number;
}

/** One event of an incident's timeline, in the order it happened. */
export interface IncidentTimelineEntry {
  /** Order of the event among all events of the store (assigned by the store on append). */
  seq: number;
  incidentId: string;
  /** When (ms since epoch). */
  at: number;
  /**
   * Noun-verb kind: `incident-created`, `alert-added`, `alert-resolved`, `level-paged`,
   * `page-sent`, `page-failed`, `incident-acknowledged`, `incident-unacknowledged`,
   * `status-changed`, `incident-assigned`, `note-added`, `action-recorded`, `policy-exhausted`,
   * `incident-resolved`, `incident-reopened`.
   */
  kind: string;
  /** Person, responder or `system`. */
  actor?: string;
  /** One human-readable line. */
  message: string;
  /** The event's details (JSON object). */
  data: Record<string, unknown>;
}

/** A pending (or finished) durable timer of the escalation engine. */
export interface EscalationStep {
  /** Unique id, derived from what it does: `incident/round/kind/cycle/level`. */
  id: string;
  incidentId: string;
  /** `level`: page a level; `ack-timeout`: resume after an unanswered ack; `exhausted`: flag. */
  kind: 'level' | 'ack-timeout' | 'exhausted';
  /** Level it pages (1-based), or the level it follows for the other kinds. */
  level: number;
  cycle: number;
  round: number;
  /** When it is due (ms since epoch). */
  dueAt: number;
  status: 'pending' | 'done' | 'canceled';
  /** The worker holding the lease; undefined when unclaimed. */
  claimedBy?: string;
  /** When the lease ends (ms since epoch); a pending step past it can be claimed again. */
  leaseUntil?: number;
  createdAt: number;
  finishedAt?: number;
}

/** One page in the outbox: a notification to one person on one channel. */
export interface EscalationPage {
  /** The idempotency key, unique to the page: `incident/round/level/cycle/channel/person`. */
  key: string;
  incidentId: string;
  /** Channel name (a key of the engine's `channels`). */
  channel: string;
  /** Name of the person paged. */
  recipient: string;
  status: 'pending' | 'sent' | 'failed';
  /** Delivery attempts made so far. */
  attempts: number;
  /** When the next attempt is due (ms since epoch). */
  nextAttemptAt: number;
  claimedBy?: string;
  leaseUntil?: number;
  /** The notification to deliver, fixed when the page was recorded. */
  notification: IncidentNotification;
  createdAt: number;
  /** When it was delivered or given up (ms since epoch). */
  finishedAt?: number;
  /** The last failure, free of secrets. */
  lastError?: string;
}

/** Rotation override as persisted (the escalation package's `RotationOverride`). */
export interface RotationOverrideRecord {
  id: string;
  rotation: string;
  /** Who covers. */
  person: string;
  /** Whose shift is covered; undefined for whoever is scheduled. */
  replaces?: string;
  /** Range [start, end), ms since epoch. */
  start: number;
  end: number;
  reason?: string;
  createdBy?: string;
  createdAt: number;
}

/** Filters of {@link EscalationStore.listIncidents}; all optional, combined with AND. */
export interface IncidentQuery {
  status?: readonly IncidentStatus[];
  severity?: readonly string[];
  receiver?: string;
  /** Created at or after (ms since epoch). */
  since?: number;
  /** Created before (ms since epoch). */
  until?: number;
  /** At most this many, newest first. */
  limit?: number;
}

/** Ends a claimed step; the commit fails unless it is still pending (and claimed by `owner`). */
export interface StepCompletion {
  id: string;
  /** The claimant; omit to finish a step whatever its claim (cancellation by a person). */
  owner?: string;
  status: 'done' | 'canceled';
}

/** The outcome of a delivery attempt of a claimed page; fails the commit unless still `owner`'s. */
export interface PageUpdate {
  key: string;
  owner: string;
  status: EscalationPage['status'];
  attempts: number;
  nextAttemptAt: number;
  lastError?: string;
}

/** Everything one engine decision changes, committed by {@link EscalationStore.commit} at once. */
export interface EscalationChanges {
  /** When the decision was made (ms since epoch): the finish time of steps and pages. */
  at: number;
  /** Inserted or replaced by id. */
  incidents?: readonly IncidentRecord[];
  /** Appended in order; the store assigns `seq`. */
  timeline?: readonly Omit<IncidentTimelineEntry, 'seq'>[];
  /** Claimed steps to finish (checked first: a conflict rolls everything back). */
  completeSteps?: readonly StepCompletion[];
  /** Cancels every pending step of these incidents. */
  cancelStepsOf?: readonly string[];
  /** New steps, inserted by id (an existing id is replaced). Applied after the cancellations. */
  steps?: readonly EscalationStep[];
  /** New pages; a key that already exists is left as it is (a page is recorded once). */
  pages?: readonly EscalationPage[];
  /** Delivery outcomes of claimed pages (checked: a conflict rolls everything back). */
  pageUpdates?: readonly PageUpdate[];
}

/**
 * Durable state of the escalation engine: incidents and timelines, pending escalation steps
 * (durable timers) and the page outbox, both claimed with leases so that two workers never fire
 * the same step or send the same page, and rotation overrides. Values are copied in and out.
 */
export interface EscalationStore {
  /** Allocates the next incident number (1, 2, 3…), atomically. */
  nextIncidentNumber(): Promise<number>;
  getIncident(id: string): Promise<IncidentRecord | undefined>;
  getIncidentByNumber(number: number): Promise<IncidentRecord | undefined>;
  /** The newest incident with this dedup key (open or not). */
  findIncident(dedupKey: string): Promise<IncidentRecord | undefined>;
  /** Incidents matching `query`, newest (by `createdAt`, then `number`) first. */
  listIncidents(query?: IncidentQuery): Promise<IncidentRecord[]>;
  /** An incident's timeline, oldest first. */
  timeline(incidentId: string): Promise<IncidentTimelineEntry[]>;
  /**
   * Applies `changes` in one transaction: all or nothing.
   * @throws PhoenixError `ERR_STORE` when a completion or page update finds the row finished or
   *   claimed by another owner (nothing is applied then).
   */
  commit(changes: EscalationChanges): Promise<void>;
  /**
   * Claims up to `limit` pending steps due at `now` or earlier whose lease is free or expired,
   * earliest first, leasing them to `owner` until `now + leaseMs`.
   */
  claimDueSteps(
    now: number,
    owner: string,
    leaseMs: number,
    limit: number,
  ): Promise<EscalationStep[]>;
  /** When the next pending step becomes claimable (its due time, or its lease end), or undefined. */
  nextStepDueAt(): Promise<number | undefined>;
  /** Steps of an incident, pending and finished, by due time. */
  steps(incidentId: string): Promise<EscalationStep[]>;
  /** As {@link claimDueSteps}, for pending pages whose next attempt is due. */
  claimDuePages(
    now: number,
    owner: string,
    leaseMs: number,
    limit: number,
  ): Promise<EscalationPage[]>;
  /** When the next pending page becomes claimable, or undefined. */
  nextPageDueAt(): Promise<number | undefined>;
  /** Pages of an incident, in the order they were recorded. */
  pages(incidentId: string): Promise<EscalationPage[]>;
  putOverride(override: RotationOverrideRecord): Promise<void>;
  /** Deletes an override; false when there was none with that id. */
  deleteOverride(id: string): Promise<boolean>;
  /** Every override, by start time. */
  listOverrides(): Promise<RotationOverrideRecord[]>;
}
