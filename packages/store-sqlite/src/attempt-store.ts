// core's NotificationAttemptStore on the `notification_attempts` table (migration 4): the history
// of delivery attempts. Appends are written behind, with the alerts: a storm's notifications then
// cost the event loop a push into the buffer, not a synchronous transaction (and fsync) each.
// `list` lays the buffered attempts over the committed ones.
import type {
  NotificationAttempt,
  NotificationAttemptQuery,
  NotificationAttemptStore,
} from '@phoenix-alerting/core';
import type Database from 'better-sqlite3';
import { assertStorable } from './rows.js';
import type { WriteBehind } from './write-behind.js';

export const attemptColumns =
  'at, group_key, receiver, integration, attempt, ok, reason, status_code, message, will_retry, ' +
  'latency_ms, firing, resolved, incident_id';
export type AttemptRow = [
  at: number,
  groupKey: string,
  receiver: string,
  integration: string,
  attempt: number,
  ok: 0 | 1,
  reason: string | null,
  statusCode: number | null,
  message: string | null,
  willRetry: 0 | 1 | null,
  latencyMs: number | null,
  firing: number,
  resolved: number,
  incidentId: string | null,
];
/** The columns of an {@link AttemptRow} that may be NULL, by index. */
export const optionalAttemptColumns: readonly number[] = [6, 7, 8, 9, 10, 13];

export function attemptToRow(attempt: NotificationAttempt): AttemptRow {
  return [
    attempt.at,
    attempt.groupKey,
    attempt.receiver,
    attempt.integration,
    attempt.attempt,
    attempt.ok ? 1 : 0,
    attempt.reason ?? null,
    attempt.statusCode ?? null,
    attempt.message ?? null,
    attempt.willRetry === undefined ? null : attempt.willRetry ? 1 : 0,
    attempt.latencyMs ?? null,
    attempt.firing,
    attempt.resolved,
    attempt.incidentId ?? null,
  ];
}

export function rowToAttempt(row: AttemptRow): NotificationAttempt {
  return {
    at: row[0],
    groupKey: row[1],
    receiver: row[2],
    integration: row[3],
    attempt: row[4],
    ok: row[5] === 1,
    ...(row[6] !== null ? { reason: row[6] } : {}),
    ...(row[7] !== null ? { statusCode: row[7] } : {}),
    ...(row[8] !== null ? { message: row[8] } : {}),
    ...(row[9] !== null ? { willRetry: row[9] === 1 } : {}),
    ...(row[10] !== null ? { latencyMs: row[10] } : {}),
    firing: row[11],
    resolved: row[12],
    ...(row[13] !== null ? { incidentId: row[13] } : {}),
  };
}

/** A filter of `list`: its SQL, and the same test for a buffered row. */
interface Filter {
  name: Exclude<keyof NotificationAttemptQuery, 'limit'>;
  clause: string;
  matches(row: AttemptRow, value: string | number): boolean;
}

const filters: readonly Filter[] = [
  { name: 'groupKey', clause: 'group_key = ?', matches: (row, value) => row[1] === value },
  { name: 'receiver', clause: 'receiver = ?', matches: (row, value) => row[2] === value },
  { name: 'integration', clause: 'integration = ?', matches: (row, value) => row[3] === value },
  { name: 'incidentId', clause: 'incident_id = ?', matches: (row, value) => row[13] === value },
  { name: 'since', clause: 'at >= ?', matches: (row, value) => row[0] >= (value as number) },
];

/**
 * Buffered and committed attempts, newest first as SQLite orders them (`at DESC, id DESC`): a
 * buffered attempt was appended after every committed one, so it would get a higher id, and the
 * later of two buffered ones too. Sorting is stable.
 */
function newestFirst(
  buffered: AttemptRow[],
  committed: AttemptRow[],
  limit?: number,
): AttemptRow[] {
  if (buffered.length === 0) return committed;
  const rows = buffered.reverse().concat(committed);
  rows.sort((a, b) => b[0] - a[0]);
  return limit === undefined ? rows : rows.slice(0, limit);
}

/**
 * The `attempts` member of the SQLite store: appends go to `writeBehind`'s buffer (their rows
 * checked first, as every written-behind row); `guard` throws once the store is stopped, and
 * `committed` counts the commits made on `db`.
 */
export function createSqliteAttemptStore(
  db: Database.Database,
  writeBehind: WriteBehind,
  guard: () => void,
  committed: () => void,
): NotificationAttemptStore {
  const remove = db.prepare('DELETE FROM notification_attempts WHERE at < ?');
  return {
    async append(attempts) {
      guard();
      const rows = attempts.map((attempt) => {
        const row = attemptToRow(attempt);
        assertStorable(row, attemptColumns, 'attempts.append', optionalAttemptColumns);
        return row;
      });
      await writeBehind.accept(rows.length, (writes) => {
        for (const row of rows) writes.attempts.push(row);
      });
    },
    async list(query: NotificationAttemptQuery = {}) {
      guard();
      const where: string[] = [];
      const params: (string | number)[] = [];
      const active: [Filter, string | number][] = [];
      for (const filter of filters) {
        const value = query[filter.name];
        if (value === undefined) continue;
        where.push(filter.clause);
        params.push(value);
        active.push([filter, value]);
      }
      const sql =
        `SELECT ${attemptColumns} FROM notification_attempts` +
        (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
        ' ORDER BY at DESC, id DESC' +
        (query.limit !== undefined ? ' LIMIT ?' : '');
      if (query.limit !== undefined) params.push(query.limit);
      const committedRows = db
        .prepare(sql)
        .raw()
        .all(...params) as AttemptRow[];
      const buffered = writeBehind.layers
        .flatMap((writes) => writes.attempts)
        .filter((row) => active.every(([filter, value]) => filter.matches(row, value)));
      return newestFirst(buffered, committedRows, query.limit).map(rowToAttempt);
    },
    async deleteBefore(time) {
      guard();
      // Commit the buffer first, so that the count is right and a buffered attempt that is old
      // enough is removed too.
      await writeBehind.flush();
      guard(); // the store may have been stopped meanwhile
      const removed = remove.run(time).changes;
      if (removed > 0) committed();
      return removed;
    },
  };
}
