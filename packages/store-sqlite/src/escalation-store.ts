// core's EscalationStore on the tables of migration 3 (and v1's incident_timeline and
// rotation_overrides). Every call is its own synchronous transaction on the main connection, so
// a decision (a fired step, its pages and the next step) is on disk when `commit` resolves, and a
// claim is visible to every other connection at once.
import { PhoenixError } from '@phoenix-alerting/core';
import type {
  EscalationPage,
  EscalationStep,
  EscalationStore,
  IncidentQuery,
  IncidentRecord,
  IncidentTimelineEntry,
  RotationOverrideRecord,
} from '@phoenix-alerting/core';
import type Database from 'better-sqlite3';

const stepColumns =
  'id, incident_id, kind, level, cycle, round, due_at, status, claimed_by, lease_until, created_at, finished_at';
const pageColumns =
  'key, incident_id, channel, recipient, status, attempts, next_attempt_at, claimed_by, lease_until, notification, created_at, finished_at, last_error';

interface StepRow {
  id: string;
  incident_id: string;
  kind: EscalationStep['kind'];
  level: number;
  cycle: number;
  round: number;
  due_at: number;
  status: EscalationStep['status'];
  claimed_by: string | null;
  lease_until: number | null;
  created_at: number;
  finished_at: number | null;
}

interface PageRow {
  key: string;
  incident_id: string;
  channel: string;
  recipient: string;
  status: EscalationPage['status'];
  attempts: number;
  next_attempt_at: number;
  claimed_by: string | null;
  lease_until: number | null;
  notification: string;
  created_at: number;
  finished_at: number | null;
  last_error: string | null;
}

interface OverrideRow {
  id: string;
  rotation: string;
  responder: string;
  replaces: string | null;
  starts_at: number;
  ends_at: number;
  reason: string;
  created_by: string;
  created_at: number;
}

function toStep(row: StepRow): EscalationStep {
  const step: EscalationStep = {
    id: row.id,
    incidentId: row.incident_id,
    kind: row.kind,
    level: row.level,
    cycle: row.cycle,
    round: row.round,
    dueAt: row.due_at,
    status: row.status,
    createdAt: row.created_at,
  };
  if (row.claimed_by !== null) step.claimedBy = row.claimed_by;
  if (row.lease_until !== null) step.leaseUntil = row.lease_until;
  if (row.finished_at !== null) step.finishedAt = row.finished_at;
  return step;
}

function toPage(row: PageRow): EscalationPage {
  const page: EscalationPage = {
    key: row.key,
    incidentId: row.incident_id,
    channel: row.channel,
    recipient: row.recipient,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    notification: JSON.parse(row.notification) as EscalationPage['notification'],
    createdAt: row.created_at,
  };
  if (row.claimed_by !== null) page.claimedBy = row.claimed_by;
  if (row.lease_until !== null) page.leaseUntil = row.lease_until;
  if (row.finished_at !== null) page.finishedAt = row.finished_at;
  if (row.last_error !== null) page.lastError = row.last_error;
  return page;
}

function toOverride(row: OverrideRow): RotationOverrideRecord {
  const override: RotationOverrideRecord = {
    id: row.id,
    rotation: row.rotation,
    person: row.responder,
    start: row.starts_at,
    end: row.ends_at,
    createdAt: row.created_at,
  };
  if (row.replaces !== null) override.replaces = row.replaces;
  if (row.reason !== '') override.reason = row.reason;
  if (row.created_by !== '') override.createdBy = row.created_by;
  return override;
}

const conflict = (what: string) =>
  new PhoenixError('ERR_STORE', `escalation store: ${what}; nothing was committed`);

/**
 * The `escalation` member of the SQLite store. `guard` runs before every call (it throws once the
 * store is stopped) and `committed` after every write transaction (for the store's counters).
 */
export function createSqliteEscalationStore(
  db: Database.Database,
  guard: () => void,
  committed: () => void,
): EscalationStore {
  const sql = {
    nextNumber: db
      .prepare(
        "INSERT INTO escalation_counters (name, value) VALUES ('incident', 1) " +
          'ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value',
      )
      .pluck(),
    getIncident: db.prepare('SELECT data FROM incidents WHERE id = ?').pluck(),
    getByNumber: db.prepare('SELECT data FROM incidents WHERE number = ?').pluck(),
    findIncident: db
      .prepare(
        'SELECT data FROM incidents WHERE dedup_key = ? ORDER BY created_at DESC, number DESC LIMIT 1',
      )
      .pluck(),
    putIncident: db.prepare(
      'INSERT INTO incidents (id, number, dedup_key, status, severity, receiver, policy, created_at, ' +
        'updated_at, resolved_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO ' +
        'UPDATE SET number = excluded.number, dedup_key = excluded.dedup_key, status = excluded.status, ' +
        'severity = excluded.severity, receiver = excluded.receiver, policy = excluded.policy, ' +
        'created_at = excluded.created_at, updated_at = excluded.updated_at, ' +
        'resolved_at = excluded.resolved_at, data = excluded.data',
    ),
    timeline: db.prepare(
      'SELECT seq, incident_id, at, kind, actor, message, data FROM incident_timeline ' +
        'WHERE incident_id = ? ORDER BY seq',
    ),
    appendEvent: db.prepare(
      'INSERT INTO incident_timeline (incident_id, at, kind, actor, message, data) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    stepState: db.prepare('SELECT status, claimed_by FROM escalation_steps WHERE id = ?'),
    finishStep: db.prepare('UPDATE escalation_steps SET status = ?, finished_at = ? WHERE id = ?'),
    cancelSteps: db.prepare(
      "UPDATE escalation_steps SET status = 'canceled', finished_at = ? " +
        "WHERE incident_id = ? AND status = 'pending'",
    ),
    putStep: db.prepare(
      `INSERT OR REPLACE INTO escalation_steps (${stepColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    claimSteps: db.prepare(
      'UPDATE escalation_steps SET claimed_by = ?, lease_until = ? WHERE id IN (SELECT id FROM ' +
        "escalation_steps WHERE status = 'pending' AND due_at <= ? AND (lease_until IS NULL OR " +
        `lease_until <= ?) ORDER BY due_at LIMIT ?) RETURNING ${stepColumns}`,
    ),
    nextFreeStep: db
      .prepare(
        "SELECT min(due_at) FROM escalation_steps WHERE status = 'pending' AND " +
          '(lease_until IS NULL OR lease_until <= due_at)',
      )
      .pluck(),
    nextLeasedStep: db
      .prepare(
        "SELECT min(lease_until) FROM escalation_steps WHERE status = 'pending' AND lease_until > due_at",
      )
      .pluck(),
    steps: db.prepare(
      `SELECT ${stepColumns} FROM escalation_steps WHERE incident_id = ? ORDER BY due_at, rowid`,
    ),
    pageState: db.prepare('SELECT status, claimed_by FROM escalation_pages WHERE key = ?'),
    insertPage: db.prepare(
      `INSERT OR IGNORE INTO escalation_pages (${pageColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updatePage: db.prepare(
      'UPDATE escalation_pages SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, ' +
        'claimed_by = NULL, lease_until = NULL, finished_at = ? WHERE key = ?',
    ),
    claimPages: db.prepare(
      'UPDATE escalation_pages SET claimed_by = ?, lease_until = ? WHERE key IN (SELECT key FROM ' +
        "escalation_pages WHERE status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL " +
        `OR lease_until <= ?) ORDER BY next_attempt_at LIMIT ?) RETURNING ${pageColumns}`,
    ),
    nextFreePage: db
      .prepare(
        "SELECT min(next_attempt_at) FROM escalation_pages WHERE status = 'pending' AND " +
          '(lease_until IS NULL OR lease_until <= next_attempt_at)',
      )
      .pluck(),
    nextLeasedPage: db
      .prepare(
        "SELECT min(lease_until) FROM escalation_pages WHERE status = 'pending' AND " +
          'lease_until > next_attempt_at',
      )
      .pluck(),
    pages: db.prepare(
      `SELECT ${pageColumns} FROM escalation_pages WHERE incident_id = ? ORDER BY rowid`,
    ),
    putOverride: db.prepare(
      'INSERT OR REPLACE INTO rotation_overrides (id, rotation, responder, replaces, starts_at, ' +
        'ends_at, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    deleteOverride: db.prepare('DELETE FROM rotation_overrides WHERE id = ?'),
    listOverrides: db.prepare('SELECT * FROM rotation_overrides ORDER BY starts_at, id'),
  };

  const commit = db.transaction((changes: Parameters<EscalationStore['commit']>[0]) => {
    for (const completion of changes.completeSteps ?? []) {
      const row = sql.stepState.get(completion.id) as
        { status: string; claimed_by: string | null } | undefined;
      if (!row || row.status !== 'pending') throw conflict(`step ${completion.id} is not pending`);
      if (completion.owner !== undefined && row.claimed_by !== completion.owner)
        throw conflict(`step ${completion.id} is not claimed by ${completion.owner}`);
    }
    for (const update of changes.pageUpdates ?? []) {
      const row = sql.pageState.get(update.key) as
        { status: string; claimed_by: string | null } | undefined;
      if (!row || row.status !== 'pending' || row.claimed_by !== update.owner)
        throw conflict(`page ${update.key} is not pending and claimed by ${update.owner}`);
    }
    for (const incident of changes.incidents ?? []) {
      sql.putIncident.run(
        incident.id,
        incident.number,
        incident.dedupKey,
        incident.status,
        incident.severity,
        incident.receiver,
        incident.policy,
        incident.createdAt,
        incident.updatedAt,
        incident.resolvedAt ?? null,
        JSON.stringify(incident),
      );
    }
    for (const event of changes.timeline ?? []) {
      sql.appendEvent.run(
        event.incidentId,
        event.at,
        event.kind,
        event.actor ?? null,
        event.message,
        JSON.stringify(event.data),
      );
    }
    for (const completion of changes.completeSteps ?? [])
      sql.finishStep.run(completion.status, changes.at, completion.id);
    for (const incidentId of changes.cancelStepsOf ?? [])
      sql.cancelSteps.run(changes.at, incidentId);
    for (const step of changes.steps ?? []) {
      sql.putStep.run(
        step.id,
        step.incidentId,
        step.kind,
        step.level,
        step.cycle,
        step.round,
        step.dueAt,
        step.status,
        step.claimedBy ?? null,
        step.leaseUntil ?? null,
        step.createdAt,
        step.finishedAt ?? null,
      );
    }
    for (const page of changes.pages ?? []) {
      sql.insertPage.run(
        page.key,
        page.incidentId,
        page.channel,
        page.recipient,
        page.status,
        page.attempts,
        page.nextAttemptAt,
        page.claimedBy ?? null,
        page.leaseUntil ?? null,
        JSON.stringify(page.notification),
        page.createdAt,
        page.finishedAt ?? null,
        page.lastError ?? null,
      );
    }
    for (const update of changes.pageUpdates ?? []) {
      sql.updatePage.run(
        update.status,
        update.attempts,
        update.nextAttemptAt,
        update.lastError ?? null,
        update.status === 'pending' ? null : changes.at,
        update.key,
      );
    }
  });

  const claimSteps = db.transaction((now: number, owner: string, leaseMs: number, limit: number) =>
    (sql.claimSteps.all(owner, now + leaseMs, now, now, limit) as StepRow[]).map(toStep),
  );
  const claimPages = db.transaction((now: number, owner: string, leaseMs: number, limit: number) =>
    (sql.claimPages.all(owner, now + leaseMs, now, now, limit) as PageRow[]).map(toPage),
  );
  const earliest = (...values: unknown[]) => {
    const numbers = values.filter((value): value is number => typeof value === 'number');
    return numbers.length > 0 ? Math.min(...numbers) : undefined;
  };
  const parse = (data: unknown) =>
    data === undefined ? undefined : (JSON.parse(data as string) as IncidentRecord);
  const written = <T>(result: T): T => {
    committed();
    return result;
  };

  return {
    async nextIncidentNumber() {
      guard();
      return written(sql.nextNumber.get() as number);
    },
    async getIncident(id) {
      guard();
      return parse(sql.getIncident.get(id));
    },
    async getIncidentByNumber(number) {
      guard();
      return parse(sql.getByNumber.get(number));
    },
    async findIncident(dedupKey) {
      guard();
      return parse(sql.findIncident.get(dedupKey));
    },
    async listIncidents(query: IncidentQuery = {}) {
      guard();
      const where: string[] = [];
      const values: unknown[] = [];
      const among = (column: string, list: readonly string[] | undefined) => {
        if (list === undefined) return;
        where.push(list.length === 0 ? '0' : `${column} IN (${list.map(() => '?').join(', ')})`);
        values.push(...list);
      };
      among('status', query.status);
      among('severity', query.severity);
      const condition = (sql: string, value: unknown) => {
        if (value === undefined) return;
        where.push(sql);
        values.push(value);
      };
      condition('receiver = ?', query.receiver);
      condition('created_at >= ?', query.since);
      condition('created_at < ?', query.until);
      const text =
        `SELECT data FROM incidents${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ` +
        `ORDER BY created_at DESC, number DESC${query.limit !== undefined ? ' LIMIT ?' : ''}`;
      if (query.limit !== undefined) values.push(query.limit);
      return (
        db
          .prepare(text)
          .pluck()
          .all(...values) as string[]
      ).map((data) => JSON.parse(data) as IncidentRecord);
    },
    async timeline(incidentId) {
      guard();
      return (
        sql.timeline.all(incidentId) as {
          seq: number;
          incident_id: string;
          at: number;
          kind: string;
          actor: string | null;
          message: string;
          data: string;
        }[]
      ).map((row) => {
        const entry: IncidentTimelineEntry = {
          seq: row.seq,
          incidentId: row.incident_id,
          at: row.at,
          kind: row.kind,
          message: row.message,
          data: JSON.parse(row.data) as Record<string, unknown>,
        };
        if (row.actor !== null) entry.actor = row.actor;
        return entry;
      });
    },
    async commit(changes) {
      guard();
      written(commit.immediate(changes));
    },
    async claimDueSteps(now, owner, leaseMs, limit) {
      guard();
      return written(claimSteps.immediate(now, owner, leaseMs, limit)).sort(
        (a, b) => a.dueAt - b.dueAt,
      );
    },
    async nextStepDueAt() {
      guard();
      return earliest(sql.nextFreeStep.get(), sql.nextLeasedStep.get());
    },
    async steps(incidentId) {
      guard();
      return (sql.steps.all(incidentId) as StepRow[]).map(toStep);
    },
    async claimDuePages(now, owner, leaseMs, limit) {
      guard();
      return written(claimPages.immediate(now, owner, leaseMs, limit)).sort(
        (a, b) => a.nextAttemptAt - b.nextAttemptAt,
      );
    },
    async nextPageDueAt() {
      guard();
      return earliest(sql.nextFreePage.get(), sql.nextLeasedPage.get());
    },
    async pages(incidentId) {
      guard();
      return (sql.pages.all(incidentId) as PageRow[]).map(toPage);
    },
    async putOverride(override) {
      guard();
      sql.putOverride.run(
        override.id,
        override.rotation,
        override.person,
        override.replaces ?? null,
        override.start,
        override.end,
        override.reason ?? '',
        override.createdBy ?? '',
        override.createdAt,
      );
      committed();
    },
    async deleteOverride(id) {
      guard();
      return written(sql.deleteOverride.run(id).changes > 0);
    },
    async listOverrides() {
      guard();
      return (sql.listOverrides.all() as OverrideRow[]).map(toOverride);
    },
  };
}
