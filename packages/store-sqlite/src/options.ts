import { join } from 'node:path';
import { parseOptions } from '@phoenix-alerting/core';
import type { Clock } from '@phoenix-alerting/core';
import { z } from 'zod';

/** The file `directory` resolves to. */
export const defaultDatabaseFileName = 'phoenix-alerting.sqlite';

/** Where the store reports failed background commits; a pino `Logger` (the pipeline's) fits. */
export interface SqliteStoreLogger {
  error(details: object, message: string): void;
}

const isClock = (value: unknown): value is Clock =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Clock).now === 'function' &&
  typeof (value as Clock).setTimeout === 'function' &&
  typeof (value as Clock).clearTimeout === 'function';

const isLogger = (value: unknown): value is SqliteStoreLogger =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as SqliteStoreLogger).error === 'function';

/** Options of {@link createSqliteStore}. Exactly one of `path` and `directory` is required. */
export const sqliteStoreOptionsSchema = z
  .object({
    /** The database file, created if missing; `:memory:` for a throwaway store (no WAL). */
    path: z.string().min(1).optional(),
    /** A directory, created if missing, that holds `phoenix-alerting.sqlite` and its WAL. */
    directory: z.string().min(1).optional(),
    /**
     * How long (ms) an accepted write-behind write (`alerts.upsert`/`delete`, `groups.put`/`delete`,
     * `notificationLog.put`) may wait in memory before it is committed, together with every other
     * write accepted meanwhile, in one transaction. This is the most a `kill -9` can lose. `0`
     * commits each of those calls as its own transaction before it resolves. Default 100.
     */
    batchFlushIntervalMs: z.number().int().nonnegative().optional(),
    /**
     * Buffered writes (distinct fingerprints, group keys and log keys, all kinds together) at which
     * a write-behind call commits the buffer itself instead of waiting for the timer: the memory
     * bound of the buffer. Default 10 000.
     */
    maxBufferedWrites: z.number().int().positive().optional(),
    /** @deprecated The former name of `maxBufferedWrites`, which now counts every kind. */
    maxBufferedAlertWrites: z.number().int().positive().optional(),
    /**
     * SQLite's `synchronous` setting. `full` (default) fsyncs the WAL at every commit, so a
     * committed write also survives power loss; `normal` fsyncs only at checkpoints, so commits
     * survive `kill -9` but the last ones may roll back on power loss. See the README.
     */
    synchronous: z.enum(['full', 'normal']).optional(),
    /**
     * Where write-behind batches are committed. `worker` (default): a worker thread with its own
     * connection to the file, so the event loop only hands the batch over and SQLite's work and
     * fsync run beside it. `main`: the event loop's own connection (the only choice for `:memory:`,
     * which a second connection cannot open, and its default).
     */
    commitThread: z.enum(['worker', 'main']).optional(),
    /**
     * How long (ms) a statement waits for a lock held by another connection (the commit worker's
     * included). Default 5000.
     */
    busyTimeoutMs: z.number().int().nonnegative().optional(),
    /** Drives the flush timer and tells when a flush is due. Default: the system clock. */
    clock: z.custom<Clock>(isClock, 'expected a Clock (now, setTimeout, clearTimeout)').optional(),
    /**
     * Where background flush failures are reported. Default: the logger of the pipeline that
     * starts the store, or `createLogger()` before that.
     */
    logger: z
      .custom<SqliteStoreLogger>(isLogger, 'expected a logger with an error method')
      .optional(),
  })
  .strict()
  .refine((options) => (options.path === undefined) !== (options.directory === undefined), {
    message: 'set exactly one of "path" and "directory"',
  })
  .refine((options) => options.path !== ':memory:' || options.commitThread !== 'worker', {
    message: 'a :memory: database has no file a worker could open: use "main" (its default)',
    path: ['commitThread'],
  })
  .refine(
    (options) =>
      options.maxBufferedWrites === undefined || options.maxBufferedAlertWrites === undefined,
    {
      message: 'set "maxBufferedWrites" only ("maxBufferedAlertWrites" is its former name)',
      path: ['maxBufferedAlertWrites'],
    },
  );

export type SqliteStoreOptions = z.input<typeof sqliteStoreOptionsSchema>;

/** Options with their defaults applied. */
export interface ResolvedSqliteStoreOptions {
  file: string;
  directory: string | undefined;
  batchFlushIntervalMs: number;
  maxBufferedWrites: number;
  synchronous: 'full' | 'normal';
  commitThread: 'worker' | 'main';
  busyTimeoutMs: number;
  clock: Clock | undefined;
  logger: SqliteStoreLogger | undefined;
}

/** Validates options, throwing one `ConfigError` that names every bad path. */
export function parseSqliteStoreOptions(options: unknown): ResolvedSqliteStoreOptions {
  const data = parseOptions(
    sqliteStoreOptionsSchema,
    options,
    '@phoenix-alerting/store-sqlite options',
  );
  return {
    file: data.path ?? join(data.directory!, defaultDatabaseFileName),
    directory: data.directory,
    batchFlushIntervalMs: data.batchFlushIntervalMs ?? 100,
    maxBufferedWrites: data.maxBufferedWrites ?? data.maxBufferedAlertWrites ?? 10_000,
    synchronous: data.synchronous ?? 'full',
    commitThread: data.commitThread ?? (data.path === ':memory:' ? 'main' : 'worker'),
    busyTimeoutMs: data.busyTimeoutMs ?? 5_000,
    clock: data.clock,
    logger: data.logger,
  };
}
