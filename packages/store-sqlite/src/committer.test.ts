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

describe('createWorkerCommitter', () => {
  it('starts a new worker after one died, and commits with it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'phoenix-store-sqlite-'));
    directories.push(directory);
    const file = join(directory, 'later', 'store.sqlite');
    const committer = createWorkerCommitter({ file, synchronous: 'full', busyTimeoutMs: 1_000 });
    committers.push(committer);

    // The directory does not exist yet: the worker cannot open the file and dies.
    await expect(committer.commit(batch('0000000000000001'))).rejects.toThrow(
      /Cannot open database because the directory does not exist/,
    );
    mkdirSync(join(directory, 'later'));
    const db = new Database(file);
    migrate(db, 1);
    await committer.commit(batch('0000000000000002', '0000000000000003'));
    // A failure inside a transaction is answered, and the same worker goes on.
    await expect(committer.commit([99, []])).rejects.toThrow();
    await committer.commit(batch('0000000000000004'));
    expect(db.prepare('SELECT fingerprint FROM alerts ORDER BY fingerprint').pluck().all()).toEqual(
      ['0000000000000002', '0000000000000003', '0000000000000004'],
    );
    db.close();
  });

  it('refuses a second commit while one is running, and closes idempotently', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'phoenix-store-sqlite-'));
    directories.push(directory);
    const file = join(directory, 'store.sqlite');
    const db = new Database(file);
    migrate(db, 1);
    db.close();
    const committer = createWorkerCommitter({ file, synchronous: 'normal', busyTimeoutMs: 1_000 });
    const first = committer.commit(batch('0000000000000001'));
    await expect(committer.commit(batch('0000000000000002'))).rejects.toThrow(
      /a commit is already running/,
    );
    await first;
    await committer.close();
    await committer.close();
  });
});
