import type { Alert } from './alert.js';
import { PhoenixError } from './errors.js';
import type {
  EscalationPage,
  EscalationStep,
  EscalationStore,
  IncidentRecord,
  IncidentTimelineEntry,
  RotationOverrideRecord,
} from './escalation-store.js';
import type { Silence } from './silence.js';
import type {
  GroupState,
  KeyValueEntry,
  NotificationAttempt,
  NotificationLogEntry,
  Store,
} from './store.js';

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
  const attempts: NotificationAttempt[] = [];
  const namespace = (name: string) => {
    let entries = kv.get(name);
    if (!entries) kv.set(name, (entries = new Map()));
    return entries;
  };
  const logKey = (groupKey: string, integration: string) => `${groupKey}\u0000${integration}`;
  const copy = <T>(value: T): T => structuredClone(value);

  return {
    escalation: createMemoryEscalationStore(),
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
    attempts: {
      async append(batch) {
        for (const attempt of batch) attempts.push(copy(attempt));
      },
      async list(query = {}) {
        const matches = attempts.filter(
          (attempt) =>
            (query.groupKey === undefined || attempt.groupKey === query.groupKey) &&
            (query.receiver === undefined || attempt.receiver === query.receiver) &&
            (query.integration === undefined || attempt.integration === query.integration) &&
            (query.incidentId === undefined || attempt.incidentId === query.incidentId) &&
            (query.since === undefined || attempt.at >= query.since),
        );
        // Newest first; appended in time order, so reversing keeps ties in append order reversed.
        return matches
          .reverse()
          .slice(0, query.limit ?? matches.length)
          .map(copy);
      },
      async deleteBefore(time) {
        const kept = attempts.filter((attempt) => attempt.at >= time);
        const removed = attempts.length - kept.length;
        attempts.splice(0, attempts.length, ...kept);
        return removed;
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

/** The in-memory {@link EscalationStore}: part of {@link createMemoryStore}, usable alone. */
export function createMemoryEscalationStore(): EscalationStore {
  const incidents = new Map<string, IncidentRecord>();
  const timeline: IncidentTimelineEntry[] = [];
  const steps = new Map<string, EscalationStep>();
  const pages = new Map<string, EscalationPage>();
  const overrides = new Map<string, RotationOverrideRecord>();
  let lastNumber = 0;
  let seq = 0;
  const copy = <T>(value: T): T => structuredClone(value);
  const newest = (a: IncidentRecord, b: IncidentRecord) =>
    b.createdAt - a.createdAt || b.number - a.number;
  const claimable = (row: { leaseUntil?: number }, now: number) =>
    row.leaseUntil === undefined || row.leaseUntil <= now;
  const conflict = (what: string) =>
    new PhoenixError('ERR_STORE', `escalation store: ${what}; nothing was committed`);

  function claim<T extends { leaseUntil?: number; claimedBy?: string; status: string }>(
    rows: Iterable<T>,
    due: (row: T) => number,
    now: number,
    owner: string,
    leaseMs: number,
    limit: number,
  ): T[] {
    const ready = [...rows]
      .filter((row) => row.status === 'pending' && due(row) <= now && claimable(row, now))
      .sort((a, b) => due(a) - due(b))
      .slice(0, limit);
    for (const row of ready) {
      row.claimedBy = owner;
      row.leaseUntil = now + leaseMs;
    }
    return ready.map(copy);
  }

  function nextDue<T extends { leaseUntil?: number; status: string }>(
    rows: Iterable<T>,
    due: (row: T) => number,
  ): number | undefined {
    let next: number | undefined;
    for (const row of rows) {
      if (row.status !== 'pending') continue;
      const at = Math.max(due(row), row.leaseUntil ?? 0);
      if (next === undefined || at < next) next = at;
    }
    return next;
  }

  return {
    async nextIncidentNumber() {
      return ++lastNumber;
    },
    async getIncident(id) {
      const incident = incidents.get(id);
      return incident && copy(incident);
    },
    async getIncidentByNumber(number) {
      for (const incident of incidents.values())
        if (incident.number === number) return copy(incident);
      return undefined;
    },
    async findIncident(dedupKey) {
      const found = [...incidents.values()].filter((incident) => incident.dedupKey === dedupKey);
      return found.length > 0 ? copy(found.sort(newest)[0]!) : undefined;
    },
    async listIncidents(query = {}) {
      const found = [...incidents.values()]
        .filter(
          (incident) =>
            (!query.status || query.status.includes(incident.status)) &&
            (!query.severity || query.severity.includes(incident.severity)) &&
            (query.receiver === undefined || incident.receiver === query.receiver) &&
            (query.since === undefined || incident.createdAt >= query.since) &&
            (query.until === undefined || incident.createdAt < query.until),
        )
        .sort(newest);
      return found.slice(0, query.limit ?? found.length).map(copy);
    },
    async timeline(incidentId) {
      return timeline.filter((entry) => entry.incidentId === incidentId).map(copy);
    },
    async commit(changes) {
      // Check everything first, so that a conflict applies nothing.
      for (const completion of changes.completeSteps ?? []) {
        const step = steps.get(completion.id);
        if (!step || step.status !== 'pending')
          throw conflict(`step ${completion.id} is not pending`);
        if (completion.owner !== undefined && step.claimedBy !== completion.owner)
          throw conflict(`step ${completion.id} is not claimed by ${completion.owner}`);
      }
      for (const update of changes.pageUpdates ?? []) {
        const page = pages.get(update.key);
        if (!page || page.status !== 'pending' || page.claimedBy !== update.owner)
          throw conflict(`page ${update.key} is not pending and claimed by ${update.owner}`);
      }
      const open = new Map<string, string>();
      for (const incident of incidents.values())
        if (incident.status !== 'resolved') open.set(incident.dedupKey, incident.id);
      for (const incident of changes.incidents ?? []) {
        const other = open.get(incident.dedupKey);
        if (incident.status !== 'resolved' && other !== undefined && other !== incident.id)
          throw conflict(`incident ${other} is already open for ${incident.dedupKey}`);
        if (incident.status !== 'resolved') open.set(incident.dedupKey, incident.id);
        else if (other === incident.id) open.delete(incident.dedupKey);
      }
      const now = changes.at;
      for (const incident of changes.incidents ?? []) incidents.set(incident.id, copy(incident));
      for (const entry of changes.timeline ?? []) timeline.push({ ...copy(entry), seq: ++seq });
      for (const completion of changes.completeSteps ?? []) {
        const step = steps.get(completion.id)!;
        step.status = completion.status;
        step.finishedAt = now;
      }
      const cancel = new Set(changes.cancelStepsOf ?? []);
      if (cancel.size > 0) {
        for (const step of steps.values()) {
          if (step.status === 'pending' && cancel.has(step.incidentId)) {
            step.status = 'canceled';
            step.finishedAt = now;
          }
        }
      }
      for (const step of changes.steps ?? []) steps.set(step.id, copy(step));
      for (const page of changes.pages ?? [])
        if (!pages.has(page.key)) pages.set(page.key, copy(page));
      for (const update of changes.pageUpdates ?? []) {
        const page = pages.get(update.key)!;
        page.status = update.status;
        page.attempts = update.attempts;
        page.nextAttemptAt = update.nextAttemptAt;
        page.lastError = update.lastError;
        delete page.claimedBy;
        delete page.leaseUntil;
        if (update.status !== 'pending') page.finishedAt = now;
      }
    },
    async claimDueSteps(now, owner, leaseMs, limit) {
      return claim(steps.values(), (step) => step.dueAt, now, owner, leaseMs, limit);
    },
    async nextStepDueAt() {
      return nextDue(steps.values(), (step) => step.dueAt);
    },
    async steps(incidentId) {
      return [...steps.values()]
        .filter((step) => step.incidentId === incidentId)
        .sort((a, b) => a.dueAt - b.dueAt)
        .map(copy);
    },
    async claimDuePages(now, owner, leaseMs, limit) {
      return claim(pages.values(), (page) => page.nextAttemptAt, now, owner, leaseMs, limit);
    },
    async nextPageDueAt() {
      return nextDue(pages.values(), (page) => page.nextAttemptAt);
    },
    async pages(incidentId) {
      return [...pages.values()].filter((page) => page.incidentId === incidentId).map(copy);
    },
    async putOverride(override) {
      overrides.set(override.id, copy(override));
    },
    async deleteOverride(id) {
      return overrides.delete(id);
    },
    async listOverrides() {
      return [...overrides.values()].sort((a, b) => a.start - b.start).map(copy);
    },
  };
}
