// Shared by the store's tests: SQLite stores in a fresh temp directory per test, closed and removed
// after it, read-only peer connections that see only what is committed, and row builders.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GroupState, NotificationLogEntry, Silence } from '@phoenix-alerting/core';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { defaultDatabaseFileName } from '../options.js';
import { createSqliteStore } from '../sqlite-store.js';
import type { SqliteStore, SqliteStoreStats } from '../sqlite-store.js';

export interface TempStores {
  /** This test's directory (a new one for each test). */
  readonly directory: string;
  /** A store in `directory`, stopped after the test. */
  open(options?: Partial<Parameters<typeof createSqliteStore>[0]>): SqliteStore;
  /** A second, read-only connection to the file: sees only what is committed. */
  peer(): Database.Database;
  /** A writable connection to `path`, closed after the test (to hold locks against a store). */
  connect(path: string): Database.Database;
  /** Registers a store opened some other way, so that it is stopped after the test. */
  track(store: SqliteStore): SqliteStore;
}

/** Call at the top of a test file: registers the per-test set-up and clean-up. */
export function useTempStores(): TempStores {
  const stores: SqliteStore[] = [];
  const peers: Database.Database[] = [];
  let directory = '';
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'phoenix-store-sqlite-'));
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.stop().catch(() => undefined);
    for (const peer of peers.splice(0)) peer.close();
    rmSync(directory, { recursive: true, force: true });
  });
  const track = (store: SqliteStore) => (stores.push(store), store);
  return {
    get directory() {
      return directory;
    },
    open: (options = {}) => track(createSqliteStore({ directory, ...options })),
    peer() {
      const db = new Database(join(directory, defaultDatabaseFileName), { readonly: true });
      peers.push(db);
      return db;
    },
    connect(path) {
      const db = new Database(path);
      peers.push(db);
      return db;
    },
    track,
  };
}

/** Both places a write-behind batch can be committed; write-behind tests run for each. */
export const commitThreads = ['worker', 'main'] as const;

/**
 * Waits until `store.stats()` matches `expected`. A batch handed over (by the timer, a due write or
 * a full buffer) is committed asynchronously, on the worker thread or in a later microtask; its
 * answer arrives when the test yields. A match that never comes fails after 10 s.
 */
export const statsReach = (store: SqliteStore, expected: Partial<SqliteStoreStats>) =>
  vi.waitFor(() => expect(store.stats()).toMatchObject(expected), {
    timeout: 10_000,
    interval: 2,
  });

/** Committed rows in `table`, as a peer connection sees them. */
export const count = (db: Database.Database, table: string): number =>
  (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

export const silence = (id: string): Silence => ({
  id,
  matchers: [{ name: 'alertname', value: 'A', isRegex: false, isEqual: true }],
  startsAt: 0,
  endsAt: Date.UTC(2030, 0, 1),
  updatedAt: 0,
  createdBy: 'test',
  comment: '',
});

export const group = (groupKey: string, overrides: Partial<GroupState> = {}): GroupState => ({
  groupKey,
  receiver: 'team-x',
  routeId: '{}',
  groupLabels: { alertname: 'A' },
  fingerprints: ['0123456789abcdef'],
  firstFlushAt: 0,
  lastFlushAt: 0,
  nextFlushAt: 1,
  ...overrides,
});

export const logEntry = (
  groupKey: string,
  integration = 'team-x/webhook/0',
  overrides: Partial<NotificationLogEntry> = {},
): NotificationLogEntry => ({
  groupKey,
  integration,
  firingAlerts: ['0123456789abcdef'],
  resolvedAlerts: [],
  timestamp: 1,
  expiresAt: Date.UTC(2030, 0, 1),
  ...overrides,
});
