import { mkdirSync } from 'node:fs';
import { PhoenixError, createLogger, systemClock } from '@phoenix-alerting/core';
import type {
  EscalationStore,
  NotificationAttemptStore,
  KeyValueStore,
  PluginContext,
  StopOptions,
  Store,
} from '@phoenix-alerting/core';
import Database from 'better-sqlite3';
import { createInlineCommitter, createWorkerCommitter } from './committer.js';
import { createSqliteEscalationStore } from './escalation-store.js';
import { createSqliteAttemptStore } from './attempt-store.js';
import { createSqliteKeyValueStore } from './kv-store.js';
import { migrate } from './migrations.js';
import { parseSqliteStoreOptions } from './options.js';
import type {
  ResolvedSqliteStoreOptions,
  SqliteStoreLogger,
  SqliteStoreOptions,
} from './options.js';
import {
  alertColumns,
  alertToRecord,
  assertStorable,
  bufferedToAlert,
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
import { WriteBehind } from './write-behind.js';
import { logKey, overlay } from './write-buffer.js';
import type { PendingWrites, WriteBuffer } from './write-buffer.js';

/** Counters of the store, for metrics. */
export interface SqliteStoreStats extends PendingWrites {
  /** Where write-behind batches are committed (the `commitThread` option). */
  commitThread: 'worker' | 'main';
  /** Write-behind flushes committed: one transaction each, for all three kinds together. */
  flushes: number;
  /** Alert writes those transactions committed. */
  flushedAlertWrites: number;
  /** Group-state writes (puts and deletes) those transactions committed. */
  flushedGroupWrites: number;
  /** Notification-log entries those transactions committed. */
  flushedLogWrites: number;
  /** Delivery attempts those transactions committed. */
  flushedAttemptWrites: number;
  /** Flushes that failed; their writes stayed buffered and were retried. */
  failedFlushes: number;
  /**
   * Write transactions committed: the flushes, and each silence write, `kv` write and expiry
   * collection.
   */
  commits: number;
}

/**
 * The core `Store` on one SQLite file. The database is opened, and migrated, by
 * {@link createSqliteStore}; `stop` writes what is buffered and closes it.
 *
 * Durability (the README's table has the details):
 * - `alerts.upsert`/`delete`, `groups.put`/`delete`, `notificationLog.put` and `attempts.append`
 *   are written behind. They resolve once accepted into an in-memory buffer that `get` and `list`
 *   read through, and everything accepted within `batchFlushIntervalMs` is handed over as one
 *   batch, committed in one transaction by a worker thread with its own connection
 *   (`commitThread`): by the timer, or, when the timer runs late on a busy event loop, by the first
 *   write that finds the last flush an interval old. Reads see a batch until its commit is
 *   confirmed. A `kill -9` loses at most the writes of that last interval and of a batch still
 *   being committed:
 *   Prometheus re-sends firing alerts; a group resumes from its previous state, its timer off by
 *   about one interval; a notification whose log entry was lost may be sent again, with the same
 *   idempotency key, so a receiver that honours the key drops the duplicate; the history of
 *   delivery attempts misses the attempts of that interval.
 * - `silences.upsert`, `kv` writes, both `deleteExpiredBefore` and `attempts.deleteBefore` are
 *   committed on the main connection before they resolve (the log's expiry and `deleteBefore`
 *   commit the buffer first), because a lost silence is a page the user was told was suppressed.
 *   They wait (`busyTimeoutMs`) while the worker holds the write lock.
 */
export interface SqliteStore extends Store {
  /** Plugins' small state in the `kv` table: each `put` and `delete` commits before it resolves. */
  readonly kv: KeyValueStore;
  /** Incidents, escalation steps, the page outbox and overrides: every call commits before it resolves. */
  readonly escalation: EscalationStore;
  /** The history of delivery attempts: `append` is written behind, `deleteBefore` commits. */
  readonly attempts: NotificationAttemptStore;
  /** The database file. */
  readonly path: string;
  /**
   * Commits the buffered writes now, in one transaction, after the batch in flight; resolves once
   * committed. On failure it rejects and the writes stay buffered (and are retried).
   */
  flush(): Promise<void>;
  /**
   * Resolves once write-behind batches are committed by the commit worker (at once with
   * `commitThread: 'main'`). The worker starts with the store; until it has opened its connection,
   * batches are committed on the main connection, so that a slow thread start cannot hold them
   * past the flush interval. Rejects with why the worker died before it was ready.
   */
  commitWorkerReady(): Promise<void>;
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
  let logger: SqliteStoreLogger | undefined = settings.logger;
  // The main connection: reads, and the synchronous writes (silences, kv, expiry collection).
  // Write-behind batches go through the committer, on a second connection in a worker thread.
  const db = openDatabase(settings, clock.now());

  const sql = {
    getAlert: db.prepare(`SELECT ${alertColumns} FROM alerts WHERE fingerprint = ?`).raw(),
    listAlerts: db.prepare(`SELECT ${alertColumns} FROM alerts`).raw(),
    upsertSilence: db.prepare(upsertSql('silences', silenceColumns, 'id')),
    getSilence: db.prepare(`SELECT ${silenceColumns} FROM silences WHERE id = ?`).raw(),
    listSilences: db.prepare(`SELECT ${silenceColumns} FROM silences`).raw(),
    expireSilences: db.prepare('DELETE FROM silences WHERE ends_at < ?'),
    getLog: db
      .prepare(`SELECT ${logColumns} FROM notification_log WHERE group_key = ? AND integration = ?`)
      .raw(),
    listLog: db.prepare(`SELECT ${logColumns} FROM notification_log`).raw(),
    listLogOfGroup: db
      .prepare(`SELECT ${logColumns} FROM notification_log WHERE group_key = ?`)
      .raw(),
    expireLog: db.prepare('DELETE FROM notification_log WHERE expires_at < ?'),
    listGroups: db.prepare(`SELECT ${groupColumns} FROM aggregation_groups`).raw(),
  };

  let closed = false;
  let stopped: Promise<void> | undefined;
  /** Synchronous write transactions on the main connection. */
  let directCommits = 0;

  const log = (): SqliteStoreLogger => (logger ??= createLogger({ name: 'store-sqlite' }));
  const assertOpen = (): void => {
    if (closed) throw new PhoenixError('ERR_STORE', `the SQLite store ${settings.file} is stopped`);
  };

  const inlineCommitter = createInlineCommitter(db);
  const workerCommitter =
    settings.commitThread === 'worker'
      ? createWorkerCommitter(settings, inlineCommitter)
      : undefined;
  const committer = workerCommitter ?? inlineCommitter;
  const writeBehind = new WriteBehind({
    intervalMs: settings.batchFlushIntervalMs,
    maxBufferedWrites: settings.maxBufferedWrites,
    clock,
    committer,
    assertOpen,
    onBackgroundFailure: (error, pending) =>
      log().error(
        { err: error, file: settings.file, ...pending },
        'store-sqlite: writing buffered writes failed; retrying',
      ),
  });

  /** The newest buffered write of `key`: a row, `null` for a delete, undefined for none. */
  function buffered<Row>(
    kind: (writes: WriteBuffer) => ReadonlyMap<string, Row | null>,
    key: string,
  ): Row | null | undefined {
    const layers = writeBehind.layers;
    for (let index = layers.length - 1; index >= 0; index--) {
      const row = kind(layers[index]!).get(key);
      if (row !== undefined) return row;
    }
    return undefined;
  }
  const layersOf = <Row>(kind: (writes: WriteBuffer) => ReadonlyMap<string, Row | null>) =>
    writeBehind.layers.map(kind);

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
    directCommits++;
    return result;
  }

  return {
    path: settings.file,
    alerts: {
      async upsert(alerts) {
        assertOpen();
        // All records first: a call that fails its check accepts nothing.
        const records = alerts.map((alert) => alertToRecord(alert, 'alerts.upsert'));
        await writeBehind.accept(records.length, (writes) => {
          for (const record of records) writes.alerts.set(record[0], record);
        });
      },
      async delete(fingerprints) {
        assertOpen();
        await writeBehind.accept(fingerprints.length, (writes) => {
          for (const fingerprint of fingerprints) writes.alerts.set(fingerprint, null);
        });
      },
      async get(fingerprint) {
        assertOpen();
        const hit = buffered((writes) => writes.alerts, fingerprint);
        if (hit !== undefined) return hit === null ? undefined : bufferedToAlert(hit);
        const row = sql.getAlert.get(fingerprint) as AlertRow | undefined;
        return row && rowToAlert(row);
      },
      async list() {
        assertOpen();
        const rows = sql.listAlerts.all() as AlertRow[];
        return overlay(
          rows,
          layersOf((writes) => writes.alerts),
          (row) => row[0],
        ).map(bufferedToAlert);
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
          buffered((writes) => writes.log, logKey(groupKey, integration)) ?? // never a delete
          (sql.getLog.get(groupKey, integration) as LogRow | undefined);
        return row ? rowToLogEntry(row) : undefined;
      },
      async put(entries) {
        const rows = checked(entries, logEntryToRow, logColumns, 'notificationLog.put');
        await writeBehind.accept(rows.length, (writes) => {
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
          layersOf((writes) => writes.log),
          (row) => logKey(row[0], row[1]),
          (row) => groupKey === undefined || row[0] === groupKey,
        ).map(rowToLogEntry);
      },
      async deleteExpiredBefore(time) {
        assertOpen();
        // Commit the buffer first, so that the count is right and a buffered entry that has
        // expired is collected too.
        await writeBehind.flush();
        return synchronous(() => sql.expireLog.run(time).changes);
      },
    },
    groups: {
      async put(states) {
        const rows = checked(states, groupToRow, groupColumns, 'groups.put');
        await writeBehind.accept(rows.length, (writes) => {
          for (const row of rows) writes.groups.set(row[0], row);
        });
      },
      async delete(groupKeys) {
        assertOpen();
        await writeBehind.accept(groupKeys.length, (writes) => {
          for (const groupKey of groupKeys) writes.groups.set(groupKey, null);
        });
      },
      async list() {
        assertOpen();
        const rows = sql.listGroups.all() as GroupRow[];
        return overlay(
          rows,
          layersOf((writes) => writes.groups),
          (row) => row[0],
        ).map(rowToGroup);
      },
    },
    // Synchronous stores (kv, and the like) run their own transactions on the main connection,
    // `db`: they take it with `assertOpen` and a hook that counts their commits.
    kv: createSqliteKeyValueStore(db, assertOpen, () => directCommits++),
    escalation: createSqliteEscalationStore(db, assertOpen, () => directCommits++),
    attempts: createSqliteAttemptStore(db, writeBehind, assertOpen, () => directCommits++),
    async flush() {
      assertOpen();
      await writeBehind.flush();
    },
    commitWorkerReady: async () => workerCommitter?.whenReady(),
    stats: () => ({
      ...writeBehind.counts(),
      commitThread: settings.commitThread,
      ...writeBehind.counters,
      commits: writeBehind.counters.flushes + directCommits,
    }),
    start(context) {
      assertOpen();
      if (settings.logger === undefined && context?.logger) logger = context.logger;
    },
    stop() {
      stopped ??= (async () => {
        closed = true;
        let failure: unknown;
        const pending = writeBehind.counts();
        try {
          await writeBehind.close();
        } catch (error) {
          failure = error;
        }
        await committer.close();
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
              `${pending.pendingLogWrites} notification-log entries, ` +
              `${pending.pendingAttemptWrites} delivery attempts) at stop failed; they are lost ` +
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
