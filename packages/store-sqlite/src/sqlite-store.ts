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

/** Counters of the write-behind alert buffer, for metrics. */
export interface SqliteStoreStats {
  /** Alert writes (distinct fingerprints) accepted and not yet committed. */
  pendingAlertWrites: number;
  /** Alert flush transactions committed. */
  flushes: number;
  /** Alert writes those transactions committed. */
  flushedAlertWrites: number;
  /** Flushes that failed; their writes stayed buffered and were retried. */
  failedFlushes: number;
}

/**
 * The core `Store` on one SQLite file. The database is opened, and migrated, by
 * {@link createSqliteStore}; `stop` writes what is buffered and closes it.
 *
 * Durability: `alerts.upsert`/`delete` are written behind. They resolve once accepted into an
 * in-memory buffer that `get` and `list` read through, and every write accepted within
 * `batchFlushIntervalMs` is committed in one transaction; a `kill -9` loses at most the writes of
 * that last interval (Prometheus re-sends firing alerts every evaluation, so they come back).
 * `silences.upsert`, `notificationLog.put` and `groups.put`/`delete` are committed before they
 * resolve, each call one transaction, because losing one means a silence gone or a page sent
 * twice.
 */
export interface SqliteStore extends Store {
  /** The database file. */
  readonly path: string;
  /** Commits the buffered alert writes now, in one transaction. */
  flush(): Promise<void>;
  stats(): SqliteStoreStats;
  /** Adopts the pipeline's logger when the options gave none. The database is already open. */
  start(context?: Pick<PluginContext, 'logger'>): void;
  /**
   * Commits the buffered alert writes and closes the database. Runs once; later calls return the
   * same promise. Every method rejects with `ERR_STORE` afterwards.
   */
  stop(options?: StopOptions): Promise<void>;
}

type Write = [fingerprint: string, row: AlertRow | null];

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
  const writeAlerts = db.transaction((writes: Iterable<Write>) => {
    for (const [fingerprint, row] of writes) {
      if (row) sql.upsertAlert.run(row);
      else sql.deleteAlert.run(fingerprint);
    }
  });
  const putLog = db.transaction((rows: LogRow[]) => {
    for (const row of rows) sql.putLog.run(row);
  });
  const putGroups = db.transaction((rows: GroupRow[]) => {
    for (const row of rows) sql.putGroup.run(row);
  });
  const deleteGroups = db.transaction((groupKeys: readonly string[]) => {
    for (const groupKey of groupKeys) sql.deleteGroup.run(groupKey);
  });

  // The write-behind buffer: the latest accepted write per fingerprint (null = delete).
  const pending = new Map<string, AlertRow | null>();
  let timer: TimerHandle | undefined;
  let closed = false;
  let stopped: Promise<void> | undefined;
  const counters = { flushes: 0, flushedAlertWrites: 0, failedFlushes: 0 };

  const log = (): SqliteStoreLogger => (logger ??= createLogger({ name: 'store-sqlite' }));
  const assertOpen = (): void => {
    if (closed) throw new PhoenixError('ERR_STORE', `the SQLite store ${settings.file} is stopped`);
  };

  function arm(): void {
    if (timer === undefined && !closed)
      timer = clock.setTimeout(onTimer, settings.batchFlushIntervalMs);
  }

  function onTimer(): void {
    timer = undefined;
    try {
      flushPending();
    } catch (error) {
      log().error(
        { err: error, file: settings.file, pendingAlertWrites: pending.size },
        'store-sqlite: writing buffered alerts failed; retrying',
      );
    }
  }

  /** Commits the buffer in one transaction; on failure it stays buffered and the timer re-arms. */
  function flushPending(): void {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    if (pending.size === 0) return;
    try {
      writeAlerts(pending);
    } catch (error) {
      counters.failedFlushes++;
      arm();
      throw error;
    }
    counters.flushes++;
    counters.flushedAlertWrites += pending.size;
    pending.clear();
  }

  /** Takes alert writes into the buffer, or commits them at once when the interval is 0. */
  function accept<T>(items: readonly T[], key: (item: T) => string, row: (item: T) => Write[1]) {
    assertOpen();
    if (items.length === 0) return;
    if (settings.batchFlushIntervalMs === 0) {
      writeAlerts(items.map((item): Write => [key(item), row(item)]));
      counters.flushes++;
      counters.flushedAlertWrites += items.length;
      return;
    }
    // Full: write the buffer before taking more. If that fails the call rejects and nothing of it
    // was accepted, so the caller knows to retry: never a silent drop.
    if (pending.size >= settings.maxBufferedAlertWrites) flushPending();
    const rows = items.map(row); // all or nothing: a value that cannot be stored throws here
    items.forEach((item, index) => pending.set(key(item), rows[index]!));
    arm();
  }

  return {
    path: settings.file,
    alerts: {
      async upsert(alerts) {
        accept(alerts, (alert) => alert.fingerprint, alertToRow);
      },
      async delete(fingerprints) {
        accept(
          fingerprints,
          (fingerprint) => fingerprint,
          () => null,
        );
      },
      async get(fingerprint) {
        assertOpen();
        const buffered = pending.get(fingerprint);
        if (buffered !== undefined) return buffered === null ? undefined : rowToAlert(buffered);
        const row = sql.getAlert.get(fingerprint) as AlertRow | undefined;
        return row && rowToAlert(row);
      },
      async list() {
        assertOpen();
        const rows = sql.listAlerts.all() as AlertRow[];
        if (pending.size === 0) return rows.map(rowToAlert);
        const alerts = rows.filter((row) => !pending.has(row[0])).map(rowToAlert);
        for (const row of pending.values()) if (row) alerts.push(rowToAlert(row));
        return alerts;
      },
    },
    silences: {
      async upsert(silence) {
        assertOpen();
        sql.upsertSilence.run(silenceToRow(silence));
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
        assertOpen();
        return sql.expireSilences.run(time).changes;
      },
    },
    notificationLog: {
      async get(groupKey, integration) {
        assertOpen();
        const row = sql.getLog.get(groupKey, integration) as LogRow | undefined;
        return row && rowToLogEntry(row);
      },
      async put(entries) {
        assertOpen();
        if (entries.length > 0) putLog(entries.map(logEntryToRow));
      },
      async list(groupKey) {
        assertOpen();
        const rows = (
          groupKey === undefined ? sql.listLog.all() : sql.listLogOfGroup.all(groupKey)
        ) as LogRow[];
        return rows.map(rowToLogEntry);
      },
      async deleteExpiredBefore(time) {
        assertOpen();
        return sql.expireLog.run(time).changes;
      },
    },
    groups: {
      async put(states) {
        assertOpen();
        if (states.length > 0) putGroups(states.map(groupToRow));
      },
      async delete(groupKeys) {
        assertOpen();
        if (groupKeys.length > 0) deleteGroups(groupKeys);
      },
      async list() {
        assertOpen();
        return (sql.listGroups.all() as GroupRow[]).map(rowToGroup);
      },
    },
    async flush() {
      assertOpen();
      flushPending();
    },
    stats: () => ({ pendingAlertWrites: pending.size, ...counters }),
    start(context) {
      assertOpen();
      if (settings.logger === undefined && context?.logger) logger = context.logger;
    },
    stop() {
      stopped ??= (async () => {
        let failure: unknown;
        const buffered = pending.size;
        try {
          flushPending();
        } catch (error) {
          failure = error;
        }
        if (timer !== undefined) clock.clearTimeout(timer);
        closed = true;
        pending.clear();
        try {
          db.pragma('optimize'); // SQLite's advice before closing; refreshes planner statistics
        } catch {
          // best effort: it only helps later queries
        }
        db.close();
        if (failure !== undefined) {
          throw new PhoenixError(
            'ERR_STORE',
            `${settings.file}: writing ${buffered} buffered alert writes at stop failed; ` +
              'they are lost (sources re-send firing alerts)',
            { cause: failure },
          );
        }
      })();
      return stopped;
    },
  };
}
