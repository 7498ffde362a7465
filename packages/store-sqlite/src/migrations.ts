import { PhoenixError } from '@phoenix-alerting/core';
import type Database from 'better-sqlite3';

/** One step of the schema. Versions start at 1 and go up by one; a released step never changes. */
export interface Migration {
  version: number;
  /** What the step does, recorded in `schema_migrations`. */
  name: string;
  /** The SQL, run in the migration transaction. */
  sql: string;
}

// Times are INTEGER ms since the Unix epoch (0 = unset, as in core); JSON columns are TEXT. The
// comments stay in sqlite_master, so `.schema` in the sqlite3 shell shows them.
const v1 = `
-- Active alerts (core AlertStore), one row per fingerprint; written behind, in batches.
CREATE TABLE alerts (
  fingerprint   TEXT PRIMARY KEY,     -- 16 hex digits, Alertmanager's fingerprint of the labels
  labels        TEXT NOT NULL,        -- JSON object
  annotations   TEXT NOT NULL,        -- JSON object
  starts_at     INTEGER NOT NULL,
  ends_at       INTEGER NOT NULL,     -- 0 while unknown
  updated_at    INTEGER NOT NULL,     -- when this state of the alert was received
  timeout       INTEGER NOT NULL,     -- 1 when ends_at came from resolve_timeout
  generator_url TEXT NOT NULL
);

-- Silences (core SilenceStore); expired ones stay until collected.
CREATE TABLE silences (
  id         TEXT PRIMARY KEY,        -- UUID
  matchers   TEXT NOT NULL,           -- JSON array of {name, value, isRegex, isEqual}
  starts_at  INTEGER NOT NULL,
  ends_at    INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  comment    TEXT NOT NULL
);
CREATE INDEX silences_by_ends_at ON silences (ends_at);

-- What was last sent per group and receiver integration (Alertmanager's nflog).
CREATE TABLE notification_log (
  group_key       TEXT NOT NULL,
  integration     TEXT NOT NULL,      -- receiver/integration/index, e.g. team-x/webhook/0
  firing_alerts   TEXT NOT NULL,      -- JSON array of sorted fingerprints
  resolved_alerts TEXT NOT NULL,      -- JSON array of sorted fingerprints
  sent_at         INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL,   -- when the entry may be collected
  PRIMARY KEY (group_key, integration)
);
CREATE INDEX notification_log_by_expires_at ON notification_log (expires_at);

-- Aggregation groups, so that group timers resume after a restart.
CREATE TABLE aggregation_groups (
  group_key      TEXT PRIMARY KEY,
  receiver       TEXT NOT NULL,
  route_id       TEXT NOT NULL,
  group_labels   TEXT NOT NULL,       -- JSON object of the group-by label values
  fingerprints   TEXT NOT NULL,       -- JSON array of the alerts in the group
  first_flush_at INTEGER NOT NULL,    -- 0 while waiting for group_wait
  last_flush_at  INTEGER NOT NULL,    -- 0 if never flushed
  next_flush_at  INTEGER NOT NULL
);

-- Incidents of the escalation engine: one per alert group that reached an escalation policy.
CREATE TABLE incidents (
  id              TEXT PRIMARY KEY,   -- UUID
  dedup_key       TEXT NOT NULL,      -- what opened it (group key and policy); reused while open
  title           TEXT NOT NULL,
  severity        TEXT NOT NULL,      -- a name from the severity matrix
  status          TEXT NOT NULL CHECK (status IN ('triggered', 'acknowledged', 'resolved')),
  policy          TEXT,               -- escalation policy name; NULL without one
  level           INTEGER NOT NULL DEFAULT 0,  -- current escalation level, 0-based
  group_key       TEXT NOT NULL,
  receiver        TEXT NOT NULL,
  labels          TEXT NOT NULL,      -- JSON object: the group's common labels
  fingerprints    TEXT NOT NULL,      -- JSON array: the alerts it covers
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  acknowledged_at INTEGER,            -- NULL until acknowledged
  acknowledged_by TEXT,
  resolved_at     INTEGER,            -- NULL until resolved
  resolved_by     TEXT                -- a person, or 'alert' when its alerts resolved
);
-- At most one open incident per dedup key; resolved ones keep their history.
CREATE UNIQUE INDEX incidents_open_by_dedup_key ON incidents (dedup_key) WHERE status <> 'resolved';
CREATE INDEX incidents_by_status ON incidents (status, created_at);

-- The timeline of an incident, in order: every page, acknowledgement, escalation, response, note.
CREATE TABLE incident_timeline (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,  -- total order of events
  incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  at          INTEGER NOT NULL,
  kind        TEXT NOT NULL,          -- noun-verb: incident-triggered, page-sent, level-escalated…
  actor       TEXT,                   -- person, responder or 'system'
  message     TEXT NOT NULL,
  data        TEXT NOT NULL DEFAULT '{}'  -- JSON object with the event's details
);
CREATE INDEX incident_timeline_by_incident ON incident_timeline (incident_id, seq);

-- Durable timers of the escalation engine: a step is due at due_at and is claimed with a lease,
-- so a restarted (or another) worker takes over steps whose lease ran out.
CREATE TABLE escalation_steps (
  id          TEXT PRIMARY KEY,       -- the page's unique key: incident/level/cycle/target
  incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  policy      TEXT NOT NULL,
  level       INTEGER NOT NULL,       -- 0-based level of the policy
  cycle       INTEGER NOT NULL DEFAULT 0,  -- how many times the policy has repeated
  due_at      INTEGER NOT NULL,
  status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'canceled')),
  claimed_by  TEXT,                   -- the worker holding the lease; NULL when unclaimed
  lease_until INTEGER,                -- the lease ends; a pending step past it is claimable again
  attempts    INTEGER NOT NULL DEFAULT 0,
  payload     TEXT NOT NULL DEFAULT '{}',  -- JSON: targets and channels to page
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  finished_at INTEGER                 -- NULL while pending
);
CREATE INDEX escalation_steps_due ON escalation_steps (due_at) WHERE status = 'pending';
CREATE INDEX escalation_steps_by_incident ON escalation_steps (incident_id);

-- Temporary changes to on-call rotations ("Alice covers Bob on Friday").
CREATE TABLE rotation_overrides (
  id          TEXT PRIMARY KEY,       -- UUID
  rotation    TEXT NOT NULL,          -- rotation name from the config
  responder   TEXT NOT NULL,          -- who is on call instead
  replaces    TEXT,                   -- whom it replaces; NULL for whoever is scheduled
  starts_at   INTEGER NOT NULL,
  ends_at     INTEGER NOT NULL CHECK (ends_at > starts_at),
  reason      TEXT NOT NULL DEFAULT '',
  created_by  TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX rotation_overrides_by_rotation ON rotation_overrides (rotation, starts_at);
CREATE INDEX rotation_overrides_by_ends_at ON rotation_overrides (ends_at);

-- Automated responses: one row per attempt, written as 'running' before the action starts, so a
-- crash mid-action is visible and a retry reuses the idempotency key.
CREATE TABLE responder_attempts (
  idempotency_key TEXT PRIMARY KEY,   -- ResponseRequest.idempotencyKey
  incident_id     TEXT REFERENCES incidents (id) ON DELETE CASCADE,  -- NULL outside incidents
  action          TEXT NOT NULL,      -- RestartService, ScaleUp, …
  responder       TEXT NOT NULL,      -- the Responder that ran it
  params          TEXT NOT NULL DEFAULT '{}',  -- JSON
  attempt         INTEGER NOT NULL,   -- 1 for the first attempt
  status          TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  retryable       INTEGER,            -- 1/0 once failed; NULL otherwise
  message         TEXT,               -- the result shown on the timeline
  started_at      INTEGER NOT NULL,
  finished_at     INTEGER             -- NULL while running
);
CREATE INDEX responder_attempts_by_incident ON responder_attempts (incident_id, started_at);
`;

const v2 = `
-- Plugins' small durable state (core KeyValueStore): rule evaluation, health-check counters.
-- Written synchronously, one transaction per call.
CREATE TABLE kv (
  namespace TEXT NOT NULL,            -- one per plugin instance, e.g. rules:<source name>
  key       TEXT NOT NULL,
  value     TEXT NOT NULL,            -- JSON
  PRIMARY KEY (namespace, key)
) WITHOUT ROWID;
`;

const v3 = `
-- The escalation engine's tables as it writes them. No release wrote v1's incidents or
-- escalation_steps (the engine arrived with this step), so they are replaced, not copied: v1's
-- incident statuses (triggered/acknowledged/resolved) are not the lifecycle of spec 8.2.
-- incident_timeline, rotation_overrides and responder_attempts keep their v1 shape.
DROP TABLE escalation_steps;
DROP TABLE incidents;

-- One row per incident; data holds the whole record (core IncidentRecord) as JSON, the other
-- columns are copies of its fields for the queries.
CREATE TABLE incidents (
  id          TEXT PRIMARY KEY,       -- UUID
  number      INTEGER NOT NULL UNIQUE,  -- short number people type (ACK 12)
  dedup_key   TEXT NOT NULL,          -- receiver/policy/group key
  status      TEXT NOT NULL CHECK (status IN ('new', 'acknowledged', 'investigating', 'mitigated', 'resolved')),
  severity    TEXT NOT NULL,
  receiver    TEXT NOT NULL,
  policy      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  resolved_at INTEGER,                -- NULL while open
  data        TEXT NOT NULL           -- JSON
);
-- At most one open incident per dedup key, even with several workers.
CREATE UNIQUE INDEX incidents_open_by_dedup_key ON incidents (dedup_key) WHERE status <> 'resolved';
CREATE INDEX incidents_by_dedup_key ON incidents (dedup_key, created_at);
CREATE INDEX incidents_by_created_at ON incidents (created_at, number);
CREATE INDEX incidents_by_status ON incidents (status, created_at);

-- Durable timers: a pending step is due at due_at and claimed with a lease; a finished step is
-- kept (done or canceled) so that it can never fire again.
CREATE TABLE escalation_steps (
  id          TEXT PRIMARY KEY,       -- incident/round/decision/kind/cycle/level
  incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('level', 'ack-timeout', 'exhausted')),
  level       INTEGER NOT NULL,       -- 1-based
  cycle       INTEGER NOT NULL,       -- repeat of the policy, from 0
  round       INTEGER NOT NULL,       -- reopening of the incident, from 0
  due_at      INTEGER NOT NULL,
  status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'canceled')),
  claimed_by  TEXT,                   -- the worker holding the lease
  lease_until INTEGER,                -- a pending step past it can be claimed again
  created_at  INTEGER NOT NULL,
  finished_at INTEGER                 -- NULL while pending
);
CREATE INDEX escalation_steps_due ON escalation_steps (due_at) WHERE status = 'pending';
CREATE INDEX escalation_steps_leased ON escalation_steps (lease_until)
  WHERE status = 'pending' AND lease_until IS NOT NULL;
CREATE INDEX escalation_steps_by_incident ON escalation_steps (incident_id, due_at);

-- The page outbox: a page is recorded in the transaction that decides it, then delivered with its
-- key as the idempotency key, so a crash between delivery and this row's update re-sends the same
-- page (same key), never a second one.
CREATE TABLE escalation_pages (
  key             TEXT PRIMARY KEY,   -- incident/round/decision/kind/cycle/level/channel/person
  incident_id     TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  channel         TEXT NOT NULL,
  recipient       TEXT NOT NULL,      -- the person's name
  status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  attempts        INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  claimed_by      TEXT,
  lease_until     INTEGER,
  notification    TEXT NOT NULL,      -- JSON: the IncidentNotification to deliver
  created_at      INTEGER NOT NULL,
  finished_at     INTEGER,
  last_error      TEXT
);
CREATE INDEX escalation_pages_due ON escalation_pages (next_attempt_at) WHERE status = 'pending';
CREATE INDEX escalation_pages_leased ON escalation_pages (lease_until)
  WHERE status = 'pending' AND lease_until IS NOT NULL;
CREATE INDEX escalation_pages_by_incident ON escalation_pages (incident_id);

-- Counters, e.g. the last incident number.
CREATE TABLE escalation_counters (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
`;

// The history of delivery attempts: every attempt and its outcome (core's NotificationAttempt).
const v4 = `
CREATE TABLE notification_attempts (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  at          INTEGER NOT NULL,       -- when the attempt ended
  group_key   TEXT NOT NULL,
  receiver    TEXT NOT NULL,
  integration TEXT NOT NULL,          -- receiver/integration/index
  attempt     INTEGER NOT NULL,       -- 1 for the first attempt of a delivery
  ok          INTEGER NOT NULL,       -- 1 delivered, 0 failed
  reason      TEXT,                   -- failure reason (client, server, rate-limited…)
  status_code INTEGER,
  message     TEXT,                   -- what went wrong, free of secrets
  will_retry  INTEGER,                -- failures: 1 when another attempt follows
  latency_ms  INTEGER,                -- successes: from the first attempt's start
  firing      INTEGER NOT NULL,
  resolved    INTEGER NOT NULL,
  incident_id TEXT                    -- set for pages of an incident
);
CREATE INDEX notification_attempts_by_at ON notification_attempts (at);
CREATE INDEX notification_attempts_by_group ON notification_attempts (group_key, at);
`;

/** The schema, oldest first. Append to change it; never edit a released step. */
export const migrations: readonly Migration[] = [
  { version: 1, name: 'alerts, silences, notification log, groups, escalation', sql: v1 },
  { version: 2, name: 'kv: key-value state of plugins', sql: v2 },
  { version: 3, name: 'escalation: incidents, steps, page outbox', sql: v3 },
  { version: 4, name: 'notification attempts: the delivery history', sql: v4 },
];

/** The schema version this package writes. */
export const schemaVersion: number = migrations.at(-1)!.version;

/**
 * Brings the schema of `db` up to the newest of `steps`, in one immediate transaction, and returns
 * the versions before and after. Refuses a database from a newer version of this package.
 */
export function migrate(
  db: Database.Database,
  now: number,
  steps: readonly Migration[] = migrations,
): { from: number; to: number } {
  steps.forEach((step, index) => {
    if (step.version !== index + 1)
      throw new Error(`migration ${index} has version ${step.version}; expected ${index + 1}`);
  });
  const latest = steps.at(-1)?.version ?? 0;
  const run = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      applied_at INTEGER NOT NULL  -- ms since the Unix epoch
    )`);
    const row = db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as {
      version: number | null;
    };
    const from = row.version ?? 0;
    if (from > latest) {
      throw new PhoenixError(
        'ERR_STORE',
        `${db.name} has schema version ${from}, but this @phoenix-alerting/store-sqlite knows ` +
          `versions up to ${latest}: it was written by a newer release. Upgrade ` +
          `@phoenix-alerting/store-sqlite, or restore a backup taken before the upgrade.`,
      );
    }
    const record = db.prepare(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
    );
    for (const step of steps.slice(from)) {
      db.exec(step.sql);
      record.run(step.version, step.name, now);
    }
    return { from, to: Math.max(from, latest) };
  });
  // Immediate: take the write lock before reading the version, so two processes opening one new
  // file cannot both apply the same step.
  return run.immediate();
}
