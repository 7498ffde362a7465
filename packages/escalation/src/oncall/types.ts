import type { Recipient } from '@phoenix-alerting/core';

/** A person of `teams:`, with the team they belong to. Names are unique across teams. */
export interface TeamMember extends Recipient {
  /** The team (a key of `teams:`) this person belongs to. */
  team: string;
}

/**
 * One stretch of time during which one person is on call in a rotation. Shifts are half-open,
 * `[start, end)`, in milliseconds since the Unix epoch. An override splits a scheduled shift, so a
 * shift returned by {@link OnCallSchedule} may be shorter than the rotation's shift length.
 */
export interface Shift {
  /** The rotation (a key of `oncall_rotations:`). */
  rotation: string;
  /** The team whose turn this is; for an override, the covering person's team. */
  team: string;
  /** Who is on call. */
  person: TeamMember;
  /** Start, ms since the epoch, inclusive. */
  start: number;
  /** End, ms since the epoch, exclusive. */
  end: number;
  /** Set when an override put this person on call: the override's id. */
  overrideId?: string;
}

/**
 * "`person` covers `rotation` from `start` to `end`". A swap is two overrides, each with
 * `replaces` naming the person whose shift the other takes.
 */
export interface RotationOverride {
  /** Unique id, e.g. a UUID; shifts it creates carry it as `overrideId`. */
  id: string;
  /** The rotation it applies to. */
  rotation: string;
  /** The name of the person who covers (a member of `teams:`). */
  person: string;
  /**
   * When set, the override applies only while this person would otherwise be on call: it covers
   * that person's part of `[start, end)` and leaves everyone else's alone.
   */
  replaces?: string;
  /** Start, ms since the epoch, inclusive. */
  start: number;
  /** End, ms since the epoch, exclusive. */
  end: number;
  /** Free text shown in schedules, e.g. "vacation". */
  reason?: string;
  /** Who created it. */
  createdBy?: string;
  /** When it was created, ms since the epoch; where overrides overlap, the newest wins. */
  createdAt: number;
}

/**
 * Who is on call when: a pure function of the configuration, the overrides and the time. Every
 * method answers in constant time (plus the overrides that touch the answer), however far the
 * time is from the rotation's start.
 */
export interface OnCallSchedule {
  /** The rotation names, in configuration order. */
  readonly rotations: readonly string[];
  /** The team names, in configuration order. */
  readonly teams: readonly string[];
  /**
   * The shift that contains `at` (ms since the epoch), overrides applied.
   * @throws PhoenixError `ERR_NOT_FOUND` for an unknown rotation, or when the team whose turn it
   *   is has no member at that time (possible only before the rotation's start).
   * @throws RangeError when `at` is not a finite time within the range of `Date`.
   */
  shiftAt(rotation: string, at: number): Shift;
  /**
   * Every shift overlapping `[from, to)`, in order, overrides applied (the first may start before
   * `from`, the last end after `to`). Empty when `to <= from`.
   * @throws PhoenixError `ERR_NOT_FOUND` for an unknown rotation.
   */
  shifts(rotation: string, from: number, to: number): Shift[];
  /** The person named `name`, from any team. */
  person(name: string): TeamMember | undefined;
  /**
   * The members of `team` in their configured order; empty for an unknown team. Without `at`, all
   * of them, including people who left or have not joined yet; with `at` (ms since the epoch),
   * those on the team then by their `from`/`until` (dates read in the time zone of the first
   * rotation that takes turns from the team, else UTC).
   */
  members(team: string, at?: number): TeamMember[];
  /** The IANA time zone of `rotation`, e.g. `America/Chicago`; for formatting shift times. */
  timezone(rotation: string): string;
  /**
   * The same schedule with `overrides` in place of the current ones.
   * @throws ConfigError naming each override with an unknown rotation or person, or an empty range.
   */
  withOverrides(overrides: readonly RotationOverride[]): OnCallSchedule;
}
