import { ConfigError, PhoenixError, timeIntervalSpecSchema } from '@phoenix-alerting/core';
import type { TimeIntervalSpec } from '@phoenix-alerting/core';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { createTimeIntervals, timeIntervalSpecContains } from './time-interval.js';

/** Go's time.RFC822Z, the format of Alertmanager's test cases: `02 Jan 06 15:04 -0700`. */
function rfc822z(text: string): number {
  const time = DateTime.fromFormat(text, 'dd LLL yy HH:mm ZZZ', { setZone: true });
  if (!time.isValid) throw new Error(`bad test time ${text}`);
  return time.toMillis();
}

const iso = (text: string): number => Date.parse(text);

/** A spec as written in YAML, parsed by core's config schema. */
const spec = (yaml: Record<string, unknown>): TimeIntervalSpec =>
  timeIntervalSpecSchema.parse(yaml);

function expectTimes(interval: TimeIntervalSpec, contains: string[], excludes: string[]) {
  for (const time of contains) {
    expect(timeIntervalSpecContains(interval, rfc822z(time)), `contains ${time}`).toBe(true);
  }
  for (const time of excludes) {
    expect(timeIntervalSpecContains(interval, rfc822z(time)), `excludes ${time}`).toBe(false);
  }
}

// timeinterval/timeinterval_test.go, timeIntervalTestCases (TestContainsTime).
describe('timeIntervalSpecContains: Alertmanager TestContainsTime', () => {
  it('matches every time with an empty interval', () => {
    expectTimes(
      {},
      ['02 Jan 06 15:04 +0000', '03 Jan 07 10:04 +0000', '04 Jan 06 09:04 +0000'],
      [],
    );
  });

  it('9am to 5pm, monday to friday', () => {
    expectTimes(
      { times: [{ startMinute: 540, endMinute: 1020 }], weekdays: [{ begin: 1, end: 5 }] },
      ['04 May 20 15:04 +0000', '05 May 20 10:04 +0000', '09 Jun 20 09:04 +0000'],
      ['03 May 20 15:04 +0000', '04 May 20 08:59 +0000', '05 May 20 05:00 +0000'],
    );
  });

  it('Easter 2020', () => {
    expectTimes(
      {
        days_of_month: [{ begin: 4, end: 6 }],
        months: [{ begin: 4, end: 4 }],
        years: [{ begin: 2020, end: 2020 }],
      },
      ['04 Apr 20 15:04 +0000', '05 Apr 20 00:00 +0000', '06 Apr 20 23:05 +0000'],
      [
        '03 May 18 15:04 +0000',
        '03 Apr 20 23:59 +0000',
        '04 Jun 20 23:59 +0000',
        '06 Apr 19 23:59 +0000',
        '07 Apr 20 00:00 +0000',
      ],
    );
  });

  it('negative days of month: the last 3 days of each month', () => {
    expectTimes(
      { days_of_month: [{ begin: -3, end: -1 }] },
      [
        '31 Jan 20 15:04 +0000',
        '30 Jan 20 15:04 +0000',
        '29 Jan 20 15:04 +0000',
        '30 Jun 20 00:00 +0000',
        '29 Feb 20 23:05 +0000',
      ],
      [
        '03 May 18 15:04 +0000',
        '27 Jan 20 15:04 +0000',
        '03 Apr 20 23:59 +0000',
        '04 Jun 20 23:59 +0000',
        '06 Apr 19 23:59 +0000',
        '07 Apr 20 00:00 +0000',
        '01 Mar 20 00:00 +0000',
      ],
    );
  });

  it('clamps out-of-bound days to the month', () => {
    expectTimes(
      { months: [{ begin: 6, end: 6 }], days_of_month: [{ begin: -31, end: 31 }] },
      ['30 Jun 20 00:00 +0000', '01 Jun 20 00:00 +0000'],
      ['31 May 20 00:00 +0000', '01 Jul 20 00:00 +0000'],
    );
  });

  it('reads times in the location: AEST 9am to 5pm, monday to friday', () => {
    expectTimes(
      {
        times: [{ startMinute: 540, endMinute: 1020 }],
        weekdays: [{ begin: 1, end: 5 }],
        location: 'Australia/Sydney',
      },
      ['06 Apr 21 13:00 +1000'],
      ['06 Apr 21 13:00 +0000'],
    );
  });

  it('reads times in the location during daylight saving time', () => {
    expectTimes(
      {
        times: [{ startMinute: 540, endMinute: 1020 }],
        weekdays: [{ begin: 1, end: 5 }],
        months: [{ begin: 11, end: 11 }],
        location: 'Australia/Sydney',
      },
      ['01 Nov 21 09:00 +1100', '31 Oct 21 22:00 +0000'],
      ['31 Oct 21 21:00 +0000'],
    );
  });
});

// yamlUnmarshalTestCases and completeTestCases: parsed from YAML, then evaluated.
describe('timeIntervalSpecContains: Alertmanager TestYamlUnmarshal / TestTimeIntervalComplete', () => {
  it('business hours', () => {
    expectTimes(
      spec({ weekdays: ['monday:friday'], times: [{ start_time: '09:00', end_time: '17:00' }] }),
      ['08 Jul 20 09:00 +0000', '08 Jul 20 16:59 +0000', '01 Apr 21 13:00 +0000'],
      ['08 Jul 20 05:00 +0000', '08 Jul 20 08:59 +0000'],
    );
  });

  it('last week, except Saturday, of the first quarter, in business hours, 2020-2025 and 2030-2035', () => {
    expectTimes(
      spec({
        weekdays: ['monday:friday', 'sunday'],
        months: ['january:march'],
        days_of_month: ['-7:-1'],
        years: ['2020:2025', '2030:2035'],
        times: [{ start_time: '09:00', end_time: '17:00' }],
      }),
      [
        '27 Jan 21 09:00 +0000',
        '28 Jan 21 16:59 +0000',
        '29 Jan 21 13:00 +0000',
        '31 Mar 25 13:00 +0000',
        '31 Jan 35 13:00 +0000',
      ],
      [
        '30 Jan 21 13:00 +0000',
        '01 Apr 21 13:00 +0000',
        '30 Jan 26 13:00 +0000',
        '31 Jan 35 17:01 +0000',
      ],
    );
  });

  it('several weekday, day and month ranges', () => {
    expectTimes(
      spec({
        weekdays: ['monday:wednesday', 'saturday', 'sunday'],
        times: [{ start_time: '13:00', end_time: '15:00' }],
        days_of_month: ['1', '10', '20:-1'],
        years: ['2020:2023'],
        months: ['january:march'],
      }),
      ['10 Jan 21 13:00 +0000', '30 Jan 21 14:24 +0000'],
      ['09 Jan 21 13:00 +0000', '20 Jan 21 12:59 +0000', '02 Feb 21 13:00 +0000'],
    );
  });

  it('does not clamp a range that starts after the end of the month into it', () => {
    expectTimes(
      spec({ days_of_month: ['30:31'], years: ['2020:2023'], months: ['february'] }),
      [],
      ['28 Feb 21 13:00 +0000'],
    );
  });

  it('treats an empty list as matching nothing, and a missing one as matching everything', () => {
    expect(timeIntervalSpecContains(spec({ times: [] }), iso('2024-01-01T12:00:00Z'))).toBe(false);
    expect(timeIntervalSpecContains(spec({ times: null }), iso('2024-01-01T12:00:00Z'))).toBe(true);
  });

  it('includes 24:00 as the end of the day', () => {
    const allDay = spec({ times: [{ start_time: '00:00', end_time: '24:00' }] });
    expect(timeIntervalSpecContains(allDay, iso('2024-01-01T23:59:59.999Z'))).toBe(true);
    expect(timeIntervalSpecContains(allDay, iso('2024-01-02T00:00:00Z'))).toBe(true);
  });
});

describe('timeIntervalSpecContains: daylight saving time', () => {
  const london = (extra: Record<string, unknown>) => spec({ location: 'Europe/London', ...extra });
  const at = (interval: TimeIntervalSpec, time: string) =>
    timeIntervalSpecContains(interval, iso(time));

  it('keeps 09:00-17:00 on the wall clock across spring forward (Europe/London, 2024-03-31)', () => {
    const office = london({ times: [{ start_time: '09:00', end_time: '17:00' }] });
    expect(at(office, '2024-03-30T09:00:00Z')).toBe(true); // 09:00 GMT
    expect(at(office, '2024-03-31T07:59:00Z')).toBe(false); // 08:59 BST
    expect(at(office, '2024-03-31T08:00:00Z')).toBe(true); // 09:00 BST
    expect(at(office, '2024-03-31T15:59:00Z')).toBe(true); // 16:59 BST
    expect(at(office, '2024-03-31T16:00:00Z')).toBe(false); // 17:00 BST
  });

  it('keeps 09:00-17:00 on the wall clock across fall back (Europe/London, 2024-10-27)', () => {
    const office = london({ times: [{ start_time: '09:00', end_time: '17:00' }] });
    expect(at(office, '2024-10-26T08:00:00Z')).toBe(true); // 09:00 BST
    expect(at(office, '2024-10-27T08:59:00Z')).toBe(false); // 08:59 GMT
    expect(at(office, '2024-10-27T09:00:00Z')).toBe(true); // 09:00 GMT
    expect(at(office, '2024-10-27T17:00:00Z')).toBe(false); // 17:00 GMT
  });

  it('never matches the skipped hour, and matches the repeated hour twice', () => {
    const oneAm = london({ times: [{ start_time: '01:00', end_time: '02:00' }] });
    // 2024-03-31: 00:59 GMT is followed by 02:00 BST.
    expect(at(oneAm, '2024-03-31T00:59:00Z')).toBe(false);
    expect(at(oneAm, '2024-03-31T01:00:00Z')).toBe(false);
    // 2024-10-27: 01:00-01:59 happens in BST, then again in GMT.
    expect(at(oneAm, '2024-10-26T23:59:00Z')).toBe(false); // 00:59 BST
    expect(at(oneAm, '2024-10-27T00:00:00Z')).toBe(true); // 01:00 BST
    expect(at(oneAm, '2024-10-27T01:00:00Z')).toBe(true); // 01:00 GMT
    expect(at(oneAm, '2024-10-27T01:59:00Z')).toBe(true); // 01:59 GMT
    expect(at(oneAm, '2024-10-27T02:00:00Z')).toBe(false); // 02:00 GMT
  });

  it('moves the local day boundary with the offset (America/Chicago, 2024-03-10)', () => {
    const sunday = spec({ weekdays: ['sunday'], location: 'America/Chicago' });
    expect(at(sunday, '2024-03-10T05:59:00Z')).toBe(false); // Saturday 23:59 CST
    expect(at(sunday, '2024-03-10T06:00:00Z')).toBe(true); // Sunday 00:00 CST
    expect(at(sunday, '2024-03-11T04:59:00Z')).toBe(true); // Sunday 23:59 CDT
    expect(at(sunday, '2024-03-11T05:00:00Z')).toBe(false); // Monday 00:00 CDT
  });

  it('moves the local day boundary with the offset (America/Chicago, 2024-11-03)', () => {
    const sunday = spec({ weekdays: ['sunday'], location: 'America/Chicago' });
    expect(at(sunday, '2024-11-03T04:59:00Z')).toBe(false); // Saturday 23:59 CDT
    expect(at(sunday, '2024-11-03T05:00:00Z')).toBe(true); // Sunday 00:00 CDT
    expect(at(sunday, '2024-11-04T05:59:00Z')).toBe(true); // Sunday 23:59 CST
    expect(at(sunday, '2024-11-04T06:00:00Z')).toBe(false); // Monday 00:00 CST
  });

  it('counts a month with a spring-forward day in calendar days', () => {
    // Alertmanager 0.25 computes March in Europe/London as 30 days long (743 hours / 24), so its
    // `-1` is March 30th there. The last day of March is the 31st.
    const lastDay = london({ days_of_month: ['-1'] });
    expect(at(lastDay, '2024-03-31T12:00:00Z')).toBe(true);
    expect(at(lastDay, '2024-03-30T12:00:00Z')).toBe(false);
    const lateMarch = london({ days_of_month: ['25:31'], months: ['march'] });
    expect(at(lateMarch, '2024-03-31T22:59:00Z')).toBe(true); // 23:59 BST
    expect(at(lateMarch, '2024-03-31T23:00:00Z')).toBe(false); // April 1st, 00:00 BST
  });

  it('reads the month in the location, not in UTC', () => {
    const april = { months: ['april'] };
    expect(at(london(april), '2024-03-31T23:30:00Z')).toBe(true); // April 1st, 00:30 BST
    expect(at(spec(april), '2024-03-31T23:30:00Z')).toBe(false);
  });

  it('uses the zone of the process for Local', () => {
    const time = iso('2024-07-01T12:34:00Z');
    const hour = new Date(time).getHours();
    const range = (h: number) => `${String(h).padStart(2, '0')}:00`;
    const local = spec({
      location: 'Local',
      times: [{ start_time: range(hour), end_time: range(hour + 1) }],
    });
    expect(timeIntervalSpecContains(local, time)).toBe(true);
  });
});

describe('createTimeIntervals', () => {
  const intervals = createTimeIntervals([
    { name: 'weekends', time_intervals: [spec({ weekdays: ['saturday', 'sunday'] })] },
    {
      name: 'nights',
      time_intervals: [
        spec({ times: [{ start_time: '00:00', end_time: '06:00' }] }),
        spec({ times: [{ start_time: '22:00', end_time: '24:00' }] }),
      ],
    },
    { name: 'never', time_intervals: [spec({ weekdays: [] })] },
    { name: 'empty', time_intervals: [] },
  ]);
  const monday = iso('2024-06-03T12:00:00Z');

  it('lists the names', () => {
    expect(intervals.names).toEqual(['weekends', 'nights', 'never', 'empty']);
    expect(intervals.has('nights')).toBe(true);
    expect(intervals.has('days')).toBe(false);
  });

  it('contains a time that is in any entry of the interval', () => {
    expect(intervals.contains('nights', iso('2024-06-03T23:00:00Z'))).toBe(true);
    expect(intervals.contains('nights', iso('2024-06-03T05:00:00Z'))).toBe(true);
    expect(intervals.contains('nights', monday)).toBe(false);
    expect(intervals.contains('weekends', iso('2024-06-02T12:00:00Z'))).toBe(true);
    expect(intervals.contains('never', monday)).toBe(false);
  });

  it('matches nothing for a name without entries', () => {
    // Alertmanager loops over no entries and finds none that contains the time.
    expect(intervals.contains('empty', monday)).toBe(false);
  });

  it('checks several names at once', () => {
    expect(intervals.containsAny(['weekends', 'nights'], iso('2024-06-03T23:00:00Z'))).toBe(true);
    expect(intervals.containsAny(['weekends', 'nights'], monday)).toBe(false);
    expect(intervals.containsAny([], monday)).toBe(false);
  });

  it('throws ERR_NOT_FOUND for an undefined name', () => {
    expect(() => intervals.contains('holidays', monday)).toThrow(
      'time interval "holidays" doesn\'t exist in config',
    );
    try {
      intervals.containsAny(['holidays'], monday);
    } catch (error) {
      expect(PhoenixError.isInstance(error) && error.code).toBe('ERR_NOT_FOUND');
    }
  });

  it('rejects duplicate names and unknown time zones', () => {
    const run = () =>
      createTimeIntervals([
        { name: 'a', time_intervals: [] },
        { name: 'a', time_intervals: [] },
        { name: 'b', time_intervals: [{ location: 'Mars/Olympus_Mons' }] },
      ]);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow('[1].name: time interval "a" is not unique');
    expect(run).toThrow('unknown time zone Mars/Olympus_Mons');
  });
});
