import { describe, expect, it } from 'vitest';
import { CHICAGO, chicago } from './__fixtures__/helpers.js';
import type { OnCallConfigInput } from './config.js';
import { createOnCallSchedule } from './schedule.js';

function config(platform: { name: string; from?: string; until?: string }[]): OnCallConfigInput {
  return {
    teams: {
      platform: { members: platform },
      backend: { members: [{ name: 'carol' }] },
    },
    oncall_rotations: {
      daily: {
        shift_length_hours: 24,
        handoff_time: '09:00',
        timezone: CHICAGO,
        members: [
          { team: 'platform', weight: 2 },
          { team: 'backend', weight: 1 },
        ],
      },
    },
  };
}

const names = (schedule: ReturnType<typeof createOnCallSchedule>, from: string, to: string) =>
  schedule.shifts('daily', chicago(from), chicago(to)).map((shift) => shift.person.name);

describe('people joining and leaving a team', () => {
  const before = createOnCallSchedule(
    config([{ name: 'alice' }, { name: 'bob' }, { name: 'frank' }]),
  );
  const after = createOnCallSchedule(
    config([{ name: 'alice' }, { name: 'bob' }, { name: 'frank', until: '2026-03-01' }]),
  );

  it('leaves the past unchanged when someone leaves', () => {
    expect(names(after, '2026-01-01T09:00', '2026-03-01T09:00')).toEqual(
      names(before, '2026-01-01T09:00', '2026-03-01T09:00'),
    );
    expect(names(before, '2026-01-01T09:00', '2026-01-07T09:00')).toEqual([
      'alice',
      'carol',
      'bob',
      'frank',
      'carol',
      'alice',
    ]);
  });

  it('gives the leaver no shift starting on or after `until`, the others keep their order', () => {
    const platform = after
      .shifts('daily', chicago('2026-03-01T00:00'), chicago('2026-06-01T00:00'))
      .filter((shift) => shift.team === 'platform')
      .map((shift) => shift.person.name);
    expect(platform).not.toContain('frank');
    for (let index = 1; index < platform.length; index++) {
      expect(platform[index]).not.toBe(platform[index - 1]);
    }
  });

  it('hands the turn that was due to the leaver to the next person, then carries on in order', () => {
    // Platform turns from 2026-03-01 in the old schedule; the first one frank would have had goes
    // to alice (after frank, wrapping round), and the turns continue bob, alice, …
    const old = before
      .shifts('daily', chicago('2026-03-01T09:00'), chicago('2026-03-20T09:00'))
      .filter((shift) => shift.team === 'platform');
    const now = after
      .shifts('daily', chicago('2026-03-01T09:00'), chicago('2026-03-20T09:00'))
      .filter((shift) => shift.team === 'platform');
    const first = old.findIndex((shift) => shift.person.name === 'frank');
    expect(now.slice(0, first).map((shift) => shift.person.name)).toEqual(
      old.slice(0, first).map((shift) => shift.person.name),
    );
    expect(now[first]!.person.name).toBe('alice');
    expect(now[first + 1]!.person.name).toBe('bob');
  });

  it('takes a newcomer into the turns from `from`, not before', () => {
    const joined = createOnCallSchedule(
      config([{ name: 'alice' }, { name: 'bob' }, { name: 'gina', from: '2026-04-01' }]),
    );
    const old = createOnCallSchedule(config([{ name: 'alice' }, { name: 'bob' }]));
    expect(names(joined, '2026-01-01T09:00', '2026-04-01T09:00')).toEqual(
      names(old, '2026-01-01T09:00', '2026-04-01T09:00'),
    );
    expect(names(joined, '2026-04-01T09:00', '2026-04-30T09:00')).toContain('gina');
    expect(joined.members('platform').map((member) => member.name)).toEqual([
      'alice',
      'bob',
      'gina',
    ]);
    const on = (at: string) => joined.members('platform', chicago(at)).map((member) => member.name);
    expect(on('2026-03-31T23:59')).toEqual(['alice', 'bob']);
    // Dates are read in the zone of the rotation that uses the team: midnight in Chicago.
    expect(on('2026-04-01T00:00')).toEqual(['alice', 'bob', 'gina']);
  });

  it('starts the cycle with the first listed member whatever joined before the start', () => {
    const early = createOnCallSchedule(
      config([
        { name: 'alice', from: '2025-12-31' },
        { name: 'bob', from: '2025-12-31' },
      ]),
    );
    expect(names(early, '2026-01-01T09:00', '2026-01-05T09:00')).toEqual([
      'alice',
      'carol',
      'bob',
      'alice',
    ]);
  });

  it('reads a date-time with an offset as that instant: a shift starting before it keeps the leaver', () => {
    const leaving = createOnCallSchedule(
      config([{ name: 'alice' }, { name: 'frank', until: '2026-01-03T12:00:00-06:00' }]),
    );
    // The cycle is platform, backend, platform: 2026-01-03 09:00 is platform's second turn,
    // frank's, and starts before he leaves at noon.
    expect(leaving.shiftAt('daily', chicago('2026-01-03T13:00')).person.name).toBe('frank');
    expect(names(leaving, '2026-01-04T10:00', '2026-02-01T09:00')).not.toContain('frank');
  });

  it('throws when a team has nobody left after its rotation starts', () => {
    expect(() => createOnCallSchedule(config([{ name: 'alice', until: '2026-05-01' }]))).toThrow(
      /oncall_rotations\.daily\.members\[0\]\.team: team "platform" has no member from 2026-05-01T00:00:00-05:00/,
    );
  });
});

describe('people and teams', () => {
  const schedule = createOnCallSchedule(
    config([{ name: 'alice', until: '2027-01-01' }, { name: 'bob' }]),
  );

  it('looks people up by name with their team and contacts, without from/until', () => {
    expect(schedule.person('alice')).toEqual({ name: 'alice', team: 'platform' });
    expect(schedule.person('nobody')).toBeUndefined();
    expect(schedule.members('backend')).toEqual([{ name: 'carol', team: 'backend' }]);
    expect(schedule.members('nope')).toEqual([]);
    expect(schedule.teams).toEqual(['platform', 'backend']);
    expect(schedule.rotations).toEqual(['daily']);
    expect(schedule.timezone('daily')).toBe(CHICAGO);
  });

  it('throws a PhoenixError ERR_NOT_FOUND for an unknown rotation', () => {
    expect(() => schedule.shiftAt('tertiary', 0)).toThrow(
      expect.objectContaining({
        code: 'ERR_NOT_FOUND',
        message: 'unknown rotation "tertiary" (rotations: daily)',
      }),
    );
    expect(() => schedule.shifts('tertiary', 0, 1)).toThrow(/unknown rotation/);
  });

  it('rejects times that are not finite or beyond the range of Date', () => {
    expect(() => schedule.shiftAt('daily', Number.NaN)).toThrow(RangeError);
    expect(() => schedule.shifts('daily', 0, Number.POSITIVE_INFINITY)).toThrow(
      'to must be a time in ms since the epoch, got Infinity',
    );
    expect(schedule.shiftAt('daily', -8e15).person.name).toMatch(/alice|bob|carol/);
  });

  it('returns no shifts for an empty or reversed range', () => {
    expect(schedule.shifts('daily', 10, 10)).toEqual([]);
    expect(schedule.shifts('daily', 10, 5)).toEqual([]);
  });
});
