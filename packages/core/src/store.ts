import type { Alert } from './alert.js';
import type { Lifecycle } from './plugin.js';
import type { EscalationStore } from './escalation-store.js';
import type { Silence } from './silence.js';

/** Active alerts, keyed by fingerprint. Writes are batches: one transaction per call. */
export interface AlertStore {
  /** Inserts or replaces alerts by fingerprint, atomically. */
  upsert(alerts: readonly Alert[]): Promise<void>;
  /** Deletes alerts by fingerprint; unknown fingerprints are ignored. */
  delete(fingerprints: readonly string[]): Promise<void>;
  get(fingerprint: string): Promise<Alert | undefined>;
  list(): Promise<Alert[]>;
}

/** Silences, keyed by id. Expired silences stay until `deleteExpiredBefore` collects them. */
export interface SilenceStore {
  upsert(silence: Silence): Promise<void>;
  get(id: string): Promise<Silence | undefined>;
  list(): Promise<Silence[]>;
  /** Removes silences that ended before `time` (ms since epoch); returns how many. */
  deleteExpiredBefore(time: number): Promise<number>;
}

/**
 * One line of the notification log (Alertmanager's `nflogpb.Entry`): what was last sent for a
 * group to one receiver integration, so a restart or a second replica never sends it again.
 */
export interface NotificationLogEntry {
  /** The group key of the notification. */
  groupKey: string;
  /** Receiver name, integration name and index, e.g. `team-x/webhook/0`. */
  integration: string;
  /** Sorted fingerprints of the firing alerts that were sent. */
  firingAlerts: string[];
  /** Sorted fingerprints of the resolved alerts that were sent. */
  resolvedAlerts: string[];
  /** When it was sent (ms since epoch). */
  timestamp: number;
  /** When the entry may be garbage-collected (ms since epoch). */
  expiresAt: number;
}

export interface NotificationLogStore {
  get(groupKey: string, integration: string): Promise<NotificationLogEntry | undefined>;
  /** Records entries, replacing those with the same group key and integration, atomically. */
  put(entries: readonly NotificationLogEntry[]): Promise<void>;
  /** Entries, optionally only those for one group key. */
  list(groupKey?: string): Promise<NotificationLogEntry[]>;
  /** Removes entries whose `expiresAt` is before `time`; returns how many. */
  deleteExpiredBefore(time: number): Promise<number>;
}

/** Persisted state of one aggregation group, so that groups resume after a restart. */
export interface GroupState {
  /** The group key. */
  groupKey: string;
  receiver: string;
  /** Route id the group belongs to. */
  routeId: string;
  /** Values of the group-by labels. */
  groupLabels: Record<string, string>;
  /** Fingerprints of the alerts in the group. */
  fingerprints: string[];
  /** When the group was first flushed (ms since epoch), 0 while waiting for `group_wait`. */
  firstFlushAt: number;
  /** When the group last flushed (ms since epoch), 0 if never. */
  lastFlushAt: number;
  /** When the group is next due to flush (ms since epoch). */
  nextFlushAt: number;
}

export interface GroupStateStore {
  put(states: readonly GroupState[]): Promise<void>;
  delete(groupKeys: readonly string[]): Promise<void>;
  list(): Promise<GroupState[]>;
}

/** One record of a {@link KeyValueStore}: a JSON-serialisable value under a key. */
export interface KeyValueEntry<T = unknown> {
  key: string;
  value: T;
}

/**
 * Small durable state of plugins that has no table of its own (rule evaluation state, health-check
 * counters), in namespaces: each plugin uses its own, e.g. `rules:<source name>`. Values are
 * JSON-serialisable and copied in and out. Writes are atomic per call.
 */
export interface KeyValueStore {
  get<T = unknown>(namespace: string, key: string): Promise<T | undefined>;
  /** Inserts or replaces entries of one namespace, atomically. */
  put(namespace: string, entries: readonly KeyValueEntry[]): Promise<void>;
  /** Deletes keys of one namespace; unknown keys are ignored. */
  delete(namespace: string, keys: readonly string[]): Promise<void>;
  /** Every entry of a namespace, sorted by key. */
  list<T = unknown>(namespace: string): Promise<KeyValueEntry<T>[]>;
}

/** One delivery attempt of a notification to one receiver integration, and its outcome. */
export interface NotificationAttempt {
  /** When the attempt ended (ms since epoch). */
  at: number;
  groupKey: string;
  receiver: string;
  /** `receiver/integration/index`. */
  integration: string;
  /** 1 for the first attempt of this delivery. */
  attempt: number;
  ok: boolean;
  /** Why it failed (core's DeliveryFailureReason), when it did. */
  reason?: string;
  statusCode?: number;
  /** What went wrong, free of secrets, when it failed. */
  message?: string;
  /** Whether another attempt follows (failures only). */
  willRetry?: boolean;
  /** From the first attempt's start to this outcome, in ms (successes only). */
  latencyMs?: number;
  firing: number;
  resolved: number;
  /** Set when the notification paged people for an incident. */
  incidentId?: string;
}

/** Filters of {@link NotificationAttemptStore.list}. */
export interface NotificationAttemptQuery {
  groupKey?: string;
  receiver?: string;
  integration?: string;
  incidentId?: string;
  /** Attempts at or after this time (ms since epoch). */
  since?: number;
  /** At most this many, newest first. */
  limit?: number;
}

/**
 * The history of delivery attempts (alertmanager#172: "no notification history"): every attempt
 * and its result, newest first, kept until `deleteBefore` collects it.
 */
export interface NotificationAttemptStore {
  append(attempts: readonly NotificationAttempt[]): Promise<void>;
  list(query?: NotificationAttemptQuery): Promise<NotificationAttempt[]>;
  /** Removes attempts older than `time`; returns how many. */
  deleteBefore(time: number): Promise<number>;
}

/**
 * Everything that must survive a restart lives behind this interface. Implementations:
 * the in-memory store in `@phoenix-alerting/core/testing`, `@phoenix-alerting/store-sqlite`
 * (embedded default) and `@phoenix-alerting/store-postgres` (shared by replicas).
 */
export interface Store extends Lifecycle {
  readonly alerts: AlertStore;
  readonly silences: SilenceStore;
  readonly notificationLog: NotificationLogStore;
  readonly groups: GroupStateStore;
  /** Plugins' small durable state; stores that lack it make such plugins keep state in memory. */
  readonly kv?: KeyValueStore;
  /** The history of delivery attempts; stores that lack it keep no history. */
  readonly attempts?: NotificationAttemptStore;
  /** Incidents, durable escalation timers, the page outbox and rotation overrides. */
  readonly escalation?: EscalationStore;
}
