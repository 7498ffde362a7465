import { mkdirSync } from 'node:fs';
import { PhoenixError, createLogger, systemClock } from '@phoenix-alerting/core';
import type { PluginContext, StopOptions, Store, TimerHandle } from '@phoenix-alerting/core';
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';
import { parseSqliteStoreOptions } from './options.js';
import type {
  ResolvedSqliteStoreOptions,
  SqliteStoreLogger,
  SqliteStoreOptions,
} from './options.js';
import {
  alertColumns,
  alertToRow,
  assertStorable,
  groupColumns,
  groupToRow,
  logColumns,
  logEntryToRow,
  rowToAlert,
  rowToGroup,
  rowToLogEntry,
  rowToSilence,
  silenceColumns,
  silenceToRow,
  upsertSql,
} from './rows.js';
import type { AlertRow, GroupRow, LogRow, SilenceRow } from './rows.js';
import { WriteBuffer, logKey, overlay } from './write-buffer.js';
import type { PendingWrites } from './write-buffer.js';

/** Counters of the store, for metrics. */
export interface SqliteStoreStats extends PendingWrites {
  /** Write-behind flushes committed: one transaction each, for all three kinds together. */
  flushes: number;
  /** Alert writes those transactions committed. */
  flushedAlertWrites: number;
  /** Group-state writes (puts and deletes) those transactions committed. */
  flushedGroupWrites: number;
  /** Notification-log entries those transactions committed. */
  flushedLogWrites: number;
  /** Flushes that failed; their writes stayed buffered and were retried. */
  failedFlushes: number;
  /** Write transactions committed: the flushes, and each silence write and expiry collection. */
  commits: number;
}

/**
 * The core `Store` on one SQLite file. The database is opened, and migrated, by
 * {@link createSqliteStore}; `stop` writes what is buffered and closes it.
 *
 * Durability (the README's table has the details):
 * - `alerts.upsert`/`delete`, `groups.put`/`delete` and `notificationLog.put` are written behind.
 *   They resolve once accepted into an in-memory buffer that `get` and `list` read through, and
 *   everything accepted within `batchFlushIntervalMs` is committed in one transaction: by the
 *   timer, or, when the timer runs late on a busy event loop, by the first write that finds the
 *   last flush an interval old. A `kill -9` loses at most the writes of that last interval:
 *   Prometheus re-sends firing alerts; a group resumes from its previous state, its timer off by
 *   about one interval; a notification whose log entry was lost may be sent again, with the same
 *   idempotency key, so a receiver that honours the key drops the duplicate.
 * - `silences.upsert` and both `deleteExpiredBefore` are committed before they resolve (expiry of
 *   the log commits the buffer first), because a lost silence is a page the user was told was
 *   suppressed.
 */
export interface SqliteStore extends Store {
  /** The database file. */
  readonly path: string;
  /** Commits the buffered writes now, in one transaction. */
  flush(): Promise<void>;
  stats(): SqliteStoreStats;
  /** Adopts the pipeline's logger when the options gave none. The database is already open. */
  start(context?: Pick<PluginContext, 'logger'>): void;
  /**
   * Commits the buffered writes and closes the database. Runs once; later calls return the same
   * promise. Every method rejects with `ERR_STORE` afterwards.
   */
  stop(options?: StopOptions): Promise<void>;
}

function openDatabase(settings: ResolvedSqliteStoreOptions, now: number): Database.Database {
  const fail = (error: unknown) =>
    PhoenixError.isInstance(error)
      ? error
      : new PhoenixError(
          'ERR_STORE',
          `cannot open the SQLite store ${settings.file}: ${(error as Error).message}`,
          { cause: error },
        );
  let db: Database.Database;
  try {
    if (settings.directory !== undefined) mkdirSync(settings.directory, { recursive: true });
    db = new Database(settings.file, { timeout: settings.busyTimeoutMs });
  } catch (error) {
    throw fail(error);
  }
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal' && !db.memory)
      throw new Error(`SQLite could not switch to WAL mode (journal_mode is ${String(mode)})`);
    // See the README: FULL fsyncs the WAL at each commit (survives power loss); NORMAL only at
    // checkpoints (survives kill -9, may lose the last commits on power loss). Never corrupt.
    db.pragma(`synchronous = ${settings.synchronous.toUpperCase()}`);
    db.pragma('foreign_keys = ON');
    migrate(db, now);
    return db;
  } catch (error) {
    db.close();
    throw fail(error);
  }
}

/**
 * Opens (creating and migrating it when needed) the SQLite store at `options.path` or in
 * `options.directory`. One store owns its file: open it once per process.
 *
 * @throws ConfigError when the options are invalid; PhoenixError `ERR_STORE` when the file cannot
 * be opened, is not a database, or was written by a newer release (newer schema version).
 */
export function createSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const settings = parseSqliteStoreOptions(options);
  const clock = settings.clock ?? systemClock;
  const intervalMs = settings.batchFlushIntervalMs;
  let logger: SqliteStoreLogger | undefined = settings.logger;
  const db = openDatabase(settings, clock.now());

  const sql = {
    upsertAlert: db.prepare(upsertSql('alerts', alertColumns, 'fingerprint')),
    deleteAlert: db.prepare('DELETE FROM alerts WHERE fingerprint = ?'),
    getAlert: db.prepare(`SELECT ${alertColumns} FROM alerts WHERE fingerprint = ?`).raw(),
    listAlerts: db.prepare(`SELECT ${alertColumns} FROM alerts`).raw(),
    upsertSilence: db.prepare(upsertSql('silences', silenceColumns, 'id')),
    getSilence: db.prepare(`SELECT ${silenceColumns} FROM silences WHERE id = ?`).raw(),
    listSilences: db.prepare(`SELECT ${silenceColumns} FROM silences`).raw(),
    expireSilences: db.prepare('DELETE FROM silences WHERE ends_at < ?'),
    putLog: db.prepare(upsertSql('notification_log', logColumns, 'group_key, integration')),
    getLog: db
      .prepare(`SELECT ${logColumns} FROM notification_log WHERE group_key = ? AND integration = ?`)
      .raw(),
    listLog: db.prepare(`SELECT ${logColumns} FROM notification_log`).raw(),
    listLogOfGroup: db
      .prepare(`SELECT ${logColumns} FROM notification_log WHERE group_key = ?`)
      .raw(),
    expireLog: db.prepare('DELETE FROM notification_log WHERE expires_at < ?'),
    putGroup: db.prepare(upsertSql('aggregation_groups', groupColumns, 'group_key')),
    deleteGroup: db.prepare('DELETE FROM aggregation_groups WHERE group_key = ?'),
    listGroups: db.prepare(`SELECT ${groupColumns} FROM aggregation_groups`).raw(),
  };
  const writeBuffer = db.transaction((writes: WriteBuffer) => {
    for (const [fingerprint, row] of writes.alerts) {
      if (row) sql.upsertAlert.run(row);
      else sql.deleteAlert.run(fingerprint);
    }
    for (const [groupKey, row] of writes.groups) {
      if (row) sql.putGroup.run(row);
      else sql.deleteGroup.run(groupKey);
    }
    for (const row of writes.log.values()) sql.putLog.run(row);
  });

  const buffer = new WriteBuffer();
  let timer: TimerHandle | undefined;
  // When the buffer was last committed or tried (opening counts): a write that finds this at least
  // an interval old commits at once, so a late timer on a busy event loop cannot widen the window.
  let lastFlushAt = clock.now();
  let closed = false;
  let stopped: Promise<void> | undefined;
  const counters = {
    flushes: 0,
    flushedAlertWrites: 0,
    flushedGroupWrites: 0,
    flushedLogWrites: 0,
    failedFlushes: 0,
    commits: 0,
  };

  const log = (): SqliteStoreLogger => (logger ??= createLogger({ name: 'store-sqlite' }));
  const assertOpen = (): void => {
    if (closed) throw new PhoenixError('ERR_STORE', `the SQLite store ${settings.file} is stopped`);
  };

  function commit(writes: WriteBuffer): void {
    writeBuffer(writes);
    counters.flushes++;
    counters.commits++;
    counters.flushedAlertWrites += writes.alerts.size;
    counters.flushedGroupWrites += writes.groups.size;
    counters.flushedLogWrites += writes.log.size;
  }

  /** Arms the timer for when the buffer falls due: an interval after the last flush. */
  function arm(now: number): void {
    // Never longer than an interval, even if the wall clock went back since the last flush.
    const delayMs = Math.min(intervalMs, Math.max(0, lastFlushAt + intervalMs - now));
    if (timer === undefined && !closed) timer = clock.setTimeout(onTimer, delayMs);
  }

  function onTimer(): void {
    timer = undefined;
    flushInBackground();
  }

  /** Commits the buffer in one transaction; on failure it stays buffered and the timer re-arms. */
  function flushPending(now = clock.now()): void {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    if (buffer.size === 0) return;
    lastFlushAt = now;
    try {
      commit(buffer);
    } catch (error) {
      counters.failedFlushes++;
      arm(lastFlushAt);
      throw error;
    }
    buffer.clear();
  }

  /** A flush nobody waits for (timer, or a write that found it due): failures are logged. */
  function flushInBackground(now?: number): void {
    try {
      flushPending(now);
    } catch (error) {
      log().error(
        { err: error, file: settings.file, ...buffer.counts() },
        'store-sqlite: writing buffered writes failed; retrying',
      );
    }
  }

  /**
   * Takes a call's writes into the buffer, or commits them at once as their own transaction when
   * the interval is 0. Their rows are already checked, so `apply` cannot fail half-way.
   */
  function accept(count: number, apply: (writes: WriteBuffer) => void): void {
    if (count === 0) return;
    if (intervalMs === 0) {
      const writes = new WriteBuffer();
      apply(writes);
      commit(writes);
      return;
    }
    // Full: write the buffer before taking more. If that fails the call rejects and nothing of it
    // was accepted, so the caller knows to retry: never a silent drop.
    const now = clock.now();
    if (buffer.size >= settings.maxBufferedWrites) flushPending(now);
    apply(buffer);
    if (now - lastFlushAt >= intervalMs) flushInBackground(now);
    else arm(now);
  }

  function checked<T, Row extends unknown[]>(
    items: readonly T[],
    toRow: (item: T) => Row,
    columns: string,
    what: string,
  ): Row[] {
    assertOpen();
    return items.map((item) => {
      const row = toRow(item);
      assertStorable(row, columns, what);
      return row;
    });
  }

  function synchronous<T>(write: () => T): T {
    assertOpen();
    const result = write();
    counters.commits++;
    return result;
  }

  return {
    path: settings.file,
    alerts: {
      async upsert(alerts) {
        const rows = checked(alerts, alertToRow, alertColumns, 'alerts.upsert');
        accept(rows.length, (writes) => {
          for (const row of rows) writes.alerts.set(row[0], row);
        });
      },
      async delete(fingerprints) {
        assertOpen();
        accept(fingerprints.length, (writes) => {
          for (const fingerprint of fingerprints) writes.alerts.set(fingerprint, null);
        });
      },
      async get(fingerprint) {
        assertOpen();
        const buffered = buffer.alerts.get(fingerprint);
        if (buffered !== undefined) return buffered === null ? undefined : rowToAlert(buffered);
        const row = sql.getAlert.get(fingerprint) as AlertRow | undefined;
        return row && rowToAlert(row);
      },
      async list() {
        assertOpen();
        const rows = sql.listAlerts.all() as AlertRow[];
        return overlay(rows, buffer.alerts, (row) => row[0]).map(rowToAlert);
      },
    },
    silences: {
      async upsert(silence) {
        const row = silenceToRow(silence);
        synchronous(() => sql.upsertSilence.run(row));
      },
      async get(id) {
        assertOpen();
        const row = sql.getSilence.get(id) as SilenceRow | undefined;
        return row && rowToSilence(row);
      },
      async list() {
        assertOpen();
        return (sql.listSilences.all() as SilenceRow[]).map(rowToSilence);
      },
      async deleteExpiredBefore(time) {
        return synchronous(() => sql.expireSilences.run(time).changes);
      },
    },
    notificationLog: {
      async get(groupKey, integration) {
        assertOpen();
        const row =
          buffer.log.get(logKey(groupKey, integration)) ??
          (sql.getLog.get(groupKey, integration) as LogRow | undefined);
        return row && rowToLogEntry(row);
      },
      async put(entries) {
        const rows = checked(entries, logEntryToRow, logColumns, 'notificationLog.put');
        accept(rows.length, (writes) => {
          for (const row of rows) writes.log.set(logKey(row[0], row[1]), row);
        });
      },
      async list(groupKey) {
        assertOpen();
        const rows = (
          groupKey === undefined ? sql.listLog.all() : sql.listLogOfGroup.all(groupKey)
        ) as LogRow[];
        return overlay(
          rows,
          buffer.log,
          (row) => logKey(row[0], row[1]),
          (row) => groupKey === undefined || row[0] === groupKey,
        ).map(rowToLogEntry);
      },
      async deleteExpiredBefore(time) {
        assertOpen();
        // Commit the buffer first, so that the count is right and a buffered entry that has
        // expired is collected too.
        flushPending();
        return synchronous(() => sql.expireLog.run(time).changes);
      },
    },
    groups: {
      async put(states) {
        const rows = checked(states, groupToRow, groupColumns, 'groups.put');
        accept(rows.length, (writes) => {
          for (const row of rows) writes.groups.set(row[0], row);
        });
      },
      async delete(groupKeys) {
        assertOpen();
        accept(groupKeys.length, (writes) => {
          for (const groupKey of groupKeys) writes.groups.set(groupKey, null);
        });
      },
      async list() {
        assertOpen();
        const rows = sql.listGroups.all() as GroupRow[];
        return overlay(rows, buffer.groups, (row) => row[0]).map(rowToGroup);
      },
    },
    async flush() {
      assertOpen();
      flushPending();
    },
    stats: () => ({ ...buffer.counts(), ...counters }),
    start(context) {
      assertOpen();
      if (settings.logger === undefined && context?.logger) logger = context.logger;
    },
    stop() {
      stopped ??= (async () => {
        let failure: unknown;
        const pending = buffer.counts();
        try {
          flushPending();
        } catch (error) {
          failure = error;
        }
        if (timer !== undefined) clock.clearTimeout(timer);
        closed = true;
        buffer.clear();
        try {
          db.pragma('optimize'); // SQLite's advice before closing; refreshes planner statistics
        } catch {
          // best effort: it only helps later queries
        }
        db.close();
        if (failure !== undefined) {
          throw new PhoenixError(
            'ERR_STORE',
            `${settings.file}: writing ${pending.pendingWrites} buffered writes ` +
              `(${pending.pendingAlertWrites} alerts, ${pending.pendingGroupWrites} group states, ` +
              `${pending.pendingLogWrites} notification-log entries) at stop failed; they are lost ` +
              '(sources re-send firing alerts; groups resume from their last committed state; ' +
              'the notifications of lost log entries may be sent again)',
            { cause: failure },
          );
        }
      })();
      return stopped;
    },
  };
}
