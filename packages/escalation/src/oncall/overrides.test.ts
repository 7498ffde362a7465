import { ConfigError } from '@phoenix-alerting/core';
import { describe, expect, it } from 'vitest';
import { specOnCall } from './__fixtures__/spec-rotations.js';
import { chicago, describeShift } from './__fixtures__/helpers.js';
import { createOnCallSchedule } from './schedule.js';
import type { RotationOverride } from './types.js';

const base = createOnCallSchedule(specOnCall);
// primary_oncall on 2026-03-07 08:00: alice, 20:00 carol (11 h), 03-08 08:00 erin, 20:00 bob, 03-09 08:00 dave.

function override(
  partial: Partial<RotationOverride> & Pick<RotationOverride, 'person' | 'start' | 'end'>,
): RotationOverride {
  return { id: `o-${partial.person}`, rotation: 'primary_oncall', createdAt: 0, ...partial };
}

const day = (from: string, to: string, schedule = base) =>
  schedule.shifts('primary_oncall', chicago(from), chicago(to)).map(describeShift);

describe('overrides', () => {
  it('splits a shift when someone covers part of it', () => {
    const covered = base.withOverrides([
      override({
        person: 'bob',
        start: chicago('2026-03-07T12:00'),
        end: chicago('2026-03-07T14:00'),
      }),
    ]);
    expect(day('2026-03-07T08:00', '2026-03-07T20:00', covered)).toEqual([
      'alice 2026-03-07T08:00:00-06:00 2026-03-07T12:00:00-06:00 4h',
      'bob (o-bob) 2026-03-07T12:00:00-06:00 2026-03-07T14:00:00-06:00 2h',
      'alice 2026-03-07T14:00:00-06:00 2026-03-07T20:00:00-06:00 6h',
    ]);
    const middle = covered.shiftAt('primary_oncall', chicago('2026-03-07T13:00'));
    expect(middle).toMatchObject({ team: 'platform', overrideId: 'o-bob' });
    expect(middle.person.name).toBe('bob');
    // The schedule it came from is unchanged.
    expect(base.shiftAt('primary_oncall', chicago('2026-03-07T13:00')).person.name).toBe('alice');
  });

  it("covers across a handoff as two shifts, one per scheduled shift, with the coverer's team", () => {
    const covered = base.withOverrides([
      override({
        person: 'erin',
        start: chicago('2026-03-07T18:00'),
        end: chicago('2026-03-07T22:00'),
      }),
    ]);
    expect(day('2026-03-07T08:00', '2026-03-08T08:00', covered)).toEqual([
      'alice 2026-03-07T08:00:00-06:00 2026-03-07T18:00:00-06:00 10h',
      'erin (o-erin) 2026-03-07T18:00:00-06:00 2026-03-07T20:00:00-06:00 2h',
      'erin (o-erin) 2026-03-07T20:00:00-06:00 2026-03-07T22:00:00-06:00 2h',
      'carol 2026-03-07T22:00:00-06:00 2026-03-08T08:00:00-05:00 9h',
    ]);
    expect(covered.shiftAt('primary_oncall', chicago('2026-03-07T21:00')).team).toBe('frontend');
  });

  it('swaps two shifts with two overrides that each replace the other person', () => {
    const swapped = base.withOverrides([
      override({
        id: 'swap-1',
        person: 'dave',
        replaces: 'alice',
        start: chicago('2026-03-07T08:00'),
        end: chicago('2026-03-07T20:00'),
      }),
      override({
        id: 'swap-2',
        person: 'alice',
        replaces: 'dave',
        start: chicago('2026-03-09T08:00'),
        end: chicago('2026-03-09T20:00'),
      }),
    ]);
    expect(
      day('2026-03-07T08:00', '2026-03-09T20:00', swapped).map((line) => line.split(' 2026')[0]),
    ).toEqual(['dave (swap-1)', 'carol', 'erin', 'bob', 'alice (swap-2)']);
  });

  it("with `replaces`, leaves everyone else's shifts in the range alone", () => {
    const vacation = base.withOverrides([
      override({
        person: 'dave',
        replaces: 'carol',
        start: chicago('2026-03-01T00:00'),
        end: chicago('2026-03-15T00:00'),
      }),
    ]);
    const people = vacation.shifts(
      'primary_oncall',
      chicago('2026-03-01T00:00'),
      chicago('2026-03-15T00:00'),
    );
    expect(people.some((shift) => shift.person.name === 'carol')).toBe(false);
    expect(
      people
        .filter((shift) => shift.overrideId !== undefined)
        .every((shift) => shift.person.name === 'dave'),
    ).toBe(true);
    const untouched = base.shifts(
      'primary_oncall',
      chicago('2026-03-01T00:00'),
      chicago('2026-03-15T00:00'),
    );
    expect(people.filter((shift) => shift.overrideId === undefined)).toEqual(
      untouched.filter((shift) => shift.person.name !== 'carol'),
    );
  });

  it('lets the newest of overlapping overrides win (by createdAt, then by order)', () => {
    const both = base.withOverrides([
      override({
        id: 'new',
        person: 'erin',
        createdAt: 2,
        start: chicago('2026-03-07T10:00'),
        end: chicago('2026-03-07T12:00'),
      }),
      override({
        id: 'old',
        person: 'bob',
        createdAt: 1,
        start: chicago('2026-03-07T09:00'),
        end: chicago('2026-03-07T13:00'),
      }),
    ]);
    expect(
      day('2026-03-07T08:00', '2026-03-07T20:00', both).map((line) => line.split(' 2026')[0]),
    ).toEqual(['alice', 'bob (old)', 'erin (new)', 'bob (old)', 'alice']);
  });

  it('are given to the constructor too', () => {
    const covered = createOnCallSchedule(specOnCall, [
      override({
        person: 'bob',
        start: chicago('2026-03-07T12:00'),
        end: chicago('2026-03-07T14:00'),
      }),
    ]);
    expect(covered.shiftAt('primary_oncall', chicago('2026-03-07T12:30')).person.name).toBe('bob');
  });

  it('rejects unknown rotations and people and empty ranges, naming each', () => {
    let error: unknown;
    try {
      base.withOverrides([
        override({ person: 'mallory', start: 0, end: 1 }),
        override({ person: 'bob', rotation: 'nope', start: 5, end: 5, replaces: 'zed' }),
      ]);
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues).toEqual([
      { path: '[0].person', message: 'unknown person "mallory"' },
      { path: '[1].rotation', message: 'unknown rotation "nope"' },
      { path: '[1].replaces', message: 'unknown person "zed"' },
      { path: '[1].end', message: 'must be a time after `start` (ms since the epoch)' },
    ]);
  });
});
