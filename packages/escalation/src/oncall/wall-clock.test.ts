import { describe, expect, it } from 'vitest';
import { WallClock, formatInstant, localDate } from './wall-clock.js';

const chicago = new WallClock('America/Chicago');
const local = (text: string) => Date.parse(`${text}Z`);

describe('WallClock', () => {
  it('maps ordinary local times both ways', () => {
    const at = Date.parse('2026-07-01T13:00:00Z');
    expect(chicago.toLocal(at)).toBe(local('2026-07-01T08:00:00'));
    expect(chicago.fromLocal(local('2026-07-01T08:00:00'))).toBe(at);
  });

  it('resolves a skipped time (02:30 on 2026-03-08) to the moment of the jump, 03:00 CDT', () => {
    expect(chicago.format(chicago.fromLocal(local('2026-03-08T02:30:00')))).toBe(
      '2026-03-08T03:00:00-05:00',
    );
    expect(chicago.format(chicago.fromLocal(local('2026-03-08T02:00:00')))).toBe(
      '2026-03-08T03:00:00-05:00',
    );
    expect(chicago.format(chicago.fromLocal(local('2026-03-08T03:00:00')))).toBe(
      '2026-03-08T03:00:00-05:00',
    );
  });

  it('resolves a repeated time (01:30 on 2026-11-01) to its first occurrence, in CDT', () => {
    expect(chicago.format(chicago.fromLocal(local('2026-11-01T01:30:00')))).toBe(
      '2026-11-01T01:30:00-05:00',
    );
  });

  it('works in zones with half-hour offsets and DST the other way round', () => {
    const adelaide = new WallClock('Australia/Adelaide');
    // 2026-10-04 02:00 ACST → 03:00 ACDT.
    expect(adelaide.format(adelaide.fromLocal(local('2026-10-04T02:15:00')))).toBe(
      '2026-10-04T03:00:00+10:30',
    );
    expect(adelaide.format(adelaide.fromLocal(local('2026-10-04T08:00:00')))).toBe(
      '2026-10-04T08:00:00+10:30',
    );
  });

  it('parses configuration dates: local dates, local date-times and instants with offsets', () => {
    expect(chicago.format(chicago.parseInstant('2026-03-15')!)).toBe('2026-03-15T00:00:00-05:00');
    expect(chicago.format(chicago.parseInstant('2026-03-15T08:00')!)).toBe(
      '2026-03-15T08:00:00-05:00',
    );
    expect(chicago.parseInstant('2026-03-15T08:00:00Z')).toBe(Date.parse('2026-03-15T08:00:00Z'));
    expect(chicago.parseInstant('2026-02-30')).toBeUndefined();
    expect(chicago.parseInstant('next tuesday')).toBeUndefined();
  });

  it('localDate rejects dates that do not exist', () => {
    expect(localDate('2026-02-29')).toBeUndefined();
    expect(localDate('2028-02-29')).toBe(Date.UTC(2028, 1, 29));
  });

  it('formats with the offset of the zone at that instant', () => {
    expect(formatInstant(Date.parse('2026-01-01T14:00:00Z'), 'America/Chicago')).toBe(
      '2026-01-01T08:00:00-06:00',
    );
    expect(formatInstant(Date.parse('2026-01-01T14:00:00.250Z'), 'UTC')).toBe(
      '2026-01-01T14:00:00.250Z',
    );
  });
});
