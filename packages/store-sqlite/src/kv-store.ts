// core's KeyValueStore on the `kv` table (migration 2). Small, rarely written state (rule and
// health-check state), so every call is its own synchronous transaction on the main connection:
// it is on disk when the promise resolves.
import { PhoenixError } from '@phoenix-alerting/core';
import type { KeyValueEntry, KeyValueStore } from '@phoenix-alerting/core';
import type Database from 'better-sqlite3';

type KeyValueRow = [key: string, value: string];

/** Sorts as JavaScript compares strings (UTF-16 code units), like the in-memory store. */
const byKey = (a: KeyValueRow, b: KeyValueRow) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

function serialise(namespace: string, entry: KeyValueEntry, index: number): string {
  const where = `kv.put(${JSON.stringify(namespace)}): entry ${index}`;
  if (typeof entry?.key !== 'string') {
    throw new PhoenixError('ERR_STORE', `${where}: the key must be a string`);
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(entry.value);
  } catch (error) {
    throw new PhoenixError(
      'ERR_STORE',
      `${where} (key ${JSON.stringify(entry.key)}): the value is not JSON-serialisable: ` +
        `${(error as Error).message}; nothing of the call was stored`,
      { cause: error },
    );
  }
  if (json === undefined) {
    throw new PhoenixError(
      'ERR_STORE',
      `${where} (key ${JSON.stringify(entry.key)}): the value is ${typeof entry.value}, which ` +
        'JSON cannot hold; nothing of the call was stored',
    );
  }
  return json;
}

/**
 * The `kv` member of the SQLite store. `guard` runs before every call (it throws once the store
 * is stopped) and `committed` after every write transaction (for the store's counters).
 */
export function createSqliteKeyValueStore(
  db: Database.Database,
  guard: () => void,
  committed: () => void,
): KeyValueStore {
  const sql = {
    get: db.prepare('SELECT value FROM kv WHERE namespace = ? AND key = ?').pluck(),
    put: db.prepare(
      'INSERT INTO kv (namespace, key, value) VALUES (?, ?, ?) ' +
        'ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value',
    ),
    delete: db.prepare('DELETE FROM kv WHERE namespace = ? AND key = ?'),
    list: db.prepare('SELECT key, value FROM kv WHERE namespace = ?').raw(),
  };
  const put = db.transaction((namespace: string, rows: KeyValueRow[]) => {
    for (const [key, value] of rows) sql.put.run(namespace, key, value);
  });
  const remove = db.transaction((namespace: string, keys: readonly string[]) => {
    for (const key of keys) sql.delete.run(namespace, key);
  });
  const checkNamespace = (namespace: unknown, method: string) => {
    if (typeof namespace !== 'string') {
      throw new PhoenixError('ERR_STORE', `kv.${method}: the namespace must be a string`);
    }
  };

  return {
    async get<T>(namespace: string, key: string) {
      guard();
      const value = sql.get.get(namespace, key) as string | undefined;
      return value === undefined ? undefined : (JSON.parse(value) as T);
    },
    async put(namespace, entries) {
      guard();
      checkNamespace(namespace, 'put');
      // Serialise everything first: a bad value rejects the call before anything is written.
      const rows = entries.map((entry, index): KeyValueRow => {
        const value = serialise(namespace, entry, index);
        return [entry.key, value];
      });
      if (rows.length === 0) return;
      put.immediate(namespace, rows);
      committed();
    },
    async delete(namespace, keys) {
      guard();
      checkNamespace(namespace, 'delete');
      if (keys.length === 0) return;
      remove.immediate(namespace, keys);
      committed();
    },
    async list<T>(namespace: string) {
      guard();
      return (sql.list.all(namespace) as KeyValueRow[])
        .sort(byKey)
        .map(([key, value]) => ({ key, value: JSON.parse(value) as T }));
    },
  };
}
