import type {
  Clock,
  EscalationStore,
  IncidentRecord,
  IncidentStatus,
  IncidentTimelineEntry,
  Logger,
  Matcher,
  Notifier,
} from '@phoenix-alerting/core';
import type { EscalationConfig } from './config.js';

/** Retries of page deliveries (the engine owns them: a notifier makes one attempt per call). */
export interface PageRetryOptions {
  /** First backoff, in ms. Default 1 000. */
  initialBackoffMs?: number;
  /** Backoff cap, in ms. Default 300 000 (5 minutes). */
  maxBackoffMs?: number;
  /** Growth per attempt. Default 2. */
  multiplier?: number;
  /** Attempts before a page is given up (`page-failed` on the timeline). Default 10. */
  maxAttempts?: number;
}

export interface EscalationEngineOptions {
  /** From {@link parseEscalationConfig}. */
  config: EscalationConfig;
  /**
   * The notifiers that page people, by channel name (`pagerduty`, `sms`, `slack`, `email`,
   * `webhook`…): every channel a severity names must be here. Each page is an
   * `IncidentNotification` addressed to one person.
   */
  channels: Readonly<Record<string, Notifier>>;
  /** Default: the pipeline store's `escalation` at `start`, else an in-memory store. */
  store?: EscalationStore;
  /** Default: the pipeline's clock at `start`, else the system clock. */
  clock?: Clock;
  logger?: Logger;
  /** This worker's name in step and page leases. Default a random UUID. */
  workerId?: string;
  /** How long a claimed step or page stays leased, in ms. Default 60 000. */
  leaseMs?: number;
  /** Steps or pages claimed per store call. Default 256. */
  batchSize?: number;
  /** Page deliveries in flight at once. Default 16. */
  concurrency?: number;
  /** Deadline of one delivery attempt, in ms. Default 30 000 (less than `leaseMs`). */
  deliveryTimeoutMs?: number;
  retry?: PageRetryOptions;
  /** Link to an incident shown in pages (`NotificationIncident.url`). */
  incidentUrl?: (incident: Pick<IncidentRecord, 'id' | 'number'>) => string;
  /**
   * Called after every timeline event is committed (responders hook in here). Errors are logged,
   * never thrown into the engine.
   */
  onIncidentEvent?: (event: Omit<IncidentTimelineEntry, 'seq'>, incident: IncidentRecord) => void;
}

/** Filters of {@link EscalationEngine.listIncidents}. */
export interface IncidentFilters {
  status?: readonly IncidentStatus[];
  severity?: readonly string[];
  receiver?: string;
  /** Every matcher must match the incident's labels. */
  matchers?: readonly Matcher[];
  /** Created at or after (ms since epoch). */
  since?: number;
  /** Created before (ms since epoch). */
  until?: number;
  /** At most this many, newest first. Default 100. */
  limit?: number;
}

/** An incident with its timeline, as `getIncident` returns it. */
export interface IncidentDetails extends IncidentRecord {
  timeline: IncidentTimelineEntry[];
}

/** What {@link EscalationEngine.createOverride} takes; id and creation time are assigned. */
export interface OverrideInput {
  rotation: string;
  person: string;
  replaces?: string;
  start: number;
  end: number;
  reason?: string;
  createdBy?: string;
}
