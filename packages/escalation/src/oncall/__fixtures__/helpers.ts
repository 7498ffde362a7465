import { DateTime } from 'luxon';
import type { Shift } from '../types.js';

export const CHICAGO = 'America/Chicago';

/** A Chicago wall-clock time as an instant: `chicago('2026-03-08T08:00')`. */
export function chicago(text: string): number {
  const parsed = DateTime.fromISO(text, { zone: CHICAGO });
  if (!parsed.isValid) throw new Error(`bad test time ${text}`);
  return parsed.toMillis();
}

/** An instant as Chicago ISO with offset, e.g. `2026-03-08T08:00:00-05:00`. */
export function inChicago(at: number): string {
  return DateTime.fromMillis(at, { zone: CHICAGO }).toISO({ suppressMilliseconds: true })!;
}

/** A shift as one readable line: `person start end hours`. */
export function describeShift(shift: Shift): string {
  const override = shift.overrideId ? ` (${shift.overrideId})` : '';
  return `${shift.person.name}${override} ${inChicago(shift.start)} ${inChicago(shift.end)} ${(shift.end - shift.start) / 3_600_000}h`;
}
