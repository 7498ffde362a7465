// Alertmanager 0.25's TimeInterval.ContainsTime (timeinterval/timeinterval.go), with luxon for
// time zones. One deliberate difference: the length of a month is counted in calendar days.
// Alertmanager divides the month's elapsed hours by 24, which makes a month with a spring-forward
// day one day short in that zone, so `-1` would mean March 30th in Europe/London.
import { ConfigError, PhoenixError } from '@phoenix-alerting/core';
import type {
  ConfigIssue,
  InclusiveRange,
  TimeIntervalConfig,
  TimeIntervalSpec,
} from '@phoenix-alerting/core';
import { DateTime, FixedOffsetZone, IANAZone, SystemZone } from 'luxon';
import type { Zone } from 'luxon';

/** Named time intervals, as the `time_intervals` and `mute_time_intervals` sections define them. */
export interface TimeIntervals {
  /** Every defined name, in definition order. */
  readonly names: readonly string[];
  has(name: string): boolean;
  /**
   * Whether the instant `timeMs` (ms since the Unix epoch) falls in the interval called `name`,
   * that is in any of its entries.
   * @throws PhoenixError `ERR_NOT_FOUND` for a name that is not defined.
   */
  contains(name: string, timeMs: number): boolean;
  /**
   * Whether `timeMs` falls in any of the named intervals; `false` for an empty list.
   * @throws PhoenixError `ERR_NOT_FOUND` for a name that is not defined.
   */
  containsAny(names: readonly string[], timeMs: number): boolean;
}

interface CompiledSpec {
  spec: TimeIntervalSpec;
  zone: Zone;
}

/** The zone a `location` names: absent or `''` is UTC, `Local` the process's own zone. */
function zoneOf(location: string | undefined): Zone | undefined {
  if (location === undefined || location === '' || location === 'UTC') {
    return FixedOffsetZone.utcInstance;
  }
  if (location === 'Local') return SystemZone.instance;
  const zone = IANAZone.create(location);
  return zone.isValid ? zone : undefined;
}

function inRanges(ranges: readonly InclusiveRange[], value: number): boolean {
  for (const range of ranges) if (value >= range.begin && value <= range.end) return true;
  return false;
}

function inDaysOfMonth(ranges: readonly InclusiveRange[], day: number, daysInMonth: number) {
  for (const range of ranges) {
    let begin = range.begin < 0 ? daysInMonth + range.begin + 1 : range.begin;
    let end = range.end < 0 ? daysInMonth + range.end + 1 : range.end;
    // A range starting after the end of this month does not match in it.
    if (begin > daysInMonth) continue;
    begin = Math.min(Math.max(begin, -daysInMonth), daysInMonth);
    end = Math.min(Math.max(end, -daysInMonth), daysInMonth);
    if (day >= begin && day <= end) return true;
  }
  return false;
}

function specContains({ spec, zone }: CompiledSpec, timeMs: number): boolean {
  const time = DateTime.fromMillis(timeMs, { zone });
  if (spec.times) {
    const minute = time.hour * 60 + time.minute;
    if (!spec.times.some((range) => minute >= range.startMinute && minute < range.endMinute)) {
      return false;
    }
  }
  if (spec.days_of_month && !inDaysOfMonth(spec.days_of_month, time.day, time.daysInMonth!)) {
    return false;
  }
  if (spec.months && !inRanges(spec.months, time.month)) return false;
  // luxon counts Monday as 1 and Sunday as 7; Alertmanager, like Go, Sunday as 0.
  if (spec.weekdays && !inRanges(spec.weekdays, time.weekday % 7)) return false;
  if (spec.years && !inRanges(spec.years, time.year)) return false;
  return true;
}

/**
 * Whether the instant `timeMs` falls in one entry of a time interval, read in its `location`
 * (UTC when absent). Every field that is set must match.
 * @throws ConfigError when `location` is not a known time zone.
 */
export function timeIntervalSpecContains(spec: TimeIntervalSpec, timeMs: number): boolean {
  return specContains(compileSpec(spec, []), timeMs);
}

function compileSpec(spec: TimeIntervalSpec, path: PropertyKey[]): CompiledSpec {
  const zone = zoneOf(spec.location);
  if (!zone) {
    throw new ConfigError(
      [{ path: [...path, 'location'].join('.'), message: `unknown time zone ${spec.location}` }],
      { subject: 'time intervals' },
    );
  }
  return { spec, zone };
}

/**
 * Compiles named time intervals; pass both sections of a configuration:
 * `createTimeIntervals([...config.mute_time_intervals, ...config.time_intervals])`.
 * @throws ConfigError for a duplicate name or an unknown time zone.
 */
export function createTimeIntervals(intervals: readonly TimeIntervalConfig[]): TimeIntervals {
  const compiled = new Map<string, CompiledSpec[]>();
  const issues: ConfigIssue[] = [];
  intervals.forEach((interval, index) => {
    if (compiled.has(interval.name)) {
      issues.push({
        path: `[${index}].name`,
        message: `time interval ${JSON.stringify(interval.name)} is not unique`,
      });
      return;
    }
    const specs: CompiledSpec[] = [];
    interval.time_intervals.forEach((spec, i) => {
      try {
        specs.push(compileSpec(spec, [`[${index}]`, `time_intervals[${i}]`]));
      } catch (error) {
        if (!ConfigError.isInstance(error) || !(error instanceof ConfigError)) throw error;
        issues.push(...error.issues);
      }
    });
    compiled.set(interval.name, specs);
  });
  if (issues.length > 0) throw new ConfigError(issues, { subject: 'time intervals' });

  const specsOf = (name: string): CompiledSpec[] => {
    const specs = compiled.get(name);
    if (!specs) {
      throw new PhoenixError(
        'ERR_NOT_FOUND',
        `time interval ${JSON.stringify(name)} doesn't exist in config`,
      );
    }
    return specs;
  };
  const contains = (name: string, timeMs: number): boolean =>
    specsOf(name).some((spec) => specContains(spec, timeMs));

  return {
    names: Object.freeze([...compiled.keys()]),
    has: (name) => compiled.has(name),
    contains,
    containsAny: (names, timeMs) => names.some((name) => contains(name, timeMs)),
  };
}
