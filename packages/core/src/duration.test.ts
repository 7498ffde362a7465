import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { durationSchema, formatDuration, parseDuration } from './duration.js';
import { errorOf } from './__fixtures__/error-of.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const YEAR = 365 * DAY;

describe('parseDuration', () => {
  // TestParseDuration and TestDuration_UnmarshalJSON in prometheus/common model/time_test.go:
  // input, milliseconds, and what Duration.String() prints when it differs from the input.
  it.each([
    ['0', 0, '0s'],
    ['0w', 0, '0s'],
    ['0s', 0, undefined],
    ['324ms', 324, undefined],
    ['3s', 3 * SECOND, undefined],
    ['5m', 5 * MINUTE, undefined],
    ['1h', HOUR, undefined],
    ['4d', 4 * DAY, undefined],
    ['4d1h', 4 * DAY + HOUR, undefined],
    ['14d', 14 * DAY, '2w'],
    ['3w', 3 * WEEK, undefined],
    ['3w2d1h', 3 * WEEK + 2 * DAY + HOUR, '23d1h'],
    ['10y', 10 * YEAR, undefined],
    ['289y', 289 * YEAR, undefined],
    ['1h30m', HOUR + 30 * MINUTE, undefined],
    // Years and weeks are printed only when they divide the whole duration.
    [
      '1y2w3d4h5m6s7ms',
      YEAR + 2 * WEEK + 3 * DAY + 4 * HOUR + 5 * MINUTE + 6 * SECOND + 7,
      '382d4h5m6s7ms',
    ],
    ['0010s', 10 * SECOND, '10s'],
    ['90s', 90 * SECOND, '1m30s'],
    // The largest time.Duration, 2^63-1 ns, truncated to milliseconds.
    ['106751d23h47m16s854ms', 9_223_372_036_854, undefined],
  ])('parses %s', (text, ms, printed) => {
    expect(parseDuration(text)).toBe(ms);
    expect(formatDuration(parseDuration(text))).toBe(printed ?? text);
  });

  // TestParseBadDuration, with the error text ParseDuration returns for each.
  it.each([
    ['1', 'not a valid duration string: "1"'],
    ['1y1m1d', 'not a valid duration string: "1y1m1d"'],
    ['-1w', 'not a valid duration string: "-1w"'],
    ['1.5d', 'unknown unit "." in duration "1.5d"'],
    ['d', 'not a valid duration string: "d"'],
    ['294y', 'duration out of range'],
    ['200y10400w', 'duration out of range'],
    ['107675d', 'duration out of range'],
    ['2584200h', 'duration out of range'],
    ['', 'empty duration string'],
    // More of the same rules.
    ['1m1h', 'not a valid duration string: "1m1h"'],
    ['1h1h', 'not a valid duration string: "1h1h"'],
    ['1h 30m', 'unknown unit "h " in duration "1h 30m"'],
    ['5x', 'unknown unit "x" in duration "5x"'],
    ['1H', 'unknown unit "H" in duration "1H"'],
    ['1us', 'unknown unit "us" in duration "1us"'],
    [' 1s', 'not a valid duration string: " 1s"'],
    ['+1s', 'not a valid duration string: "+1s"'],
    ['1h\t30m', 'unknown unit "h\\t" in duration "1h\\t30m"'],
    ['106751d23h47m16s855ms', 'duration out of range'],
    ['18446744073709551615ms', 'duration out of range'],
    ['18446744073709551616ms', 'not a valid duration string: "18446744073709551616ms"'],
  ])('rejects %j', (text, message) => {
    const error = errorOf(() => parseDuration(text));
    expect(error.code).toBe('ERR_DURATION_INVALID');
    expect(error.message).toBe(message);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [1500, '1s500ms'],
    [5 * MINUTE, '5m'],
    [HOUR + 30 * MINUTE, '1h30m'],
    [DAY, '1d'],
    [WEEK, '1w'],
    [YEAR, '1y'],
    [90 * DAY, '90d'],
    [YEAR + DAY, '366d'],
    [2 * YEAR, '2y'],
    [-(HOUR + 30 * MINUTE), '-1h30m'],
    [1.9, '1ms'],
    [0.5, '0s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('rejects a number that is not finite', () => {
    expect(errorOf(() => formatDuration(Number.NaN)).code).toBe('ERR_DURATION_INVALID');
    expect(errorOf(() => formatDuration(Infinity)).code).toBe('ERR_DURATION_INVALID');
  });

  it('round-trips what it prints', () => {
    for (const ms of [1, 999, 61 * SECOND, 25 * HOUR, 13 * DAY + 1, 52 * WEEK, 3 * YEAR + 7]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
  });
});

describe('durationSchema', () => {
  const schema = z.object({ group_wait: durationSchema });

  it('turns a duration string into milliseconds', () => {
    expect(schema.parse({ group_wait: '1h30m' })).toEqual({ group_wait: 5_400_000 });
    expect(durationSchema.parse('0')).toBe(0);
  });

  it.each([
    ['abc', 'expected a duration such as 30s, 5m or 1h30m, got "abc"'],
    ['5x', 'expected a duration such as 30s, 5m or 1h30m, got "5x" (unknown unit "x")'],
    [
      '1m1h',
      'expected a duration such as 30s, 5m or 1h30m, got "1m1h" (units go from biggest to smallest, each at most once)',
    ],
    [
      '300y',
      'expected a duration such as 30s, 5m or 1h30m, got "300y" (longer than the maximum of about 292 years)',
    ],
    [
      30,
      'expected a duration such as 30s, 5m or 1h30m, got the number 30 (add a unit, e.g. "30s")',
    ],
    [1.5, 'expected a duration such as 30s, 5m or 1h30m, got the number 1.5'],
    [null, 'expected a duration such as 30s, 5m or 1h30m, got null'],
    [['5m'], 'expected a duration such as 30s, 5m or 1h30m, got an array'],
    [undefined, 'missing required value, expected a duration such as 30s, 5m or 1h30m'],
  ])('explains what is wrong with %j', (input, message) => {
    const result = schema.safeParse({ group_wait: input });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['group_wait'], message }),
    ]);
  });
});

describe('durationSchema with unquoted YAML numbers', () => {
  it('accepts 0 as Alertmanager does and rejects other bare numbers with the usual message', () => {
    expect(durationSchema.parse(0)).toBe(0);
    const result = durationSchema.safeParse(5);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('got the number 5 (add a unit');
  });
});
