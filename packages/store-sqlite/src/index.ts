export { createSqliteStore } from './sqlite-store.js';
export type { SqliteStore, SqliteStoreStats } from './sqlite-store.js';
export type { PendingWrites } from './write-buffer.js';
export { sqliteStoreOptionsSchema, defaultDatabaseFileName } from './options.js';
export type { SqliteStoreOptions, SqliteStoreLogger } from './options.js';
export { migrations, schemaVersion } from './migrations.js';
export type { Migration } from './migrations.js';
