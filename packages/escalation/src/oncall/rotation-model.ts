import { PhoenixError } from '@phoenix-alerting/core';
import type { OnCallConfig, RotationConfig } from './config.js';
import type { Shift, TeamMember } from './types.js';
import { WallClock, localDate } from './wall-clock.js';
import { WeightedTurns, mod } from './weighted-cycle.js';

const HOUR_MS = 3_600_000;

/** A stretch of time (from its `from` to the next epoch's) in which a team's membership is fixed. */
interface Epoch {
  from: number;
  /** The team's turn number of its first turn starting at or after `from`. */
  firstTurn: number;
  /** Who takes the team's turns, in the team's order. */
  active: TeamMember[];
  /** Index into `active` of the person who takes `firstTurn`. */
  offset: number;
}

export interface MemberSpan {
  member: TeamMember;
  from: number;
  until: number;
}

/**
 * One rotation compiled for O(1) questions: shift `i` starts at the wall-clock time
 * `anchor + i × length` of the rotation's zone; its team is the weighted cycle's slot `i`, and the
 * person is the team's turn number (counted by cycle arithmetic) modulo its members at that time.
 */
export class RotationModel {
  readonly wall: WallClock;
  readonly teams: string[];
  private readonly anchorLocal: number;
  private readonly lengthMs: number;
  private readonly turns: WeightedTurns;
  private readonly epochs: Epoch[][];

  constructor(
    readonly name: string,
    config: RotationConfig,
    members: ReadonlyMap<string, TeamMember[]>,
    memberDates: ReadonlyMap<string, { from?: string | undefined; until?: string | undefined }>,
  ) {
    this.wall = new WallClock(config.timezone);
    const [hours, minutes] = config.handoff_time.split(':').map(Number) as [number, number];
    this.anchorLocal = localDate(config.start)! + hours * HOUR_MS + minutes * 60_000;
    this.lengthMs = config.shift_length_hours * HOUR_MS;
    this.teams = config.members.map((member) => member.team);
    this.turns = new WeightedTurns(config.members.map((member) => member.weight));
    this.epochs = this.teams.map((team, index) =>
      this.buildEpochs(index, spansOf(members.get(team) ?? [], memberDates, this.wall)),
    );
  }

  /** The instant shift `index` starts. Two consecutive starts may be equal (see fromLocal). */
  startOf(index: number): number {
    return this.wall.fromLocal(this.anchorLocal + index * this.lengthMs);
  }

  /** The index of the shift containing `at`: `startOf(i) <= at < startOf(i + 1)`. */
  indexAt(at: number): number {
    let index = Math.floor((this.wall.toLocal(at) - this.anchorLocal) / this.lengthMs);
    while (this.startOf(index) > at) index--;
    while (this.startOf(index + 1) <= at) index++;
    return index;
  }

  /** Shift `index` as the rotation schedules it, before overrides. */
  shift(index: number): Shift {
    const start = this.startOf(index);
    const teamIndex = this.turns.entryAt(index);
    const team = this.teams[teamIndex]!;
    const turn = this.turns.turnsBefore(teamIndex, index);
    const epoch = epochAt(this.epochs[teamIndex]!, start);
    if (epoch === undefined || epoch.active.length === 0) {
      throw new PhoenixError(
        'ERR_NOT_FOUND',
        `rotation ${JSON.stringify(this.name)}: team ${JSON.stringify(team)} has no member on ${this.wall.format(start)}`,
      );
    }
    const person = epoch.active[mod(turn - epoch.firstTurn + epoch.offset, epoch.active.length)]!;
    return { rotation: this.name, team, person, start, end: this.startOf(index + 1) };
  }

  private firstIndexFrom(at: number): number {
    const index = this.indexAt(at);
    return this.startOf(index) < at ? index + 1 : index;
  }

  private buildEpochs(teamIndex: number, spans: MemberSpan[]): Epoch[] {
    const boundaries = [
      ...new Set(spans.flatMap((span) => [span.from, span.until]).filter(Number.isFinite)),
    ].sort((a, b) => a - b);
    const activeAt = (at: number) =>
      spans.filter((span) => span.from <= at && at < span.until).map((span) => span.member);
    const epochs: Epoch[] = [
      { from: -Infinity, firstTurn: 0, active: activeAt(-Infinity), offset: 0 },
    ];
    const anchor = this.startOf(0);
    for (const from of boundaries) {
      const previous = epochs[epochs.length - 1]!;
      const active = activeAt(from);
      // Changes before the cycle starts do not shift it: its first turns go to the first listed.
      if (from <= anchor) {
        epochs.push({ from, firstTurn: 0, active, offset: 0 });
        continue;
      }
      const firstTurn = this.turns.turnsBefore(teamIndex, this.firstIndexFrom(from));
      epochs.push({
        from,
        firstTurn,
        active,
        offset: continuity(previous, firstTurn, active, spans),
      });
    }
    return epochs;
  }
}

/**
 * Where the new membership starts: with the person the old one would have given this turn, or,
 * when they left, the next person after them in the team's order who is still there.
 */
function continuity(previous: Epoch, turn: number, active: TeamMember[], spans: MemberSpan[]) {
  if (previous.active.length === 0 || active.length === 0) return 0;
  const due =
    previous.active[mod(turn - previous.firstTurn + previous.offset, previous.active.length)]!;
  const order = spans.map((span) => span.member);
  const start = order.indexOf(due);
  for (let step = 0; step < order.length; step++) {
    const index = active.indexOf(order[(start + step) % order.length]!);
    if (index >= 0) return index;
  }
  return 0;
}

function epochAt(epochs: Epoch[], at: number): Epoch | undefined {
  let found: Epoch | undefined;
  for (const epoch of epochs) {
    if (epoch.from > at) break;
    found = epoch;
  }
  return found;
}

export function spansOf(
  members: TeamMember[],
  dates: ReadonlyMap<string, { from?: string | undefined; until?: string | undefined }>,
  wall: WallClock,
): MemberSpan[] {
  return members.map((member) => {
    const { from, until } = dates.get(member.name) ?? {};
    return {
      member,
      from: from === undefined ? -Infinity : wall.parseInstant(from)!,
      until: until === undefined ? Infinity : wall.parseInstant(until)!,
    };
  });
}

/** The people of `teams:` as TeamMembers, by team, and their from/until dates, by name. */
export function peopleOf(config: OnCallConfig) {
  const byTeam = new Map<string, TeamMember[]>();
  const dates = new Map<string, { from?: string | undefined; until?: string | undefined }>();
  for (const [team, { members }] of Object.entries(config.teams)) {
    byTeam.set(
      team,
      members.map(({ from, until, ...contact }) => {
        dates.set(contact.name, { from, until });
        return stripUndefined({ ...contact, team });
      }),
    );
  }
  return { byTeam, dates };
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
