// Phoenix's own API under `/api/phoenix/v1`: incidents, on-call, overrides and the notification
// log. Same conventions as the Alertmanager API of this server: JSON bodies checked with a 400
// that names the field, bearer-token auth on writes (the app's hook), times as RFC 3339.
import { PhoenixError, parseMatcher } from '@phoenix-alerting/core';
import type {
  IncidentRecord,
  IncidentStatus,
  IncidentTimelineEntry,
  Matcher,
} from '@phoenix-alerting/core';
import { incidentStatuses } from '@phoenix-alerting/escalation';
import type { EscalationEngine, RotationOverride, Shift } from '@phoenix-alerting/escalation';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HttpError } from './context.js';
import type { ApiContext } from './context.js';
import { BadRequest, listParam } from './query.js';

type Query = Record<string, string | string[] | undefined>;

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** The JSON shape of an incident (and, with `timeline`, of one incident's details). */
export function incidentJson(incident: IncidentRecord, timeline?: IncidentTimelineEntry[]) {
  return {
    id: incident.id,
    number: incident.number,
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    receiver: incident.receiver,
    policy: incident.policy,
    groupKey: incident.groupKey,
    labels: incident.labels,
    groupLabels: incident.groupLabels,
    level: incident.level,
    cycle: incident.cycle,
    exhausted: incident.exhausted,
    paged: incident.paged,
    assignedTo: incident.assignedTo ?? null,
    acknowledgedBy: incident.acknowledgedBy ?? null,
    acknowledgedAt: iso(incident.acknowledgedAt) ?? null,
    resolvedBy: incident.resolvedBy ?? null,
    resolvedAt: iso(incident.resolvedAt) ?? null,
    createdAt: iso(incident.createdAt),
    updatedAt: iso(incident.updatedAt),
    actionsTaken: incident.actionsTaken.map((action) => ({ ...action, at: iso(action.at) })),
    alerts: incident.alerts.map((alert) => ({
      fingerprint: alert.fingerprint,
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: iso(alert.startsAt),
      // 0 means "no end given" (a firing alert without endsAt): shown as null.
      endsAt: alert.endsAt ? iso(alert.endsAt) : null,
    })),
    ...(timeline
      ? {
          timeline: timeline.map((entry) => ({
            seq: entry.seq,
            at: iso(entry.at),
            kind: entry.kind,
            actor: entry.actor ?? null,
            message: entry.message,
            data: entry.data,
          })),
        }
      : {}),
  };
}

function shiftJson(shift: Shift) {
  return {
    rotation: shift.rotation,
    team: shift.team,
    person: {
      name: shift.person.name,
      team: shift.person.team,
      ...(shift.person.email ? { email: shift.person.email } : {}),
      ...(shift.person.slack ? { slack: shift.person.slack } : {}),
    },
    start: iso(shift.start),
    end: iso(shift.end),
    overrideId: shift.overrideId ?? null,
  };
}

function overrideJson(override: RotationOverride) {
  return {
    id: override.id,
    rotation: override.rotation,
    person: override.person,
    replaces: override.replaces ?? null,
    start: iso(override.start),
    end: iso(override.end),
    reason: override.reason ?? '',
    createdBy: override.createdBy ?? null,
    createdAt: iso(override.createdAt),
  };
}

function one(query: Query, name: string): string | undefined {
  const raw = query[name];
  return Array.isArray(raw) ? raw[raw.length - 1] : raw;
}

/** The `limit` parameter: a whole number from 1 to 10000, `fallback` when absent. */
function limitParam(query: Query, fallback: number): number {
  const text = one(query, 'limit');
  const limit = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
    throw new BadRequest(
      `limit: ${JSON.stringify(text)} is not a whole number from 1 to 10000`,
      true,
    );
  return limit;
}

/** An RFC 3339 time parameter, in ms since epoch. */
function timeParam(query: Query, name: string): number | undefined {
  const value = one(query, name);
  if (value === undefined || value === '') return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new BadRequest(`${name}: ${JSON.stringify(value)} is not an RFC 3339 time`, true);
  return ms;
}

const timeField = z
  .string({ error: 'must be an RFC 3339 time string' })
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an RFC 3339 time')
  .transform((value) => Date.parse(value));
const actor = z
  .string({ error: 'must be a string naming who acts' })
  .trim()
  .min(1, 'must not be empty');

const bodies = {
  actor: z.object({ by: actor }),
  status: z.object({
    by: actor,
    status: z.enum(incidentStatuses as unknown as [IncidentStatus, ...IncidentStatus[]], {
      error: `must be one of ${incidentStatuses.join(', ')}`,
    }),
  }),
  assign: z.object({ by: actor, person: actor }),
  note: z.object({
    by: actor,
    text: z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty'),
  }),
  override: z
    .object({
      rotation: z.string({ error: 'must be a string' }).min(1, 'must not be empty'),
      person: z.string({ error: 'must be a string' }).min(1, 'must not be empty'),
      // `null` too, so that what GET returns can be posted back.
      replaces: z.string().min(1).nullish(),
      start: timeField,
      end: timeField,
      reason: z.string().optional(),
      createdBy: actor,
    })
    .refine((value) => value.end > value.start, {
      message: 'end must be after start',
      path: ['end'],
    }),
};

/** Validates a JSON body; a 400 names each wrong field. */
function parseBody<T extends z.ZodType>(schema: T, body: unknown, what: string): z.output<T> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body))
    throw new BadRequest(`${what}: the body must be a JSON object`, true);
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`,
  );
  throw new BadRequest(`${what}: ${problems.join('; ')}`, true);
}

/** Maps the engine's errors onto statuses: unknown id 404, a forbidden move 409, bad input 400. */
async function call<T>(action: () => Promise<T> | T): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (PhoenixError.isInstance(error)) {
      if (error.code === 'ERR_NOT_FOUND') throw new HttpError(404, error.message);
      if (error.code === 'ERR_INCIDENT_STATE') throw new HttpError(409, error.message);
      if (error.code === 'ERR_CONFIG_INVALID' || error.code === 'ERR_MATCHER_INVALID')
        throw new BadRequest(error.message, true);
    }
    throw error;
  }
}

/** The running configuration's escalation engine; 404 saying what to configure when there is none. */
export async function escalationEngine(context: ApiContext): Promise<EscalationEngine> {
  const runtime = await context.runtime();
  if (!runtime.escalation)
    throw new HttpError(
      404,
      'escalation is not configured: add escalation_policies (and teams, oncall_rotations) to the configuration',
    );
  return runtime.escalation;
}

export function registerPhoenixRoutes(app: FastifyInstance, context: ApiContext): void {
  const base = '/api/phoenix/v1';

  const engine = () => escalationEngine(context);

  app.get(`${base}/incidents`, async (request) => {
    const query = request.query as Query;
    const statuses = listParam(query, 'status');
    for (const status of statuses)
      if (!(incidentStatuses as readonly string[]).includes(status))
        throw new BadRequest(
          `status: ${JSON.stringify(status)} is not one of ${incidentStatuses.join(', ')}`,
          true,
        );
    const matchers: Matcher[] = listParam(query, 'filter').map((text) => {
      try {
        return parseMatcher(text);
      } catch (error) {
        throw new BadRequest(`filter: ${(error as Error).message}`, true);
      }
    });
    // The engine's default, 100, unless given.
    const limit = limitParam(query, 100);
    const since = timeParam(query, 'since');
    const until = timeParam(query, 'until');
    const receiver = one(query, 'receiver');
    const severity = listParam(query, 'severity');
    const incidents = await call(async () =>
      (await engine()).listIncidents({
        ...(statuses.length > 0 ? { status: statuses as IncidentStatus[] } : {}),
        ...(severity.length > 0 ? { severity } : {}),
        ...(receiver ? { receiver } : {}),
        ...(matchers.length > 0 ? { matchers } : {}),
        ...(since !== undefined ? { since } : {}),
        ...(until !== undefined ? { until } : {}),
        limit,
      }),
    );
    return incidents.map((incident) => incidentJson(incident));
  });

  /** An incident by id, or by its short number (`/incidents/12`). */
  async function resolveId(ref: string): Promise<string> {
    const current = await engine();
    if (/^\d+$/.test(ref)) return (await call(() => current.findIncidentByNumber(Number(ref)))).id;
    return ref;
  }

  app.get(`${base}/incidents/:id`, async (request) => {
    const { id } = request.params as { id: string };
    const details = await call(async () => (await engine()).getIncident(await resolveId(id)));
    const { timeline, ...incident } = details;
    return incidentJson(incident, timeline);
  });

  const actions: [
    string,
    (engine: EscalationEngine, id: string, body: unknown) => Promise<IncidentRecord>,
  ][] = [
    [
      'acknowledge',
      (e, id, body) => e.acknowledge(id, parseBody(bodies.actor, body, 'acknowledge').by),
    ],
    [
      'unacknowledge',
      (e, id, body) => e.unacknowledge(id, parseBody(bodies.actor, body, 'unacknowledge').by),
    ],
    ['resolve', (e, id, body) => e.resolve(id, parseBody(bodies.actor, body, 'resolve').by)],
    [
      'status',
      (e, id, body) => {
        const parsed = parseBody(bodies.status, body, 'status');
        return e.setStatus(id, parsed.status, parsed.by);
      },
    ],
    [
      'assign',
      (e, id, body) => {
        const parsed = parseBody(bodies.assign, body, 'assign');
        return e.assign(id, parsed.person, parsed.by);
      },
    ],
    [
      'notes',
      (e, id, body) => {
        const parsed = parseBody(bodies.note, body, 'note');
        return e.addNote(id, parsed.text, parsed.by);
      },
    ],
  ];
  for (const [name, act] of actions) {
    app.post(`${base}/incidents/:id/${name}`, async (request) => {
      const { id } = request.params as { id: string };
      const current = await engine();
      const incident = await call(async () => act(current, await resolveId(id), request.body));
      return incidentJson(incident);
    });
  }

  app.get(`${base}/oncall`, async (request) => {
    const query = request.query as Query;
    const at = timeParam(query, 'at');
    const rotation = one(query, 'rotation');
    const shifts = await call(async () => (await engine()).whoIsOnCall(at));
    const selected = rotation ? shifts.filter((shift) => shift.rotation === rotation) : shifts;
    if (rotation && selected.length === 0)
      throw new HttpError(404, `no rotation ${JSON.stringify(rotation)}`);
    return selected.map(shiftJson);
  });

  app.get(`${base}/oncall/:rotation/schedule`, async (request) => {
    const { rotation } = request.params as { rotation: string };
    const query = request.query as Query;
    const current = await engine();
    const from = timeParam(query, 'from') ?? context.clock.now();
    const to = timeParam(query, 'to') ?? from + 7 * 24 * 3_600_000;
    if (to <= from) throw new BadRequest('to must be after from', true);
    if (to - from > 366 * 24 * 3_600_000)
      throw new BadRequest('the range may span at most 366 days', true);
    const shifts = await call(() => current.shifts(rotation, from, to));
    return shifts.map(shiftJson);
  });

  app.get(`${base}/overrides`, async (request) => {
    const query = request.query as Query;
    const rotation = one(query, 'rotation');
    const activeAfter = timeParam(query, 'active_after');
    const overrides = await call(async () =>
      (await engine()).listOverrides({
        ...(rotation ? { rotation } : {}),
        ...(activeAfter !== undefined ? { activeAfter } : {}),
      }),
    );
    return overrides.map(overrideJson);
  });

  app.post(`${base}/overrides`, async (request, reply) => {
    const parsed = parseBody(bodies.override, request.body, 'override');
    const current = await engine();
    const override = await call(() =>
      current.createOverride({
        rotation: parsed.rotation,
        person: parsed.person,
        start: parsed.start,
        end: parsed.end,
        createdBy: parsed.createdBy,
        ...(parsed.replaces ? { replaces: parsed.replaces } : {}),
        ...(parsed.reason ? { reason: parsed.reason } : {}),
      }),
    );
    (await context.runtime()).handoffs?.refresh();
    return reply.status(201).send(overrideJson(override));
  });

  app.delete(`${base}/overrides/:id`, async (request, reply) => {
    const { id } = request.params as { id: string };
    const current = await engine();
    await call(() => current.deleteOverride(id));
    (await context.runtime()).handoffs?.refresh();
    return reply.status(204).send();
  });

  /** Every delivery attempt and its outcome, newest first (needs a store with an attempt history). */
  app.get(`${base}/notifications`, async (request) => {
    const query = request.query as Query;
    const runtime = await context.runtime();
    if (!runtime.attempts)
      throw new HttpError(404, "this server's store keeps no history of delivery attempts");
    const limit = limitParam(query, 100);
    const since = timeParam(query, 'since');
    const filters = {
      groupKey: one(query, 'group_key'),
      receiver: one(query, 'receiver'),
      integration: one(query, 'integration'),
      incidentId: one(query, 'incident'),
    };
    const attempts = await runtime.attempts.list({
      ...Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined)),
      ...(since !== undefined ? { since } : {}),
      limit,
    });
    return attempts.map((attempt) => ({
      at: iso(attempt.at),
      groupKey: attempt.groupKey,
      receiver: attempt.receiver,
      integration: attempt.integration,
      attempt: attempt.attempt,
      ok: attempt.ok,
      reason: attempt.reason ?? null,
      statusCode: attempt.statusCode ?? null,
      message: attempt.message ?? null,
      willRetry: attempt.willRetry ?? null,
      latencyMs: attempt.latencyMs ?? null,
      firing: attempt.firing,
      resolved: attempt.resolved,
      incidentId: attempt.incidentId ?? null,
    }));
  });

  /** The notification log: what was last sent for each group to each integration (dedup state). */
  app.get(`${base}/notifications/log`, async (request) => {
    const query = request.query as Query;
    const runtime = await context.runtime();
    const groupKey = one(query, 'group_key');
    const receiver = one(query, 'receiver');
    const entries = await runtime.notificationLog.list(groupKey);
    return entries
      .filter((entry) => !receiver || entry.integration.split('/')[0] === receiver)
      .sort((a, b) => b.timestamp - a.timestamp)
      .map((entry) => ({
        groupKey: entry.groupKey,
        integration: entry.integration,
        firingAlerts: entry.firingAlerts,
        resolvedAlerts: entry.resolvedAlerts,
        sentAt: iso(entry.timestamp),
        expiresAt: iso(entry.expiresAt),
      }));
  });
}
