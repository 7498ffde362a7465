import { randomUUID } from 'node:crypto';
import { PhoenixError, isResolved } from '@phoenix-alerting/core';
import type {
  Alert,
  EscalationChanges,
  EscalationPage,
  EscalationStep,
  IncidentEvent,
  IncidentRecord,
  Notification,
  Notifier,
} from '@phoenix-alerting/core';
import { EscalationCore } from './engine.js';
import type { Decision, TimelineEvent } from './engine.js';
import {
  commonLabels,
  firingAlerts,
  incidentTitle,
  levelTimeoutMs,
  resolveResponders,
  successor,
} from './paging.js';

// Whether a stored alert was firing in the notification that brought it.
const firedWhenReceived = (alert: Alert) => !isResolved(alert, alert.updatedAt);

/**
 * The decisions of the engine: one incident per aggregation group and policy, opened, updated,
 * resolved or reopened by notifications, and what firing each due step does.
 */
export class IncidentEngine extends EscalationCore {
  // ---- the pipeline side: one incident per aggregation group and policy ----

  /** The Notifier a receiver with `escalation_policy: policy` delivers through. */
  notifierFor(receiver: string, policy: string): Notifier {
    if (!this.config.policies.has(policy))
      throw new PhoenixError(
        'ERR_CONFIG_INVALID',
        `receiver ${JSON.stringify(receiver)}: unknown escalation_policy ${JSON.stringify(policy)} (escalation_policies: ${[...this.config.policies.keys()].join(', ') || 'none'})`,
      );
    return {
      name: 'escalation',
      sendResolved: true,
      start: (context) => this.start(context),
      stop: (options) => this.stop(options),
      notify: async (notification) => {
        try {
          await this.open(notification, receiver, policy);
          return { ok: true };
        } catch (error) {
          return {
            ok: false,
            retryable: true,
            reason: 'server',
            message: `escalation: ${(error as Error).message}`,
          };
        }
      },
    };
  }

  /** Opens, updates, resolves or reopens the incident of a flushed group. */
  async open(
    notification: Notification,
    receiver: string,
    policy: string,
  ): Promise<IncidentRecord | undefined> {
    this.assertStarted();
    if (!this.config.policies.has(policy))
      throw new PhoenixError(
        'ERR_NOT_FOUND',
        `unknown escalation policy ${JSON.stringify(policy)}`,
      );
    return this.exclusive(async () => {
      const now = this.clock.now();
      const dedupKey = `${receiver}/${policy}/${notification.groupKey}`;
      const existing = await this.store.findIncident(dedupKey);
      if (existing && existing.status !== 'resolved')
        return this.update(existing, notification, now);
      if (firingAlerts(notification.alerts, notification.timestamp).length === 0) return existing;
      if (
        existing?.resolvedAt !== undefined &&
        existing.resolvedAt >= now - this.config.reopenWindowMs
      )
        return this.reopen(existing, notification, now);
      return this.create(notification, receiver, policy, dedupKey, now);
    });
  }

  private async create(
    notification: Notification,
    receiver: string,
    policy: string,
    dedupKey: string,
    now: number,
  ): Promise<IncidentRecord> {
    const firing = firingAlerts(notification.alerts, notification.timestamp);
    const labels = commonLabels(notification.alerts, notification.groupLabels);
    const incident: IncidentRecord = {
      id: randomUUID(),
      number: await this.store.nextIncidentNumber(),
      dedupKey,
      title: incidentTitle(notification.alerts, labels, notification.groupLabels),
      severity: this.severityFor(firing),
      status: 'new',
      receiver,
      policy,
      groupKey: notification.groupKey,
      labels,
      groupLabels: notification.groupLabels,
      route: notification.route,
      alerts: [...notification.alerts],
      level: 0,
      cycle: 0,
      round: 0,
      decisions: 0,
      exhausted: false,
      paged: [],
      actionsTaken: [],
      createdAt: now,
      updatedAt: now,
    };
    const created = this.event(
      incident,
      'incident-created',
      `incident ${incident.number} opened (${incident.severity}, policy ${policy}): ${incident.title}`,
      'system',
      {
        severity: incident.severity,
        policy,
        alerts: firing.map((alert) => alert.fingerprint),
      },
    );
    return this.commit(this.pageFirstLevel(incident, [created], now));
  }

  /**
   * Level 1 is paged in the transaction that opens (or reopens) the incident, as firing a step due
   * now would, without the round trip through the step table.
   */
  private pageFirstLevel(incident: IncidentRecord, events: TimelineEvent[], now: number): Decision {
    const decision = this.fire(this.step(incident, 'level', 1, 0, now), incident, now)!;
    decision.changes.completeSteps = [];
    decision.changes.timeline = [...events, ...(decision.changes.timeline ?? [])];
    return decision;
  }

  private async reopen(
    incident: IncidentRecord,
    notification: Notification,
    now: number,
  ): Promise<IncidentRecord> {
    incident.round++;
    Object.assign(incident, { status: 'new', level: 0, cycle: 0, exhausted: false });
    for (const field of ['acknowledgedBy', 'acknowledgedAt', 'resolvedBy', 'resolvedAt'] as const)
      delete incident[field];
    const events = [
      this.event(
        incident,
        'incident-reopened',
        `incident ${incident.number} reopened: its alerts fire again within the reopen window`,
        'system',
        { round: incident.round },
      ),
    ];
    events.push(...this.mergeAlerts(incident, notification));
    return this.commit(this.pageFirstLevel(incident, events, now));
  }

  private async update(
    incident: IncidentRecord,
    notification: Notification,
    now: number,
  ): Promise<IncidentRecord> {
    const wasFiring = incident.alerts.some(firedWhenReceived);
    const events = this.mergeAlerts(incident, notification);
    const firing = firingAlerts(incident.alerts, notification.timestamp);
    const changes: EscalationChanges = { at: now, timeline: events };
    const severity = this.severityFor(firing);
    if (
      firing.length > 0 &&
      this.severityOf(severity).rank < this.severityOf(incident.severity).rank
    ) {
      events.push(
        this.event(
          incident,
          'severity-changed',
          `severity raised from ${incident.severity} to ${severity}`,
          'system',
          { from: incident.severity, to: severity },
        ),
      );
      incident.severity = severity;
    }
    if (firing.length === 0 && (wasFiring || events.length > 0)) {
      if (this.severityOf(incident.severity).autoResolution)
        return this.resolveWith(incident, changes, 'system', 'all its alerts resolved');
      events.push(
        this.event(
          incident,
          'alerts-resolved',
          `all alerts resolved; ${incident.severity} incidents are resolved by a person`,
        ),
      );
    }
    if (events.length === 0) return incident;
    return this.commit({ incident, changes });
  }

  /** Takes the notification's alerts into the incident and returns the events of the change. */
  private mergeAlerts(incident: IncidentRecord, notification: Notification): TimelineEvent[] {
    const at = notification.timestamp;
    const before = new Map(incident.alerts.map((alert) => [alert.fingerprint, alert]));
    const events: TimelineEvent[] = [];
    for (const alert of notification.alerts) {
      const previous = before.get(alert.fingerprint);
      const firingNow = !isResolved(alert, at);
      const firingBefore = previous !== undefined && firedWhenReceived(previous);
      if (firingNow && (!previous || !firingBefore))
        events.push(
          this.event(
            incident,
            'alert-added',
            `alert ${alert.labels.alertname ?? alert.fingerprint} fires`,
            'system',
            { fingerprint: alert.fingerprint, labels: alert.labels },
          ),
        );
      if (!firingNow && previous && firingBefore)
        events.push(
          this.event(
            incident,
            'alert-resolved',
            `alert ${alert.labels.alertname ?? alert.fingerprint} resolved`,
            'system',
            { fingerprint: alert.fingerprint },
          ),
        );
      before.set(alert.fingerprint, alert);
    }
    incident.alerts = [...before.values()];
    return events;
  }

  /** Resolves within a decision: cancels steps and notifies everyone who was paged. */
  protected resolveWith(
    incident: IncidentRecord,
    changes: EscalationChanges,
    by: string,
    why: string,
  ): Promise<IncidentRecord> {
    const now = changes.at;
    Object.assign(incident, { status: 'resolved', resolvedBy: by, resolvedAt: now });
    const severity = this.severityOf(incident.severity);
    const pages: EscalationPage[] = [];
    for (const name of incident.paged) {
      const person = this.onCall.person(name) ?? { name };
      for (const channel of severity.channels) {
        if (this.options.channels[channel]?.sendResolved === false) continue;
        pages.push(
          this.page(
            incident,
            `${incident.id}/${incident.round}/resolved/${channel}/${name}`,
            channel,
            person,
            'resolved',
            0,
            now,
          ),
        );
      }
    }
    (changes.timeline as TimelineEvent[]).push(
      this.event(incident, 'incident-resolved', `resolved by ${by}: ${why}`, by, {
        notified: incident.paged,
      }),
    );
    return this.commit({
      incident,
      changes: {
        ...changes,
        cancelStepsOf: [incident.id],
        pages: [...(changes.pages ?? []), ...pages],
      },
    });
  }

  /** What firing `step` decides, or undefined when the step has nothing left to do. */
  protected fire(
    step: EscalationStep,
    incident: IncidentRecord,
    now: number,
  ): Decision | undefined {
    const policy = this.policyOf(incident);
    if (incident.round !== step.round || incident.status === 'resolved' || !policy)
      return undefined;
    const severity = this.severityOf(incident.severity);
    const timeline: TimelineEvent[] = [];
    const changes: EscalationChanges = {
      at: now,
      completeSteps: [{ id: step.id, owner: this.workerId, status: 'done' }],
      timeline,
    };
    if (step.kind === 'ack-timeout') {
      if (incident.status !== 'acknowledged') return undefined;
      timeline.push(
        this.event(
          incident,
          'incident-unacknowledged',
          `not moved on within the ${severity.name} response time since acknowledged by ` +
            `${incident.acknowledgedBy}: escalation resumes`,
        ),
      );
      changes.steps = [this.resumeStep(incident, policy, now)];
      incident.status = 'new';
      delete incident.acknowledgedBy;
      delete incident.acknowledgedAt;
      return { incident, changes };
    }
    if (incident.status !== 'new') return undefined;
    if (step.kind === 'exhausted') {
      incident.exhausted = true;
      const times = policy.repeat ? ` ${policy.repeat + 1} times` : '';
      timeline.push(
        this.event(
          incident,
          'policy-exhausted',
          `policy ${policy.name} paged every level${times} without an acknowledgement; the incident stays open`,
        ),
      );
      return { incident, changes };
    }
    const level = policy.levels[step.level - 1]!;
    const { people, problems } = resolveResponders(level, this.onCall, now);
    incident.level = step.level;
    incident.cycle = step.cycle;
    const event: IncidentEvent =
      step.cycle > 0
        ? 'repeated'
        : step.level > 1
          ? 'escalated'
          : step.round > 0
            ? 'reopened'
            : 'triggered';
    const pages: EscalationPage[] = [];
    for (const person of people) {
      if (!incident.paged.includes(person.name)) incident.paged.push(person.name);
      for (const channel of severity.channels)
        pages.push(
          this.page(
            incident,
            `${step.id}/${channel}/${person.name}`,
            channel,
            person,
            event,
            step.level,
            now,
          ),
        );
    }
    const names = people.map((person) => person.name);
    const what =
      event === 'triggered' || event === 'reopened'
        ? 'paged'
        : event === 'repeated'
          ? `repeat ${step.cycle}: paged`
          : 'escalated to';
    timeline.push(
      this.event(
        incident,
        'level-paged',
        `${what} level ${step.level}: ${names.join(', ') || 'nobody'} via ${severity.channels.join(', ')}`,
        'system',
        {
          step: step.id,
          level: step.level,
          cycle: step.cycle,
          people: names,
          channels: severity.channels,
          ...(problems.length ? { problems } : {}),
        },
      ),
    );
    changes.pages = pages;
    const timeoutMs = levelTimeoutMs(level, severity);
    if (timeoutMs !== undefined) {
      const next = successor(policy, step.level, step.cycle);
      changes.steps = [this.step(incident, next.kind, next.level, next.cycle, now + timeoutMs)];
    }
    return { incident, changes };
  }
}
