import { randomUUID } from 'node:crypto';
import { PhoenixError, matchLabels } from '@phoenix-alerting/core';
import type { EscalationPage, IncidentRecord, IncidentStatus } from '@phoenix-alerting/core';
import { IncidentEngine } from './engine-incidents.js';
import type { EscalationCore } from './engine.js';
import type {
  EscalationEngineOptions,
  IncidentDetails,
  IncidentFilters,
  OverrideInput,
} from './engine-types.js';
import { IncidentStateError, allowedMoves, assertMove } from './incident-status.js';
import type { OnCallSchedule, RotationOverride, Shift } from './oncall/index.js';

/**
 * The escalation engine: incidents per aggregation group, durable escalation timers, pages through
 * channel notifiers, and the incident / on-call / override API the server exposes.
 */
export class EscalationEngine extends IncidentEngine {
  /** Incidents matching `filters`, newest first. */
  async listIncidents(filters: IncidentFilters = {}): Promise<IncidentRecord[]> {
    this.assertStarted();
    const { matchers, limit = 100, ...query } = filters;
    if (!matchers || matchers.length === 0) return this.store.listIncidents({ ...query, limit });
    const all = await this.store.listIncidents(query);
    return all.filter((incident) => matchLabels(matchers, incident.labels)).slice(0, limit);
  }

  /** The incident with its timeline; `ERR_NOT_FOUND` when there is none. */
  async getIncident(id: string): Promise<IncidentDetails> {
    this.assertStarted();
    const incident = await this.load(id);
    return { ...incident, timeline: await this.store.timeline(id) };
  }

  /** The incident with this short number (SMS replies: `ACK 12`); `ERR_NOT_FOUND` otherwise. */
  async findIncidentByNumber(number: number): Promise<IncidentDetails> {
    this.assertStarted();
    const incident = await this.store.getIncidentByNumber(number);
    if (!incident) throw new PhoenixError('ERR_NOT_FOUND', `no incident number ${number}`);
    return { ...incident, timeline: await this.store.timeline(incident.id) };
  }

  /**
   * Stops escalation: status `acknowledged`. If the severity has a `response_time`, escalation
   * resumes when the incident is still only acknowledged after it.
   */
  acknowledge(id: string, by: string): Promise<IncidentRecord> {
    return this.change(id, async (incident, now) => {
      if (incident.status === 'acknowledged') return undefined;
      assertMove(incident.number, incident.status, 'acknowledged');
      return this.acknowledgeAt(incident, now, by, 'acknowledged');
    });
  }

  /** Resumes escalation of an acknowledged incident at once (the next level is paged). */
  unacknowledge(id: string, by: string): Promise<IncidentRecord> {
    return this.change(id, async (incident, now) => {
      if (incident.status !== 'acknowledged')
        throw new IncidentStateError(
          `incident ${incident.number} is ${incident.status}, not acknowledged: only an acknowledged incident can be unacknowledged`,
          allowedMoves(incident.status),
        );
      const policy = this.policyOf(incident)!;
      incident.status = 'new';
      delete incident.acknowledgedBy;
      delete incident.acknowledgedAt;
      return {
        at: now,
        cancelStepsOf: [incident.id],
        steps: [this.resumeStep(incident, policy, now)],
        timeline: [
          this.event(
            incident,
            'incident-unacknowledged',
            `unacknowledged by ${by}: escalation resumes`,
            by,
          ),
        ],
      };
    });
  }

  /** Moves the incident along New → Acknowledged → Investigating → Mitigated → Resolved. */
  setStatus(id: string, status: IncidentStatus, by: string): Promise<IncidentRecord> {
    return this.change(id, async (incident, now) => {
      assertMove(incident.number, incident.status, status);
      if (status === 'resolved') return { resolve: { by, why: 'status set to resolved' } };
      if (status === 'acknowledged') return this.acknowledgeAt(incident, now, by, 'acknowledged');
      const from = incident.status;
      const changes = from === 'new' ? this.acknowledgeAt(incident, now, by, status) : undefined;
      incident.status = status;
      return {
        at: now,
        cancelStepsOf: [incident.id],
        ...(changes?.pages ? { pages: changes.pages } : {}),
        timeline: [
          ...(changes?.timeline ?? []),
          this.event(incident, 'status-changed', `status ${from} → ${status} by ${by}`, by, {
            from,
            to: status,
          }),
        ],
      };
    });
  }

  /** Resolves the incident and notifies everyone who was paged. */
  resolve(id: string, by: string): Promise<IncidentRecord> {
    return this.change(id, async (incident) => {
      assertMove(incident.number, incident.status, 'resolved');
      return { resolve: { by, why: 'resolved by hand' } };
    });
  }

  /** Assigns the incident to a person of `teams:`. */
  assign(id: string, person: string, by: string): Promise<IncidentRecord> {
    return this.change(id, async (incident, now) => {
      if (!this.onCall.person(person))
        throw new PhoenixError(
          'ERR_NOT_FOUND',
          `cannot assign incident ${incident.number}: unknown person ${JSON.stringify(person)}`,
        );
      incident.assignedTo = person;
      return {
        at: now,
        timeline: [
          this.event(incident, 'incident-assigned', `assigned to ${person} by ${by}`, by, {
            person,
          }),
        ],
      };
    });
  }

  /** Adds a note to the timeline. */
  addNote(id: string, text: string, by: string): Promise<IncidentRecord> {
    return this.change(id, async (incident, now) => {
      if (text.trim() === '')
        throw new PhoenixError('ERR_CONFIG_INVALID', 'a note needs some text');
      return { at: now, timeline: [this.event(incident, 'note-added', text, by)] };
    });
  }

  /** Records an action taken (a responder's run, or a person's manual action) in `actions_taken`. */
  recordAction(
    id: string,
    action: { action: string; by: string; ok: boolean; message: string },
  ): Promise<IncidentRecord> {
    return this.change(id, async (incident, now) => {
      incident.actionsTaken.push({ ...action, at: now });
      return {
        at: now,
        timeline: [
          this.event(
            incident,
            'action-recorded',
            `${action.action} ${action.ok ? 'succeeded' : 'failed'}: ${action.message}`,
            action.by,
            { action: action.action, ok: action.ok },
          ),
        ],
      };
    });
  }

  // ---- on-call ----

  /** The on-call schedule as it stands, overrides applied (it changes when overrides do). */
  currentSchedule(): OnCallSchedule {
    this.assertStarted();
    return this.onCall;
  }

  /** The shift of every rotation at `at` (default now), overrides applied. */
  whoIsOnCall(at?: number): Shift[] {
    this.assertStarted();
    const time = at ?? this.clock.now();
    return this.onCall.rotations.map((rotation) => this.onCall.shiftAt(rotation, time));
  }

  /** The shifts of `rotation` overlapping `[from, to)`, overrides applied. */
  schedule(rotation: string, from: number, to: number): Shift[] {
    this.assertStarted();
    return this.onCall.shifts(rotation, from, to);
  }

  /** The same as {@link schedule}. */
  shifts(rotation: string, from: number, to: number): Shift[] {
    return this.schedule(rotation, from, to);
  }

  /** Persists an override and applies it at once. @throws ConfigError naming what is wrong. */
  createOverride(input: OverrideInput): Promise<RotationOverride> {
    this.assertStarted();
    return this.exclusive(async () => {
      const override: RotationOverride = {
        ...input,
        id: randomUUID(),
        createdAt: this.clock.now(),
      };
      const current = await this.store.listOverrides();
      const schedule = this.baseSchedule.withOverrides([...current, override]);
      await this.store.putOverride(override);
      this.onCall = schedule;
      return override;
    });
  }

  /** Overrides, by start; only those of `rotation`, or those not ended by `activeAfter`, if given. */
  async listOverrides(
    filters: { rotation?: string; activeAfter?: number } = {},
  ): Promise<RotationOverride[]> {
    this.assertStarted();
    return (await this.store.listOverrides()).filter(
      (item) =>
        (filters.rotation === undefined || item.rotation === filters.rotation) &&
        (filters.activeAfter === undefined || item.end > filters.activeAfter),
    );
  }

  /** Deletes an override; `ERR_NOT_FOUND` when there is none with that id. */
  deleteOverride(id: string): Promise<void> {
    this.assertStarted();
    return this.exclusive(async () => {
      if (!(await this.store.deleteOverride(id)))
        throw new PhoenixError('ERR_NOT_FOUND', `no override ${id}`);
      this.onCall = this.baseSchedule.withOverrides(await this.store.listOverrides());
    });
  }

  // ---- helpers ----

  private async load(id: string): Promise<IncidentRecord> {
    const incident = await this.store.getIncident(id);
    if (!incident) throw new PhoenixError('ERR_NOT_FOUND', `no incident ${id}`);
    return incident;
  }

  private acknowledgeAt(incident: IncidentRecord, now: number, by: string, status: IncidentStatus) {
    incident.status = status;
    incident.acknowledgedBy = by;
    incident.acknowledgedAt = now;
    const severity = this.severityOf(incident.severity);
    const steps =
      status === 'acknowledged' && severity.responseTimeMs !== undefined
        ? [
            this.step(
              incident,
              'ack-timeout',
              incident.level,
              incident.cycle,
              now + severity.responseTimeMs,
            ),
          ]
        : [];
    return {
      at: now,
      cancelStepsOf: [incident.id],
      steps,
      // Everyone paged hears of it: Slack updates its message, PagerDuty acknowledges, mail threads.
      pages: this.tellPaged(incident, 'acknowledged', now),
      timeline: [this.event(incident, 'incident-acknowledged', `acknowledged by ${by}`, by)],
    };
  }

  /** One page per person paged so far and channel of the severity, announcing `event`. */
  private tellPaged(
    incident: IncidentRecord,
    event: 'acknowledged',
    now: number,
  ): EscalationPage[] {
    const severity = this.severityOf(incident.severity);
    incident.decisions++;
    return incident.paged.flatMap((name) =>
      severity.channels.map((channel) =>
        this.page(
          incident,
          `${incident.id}/${incident.round}/${incident.decisions}/${event}/${channel}/${name}`,
          channel,
          this.onCall.person(name) ?? { name },
          event,
          incident.level,
          now,
        ),
      ),
    );
  }

  /** Loads, changes and commits one incident as one decision, after every decision before it. */
  private change(
    id: string,
    decide: (
      incident: IncidentRecord,
      now: number,
    ) => Promise<
      | {
          at: number;
          cancelStepsOf?: string[];
          steps?: ReturnType<EscalationCore['step']>[];
          pages?: EscalationPage[];
          timeline?: ReturnType<EscalationCore['event']>[];
        }
      | { resolve: { by: string; why: string } }
      | undefined
    >,
  ): Promise<IncidentRecord> {
    this.assertStarted();
    return this.exclusive(async () => {
      const incident = await this.load(id);
      const now = this.clock.now();
      const changes = await decide(incident, now);
      if (changes === undefined) return incident;
      if ('resolve' in changes)
        return this.resolveWith(
          incident,
          { at: now, timeline: [] },
          changes.resolve.by,
          changes.resolve.why,
        );
      return this.commit({ incident, changes: { ...changes, timeline: changes.timeline ?? [] } });
    });
  }
}

/** Creates an escalation engine; call `start` (the pipeline does, through `notifierFor`) before use. */
export function createEscalationEngine(options: EscalationEngineOptions): EscalationEngine {
  return new EscalationEngine(options);
}
