import { PhoenixError } from '@phoenix-alerting/core';
import { describe, expect, it } from 'vitest';
import { count, useTempStores } from './__fixtures__/temp-stores.js';
import { migrate, migrations } from './migrations.js';
import { createSqliteStore } from './sqlite-store.js';

const temp = useTempStores();
const { open, peer } = temp;

const rejected = (pattern: RegExp) => (error: unknown) =>
  PhoenixError.isInstance(error) && error.code === 'ERR_STORE' && pattern.test(error.message);

describe('createSqliteStore kv', () => {
  it('commits each put and delete before it resolves, in one transaction per call', async () => {
    const store = open();
    const db = peer();
    await store.kv.put('rules:a', [
      { key: 'HighLatency', value: { state: 'pending', activeAt: 1 } },
      { key: 'DiskFull', value: { state: 'firing', activeAt: 2 } },
    ]);
    expect(count(db, 'kv')).toBe(2);
    expect(db.prepare("SELECT value FROM kv WHERE key = 'HighLatency'").pluck().get()).toBe(
      '{"state":"pending","activeAt":1}',
    );
    await store.kv.delete('rules:a', ['DiskFull', 'unknown']);
    expect(count(db, 'kv')).toBe(1);
    await store.kv.put('rules:a', []);
    await store.kv.delete('rules:a', []);
    expect(store.stats()).toMatchObject({ commits: 2, flushes: 0, pendingWrites: 0 });
  });

  it('rejects a call with a value JSON cannot hold, storing none of it', async () => {
    const store = open();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(
      store.kv.put('rules:a', [
        { key: 'ok', value: 1 },
        { key: 'cyclic', value: cyclic },
      ]),
    ).rejects.toSatisfy(
      rejected(
        /kv\.put\("rules:a"\): entry 1 \(key "cyclic"\): the value is not JSON-serialisable/,
      ),
    );
    await expect(store.kv.put('rules:a', [{ key: 'fn', value: () => 1 }])).rejects.toSatisfy(
      rejected(/entry 0 \(key "fn"\): the value is function, which JSON cannot hold/),
    );
    await expect(store.kv.put('rules:a', [{ key: 'big', value: 1n }])).rejects.toSatisfy(
      rejected(/key "big"\): the value is not JSON-serialisable: .*BigInt/),
    );
    await expect(
      store.kv.put('rules:a', [{ key: 1 as unknown as string, value: 1 }]),
    ).rejects.toSatisfy(rejected(/entry 0: the key must be a string/));
    expect(await store.kv.list('rules:a')).toEqual([]);
  });

  it('rejects every call once the store is stopped', async () => {
    const store = open();
    await store.stop();
    await expect(store.kv.get('a', 'b')).rejects.toThrow(/stopped/);
    await expect(store.kv.put('a', [{ key: 'b', value: 1 }])).rejects.toThrow(/stopped/);
    await expect(store.kv.list('a')).rejects.toThrow(/stopped/);
  });

  it('upgrades a schema v1 file, keeping its data, and then serves kv', async () => {
    const db = temp.connect(`${temp.directory}/v1.sqlite`);
    migrate(db, 1, migrations.slice(0, 1));
    db.prepare(
      "INSERT INTO silences VALUES ('s-1', '[]', 0, 4102444800000, 0, 'test', 'from v1')",
    ).run();
    db.close();
    const store = temp.track(createSqliteStore({ path: `${temp.directory}/v1.sqlite` }));
    expect((await store.silences.get('s-1'))?.comment).toBe('from v1');
    await store.kv.put('health:web', [{ key: 'failures', value: 3 }]);
    expect(await store.kv.get('health:web', 'failures')).toBe(3);
  });
});
