// The write-behind buffer: the latest accepted write per key of the alerts, the aggregation groups
// and the notification log, and the delivery attempts appended, which one transaction commits.
// Reads lay it over the committed rows.
import { attemptColumns } from './attempt-store.js';
import type { AttemptRow } from './attempt-store.js';
import {
  alertColumns,
  groupColumns,
  insertSql,
  isAlertRow,
  logColumns,
  upsertSql,
} from './rows.js';
import type { AlertRecord, AlertRow, GroupRow, LogRow } from './rows.js';

/**
 * The statements a flush runs. A batch goes to the committer as ops: pairs of a statement's index
 * and its parameters (a row, or the key of a delete), or of `~UPSERT_ALERT` and an alert's record;
 * see {@link WriteBuffer.toOps} and {@link runOps}.
 */
export const writeStatements: readonly string[] = [
  upsertSql('alerts', alertColumns, 'fingerprint'),
  'DELETE FROM alerts WHERE fingerprint = ?',
  upsertSql('aggregation_groups', groupColumns, 'group_key'),
  'DELETE FROM aggregation_groups WHERE group_key = ?',
  upsertSql('notification_log', logColumns, 'group_key, integration'),
  insertSql('notification_attempts', attemptColumns),
];
const [UPSERT_ALERT, DELETE_ALERT, PUT_GROUP, DELETE_GROUP, PUT_LOG, INSERT_ATTEMPT] = [
  0, 1, 2, 3, 4, 5,
];

/** A statement the committers prepared from {@link writeStatements}. */
export interface WriteStatement {
  run(params: unknown): unknown;
}

/**
 * Runs a batch's ops: the loop of both committers. The worker runs it as source (committer.ts),
 * so it must refer to nothing outside itself. An op `~UPSERT_ALERT` carries an `AlertRecord`
 * (rows.ts): the committer, the worker rather than the event loop, turns its labels and
 * annotations into their column text, in a new row (the inline committer's record is still the
 * buffer's, which a failed commit retries).
 */
export function runOps(statements: readonly WriteStatement[], ops: readonly unknown[]): void {
  for (let index = 0; index < ops.length; index += 2) {
    const code = ops[index] as number;
    const params = ops[index + 1];
    if (code >= 0) {
      statements[code]!.run(params);
      continue;
    }
    const record = params as unknown[];
    const row = record.slice();
    row[1] = JSON.stringify(record[1]);
    row[2] = JSON.stringify(record[2]);
    statements[~code]!.run(row);
  }
}

/** Buffered writes per kind, for `stats()` and the logs. */
export interface PendingWrites {
  /** All buffered writes: the sum of the four below. */
  pendingWrites: number;
  /** Alert writes (distinct fingerprints) accepted and not yet committed. */
  pendingAlertWrites: number;
  /** Group-state writes (distinct group keys, puts and deletes) not yet committed. */
  pendingGroupWrites: number;
  /** Notification-log entries (distinct group key and integration) not yet committed. */
  pendingLogWrites: number;
  /** Delivery attempts appended and not yet committed. */
  pendingAttemptWrites: number;
}

/** The key of a notification-log entry: group key and integration, unambiguously joined. */
export const logKey = (groupKey: string, integration: string): string =>
  JSON.stringify([groupKey, integration]);

/** A buffered alert: its record, or its row when its labels are not plain strings (rows.ts). */
export type BufferedAlert = AlertRecord | AlertRow;

export class WriteBuffer {
  /** By fingerprint; `null` deletes. */
  readonly alerts = new Map<string, BufferedAlert | null>();
  /** By group key; `null` deletes. */
  readonly groups = new Map<string, GroupRow | null>();
  /** By {@link logKey}. The log has no delete: expiry commits the buffer first. */
  readonly log = new Map<string, LogRow>();
  /** In the order appended. */
  readonly attempts: AttemptRow[] = [];

  get size(): number {
    return this.alerts.size + this.groups.size + this.log.size + this.attempts.length;
  }

  counts(): PendingWrites {
    return {
      pendingWrites: this.size,
      pendingAlertWrites: this.alerts.size,
      pendingGroupWrites: this.groups.size,
      pendingLogWrites: this.log.size,
      pendingAttemptWrites: this.attempts.length,
    };
  }

  /** The buffer as ops for a committer: alerts, then group states, log entries and attempts. */
  toOps(): unknown[] {
    const ops: unknown[] = [];
    for (const [fingerprint, alert] of this.alerts) {
      if (!alert) ops.push(DELETE_ALERT, fingerprint);
      else ops.push(isAlertRow(alert) ? UPSERT_ALERT : ~UPSERT_ALERT, alert);
    }
    for (const [groupKey, row] of this.groups) {
      if (row) ops.push(PUT_GROUP, row);
      else ops.push(DELETE_GROUP, groupKey);
    }
    for (const row of this.log.values()) ops.push(PUT_LOG, row);
    for (const row of this.attempts) ops.push(INSERT_ATTEMPT, row);
    return ops;
  }

  /** Takes `newer`'s writes over this buffer's (a failed batch taking the writes made since). */
  absorb(newer: WriteBuffer): this {
    for (const [key, row] of newer.alerts) this.alerts.set(key, row);
    for (const [key, row] of newer.groups) this.groups.set(key, row);
    for (const [key, row] of newer.log) this.log.set(key, row);
    for (const row of newer.attempts) this.attempts.push(row);
    return this;
  }

  clear(): void {
    this.alerts.clear();
    this.groups.clear();
    this.log.clear();
    this.attempts.length = 0;
  }
}

/**
 * Committed rows with buffered writes of the same keys laid over them, `layers` oldest first (the
 * batch being committed, then the buffer): a buffered row replaces its committed one, a buffered
 * delete hides it, the newest layer wins, and buffered rows that `include` accepts are added.
 */
export function overlay<Row, Buffered = Row>(
  committed: Row[],
  layers: readonly ReadonlyMap<string, Buffered | null>[],
  key: (row: Row) => string,
  include: (row: Buffered) => boolean = () => true,
): (Row | Buffered)[] {
  const active = layers.filter((layer) => layer.size > 0);
  if (active.length === 0) return committed;
  const rows: (Row | Buffered)[] = committed.filter(
    (row) => !active.some((layer) => layer.has(key(row))),
  );
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
