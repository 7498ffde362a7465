// Who commits a write-behind batch: the main thread's own connection, or a worker thread that owns
// a second connection to the same WAL file, so that SQLite's B-tree work and the fsync of a storm's
// flushes leave the event loop. A batch travels as `ops`: [statement index, parameters] pairs over
// `writeStatements`, which the worker prepares once, run by `runOps`, the only code of ours it
// needs.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { runOps, writeStatements } from './write-buffer.js';

/** Commits batches, one at a time: the caller waits for a commit before it starts the next. */
export interface Committer {
  /** Runs `ops` in one transaction; resolves once committed, rejects (nothing written) if not. */
  commit(ops: unknown[]): Promise<void>;
  /** Releases the committer (and its connection). Call when no commit is running. */
  close(): Promise<void>;
}

/** Commits on the caller's connection, synchronously inside `commit`. */
export function createInlineCommitter(db: Database.Database): Committer {
  const statements = writeStatements.map((sql) => db.prepare(sql));
  const run = db.transaction((ops: unknown[]) => runOps(statements, ops));
  return {
    async commit(ops) {
      run.immediate(ops);
    },
    async close() {},
  };
}

/** A {@link Committer} on a worker thread. */
export interface WorkerCommitter extends Committer {
  /**
   * Resolves once the worker (started now if none runs) has opened its connection and takes the
   * commits; rejects with why it died before that.
   */
  whenReady(): Promise<void>;
}

/** What the worker needs to open its connection like the main one. */
export interface WorkerCommitterOptions {
  file: string;
  synchronous: 'full' | 'normal';
  busyTimeoutMs: number;
}

// The worker, as source: Node 20 runs it without a build step (the package's tests run from src/,
// where no compiled worker file exists) and a bundler cannot lose it. It is generic: open, prepare
// the statements it was given, and commit each batch it receives in one transaction with the
// source of `runOps`, which refers to nothing outside itself. BEGIN
// IMMEDIATE takes the write lock first, waiting (busy timeout) for the main connection's writes,
// so a transaction never has to upgrade a stale read snapshot (which would fail at once).
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });
db.pragma('synchronous = ' + workerData.synchronous);
db.pragma('foreign_keys = ON');
// 4 MB of page cache rather than 16: the worker only writes, and what it misses the OS caches.
db.pragma('cache_size = -4000');
const statements = workerData.statements.map((sql) => db.prepare(sql));
const runOps = ${runOps.toString()};
const commit = db.transaction((ops) => runOps(statements, ops));
parentPort.postMessage('ready');
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    commit.immediate(message);
    parentPort.postMessage(null);
  } catch (error) {
    parentPort.postMessage({ name: error.name, code: error.code, message: error.message });
  }
});
`;

interface WorkerFailure {
  name: string;
  code?: string;
  message: string;
}

/** An Error that carries SQLite's code (`SQLITE_BUSY`, …) like better-sqlite3's own errors. */
function toError(failure: WorkerFailure): Error {
  const error = new Error(failure.message) as Error & { code?: string };
  error.name = failure.name;
  if (failure.code !== undefined) error.code = failure.code;
  return error;
}

/**
 * Commits in a worker thread with its own connection. The worker is started at once, and again at
 * the next commit after it died (a commit in flight then rejects and is retried by the store).
 * Until a worker has opened its connection, commits run on `inline` (the main connection): a thread
 * starting up on a loaded machine took longer than the flush interval, and writes waited for it
 * past their durability promise. It holds the process open only while a commit runs, so an idle
 * store does not keep a process alive.
 */
export function createWorkerCommitter(
  options: WorkerCommitterOptions,
  inline: Committer,
): WorkerCommitter {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  let worker: Worker | undefined;
  /** Whether `worker` has opened its connection and takes commits. */
  let ready = false;
  /** Settles when `worker` is ready; rejects when it died first. */
  let readiness: Promise<void> = Promise.resolve();
  /** The commit in flight, and the worker it was posted to. */
  let waiting:
    { to: Worker | undefined; resolve: () => void; reject: (error: Error) => void } | undefined;

  /** Answers the commit in flight, if `from` is the worker it was posted to. */
  const settle = (from: Worker | undefined, error?: Error) => {
    if (!waiting || waiting.to !== from) return; // e.g. the exit that follows a dead worker's error
    const current = waiting;
    waiting = undefined;
    from?.unref();
    if (error) current.reject(error);
    else current.resolve();
  };

  function spawn(): Worker {
    const started = new Worker(workerSource, {
      eval: true,
      // A batch is garbage once committed; a small young generation collects it soon. With V8's
      // default the reference server's storm peaked about 50 MB higher (VmHWM).
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
      workerData: {
        file: options.file,
        synchronous: options.synchronous,
        busyTimeoutMs: options.busyTimeoutMs,
        driver,
        statements: writeStatements,
      },
    });
    started.unref();
    let startedOrDied: { resolve: () => void; reject: (error: Error) => void } | undefined;
    readiness = new Promise<void>((resolve, reject) => (startedOrDied = { resolve, reject }));
    readiness.catch(() => {}); // awaited only by `whenReady`
    started.on('message', (message: 'ready' | WorkerFailure | null) => {
      if (message === 'ready') {
        if (worker === started) ready = true;
        startedOrDied?.resolve();
        return;
      }
      settle(started, message ? toError(message) : undefined);
    });
    const gone = (error: Error) => {
      if (worker === started) {
        worker = undefined;
        ready = false;
      }
      startedOrDied?.reject(error);
      settle(started, error);
    };
    started.on('error', gone);
    started.on('exit', (code) =>
      gone(new Error(`the store's commit worker exited (code ${code}) before answering`)),
    );
    return started;
  }

  worker = spawn();
  return {
    whenReady() {
      worker ??= spawn();
      return readiness;
    },
    commit(ops) {
      // The store never does this.
      if (waiting) return Promise.reject(new Error('a commit is already running'));
      worker ??= spawn();
      if (!ready) return inline.commit(ops);
      const to = worker;
      return new Promise((resolve, reject) => {
        waiting = { to, resolve, reject };
        try {
          to.ref();
          to.postMessage(ops);
        } catch (error) {
          settle(waiting.to, error as Error); // not even handed over: nothing was written
        }
      });
    },
    async close() {
      const closing = worker;
      worker = undefined;
      ready = false;
      if (!closing) return;
      const exited = new Promise((resolve) => closing.once('exit', resolve));
      closing.postMessage('close');
      closing.ref();
      await exited;
    },
  };
}
