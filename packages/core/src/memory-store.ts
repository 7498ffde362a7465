import type { Alert } from './alert.js';
import type { Silence } from './silence.js';
import type { GroupState, NotificationLogEntry, Store } from './store.js';

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
  };
}
