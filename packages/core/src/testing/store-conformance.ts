// The conformance suite every Store implementation runs (Alertmanager's notify/test kit, for
// stores). It takes the test framework as a parameter so that core does not import vitest.
import { createPipelineEvents } from '../events.js';
import { createLogger } from '../logger.js';
import type { Alert } from '../alert.js';
import type { PluginContext, StopOptions } from '../plugin.js';
import type { Silence } from '../silence.js';
import type {
  GroupState,
  KeyValueEntry,
  KeyValueStore,
  NotificationAttemptStore,
  NotificationLogEntry,
  Store,
} from '../store.js';
import { buildAlert, buildNotificationAttempt } from './builders.js';
import { FakeClock } from './fake-clock.js';

/** The assertions the suite uses; vitest's and jest's `expect(...)` provide them. */
export interface StoreConformanceAssertion {
  toEqual(expected: unknown): void;
  toBe(expected: unknown): void;
  toBeUndefined(): void;
  toHaveLength(length: number): void;
  readonly not: StoreConformanceAssertion;
}

/** What a test receives; vitest's test context fits. `skip` marks a test skipped at run time. */
export interface StoreConformanceTestContext {
  skip?(note?: string): void;
}

/** The parts of a test framework the suite registers with: pass vitest's `{ describe, it, expect }`. */
export interface StoreConformanceTestApi {
  describe(name: string, body: () => void): void;
  it(name: string, body: (context: StoreConformanceTestContext) => Promise<void>): void;
  expect(actual: unknown): StoreConformanceAssertion;
}

/** One store under test, as `makeStore` returns it. */
export interface StoreUnderTest {
  /** A fresh, empty store. The suite calls `start` (when defined) before use and `stop` after. */
  store: Store;
  /**
   * Opens a new Store over the same durable state. The suite has stopped the previous store
   * (which must flush whatever it buffered) before calling it. Omit it for stores that keep no
   * state across instances: the persistence tests are then skipped.
   */
  reopen?: () => Promise<Store>;
  /** Removes the durable state (temporary files, schemas); called last, after every `stop`. */
  cleanup?: () => Promise<void>;
}

const T0 = Date.UTC(2024, 0, 1);
const MINUTE = 60_000;
const byFingerprint = (a: Alert, b: Alert) => a.fingerprint.localeCompare(b.fingerprint);
const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
const byLogKey = (a: NotificationLogEntry, b: NotificationLogEntry) =>
  `${a.groupKey}\u0000${a.integration}`.localeCompare(`${b.groupKey}\u0000${b.integration}`);
const byGroupKey = (a: GroupState, b: GroupState) => a.groupKey.localeCompare(b.groupKey);
const stopOptions = (): StopOptions => ({
  deadline: Number.MAX_SAFE_INTEGER,
  signal: new AbortController().signal,
});

function alert(instance: string, overrides: Partial<Alert> = {}): Alert {
  return {
    ...buildAlert({
      labels: { alertname: 'ConformanceAlert', instance, note: 'ünïcødé "quoted" \\ \n' },
      annotations: { summary: `summary of ${instance}` },
      generatorURL: 'http://prometheus:9090/graph?g0.expr=up%3D%3D0',
      now: T0,
    }),
    ...overrides,
  };
}

function silence(id: string, overrides: Partial<Silence> = {}): Silence {
  return {
    id,
    matchers: [
      { name: 'alertname', value: 'ConformanceAlert', isRegex: false, isEqual: true },
      { name: 'instance', value: 'host-.*', isRegex: true, isEqual: false },
    ],
    startsAt: T0,
    endsAt: T0 + 60 * MINUTE,
    updatedAt: T0,
    createdBy: 'conformance',
    comment: `silence ${id}`,
    ...overrides,
  };
}

function logEntry(
  groupKey: string,
  integration: string,
  overrides: Partial<NotificationLogEntry> = {},
): NotificationLogEntry {
  return {
    groupKey,
    integration,
    firingAlerts: ['0123456789abcdef', 'fedcba9876543210'],
    resolvedAlerts: [],
    timestamp: T0,
    expiresAt: T0 + 120 * 60 * MINUTE,
    ...overrides,
  };
}

function group(groupKey: string, overrides: Partial<GroupState> = {}): GroupState {
  return {
    groupKey,
    receiver: 'team-x',
    routeId: '{}/{team="x"}',
    groupLabels: { alertname: 'ConformanceAlert', cluster: 'eu-1' },
    fingerprints: ['0123456789abcdef'],
    firstFlushAt: T0 + 30_000,
    lastFlushAt: T0 + 330_000,
    nextFlushAt: T0 + 630_000,
    ...overrides,
  };
}

/**
 * Registers the Store conformance tests under `describe('Store conformance: <name>')`: every
 * method's round-trip, replace and delete semantics, expiry collection, list filtering and copy
 * semantics, and, when `makeStore` gives `reopen`, that all of it survives a stop and reopen. The
 * `kv` cases run when the store has the optional `kv` and are skipped otherwise.
 *
 * ```ts
 * import { describe, expect, it } from 'vitest';
 * describeStoreConformance('memory', async () => ({ store: createMemoryStore() }), { describe, it, expect });
 * ```
 */
export function describeStoreConformance(
  name: string,
  makeStore: () => StoreUnderTest | Promise<StoreUnderTest>,
  test: StoreConformanceTestApi,
): void {
  const { describe, it, expect } = test;

  interface Harness {
    /** Stops the current store and returns a started store over the same state. */
    reopen(): Promise<Store>;
  }

  const context = (store: Store): PluginContext => ({
    clock: new FakeClock(T0),
    logger: createLogger({ level: 'silent' }),
    store,
    events: createPipelineEvents(),
  });

  function run(
    title: string,
    body: (store: Store, harness: Harness) => Promise<void>,
    needsReopen = false,
    /** Why the store cannot run the test (an optional part is missing), or undefined. */
    unsupported?: (store: Store) => string | undefined,
  ): void {
    it(title, async (testContext) => {
      const subject = await makeStore();
      const opened = [subject.store];
      try {
        if (needsReopen && !subject.reopen) {
          testContext.skip?.('makeStore gives no reopen: this store does not persist');
          return;
        }
        const missing = unsupported?.(subject.store);
        if (missing !== undefined) {
          testContext.skip?.(missing);
          return;
        }
        await subject.store.start?.(context(subject.store));
        await body(subject.store, {
          async reopen() {
            await opened.at(-1)!.stop?.(stopOptions());
            const next = await subject.reopen!();
            opened.push(next);
            await next.start?.(context(next));
            return next;
          },
        });
      } finally {
        for (const store of opened) await store.stop?.(stopOptions());
        await subject.cleanup?.();
      }
    });
  }

  describe(`Store conformance: ${name}`, () => {
    describe('alerts', () => {
      run('get and list find nothing in a new store', async (store) => {
        expect(await store.alerts.get('0123456789abcdef')).toBeUndefined();
        expect(await store.alerts.list()).toEqual([]);
      });

      run('upsert round-trips every field', async (store) => {
        const firing = alert('host-1');
        const timedOut = alert('host-2', { endsAt: T0 + 5 * MINUTE, timeout: true });
        const bare = alert('host-3', { annotations: {}, generatorURL: '', updatedAt: T0 + 1 });
        await store.alerts.upsert([firing, timedOut, bare]);
        expect(await store.alerts.get(firing.fingerprint)).toEqual(firing);
        expect(await store.alerts.get(timedOut.fingerprint)).toEqual(timedOut);
        expect(await store.alerts.get(bare.fingerprint)).toEqual(bare);
        expect((await store.alerts.list()).sort(byFingerprint)).toEqual(
          [firing, timedOut, bare].sort(byFingerprint),
        );
      });

      run('upsert replaces the whole alert that has the same fingerprint', async (store) => {
        const first = alert('host-1', { annotations: { summary: 'first', runbook: 'r' } });
        const second = alert('host-1', {
          annotations: { summary: 'second' },
          endsAt: T0 + MINUTE,
          updatedAt: T0 + MINUTE,
        });
        await store.alerts.upsert([first]);
        await store.alerts.upsert([second]);
        expect(await store.alerts.get(first.fingerprint)).toEqual(second);
        expect(await store.alerts.list()).toHaveLength(1);
      });

      run('the last of several alerts with one fingerprint in a batch wins', async (store) => {
        const versions = [1, 2, 3].map((i) => alert('host-1', { updatedAt: T0 + i }));
        await store.alerts.upsert(versions);
        expect(await store.alerts.get(versions[0]!.fingerprint)).toEqual(versions[2]);
        expect(await store.alerts.list()).toEqual([versions[2]]);
      });

      run('delete removes the named alerts and ignores unknown fingerprints', async (store) => {
        const alerts = ['a', 'b', 'c'].map((instance) => alert(instance));
        await store.alerts.upsert(alerts);
        await store.alerts.delete([alerts[0]!.fingerprint, 'ffffffffffffffff']);
        await store.alerts.delete([]);
        expect(await store.alerts.get(alerts[0]!.fingerprint)).toBeUndefined();
        expect((await store.alerts.list()).sort(byFingerprint)).toEqual(
          alerts.slice(1).sort(byFingerprint),
        );
      });

      run('an alert upserted again after a delete is back', async (store) => {
        const first = alert('host-1');
        await store.alerts.upsert([first]);
        await store.alerts.delete([first.fingerprint]);
        const again = alert('host-1', { updatedAt: T0 + MINUTE });
        await store.alerts.upsert([again]);
        expect(await store.alerts.get(first.fingerprint)).toEqual(again);
        expect(await store.alerts.list()).toEqual([again]);
      });

      run('list returns every alert once across many batches', async (store) => {
        const alerts = Array.from({ length: 250 }, (_, i) => alert(`host-${i}`));
        for (let i = 0; i < alerts.length; i += 50)
          await store.alerts.upsert(alerts.slice(i, i + 50));
        const updated = alerts.slice(0, 100).map((a) => ({ ...a, updatedAt: T0 + MINUTE }));
        await store.alerts.upsert(updated);
        await store.alerts.delete(alerts.slice(200).map((a) => a.fingerprint));
        expect((await store.alerts.list()).sort(byFingerprint)).toEqual(
          [...updated, ...alerts.slice(100, 200)].sort(byFingerprint),
        );
      });

      run('values are copied in and out', async (store) => {
        const original = alert('host-1');
        const written = structuredClone(original);
        await store.alerts.upsert([written]);
        (written.labels as Record<string, string>).instance = 'mutated';
        (written.annotations as Record<string, string>).summary = 'mutated';
        const read = (await store.alerts.get(original.fingerprint))!;
        (read.labels as Record<string, string>).instance = 'mutated';
        const listed = await store.alerts.list();
        (listed[0]!.annotations as Record<string, string>).summary = 'mutated';
        expect(await store.alerts.get(original.fingerprint)).toEqual(original);
        expect(await store.alerts.list()).toEqual([original]);
      });
    });

    describe('silences', () => {
      run('upsert round-trips; get of an unknown id finds nothing', async (store) => {
        const written = silence('s-1');
        await store.silences.upsert(written);
        expect(await store.silences.get('s-1')).toEqual(written);
        expect(await store.silences.get('s-unknown')).toBeUndefined();
      });

      run('upsert replaces the silence that has the same id', async (store) => {
        await store.silences.upsert(silence('s-1'));
        const expired = silence('s-1', {
          matchers: [{ name: 'job', value: 'api', isRegex: false }],
          endsAt: T0 + MINUTE,
          updatedAt: T0 + MINUTE,
          comment: 'expired early',
        });
        await store.silences.upsert(expired);
        expect(await store.silences.get('s-1')).toEqual(expired);
        expect(await store.silences.list()).toEqual([expired]);
      });

      run('list returns every silence', async (store) => {
        const silences = ['s-1', 's-2', 's-3'].map((id) => silence(id));
        for (const written of silences) await store.silences.upsert(written);
        expect((await store.silences.list()).sort(byId)).toEqual(silences);
      });

      run('deleteExpiredBefore removes what ended before the time and counts it', async (store) => {
        const ended = silence('s-ended', { endsAt: T0 + MINUTE });
        const endsAtCutoff = silence('s-at-cutoff', { endsAt: T0 + 2 * MINUTE });
        const active = silence('s-active', { endsAt: T0 + 60 * MINUTE });
        for (const written of [ended, endsAtCutoff, active]) await store.silences.upsert(written);
        expect(await store.silences.deleteExpiredBefore(T0 + 2 * MINUTE)).toBe(1);
        expect(await store.silences.get('s-ended')).toBeUndefined();
        expect((await store.silences.list()).sort(byId)).toEqual([active, endsAtCutoff]);
        expect(await store.silences.deleteExpiredBefore(T0 + 2 * MINUTE)).toBe(0);
        expect(await store.silences.deleteExpiredBefore(T0 + 61 * MINUTE)).toBe(2);
        expect(await store.silences.list()).toEqual([]);
      });

      run('values are copied in and out', async (store) => {
        const original = silence('s-1');
        const written = structuredClone(original);
        await store.silences.upsert(written);
        written.matchers[0]!.value = 'mutated';
        written.comment = 'mutated';
        const read = (await store.silences.get('s-1'))!;
        read.matchers.push({ name: 'x', value: 'y', isRegex: false });
        (await store.silences.list())[0]!.createdBy = 'mutated';
        expect(await store.silences.get('s-1')).toEqual(original);
      });
    });

    describe('notificationLog', () => {
      run('put round-trips; get of an unknown key finds nothing', async (store) => {
        const entry = logEntry('{}:{alertname="A"}', 'team-x/webhook/0', {
          resolvedAlerts: ['00000000000000aa'],
        });
        await store.notificationLog.put([entry]);
        expect(await store.notificationLog.get(entry.groupKey, entry.integration)).toEqual(entry);
        expect(await store.notificationLog.get(entry.groupKey, 'team-x/webhook/1')).toBeUndefined();
        expect(await store.notificationLog.get('{}:{}', entry.integration)).toBeUndefined();
      });

      run('entries are keyed by group key and integration together', async (store) => {
        const entries = [
          logEntry('g1', 'team-x/webhook/0'),
          logEntry('g1', 'team-x/slack/0', { timestamp: T0 + 1 }),
          logEntry('g2', 'team-x/webhook/0', { timestamp: T0 + 2 }),
        ];
        await store.notificationLog.put(entries);
        for (const entry of entries)
          expect(await store.notificationLog.get(entry.groupKey, entry.integration)).toEqual(entry);
        expect(await store.notificationLog.list()).toHaveLength(3);
      });

      run(
        'put replaces the entry with the same key, the last of a batch winning',
        async (store) => {
          await store.notificationLog.put([logEntry('g1', 'i/webhook/0')]);
          const later = logEntry('g1', 'i/webhook/0', {
            firingAlerts: [],
            resolvedAlerts: ['0123456789abcdef'],
            timestamp: T0 + MINUTE,
          });
          const latest = { ...later, timestamp: T0 + 2 * MINUTE };
          await store.notificationLog.put([later, latest]);
          expect(await store.notificationLog.get('g1', 'i/webhook/0')).toEqual(latest);
          expect(await store.notificationLog.list()).toEqual([latest]);
        },
      );

      run('list returns every entry, or those of one group key', async (store) => {
        const entries = [
          logEntry('g1', 'i/webhook/0'),
          logEntry('g1', 'i/webhook/1'),
          logEntry('g2', 'i/webhook/0'),
        ];
        await store.notificationLog.put(entries);
        expect((await store.notificationLog.list()).sort(byLogKey)).toEqual(
          [...entries].sort(byLogKey),
        );
        expect((await store.notificationLog.list('g1')).sort(byLogKey)).toEqual(
          entries.slice(0, 2).sort(byLogKey),
        );
        expect(await store.notificationLog.list('g3')).toEqual([]);
      });

      run(
        'deleteExpiredBefore removes what expired before the time and counts it',
        async (store) => {
          const expired = logEntry('g1', 'i/webhook/0', { expiresAt: T0 + MINUTE });
          const atCutoff = logEntry('g2', 'i/webhook/0', { expiresAt: T0 + 2 * MINUTE });
          const live = logEntry('g3', 'i/webhook/0', { expiresAt: T0 + 60 * MINUTE });
          await store.notificationLog.put([expired, atCutoff, live]);
          expect(await store.notificationLog.deleteExpiredBefore(T0 + 2 * MINUTE)).toBe(1);
          expect(await store.notificationLog.get('g1', 'i/webhook/0')).toBeUndefined();
          expect((await store.notificationLog.list()).sort(byLogKey)).toEqual([atCutoff, live]);
          expect(await store.notificationLog.deleteExpiredBefore(T0 + 61 * MINUTE)).toBe(2);
          expect(await store.notificationLog.list()).toEqual([]);
        },
      );

      run('values are copied in and out', async (store) => {
        const original = logEntry('g1', 'i/webhook/0');
        const written = structuredClone(original);
        await store.notificationLog.put([written]);
        written.firingAlerts.push('mutated');
        (await store.notificationLog.get('g1', 'i/webhook/0'))!.resolvedAlerts.push('mutated');
        (await store.notificationLog.list())[0]!.timestamp = 0;
        expect(await store.notificationLog.get('g1', 'i/webhook/0')).toEqual(original);
      });
    });

    describe('groups', () => {
      run('put and list round-trip every field', async (store) => {
        const waiting = group('g1', { firstFlushAt: 0, lastFlushAt: 0, groupLabels: {} });
        const flushed = group('g2', { fingerprints: ['0123456789abcdef', 'fedcba9876543210'] });
        expect(await store.groups.list()).toEqual([]);
        await store.groups.put([waiting, flushed]);
        expect((await store.groups.list()).sort(byGroupKey)).toEqual([waiting, flushed]);
      });

      run('put replaces the state with the same group key', async (store) => {
        await store.groups.put([group('g1')]);
        const next = group('g1', { fingerprints: [], lastFlushAt: T0 + 630_000 });
        await store.groups.put([next]);
        expect(await store.groups.list()).toEqual([next]);
      });

      run('delete removes the named groups and ignores unknown keys', async (store) => {
        await store.groups.put([group('g1'), group('g2'), group('g3')]);
        await store.groups.delete(['g1', 'g3', 'g-unknown']);
        await store.groups.delete([]);
        expect(await store.groups.list()).toEqual([group('g2')]);
      });

      run('values are copied in and out', async (store) => {
        const original = group('g1');
        const written = structuredClone(original);
        await store.groups.put([written]);
        written.fingerprints.push('mutated');
        written.groupLabels.cluster = 'mutated';
        (await store.groups.list())[0]!.fingerprints.length = 0;
        expect(await store.groups.list()).toEqual([original]);
      });
    });

    describe('kv', () => {
      /** A `run` for the optional key-value store: skipped at run time for stores without one. */
      const runKv = (
        title: string,
        body: (kv: KeyValueStore, store: Store, harness: Harness) => Promise<void>,
        needsReopen = false,
      ): void =>
        run(
          title,
          (store, harness) => body(store.kv!, store, harness),
          needsReopen,
          (store) => (store.kv ? undefined : 'this store has no kv'),
        );

      const ruleState = {
        state: 'pending',
        activeAt: T0,
        labels: { alertname: 'HighLatency', note: 'ünïcødé "quoted" \\ \n' },
        value: 0.25,
        keepFiring: null,
        history: [1, 2, 3],
        firing: false,
      };

      runKv('get and list find nothing in a new store', async (kv) => {
        expect(await kv.get('rules:prometheus', 'HighLatency')).toBeUndefined();
        expect(await kv.list('rules:prometheus')).toEqual([]);
      });

      runKv('put round-trips JSON values of every kind', async (kv) => {
        const entries: KeyValueEntry[] = [
          { key: 'object', value: ruleState },
          { key: 'array', value: [ruleState, 'x', 1] },
          { key: 'string', value: 'ünïcødé' },
          { key: 'number', value: -1.5 },
          { key: 'boolean', value: true },
          { key: 'null', value: null },
          { key: 'empty', value: {} },
        ];
        await kv.put('ns', entries);
        for (const entry of entries) expect(await kv.get('ns', entry.key)).toEqual(entry.value);
        expect(await kv.get('ns', 'unknown')).toBeUndefined();
        expect(await kv.list('ns')).toHaveLength(entries.length);
      });

      runKv('put replaces the value of a key, the last of a call winning', async (kv) => {
        await kv.put('ns', [{ key: 'rule', value: { state: 'pending', activeAt: T0 } }]);
        await kv.put('ns', [
          { key: 'rule', value: { state: 'firing' } },
          { key: 'rule', value: { state: 'inactive' } },
        ]);
        await kv.put('ns', []);
        expect(await kv.get('ns', 'rule')).toEqual({ state: 'inactive' });
        expect(await kv.list('ns')).toEqual([{ key: 'rule', value: { state: 'inactive' } }]);
      });

      runKv('delete removes the named keys and ignores unknown ones', async (kv) => {
        await kv.put('ns', [
          { key: 'a', value: 1 },
          { key: 'b', value: 2 },
          { key: 'c', value: 3 },
        ]);
        await kv.delete('ns', ['a', 'c', 'unknown']);
        await kv.delete('ns', []);
        await kv.delete('other-namespace', ['b']);
        expect(await kv.get('ns', 'a')).toBeUndefined();
        expect(await kv.list('ns')).toEqual([{ key: 'b', value: 2 }]);
        await kv.put('ns', [{ key: 'a', value: 'back' }]);
        expect(await kv.get('ns', 'a')).toBe('back');
      });

      runKv('list returns every entry of a namespace sorted by key', async (kv) => {
        const keys = ['b', 'a10', 'A', 'a2', 'a', 'z', '0', 'a:b', 'é'];
        await kv.put(
          'ns',
          keys.slice(0, 4).map((key) => ({ key, value: { key } })),
        );
        await kv.put(
          'ns',
          keys.slice(4).map((key) => ({ key, value: { key } })),
        );
        expect(await kv.list('ns')).toEqual(
          ['0', 'A', 'a', 'a10', 'a2', 'a:b', 'b', 'z', 'é'].map((key) => ({
            key,
            value: { key },
          })),
        );
      });

      runKv('namespaces are isolated from each other', async (kv) => {
        await kv.put('rules:a', [
          { key: 'HighLatency', value: 'a' },
          { key: 'only-a', value: 1 },
        ]);
        await kv.put('rules:b', [{ key: 'HighLatency', value: 'b' }]);
        await kv.put('rules', [{ key: 'a', value: 'prefix' }]);
        expect(await kv.get('rules:a', 'HighLatency')).toBe('a');
        expect(await kv.get('rules:b', 'HighLatency')).toBe('b');
        expect(await kv.get('rules:b', 'only-a')).toBeUndefined();
        await kv.delete('rules:b', ['HighLatency', 'only-a']);
        expect(await kv.list('rules:b')).toEqual([]);
        expect(await kv.list('rules:a')).toEqual([
          { key: 'HighLatency', value: 'a' },
          { key: 'only-a', value: 1 },
        ]);
        expect(await kv.list('rules')).toEqual([{ key: 'a', value: 'prefix' }]);
      });

      runKv('values are copied in and out', async (kv) => {
        const original = structuredClone(ruleState);
        const written = structuredClone(ruleState);
        await kv.put('ns', [{ key: 'rule', value: written }]);
        written.labels.alertname = 'mutated';
        written.history.push(4);
        const read = (await kv.get<typeof ruleState>('ns', 'rule'))!;
        read.state = 'mutated';
        const [listed] = await kv.list<typeof ruleState>('ns');
        listed!.value.history.length = 0;
        expect(await kv.get('ns', 'rule')).toEqual(original);
        expect(await kv.list('ns')).toEqual([{ key: 'rule', value: original }]);
      });

      runKv(
        'entries, replacements and deletes survive a stop and reopen',
        async (kv, _store, harness) => {
          await kv.put('rules:a', [
            { key: 'kept', value: ruleState },
            { key: 'replaced', value: 1 },
            { key: 'deleted', value: 2 },
          ]);
          await kv.put('rules:a', [{ key: 'replaced', value: { now: 3 } }]);
          await kv.delete('rules:a', ['deleted']);
          await kv.put('health:b', [{ key: 'kept', value: 'b' }]);
          const reopened = (await harness.reopen()).kv!;
          expect(await reopened.list('rules:a')).toEqual([
            { key: 'kept', value: ruleState },
            { key: 'replaced', value: { now: 3 } },
          ]);
          expect(await reopened.get('health:b', 'kept')).toBe('b');
          await reopened.put('rules:a', [{ key: 'after', value: true }]);
          const third = (await harness.reopen()).kv!;
          expect(await third.get('rules:a', 'after')).toBe(true);
          expect(await third.list('rules:a')).toHaveLength(3);
        },
        true,
      );
    });

    describe('lifecycle', () => {
      run('stop may be called more than once', async (store) => {
        await store.alerts.upsert([alert('host-1')]);
        await store.stop?.(stopOptions());
        await store.stop?.(stopOptions());
      });
    });

    describe('persistence', () => {
      run(
        'every kind of state survives a stop and reopen, including writes just before stop',
        async (store, harness) => {
          const alerts = Array.from({ length: 120 }, (_, i) => alert(`host-${i}`));
          const silences = [silence('s-1'), silence('s-2', { endsAt: T0 + MINUTE })];
          const entries = [logEntry('g1', 'i/webhook/0'), logEntry('g2', 'i/slack/0')];
          const groups = [group('g1'), group('g2', { nextFlushAt: T0 + 900_000 })];
          await store.alerts.upsert(alerts.slice(0, 100));
          for (const written of silences) await store.silences.upsert(written);
          await store.notificationLog.put(entries);
          await store.groups.put(groups);
          await store.alerts.upsert(alerts.slice(100));

          const reopened = await harness.reopen();
          expect((await reopened.alerts.list()).sort(byFingerprint)).toEqual(
            [...alerts].sort(byFingerprint),
          );
          expect(await reopened.alerts.get(alerts[119]!.fingerprint)).toEqual(alerts[119]);
          expect((await reopened.silences.list()).sort(byId)).toEqual(silences);
          expect((await reopened.notificationLog.list()).sort(byLogKey)).toEqual(
            [...entries].sort(byLogKey),
          );
          expect((await reopened.groups.list()).sort(byGroupKey)).toEqual(groups);
        },
        true,
      );

      run(
        'replacements, deletes and expiry collection survive a reopen',
        async (store, harness) => {
          const [kept, deleted] = [alert('host-1'), alert('host-2')];
          await store.alerts.upsert([kept, deleted]);
          const replaced = { ...kept, endsAt: T0 + MINUTE, updatedAt: T0 + MINUTE };
          await store.alerts.upsert([replaced]);
          await store.alerts.delete([deleted.fingerprint]);
          await store.silences.upsert(silence('s-old', { endsAt: T0 + MINUTE }));
          await store.silences.upsert(silence('s-live'));
          await store.silences.deleteExpiredBefore(T0 + 2 * MINUTE);
          await store.notificationLog.put([
            logEntry('g-old', 'i/webhook/0', { expiresAt: T0 + MINUTE }),
            logEntry('g-live', 'i/webhook/0'),
          ]);
          await store.notificationLog.deleteExpiredBefore(T0 + 2 * MINUTE);
          await store.groups.put([group('g-old'), group('g-live')]);
          await store.groups.delete(['g-old']);

          const reopened = await harness.reopen();
          expect(await reopened.alerts.list()).toEqual([replaced]);
          expect(await reopened.silences.list()).toEqual([silence('s-live')]);
          expect(await reopened.notificationLog.list()).toEqual([
            logEntry('g-live', 'i/webhook/0'),
          ]);
          expect(await reopened.groups.list()).toEqual([group('g-live')]);
        },
        true,
      );

      run(
        'a reopened store takes writes, and they survive another reopen',
        async (store, harness) => {
          await store.alerts.upsert([alert('host-1')]);
          const second = await harness.reopen();
          await second.alerts.upsert([alert('host-2')]);
          await second.silences.upsert(silence('s-1'));
          const third = await harness.reopen();
          expect((await third.alerts.list()).sort(byFingerprint)).toEqual(
            [alert('host-1'), alert('host-2')].sort(byFingerprint),
          );
          expect(await third.silences.list()).toEqual([silence('s-1')]);
        },
        true,
      );
    });

    describe('attempts', () => {
      /** A `run` for the optional attempt history: skipped for stores without one. */
      const runAttempts = (
        title: string,
        body: (attempts: NotificationAttemptStore, harness: Harness) => Promise<void>,
        needsReopen = false,
      ): void =>
        run(
          title,
          (store, harness) => body(store.attempts!, harness),
          needsReopen,
          (store) => (store.attempts ? undefined : 'this store has no attempt history'),
        );

      const attempt = buildNotificationAttempt;

      runAttempts(
        'lists attempts newest first, with every field, and filters them',
        async (attempts) => {
          const failed = attempt(T0, {
            ok: false,
            reason: 'server',
            statusCode: 503,
            message: 'HTTP 503: unavailable',
            willRetry: true,
            latencyMs: undefined,
          });
          delete failed.latencyMs;
          const sent = attempt(T0 + 1_000, { attempt: 2 });
          const page = attempt(T0 + 2_000, {
            groupKey: '{}:{alertname="B"}',
            receiver: 'oncall',
            integration: 'oncall/sms/0',
            incidentId: 'incident-1',
          });
          await attempts.append([failed, sent]);
          await attempts.append([page]);
          expect(await attempts.list()).toEqual([page, sent, failed]);
          expect(await attempts.list({ receiver: 'team-a' })).toEqual([sent, failed]);
          expect(await attempts.list({ groupKey: '{}:{alertname="B"}' })).toEqual([page]);
          expect(await attempts.list({ integration: 'team-a/webhook/0', limit: 1 })).toEqual([
            sent,
          ]);
          expect(await attempts.list({ incidentId: 'incident-1' })).toEqual([page]);
          expect(await attempts.list({ since: T0 + 1_000 })).toEqual([page, sent]);
        },
      );

      runAttempts('deleteBefore removes old attempts and says how many', async (attempts) => {
        await attempts.append([attempt(T0), attempt(T0 + 10), attempt(T0 + 20)]);
        expect(await attempts.deleteBefore(T0 + 15)).toBe(2);
        expect((await attempts.list()).map((entry) => entry.at)).toEqual([T0 + 20]);
      });

      runAttempts(
        'attempts survive a reopen',
        async (attempts, harness) => {
          await attempts.append([attempt(T0, { message: 'ünïcødé' })]);
          const reopened = await harness.reopen();
          expect(await reopened.attempts!.list()).toEqual([attempt(T0, { message: 'ünïcødé' })]);
        },
        true,
      );
    });
  });
}
