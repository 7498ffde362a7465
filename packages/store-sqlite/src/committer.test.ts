import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkerCommitter } from './committer.js';
import type { Committer } from './committer.js';
import { migrate } from './migrations.js';
import { WriteBuffer } from './write-buffer.js';
import type { AlertRow } from './rows.js';

const directories: string[] = [];
const committers: Committer[] = [];
afterEach(async () => {
  for (const committer of committers.splice(0)) await committer.close();
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

const alertRow = (fingerprint: string): AlertRow => [fingerprint, '{}', '{}', 1, 0, 1, 0, ''];

function batch(...fingerprints: string[]): unknown[] {
  const writes = new WriteBuffer();
  for (const fingerprint of fingerprints) writes.alerts.set(fingerprint, alertRow(fingerprint));
  return writes.toOps();
}

/** A committer standing in for the main connection's: records what it was given. */
function recordingInline(): Committer & { batches: unknown[][] } {
  const batches: unknown[][] = [];
  return { batches, commit: async (ops) => void batches.push(ops), close: async () => {} };
}

function migratedFile(): string {
  const directory = mkdtempSync(join(tmpdir(), 'phoenix-store-sqlite-'));
  directories.push(directory);
  const file = join(directory, 'store.sqlite');
  const db = new Database(file);
  migrate(db, 1);
  db.close();
  return file;
}

const committed = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT fingerprint FROM alerts ORDER BY fingerprint').pluck().all();
  } finally {
    db.close();
  }
};

describe('createWorkerCommitter', () => {
  it('commits on the main connection until its worker has opened its own, then in the worker', async () => {
    const file = migratedFile();
    const inline = recordingInline();
    const committer = createWorkerCommitter(
      { file, synchronous: 'normal', busyTimeoutMs: 1_000 },
      inline,
    );
    committers.push(committer);
    // Started with the committer: a thread starting on a loaded machine must not hold commits up.
    await committer.commit(batch('0000000000000001'));
    await committer.whenReady();
    await committer.commit(batch('0000000000000002'));
    expect(inline.batches).toEqual([batch('0000000000000001')]);
    expect(committed(file)).toEqual(['0000000000000002']);
  });

  it('starts a new worker after one died, and commits with it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'phoenix-store-sqlite-'));
    directories.push(directory);
    const file = join(directory, 'later', 'store.sqlite');
    const inline = recordingInline();
    const committer = createWorkerCommitter(
      { file, synchronous: 'full', busyTimeoutMs: 1_000 },
      inline,
    );
    committers.push(committer);

    // The directory does not exist yet: the worker cannot open the file and dies.
    await expect(committer.whenReady()).rejects.toThrow(
      /Cannot open database because the directory does not exist/,
    );
    mkdirSync(join(directory, 'later'));
    const db = new Database(file);
    migrate(db, 1);
    db.close();
    // The next commit starts a new worker, and goes inline while it starts.
    await committer.commit(batch('0000000000000001'));
    expect(inline.batches).toHaveLength(1);
    await committer.whenReady();
    await committer.commit(batch('0000000000000002', '0000000000000003'));
    // A failure inside a transaction is answered, and the same worker goes on.
    await expect(committer.commit([99, []])).rejects.toThrow();
    await committer.commit(batch('0000000000000004'));
    expect(committed(file)).toEqual(['0000000000000002', '0000000000000003', '0000000000000004']);
    expect(inline.batches).toHaveLength(1);
  });

  it('refuses a second commit while one is running, and closes idempotently', async () => {
    const file = migratedFile();
    const committer = createWorkerCommitter(
      { file, synchronous: 'normal', busyTimeoutMs: 1_000 },
      recordingInline(),
    );
    await committer.whenReady();
    const first = committer.commit(batch('0000000000000001'));
    await expect(committer.commit(batch('0000000000000002'))).rejects.toThrow(
      /a commit is already running/,
    );
    await first;
    await committer.close();
    await committer.close();
  });
});
