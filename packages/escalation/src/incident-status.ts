import { PhoenixError } from '@phoenix-alerting/core';
import type { IncidentStatus } from '@phoenix-alerting/core';

/** The lifecycle order of spec 8.2: an incident only moves forward along it. */
export const incidentStatuses: readonly IncidentStatus[] = [
  'new',
  'acknowledged',
  'investigating',
  'mitigated',
  'resolved',
];

/** The statuses an incident in `from` may move to (any later one; none once resolved). */
export function allowedMoves(from: IncidentStatus): IncidentStatus[] {
  return incidentStatuses.slice(incidentStatuses.indexOf(from) + 1);
}

/**
 * A request that the incident's state does not allow: a move outside the lifecycle, or an
 * acknowledgement of a resolved incident. `allowed` lists the moves that are possible.
 */
export class IncidentStateError extends PhoenixError {
  readonly allowed: readonly IncidentStatus[];

  constructor(message: string, allowed: readonly IncidentStatus[]) {
    super('ERR_INCIDENT_STATE', message);
    this.name = 'IncidentStateError';
    this.allowed = allowed;
  }
}

/** Throws unless `from` → `to` is a move of the lifecycle. */
export function assertMove(number: number, from: IncidentStatus, to: IncidentStatus): void {
  const allowed = allowedMoves(from);
  if (allowed.includes(to)) return;
  const list =
    allowed.length > 0
      ? `allowed moves: ${allowed.join(', ')}`
      : 'it is resolved; no move is allowed';
  throw new IncidentStateError(
    `incident ${number} cannot move from ${from} to ${to}: ${list}`,
    allowed,
  );
}
