// The write-behind buffer: the latest accepted write per key of the alerts, the aggregation groups
// and the notification log, which one transaction commits. Reads lay it over the committed rows.
import type { AlertRow, GroupRow, LogRow } from './rows.js';

/** Buffered writes per kind, for `stats()` and the logs. */
export interface PendingWrites {
  /** All buffered writes: the sum of the three below. */
  pendingWrites: number;
  /** Alert writes (distinct fingerprints) accepted and not yet committed. */
  pendingAlertWrites: number;
  /** Group-state writes (distinct group keys, puts and deletes) not yet committed. */
  pendingGroupWrites: number;
  /** Notification-log entries (distinct group key and integration) not yet committed. */
  pendingLogWrites: number;
}

/** The key of a notification-log entry: group key and integration, unambiguously joined. */
export const logKey = (groupKey: string, integration: string): string =>
  JSON.stringify([groupKey, integration]);

export class WriteBuffer {
  /** By fingerprint; `null` deletes. */
  readonly alerts = new Map<string, AlertRow | null>();
  /** By group key; `null` deletes. */
  readonly groups = new Map<string, GroupRow | null>();
  /** By {@link logKey}. The log has no delete: expiry commits the buffer first. */
  readonly log = new Map<string, LogRow>();

  get size(): number {
    return this.alerts.size + this.groups.size + this.log.size;
  }

  counts(): PendingWrites {
    return {
      pendingWrites: this.size,
      pendingAlertWrites: this.alerts.size,
      pendingGroupWrites: this.groups.size,
      pendingLogWrites: this.log.size,
    };
  }

  clear(): void {
    this.alerts.clear();
    this.groups.clear();
    this.log.clear();
  }
}

/**
 * Committed rows with the buffered writes of the same keys laid over them: a buffered row
 * replaces its committed one, a buffered delete hides it, and buffered rows that `include` accepts
 * are added.
 */
export function overlay<Row>(
  committed: Row[],
  buffered: ReadonlyMap<string, Row | null>,
  key: (row: Row) => string,
  include: (row: Row) => boolean = () => true,
): Row[] {
  if (buffered.size === 0) return committed;
  const rows = committed.filter((row) => !buffered.has(key(row)));
  for (const row of buffered.values()) if (row !== null && include(row)) rows.push(row);
  return rows;
}
