import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PhoenixError } from '@phoenix-alerting/core';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, migrations, schemaVersion } from './migrations.js';
import type { Migration } from './migrations.js';
import { createSqliteStore } from './sqlite-store.js';

let directory: string;
let file: string;
const open: Database.Database[] = [];
const connect = () => {
  const db = new Database(file);
  db.pragma('foreign_keys = ON');
  open.push(db);
  return db;
};

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'phoenix-store-sqlite-'));
  file = join(directory, 'store.sqlite');
});
afterEach(() => {
  for (const db of open.splice(0)) db.close();
  rmSync(directory, { recursive: true, force: true });
});

const applied = (db: Database.Database) =>
  db.prepare('SELECT version, name, applied_at AS appliedAt FROM schema_migrations').all();
const columns = (db: Database.Database, table: string) =>
  (db.pragma(`table_info(${table})`) as { name: string }[]).map((column) => column.name);

describe('migrations', () => {
  it('are numbered 1, 2, 3… in order', () => {
    expect(migrations.map((step) => step.version)).toEqual(migrations.map((_, index) => index + 1));
    expect(schemaVersion).toBe(migrations.length);
  });

  it('create the schema on a new file and record each step, once', async () => {
    await createSqliteStore({ path: file }).stop();
    await createSqliteStore({ path: file }).stop();
    const db = connect();
    expect(applied(db)).toEqual(
      migrations.map((step) => ({
        version: step.version,
        name: step.name,
        appliedAt: expect.any(Number),
      })),
    );
    expect(columns(db, 'alerts')).toEqual([
      'fingerprint',
      'labels',
      'annotations',
      'starts_at',
      'ends_at',
      'updated_at',
      'timeout',
      'generator_url',
    ]);
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    // Later steps may add tables; these are v1's and v2's.
    expect(tables).toEqual(
      expect.arrayContaining([
        'aggregation_groups',
        'alerts',
        'escalation_steps',
        'incident_timeline',
        'incidents',
        'kv',
        'notification_log',
        'responder_attempts',
        'rotation_overrides',
        'schema_migrations',
        'silences',
        'sqlite_sequence',
      ]),
    );
    expect(columns(db, 'kv')).toEqual(['namespace', 'key', 'value']);
    expect(columns(db, 'escalation_steps')).toEqual(
      expect.arrayContaining(['id', 'due_at', 'status', 'claimed_by', 'lease_until']),
    );
  });

  it('refuse a file from a newer release with a clear ERR_STORE, leaving it untouched', async () => {
    await createSqliteStore({ path: file }).stop();
    connect()
      .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
      .run(schemaVersion + 1, 'from the future', 0);
    let error: unknown;
    try {
      createSqliteStore({ path: file });
    } catch (caught) {
      error = caught;
    }
    expect(PhoenixError.isInstance(error) && error.code).toBe('ERR_STORE');
    expect((error as Error).message).toMatch(
      new RegExp(
        `store\\.sqlite has schema version ${schemaVersion + 1}, but this ` +
          `@phoenix-alerting/store-sqlite knows versions up to ${schemaVersion}.*Upgrade`,
      ),
    );
    expect(applied(connect())).toHaveLength(schemaVersion + 1);
  });

  it('apply only the steps a file lacks, in order', () => {
    const db = connect();
    expect(migrate(db, 1)).toEqual({ from: 0, to: schemaVersion });
    const next: Migration[] = [
      ...migrations,
      { version: schemaVersion + 1, name: 'add a column', sql: 'ALTER TABLE alerts ADD x TEXT' },
    ];
    expect(migrate(db, 2, next)).toEqual({ from: schemaVersion, to: schemaVersion + 1 });
    expect(migrate(db, 3, next)).toEqual({ from: schemaVersion + 1, to: schemaVersion + 1 });
    expect(columns(db, 'alerts')).toContain('x');
    expect(applied(db).map((row) => (row as { appliedAt: number }).appliedAt)).toEqual([
      ...migrations.map(() => 1),
      2,
    ]);
  });

  it('roll back every step of a run when one fails', () => {
    const db = connect();
    migrate(db, 1);
    const broken: Migration[] = [
      ...migrations,
      { version: schemaVersion + 1, name: 'ok', sql: 'CREATE TABLE added (x)' },
      { version: schemaVersion + 2, name: 'broken', sql: 'CREATE TABLE alerts (x)' },
    ];
    expect(() => migrate(db, 2, broken)).toThrow(/table alerts already exists/);
    expect(applied(db)).toHaveLength(schemaVersion);
    expect(columns(db, 'added')).toEqual([]);
  });

  it('refuse a list with a gap in its numbering', () => {
    const gap: Migration[] = [{ version: 2, name: 'gap', sql: '' }];
    expect(() => migrate(connect(), 1, gap)).toThrow(/version 2; expected 1/);
  });
});

describe('schema v1 escalation tables', () => {
  const incident = (id: string, status = 'triggered') => [
    id,
    'group/policy',
    'Disk full',
    'critical',
    status,
    'default',
    'g',
    'team-x',
    '{}',
    '[]',
    1,
    1,
  ];
  const insertIncident = (db: Database.Database, values: unknown[]) =>
    db
      .prepare(
        `INSERT INTO incidents (id, dedup_key, title, severity, status, policy, group_key,
           receiver, labels, fingerprints, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(values);

  it('allow one open incident per dedup key, and cascade deletes to timeline and steps', () => {
    const db = connect();
    // v1 and v2 only: migration 3 replaces these tables (escalation-store.test.ts tests those).
    migrate(db, 1, migrations.slice(0, 2));
    insertIncident(db, incident('i-1'));
    expect(() => insertIncident(db, incident('i-2'))).toThrow(/UNIQUE/);
    insertIncident(db, incident('i-3', 'resolved'));
    db.prepare(
      "INSERT INTO incident_timeline (incident_id, at, kind, message) VALUES ('i-1', 1, 'incident-triggered', 'opened')",
    ).run();
    db.prepare(
      `INSERT INTO escalation_steps (id, incident_id, policy, level, due_at, created_at, updated_at)
       VALUES ('i-1/0/0/alice', 'i-1', 'default', 0, 10, 1, 1)`,
    ).run();
    expect(() =>
      db
        .prepare(
          `INSERT INTO escalation_steps (id, incident_id, policy, level, due_at, created_at, updated_at)
           VALUES ('x', 'no-such-incident', 'default', 0, 10, 1, 1)`,
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    db.prepare("DELETE FROM incidents WHERE id = 'i-1'").run();
    expect(db.prepare('SELECT count(*) FROM incident_timeline').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM escalation_steps').pluck().get()).toBe(0);
  });
});
