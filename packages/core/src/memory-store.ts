import type { Alert } from './alert.js';
import type { Silence } from './silence.js';
import type { GroupState, KeyValueEntry, NotificationLogEntry, Store } from './store.js';

/**
 * A Store that keeps everything in process memory: the default of a pipeline without a store, and
 * the test double of the durable stores. Values are copied in and out, as a real store would, so
 * a caller mutating what it got back cannot change what is stored.
 */
export function createMemoryStore(): Store {
  const alerts = new Map<string, Alert>();
  const silences = new Map<string, Silence>();
  const log = new Map<string, NotificationLogEntry>();
  const groups = new Map<string, GroupState>();
  const kv = new Map<string, Map<string, unknown>>();
  const namespace = (name: string) => {
    let entries = kv.get(name);
    if (!entries) kv.set(name, (entries = new Map()));
    return entries;
  };
  const logKey = (groupKey: string, integration: string) => `${groupKey}\u0000${integration}`;
  const copy = <T>(value: T): T => structuredClone(value);

  return {
    alerts: {
      async upsert(batch) {
        for (const alert of batch) alerts.set(alert.fingerprint, copy(alert));
      },
      async delete(fingerprints) {
        for (const fingerprint of fingerprints) alerts.delete(fingerprint);
      },
      async get(fingerprint) {
        const alert = alerts.get(fingerprint);
        return alert && copy(alert);
      },
      async list() {
        return [...alerts.values()].map(copy);
      },
    },
    silences: {
      async upsert(silence) {
        silences.set(silence.id, copy(silence));
      },
      async get(id) {
        const silence = silences.get(id);
        return silence && copy(silence);
      },
      async list() {
        return [...silences.values()].map(copy);
      },
      async deleteExpiredBefore(time) {
        let removed = 0;
        for (const [id, silence] of silences) {
          if (silence.endsAt < time) {
            silences.delete(id);
            removed++;
          }
        }
        return removed;
      },
    },
    notificationLog: {
      async get(groupKey, integration) {
        const entry = log.get(logKey(groupKey, integration));
        return entry && copy(entry);
      },
      async put(entries) {
        for (const entry of entries)
          log.set(logKey(entry.groupKey, entry.integration), copy(entry));
      },
      async list(groupKey) {
        return [...log.values()]
          .filter((entry) => groupKey === undefined || entry.groupKey === groupKey)
          .map(copy);
      },
      async deleteExpiredBefore(time) {
        let removed = 0;
        for (const [key, entry] of log) {
          if (entry.expiresAt < time) {
            log.delete(key);
            removed++;
          }
        }
        return removed;
      },
    },
    groups: {
      async put(states) {
        for (const state of states) groups.set(state.groupKey, copy(state));
      },
      async delete(groupKeys) {
        for (const key of groupKeys) groups.delete(key);
      },
      async list() {
        return [...groups.values()].map(copy);
      },
    },
    kv: {
      async get<T>(name: string, key: string) {
        const value = kv.get(name)?.get(key);
        return value === undefined ? undefined : (copy(value) as T);
      },
      async put(name, entries) {
        const target = namespace(name);
        for (const entry of entries) target.set(entry.key, copy(entry.value));
      },
      async delete(name, keys) {
        const target = kv.get(name);
        for (const key of keys) target?.delete(key);
      },
      async list<T>(name: string) {
        return [...(kv.get(name) ?? new Map<string, unknown>())]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([key, value]) => ({ key, value: copy(value) }) as KeyValueEntry<T>);
      },
    },
  };
}
