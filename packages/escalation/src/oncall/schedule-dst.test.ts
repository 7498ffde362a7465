import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { specOnCall } from './__fixtures__/spec-rotations.js';
import { CHICAGO, chicago, describeShift, inChicago } from './__fixtures__/helpers.js';
import { createOnCallSchedule } from './schedule.js';

const schedule = createOnCallSchedule(specOnCall);
// Teams platform (alice, bob), backend (carol, dave), frontend (erin) in the cycle P B F P B.
const pattern = ['alice', 'carol', 'erin', 'bob', 'dave'];

describe('primary_oncall (12 h, 08:00, America/Chicago)', () => {
  it('starts the cycle at 2026-01-01 08:00 with platform, backend, frontend, platform, backend', () => {
    const shifts = schedule.shifts(
      'primary_oncall',
      chicago('2026-01-01T08:00'),
      chicago('2026-01-04T08:00'),
    );
    expect(shifts.map((shift) => `${shift.team}:${shift.person.name}`)).toEqual([
      'platform:alice',
      'backend:carol',
      'frontend:erin',
      'platform:bob',
      'backend:dave',
      'platform:alice',
    ]);
    expect(inChicago(shifts[0]!.start)).toBe('2026-01-01T08:00:00-06:00');
    expect(inChicago(shifts[1]!.start)).toBe('2026-01-01T20:00:00-06:00');
  });

  it('hands off at 08:00 and 20:00 local across the March 8 2026 change; the night shift is 11 h', () => {
    const shifts = schedule.shifts(
      'primary_oncall',
      chicago('2026-03-07T08:00'),
      chicago('2026-03-09T08:00'),
    );
    expect(shifts.map(describeShift)).toEqual([
      'alice 2026-03-07T08:00:00-06:00 2026-03-07T20:00:00-06:00 12h',
      'carol 2026-03-07T20:00:00-06:00 2026-03-08T08:00:00-05:00 11h',
      'erin 2026-03-08T08:00:00-05:00 2026-03-08T20:00:00-05:00 12h',
      'bob 2026-03-08T20:00:00-05:00 2026-03-09T08:00:00-05:00 12h',
    ]);
  });

  it('hands off at 08:00 and 20:00 local across the November 1 2026 change; the night shift is 13 h', () => {
    const shifts = schedule.shifts(
      'primary_oncall',
      chicago('2026-10-31T08:00'),
      chicago('2026-11-02T08:00'),
    );
    expect(shifts.map((shift) => describeShift(shift).replace(/^\w+ /, ''))).toEqual([
      '2026-10-31T08:00:00-05:00 2026-10-31T20:00:00-05:00 12h',
      '2026-10-31T20:00:00-05:00 2026-11-01T08:00:00-06:00 13h',
      '2026-11-01T08:00:00-06:00 2026-11-01T20:00:00-06:00 12h',
      '2026-11-01T20:00:00-06:00 2026-11-02T08:00:00-06:00 12h',
    ]);
  });

  it('puts the same person on call at every instant of a shift, DST hours included', () => {
    // 01:30 on November 1 happens twice; both are in the 13-hour night shift.
    const night = schedule.shiftAt('primary_oncall', chicago('2026-10-31T20:00'));
    for (const at of [
      Date.parse('2026-11-01T06:30:00Z'), // 01:30 CDT
      Date.parse('2026-11-01T07:30:00Z'), // 01:30 CST
      chicago('2026-11-01T07:59:59.999'),
    ]) {
      expect(schedule.shiftAt('primary_oncall', at)).toEqual(night);
    }
    expect(schedule.shiftAt('primary_oncall', chicago('2026-11-01T08:00')).start).toBe(night.end);
  });

  it('matches a day-by-day count of shifts for every shift of 2026 and 2027', () => {
    const shifts = schedule.shifts(
      'primary_oncall',
      chicago('2026-01-01T08:00'),
      chicago('2028-01-01T08:00'),
    );
    expect(shifts).toHaveLength(2 * 730);
    shifts.forEach((shift, index) => {
      const start = DateTime.fromMillis(shift.start, { zone: CHICAGO });
      expect(start.toFormat('HH:mm')).toBe(index % 2 === 0 ? '08:00' : '20:00');
      expect(shift.person.name).toBe(pattern[index % 5]);
      if (index > 0) expect(shift.start).toBe(shifts[index - 1]!.end);
    });
    const lengths = new Set(shifts.map((shift) => (shift.end - shift.start) / 3_600_000));
    expect([...lengths].sort()).toEqual([11, 12, 13]);
  });

  it('answers for times centuries away in constant time, as counting local days says', () => {
    for (const text of [
      '2126-07-04T12:00',
      '3026-12-25T21:30',
      '2025-12-31T23:00',
      '1990-05-05T05:00',
    ]) {
      const at = chicago(text);
      const local = DateTime.fromMillis(at, { zone: CHICAGO });
      // The day's shifts begin at 08:00 and 20:00; before 08:00 is the previous day's night shift.
      const day = Math.floor(
        (Date.UTC(local.year, local.month - 1, local.day) - Date.UTC(2026, 0, 1)) / 86_400_000,
      );
      const slot = 2 * day + (local.hour >= 20 ? 1 : local.hour >= 8 ? 0 : -1);
      const shift = schedule.shiftAt('primary_oncall', at);
      expect(shift.person.name).toBe(pattern[((slot % 5) + 5) % 5]);
      expect(shift.start).toBeLessThanOrEqual(at);
      expect(shift.end).toBeGreaterThan(at);
    }
  });
});

describe('secondary_oncall (24 h, 09:00, equal weights)', () => {
  it('is 23 h long on March 7 and 25 h on October 31, handing off at 09:00 local', () => {
    const march = schedule.shiftAt('secondary_oncall', chicago('2026-03-07T12:00'));
    expect(describeShift(march).replace(/^\w+ /, '')).toBe(
      '2026-03-07T09:00:00-06:00 2026-03-08T09:00:00-05:00 23h',
    );
    const october = schedule.shiftAt('secondary_oncall', chicago('2026-10-31T12:00'));
    expect(describeShift(october).replace(/^\w+ /, '')).toBe(
      '2026-10-31T09:00:00-05:00 2026-11-01T09:00:00-06:00 25h',
    );
  });

  it('rotates platform, backend, frontend daily, each team through its own members', () => {
    const shifts = schedule.shifts(
      'secondary_oncall',
      chicago('2026-01-01T09:00'),
      chicago('2026-01-07T09:00'),
    );
    expect(shifts.map((shift) => shift.person.name)).toEqual([
      'alice',
      'carol',
      'erin',
      'bob',
      'dave',
      'erin',
    ]);
  });

  it('is before 09:00 on January 1 still the cycle, run backwards', () => {
    const shift = schedule.shiftAt('secondary_oncall', chicago('2026-01-01T08:59'));
    expect(shift.team).toBe('frontend');
    expect(inChicago(shift.start)).toBe('2025-12-31T09:00:00-06:00');
  });
});

function rotation(shift_length_hours: number, handoff_time: string, start?: string) {
  return createOnCallSchedule({
    teams: { ops: { members: [{ name: 'ann' }, { name: 'ben' }, { name: 'cat' }] } },
    oncall_rotations: {
      r: { shift_length_hours, handoff_time, timezone: CHICAGO, start, members: [{ team: 'ops' }] },
    },
  });
}

describe('other shift lengths and handoff times', () => {
  it('8 h shifts hand off at 08:00, 16:00 and 00:00 every day; the one over the jump is 7 h', () => {
    const shifts = rotation(8, '08:00').shifts(
      'r',
      chicago('2026-03-07T16:00'),
      chicago('2026-03-08T16:00'),
    );
    expect(shifts.map((shift) => describeShift(shift).replace(/^\w+ /, ''))).toEqual([
      '2026-03-07T16:00:00-06:00 2026-03-08T00:00:00-06:00 8h',
      '2026-03-08T00:00:00-06:00 2026-03-08T08:00:00-05:00 7h',
      '2026-03-08T08:00:00-05:00 2026-03-08T16:00:00-05:00 8h',
    ]);
  });

  it('weekly (168 h) shifts hand off on the start weekday at the handoff time; 167 h and 169 h over DST', () => {
    const weekly = rotation(168, '09:00', '2026-01-05'); // a Monday
    const march = weekly.shiftAt('r', chicago('2026-03-08T12:00'));
    expect(describeShift(march).replace(/^\w+ /, '')).toBe(
      '2026-03-02T09:00:00-06:00 2026-03-09T09:00:00-05:00 167h',
    );
    const november = weekly.shiftAt('r', chicago('2026-11-01T12:00'));
    expect(describeShift(november).replace(/^\w+ /, '')).toBe(
      '2026-10-26T09:00:00-05:00 2026-11-02T09:00:00-06:00 169h',
    );
  });

  it('lengths that do not divide 24 step through the day in wall-clock hours (10 h: 08:00, 18:00, 04:00, 14:00)', () => {
    const shifts = rotation(10, '08:00').shifts(
      'r',
      chicago('2026-01-01T08:00'),
      chicago('2026-01-02T20:00'),
    );
    expect(shifts.map((shift) => inChicago(shift.start).slice(0, 16))).toEqual([
      '2026-01-01T08:00',
      '2026-01-01T18:00',
      '2026-01-02T04:00',
      '2026-01-02T14:00',
    ]);
  });

  it('a handoff time skipped by the spring change happens at the jump (03:00 CDT)', () => {
    const shifts = rotation(24, '02:30').shifts(
      'r',
      chicago('2026-03-07T12:00'),
      chicago('2026-03-09T12:00'),
    );
    expect(shifts.map((shift) => describeShift(shift).replace(/^\w+ /, ''))).toEqual([
      '2026-03-07T02:30:00-06:00 2026-03-08T03:00:00-05:00 23.5h',
      '2026-03-08T03:00:00-05:00 2026-03-09T02:30:00-05:00 23.5h',
      '2026-03-09T02:30:00-05:00 2026-03-10T02:30:00-05:00 24h',
    ]);
  });

  it('a handoff time repeated by the autumn change happens at its first occurrence (01:30 CDT)', () => {
    const shifts = rotation(24, '01:30').shifts(
      'r',
      chicago('2026-10-31T12:00'),
      chicago('2026-11-01T12:00'),
    );
    expect(shifts.map((shift) => describeShift(shift).replace(/^\w+ /, ''))).toEqual([
      '2026-10-31T01:30:00-05:00 2026-11-01T01:30:00-05:00 24h',
      '2026-11-01T01:30:00-05:00 2026-11-02T01:30:00-06:00 25h',
    ]);
  });

  it('1 h shifts over the skipped hour: the empty shift is left out and nobody is on call for 0 s', () => {
    const hourly = rotation(1, '00:00');
    const shifts = hourly.shifts('r', chicago('2026-03-08T01:00'), chicago('2026-03-08T04:00'));
    expect(shifts.map((shift) => inChicago(shift.start))).toEqual([
      '2026-03-08T01:00:00-06:00',
      '2026-03-08T03:00:00-05:00',
    ]);
    expect(shifts.every((shift) => shift.end > shift.start)).toBe(true);
  });

  it('honours a start date: the cycle is anchored there', () => {
    const later = rotation(24, '09:00', '2026-02-01');
    expect(later.shiftAt('r', chicago('2026-02-01T10:00')).person.name).toBe('ann');
    expect(later.shiftAt('r', chicago('2026-02-02T10:00')).person.name).toBe('ben');
  });
});
