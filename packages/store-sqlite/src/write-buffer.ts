// The write-behind buffer: the latest accepted write per key of the alerts, the aggregation groups
// and the notification log, which one transaction commits. Reads lay it over the committed rows.
import { alertColumns, groupColumns, logColumns, upsertSql } from './rows.js';
import type { AlertRow, GroupRow, LogRow } from './rows.js';

/**
 * The statements a flush runs. A batch goes to the committer as ops: pairs of a statement's index
 * and its parameters (a row, or the key of a delete); see {@link WriteBuffer.toOps}.
 */
export const writeStatements: readonly string[] = [
  upsertSql('alerts', alertColumns, 'fingerprint'),
  'DELETE FROM alerts WHERE fingerprint = ?',
  upsertSql('aggregation_groups', groupColumns, 'group_key'),
  'DELETE FROM aggregation_groups WHERE group_key = ?',
  upsertSql('notification_log', logColumns, 'group_key, integration'),
];
const [UPSERT_ALERT, DELETE_ALERT, PUT_GROUP, DELETE_GROUP, PUT_LOG] = [0, 1, 2, 3, 4];

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

  /** The buffer as ops for a committer: alerts, then group states, then log entries. */
  toOps(): unknown[] {
    const ops: unknown[] = [];
    for (const [fingerprint, row] of this.alerts) {
      if (row) ops.push(UPSERT_ALERT, row);
      else ops.push(DELETE_ALERT, fingerprint);
    }
    for (const [groupKey, row] of this.groups) {
      if (row) ops.push(PUT_GROUP, row);
      else ops.push(DELETE_GROUP, groupKey);
    }
    for (const row of this.log.values()) ops.push(PUT_LOG, row);
    return ops;
  }

  /** Takes `newer`'s writes over this buffer's (a failed batch taking the writes made since). */
  absorb(newer: WriteBuffer): this {
    for (const [key, row] of newer.alerts) this.alerts.set(key, row);
    for (const [key, row] of newer.groups) this.groups.set(key, row);
    for (const [key, row] of newer.log) this.log.set(key, row);
    return this;
  }

  clear(): void {
    this.alerts.clear();
    this.groups.clear();
    this.log.clear();
  }
}

/**
 * Committed rows with buffered writes of the same keys laid over them, `layers` oldest first (the
 * batch being committed, then the buffer): a buffered row replaces its committed one, a buffered
 * delete hides it, the newest layer wins, and buffered rows that `include` accepts are added.
 */
export function overlay<Row>(
  committed: Row[],
  layers: readonly ReadonlyMap<string, Row | null>[],
  key: (row: Row) => string,
  include: (row: Row) => boolean = () => true,
): Row[] {
  const active = layers.filter((layer) => layer.size > 0);
  if (active.length === 0) return committed;
  const rows = committed.filter((row) => !active.some((layer) => layer.has(key(row))));
  if (active.length === 1) {
    for (const row of active[0]!.values()) if (row !== null && include(row)) rows.push(row);
    return rows;
  }
  const seen = new Set<string>();
  for (const layer of active.reverse()) {
    for (const [rowKey, row] of layer) {
      if (seen.has(rowKey)) continue;
      seen.add(rowKey);
      if (row !== null && include(row)) rows.push(row);
    }
  }
  return rows;
}
