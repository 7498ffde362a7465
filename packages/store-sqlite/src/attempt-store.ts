// core's NotificationAttemptStore on the `notification_attempts` table (migration 4): the history
// of delivery attempts. Attempts are few next to alerts (one per notification and retry), so each
// `append` is one synchronous transaction on the main connection.
import type {
  NotificationAttempt,
  NotificationAttemptQuery,
  NotificationAttemptStore,
} from '@phoenix-alerting/core';
import type Database from 'better-sqlite3';

interface AttemptRow {
  at: number;
  group_key: string;
  receiver: string;
  integration: string;
  attempt: number;
  ok: number;
  reason: string | null;
  status_code: number | null;
  message: string | null;
  will_retry: number | null;
  latency_ms: number | null;
  firing: number;
  resolved: number;
  incident_id: string | null;
}

function fromRow(row: AttemptRow): NotificationAttempt {
  return {
    at: row.at,
    groupKey: row.group_key,
    receiver: row.receiver,
    integration: row.integration,
    attempt: row.attempt,
    ok: row.ok === 1,
    ...(row.reason !== null ? { reason: row.reason } : {}),
    ...(row.status_code !== null ? { statusCode: row.status_code } : {}),
    ...(row.message !== null ? { message: row.message } : {}),
    ...(row.will_retry !== null ? { willRetry: row.will_retry === 1 } : {}),
    ...(row.latency_ms !== null ? { latencyMs: row.latency_ms } : {}),
    firing: row.firing,
    resolved: row.resolved,
    ...(row.incident_id !== null ? { incidentId: row.incident_id } : {}),
  };
}

/** The `attempts` member of the SQLite store; `guard` throws once the store is stopped. */
export function createSqliteAttemptStore(
  db: Database.Database,
  guard: () => void,
  committed: () => void,
): NotificationAttemptStore {
  const insert = db.prepare(
    'INSERT INTO notification_attempts (at, group_key, receiver, integration, attempt, ok, reason, ' +
      'status_code, message, will_retry, latency_ms, firing, resolved, incident_id) ' +
      'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const append = db.transaction((attempts: readonly NotificationAttempt[]) => {
    for (const a of attempts)
      insert.run(
        a.at,
        a.groupKey,
        a.receiver,
        a.integration,
        a.attempt,
        a.ok ? 1 : 0,
        a.reason ?? null,
        a.statusCode ?? null,
        a.message ?? null,
        a.willRetry === undefined ? null : a.willRetry ? 1 : 0,
        a.latencyMs ?? null,
        a.firing,
        a.resolved,
        a.incidentId ?? null,
      );
  });
  const remove = db.prepare('DELETE FROM notification_attempts WHERE at < ?');
  return {
    async append(attempts) {
      guard();
      if (attempts.length === 0) return;
      append(attempts);
      committed();
    },
    async list(query: NotificationAttemptQuery = {}) {
      guard();
      const where: string[] = [];
      const params: (string | number)[] = [];
      const filters: [keyof NotificationAttemptQuery, string][] = [
        ['groupKey', 'group_key = ?'],
        ['receiver', 'receiver = ?'],
        ['integration', 'integration = ?'],
        ['incidentId', 'incident_id = ?'],
        ['since', 'at >= ?'],
      ];
      for (const [name, clause] of filters) {
        const value = query[name];
        if (value === undefined) continue;
        where.push(clause);
        params.push(value);
      }
      const sql =
        'SELECT * FROM notification_attempts' +
        (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
        ' ORDER BY at DESC, id DESC' +
        (query.limit !== undefined ? ' LIMIT ?' : '');
      if (query.limit !== undefined) params.push(query.limit);
      return (db.prepare(sql).all(...params) as AttemptRow[]).map(fromRow);
    },
    async deleteBefore(time) {
      guard();
      const removed = remove.run(time).changes;
      if (removed > 0) committed();
      return removed;
    },
  };
}
