import { isResolved, labelsToString } from '@phoenix-alerting/core';
import type {
  Alert,
  EscalationPage,
  IncidentEvent,
  IncidentRecord,
  Labels,
  Recipient,
} from '@phoenix-alerting/core';
import type { EscalationPolicy, PolicyLevel, SeverityLevel } from './config.js';
import type { OnCallSchedule, TeamMember } from './oncall/index.js';

/** Who a level pages at `at`, and why nobody could be found for a responder. */
export interface ResolvedResponders {
  people: TeamMember[];
  problems: string[];
}

/**
 * Resolves a level's responders at `at`: `rotation` (or `team` naming a rotation) → the person
 * on call in it; `team` naming a team of `teams:` → that team's people on call in any rotation
 * at that moment, or every member of the team when none is; `user` → that person.
 */
export function resolveResponders(
  level: PolicyLevel,
  schedule: OnCallSchedule,
  at: number,
): ResolvedResponders {
  const people = new Map<string, TeamMember>();
  const problems: string[] = [];
  const add = (person: TeamMember) => people.set(person.name, person);
  const onCall = (rotation: string) => {
    try {
      add(schedule.shiftAt(rotation, at).person);
    } catch (error) {
      problems.push(`rotation ${rotation}: ${(error as Error).message}`);
    }
  };
  for (const responder of level.responders) {
    if (responder.type === 'user') {
      const person = schedule.person(responder.name);
      if (person) add(person);
      else problems.push(`unknown person ${responder.name}`);
    } else if (responder.type === 'rotation' || schedule.rotations.includes(responder.name)) {
      onCall(responder.name);
    } else {
      let found = false;
      for (const rotation of schedule.rotations) {
        try {
          const shift = schedule.shiftAt(rotation, at);
          if (shift.team === responder.name) {
            add(shift.person);
            found = true;
          }
        } catch {
          // a rotation without anyone on call says nothing about this team
        }
      }
      if (!found) {
        const members = schedule.members(responder.name);
        if (members.length === 0) problems.push(`team ${responder.name} has no members`);
        members.forEach(add);
      }
    }
  }
  return { people: [...people.values()], problems };
}

/** What comes after paging `level` of `cycle`: the next level, a repeat, or the exhausted flag. */
export function successor(
  policy: EscalationPolicy,
  level: number,
  cycle: number,
): { kind: 'level' | 'exhausted'; level: number; cycle: number } {
  if (level < policy.levels.length) return { kind: 'level', level: level + 1, cycle };
  if (cycle < policy.repeat) return { kind: 'level', level: 1, cycle: cycle + 1 };
  return { kind: 'exhausted', level, cycle };
}

/** How long `level` waits for an acknowledgement; undefined when the severity does not escalate. */
export function levelTimeoutMs(level: PolicyLevel, severity: SeverityLevel): number | undefined {
  if (severity.escalationIntervalMs === undefined) return undefined;
  return level.timeoutMs ?? severity.escalationIntervalMs;
}

/** The labels every alert shares, over the group labels. */
export function commonLabels(alerts: readonly Alert[], groupLabels: Labels): Labels {
  const [first, ...rest] = alerts;
  const common: Record<string, string> = { ...groupLabels };
  if (!first) return common;
  for (const [name, value] of Object.entries(first.labels)) {
    if (rest.every((alert) => alert.labels[name] === value)) common[name] = value;
  }
  return common;
}

export function firingAlerts(alerts: readonly Alert[], now: number): Alert[] {
  return alerts.filter((alert) => !isResolved(alert, now));
}

/** A one-line title: the alert name and, for one alert, its summary; else the group labels. */
export function incidentTitle(
  alerts: readonly Alert[],
  labels: Labels,
  groupLabels: Labels,
): string {
  const name = labels.alertname ?? alerts[0]?.labels.alertname ?? 'alert';
  const summary = alerts.length === 1 ? alerts[0]!.annotations.summary : undefined;
  if (summary) return `${name}: ${summary}`;
  const group = labelsToString(groupLabels);
  return alerts.length > 1 ? `${name} (${alerts.length} alerts) ${group}` : `${name} ${group}`;
}

export function recipientOf(person: TeamMember | Recipient): Recipient {
  const { name, email, phone, slack, pagerduty } = person;
  const recipient: Recipient = { name };
  if (email !== undefined) recipient.email = email;
  if (phone !== undefined) recipient.phone = phone;
  if (slack !== undefined) recipient.slack = slack;
  if (pagerduty !== undefined) recipient.pagerduty = pagerduty;
  return recipient;
}

/** A page to `person` on `channel`, in the outbox's form, keyed by `key`. */
export function buildPage(
  incident: IncidentRecord,
  options: {
    key: string;
    channel: string;
    person: Recipient;
    event: IncidentEvent;
    level: number;
    now: number;
    url?: string;
  },
): EscalationPage {
  const { key, channel, person, event, level, now, url } = options;
  return {
    key,
    incidentId: incident.id,
    channel,
    recipient: person.name,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
    notification: {
      receiver: incident.receiver,
      groupKey: incident.groupKey,
      groupLabels: incident.groupLabels,
      alerts: incident.alerts,
      timestamp: now,
      route: incident.route,
      incident: {
        id: incident.id,
        number: incident.number,
        title: incident.title,
        severity: incident.severity,
        status: incident.status,
        event,
        level,
        recipients: [recipientOf(person)],
        ...(incident.acknowledgedBy !== undefined
          ? { acknowledgedBy: incident.acknowledgedBy }
          : {}),
        ...(url !== undefined ? { url } : {}),
      },
    },
  };
}
