// Alertmanager 0.25's time intervals (timeinterval/timeinterval.go and the `time_intervals` /
// `mute_time_intervals` sections of config/config.go): parsed once here, evaluated by
// `@phoenix-alerting/router`. Error messages are Alertmanager's.
import { z } from 'zod';
import { yamlString } from './yaml-schemas.js';

/** Minutes of the day `[startMinute, endMinute)`, from 0 to 1440: `09:00`–`17:00` is 540–1020. */
export interface TimeRange {
  startMinute: number;
  endMinute: number;
}

/**
 * An inclusive range of weekdays (0 = Sunday … 6 = Saturday), days of the month (1 to 31, or -1
 * for the last day back to -31), months (1 = January) or years.
 */
export interface InclusiveRange {
  begin: number;
  end: number;
}

/**
 * One entry of a named interval's `time_intervals`: a time matches when every field that is set
 * matches (a field left out matches everything; an empty list matches nothing, as in Alertmanager).
 */
export interface TimeIntervalSpec {
  times?: TimeRange[];
  weekdays?: InclusiveRange[];
  days_of_month?: InclusiveRange[];
  months?: InclusiveRange[];
  years?: InclusiveRange[];
  /**
   * IANA time zone the other fields are read in, e.g. `Europe/London`; `Local` is the zone of the
   * process. Absent or `''`: UTC.
   */
  location?: string;
}

/** An entry of `time_intervals` (or of the deprecated `mute_time_intervals`). */
export interface TimeIntervalConfig {
  name: string;
  time_intervals: TimeIntervalSpec[];
}

/** Treats YAML `null` as an absent key, as Go's yaml.v2 leaves a null field at its zero value. */
export function nullAsAbsent<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema.optional());
}

/**
 * A list item whose Go type has its own unmarshaler (a range, a time of day, a label name): yaml.v2
 * does not call it for null, so `~` is the type's zero value, unchecked.
 */
export function nullAsZero<T extends z.ZodType>(schema: T, zero: z.output<T>) {
  return nullAsAbsent(schema).transform((value) => value ?? zero);
}

const weekdays: Readonly<Record<string, number>> = {
  sunday: 0,
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
};
const monthNames = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

type Member = (text: string) => number | string; // a number, or why the text is not one

// Go's strconv.Atoi: optional sign, decimal digits only.
function atoi(text: string): number | string {
  return /^[+-]?[0-9]+$/.test(text)
    ? Number.parseInt(text, 10)
    : `strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`;
}

const weekdayMember: Member = (text) => weekdays[text] ?? `${text} is not a valid weekday`;
const monthMember: Member = (text) => {
  const index = monthNames.indexOf(text);
  if (index >= 0) return index + 1;
  const number = atoi(text);
  return typeof number === 'number' ? number : `${text} is not a valid month`;
};

// `monday:friday` or `monday`, case-insensitive, as stringableRangeFromString.
function parseRange(input: string, member: Member): InclusiveRange | string {
  const text = input.toLowerCase();
  const parts = text.split(':');
  if (parts.length > 2) return `couldn't parse range ${text}, invalid format`;
  const begin = member(parts[0]!);
  if (typeof begin === 'string') return begin;
  const end = parts.length === 2 ? member(parts[1]!) : begin;
  if (typeof end === 'string') return end;
  return { begin, end };
}

function validateWeekdays(range: InclusiveRange, text: string): string | undefined {
  if (range.begin > range.end) return 'start day cannot be before end day';
  if (range.begin < 0 || range.begin > 6 || range.end < 0 || range.end > 6) {
    return `${text} is not a valid day of the week: out of range`;
  }
  return undefined;
}

function validateDaysOfMonth({ begin, end }: InclusiveRange): string | undefined {
  for (const day of [begin, end]) {
    if (day === 0 || day < -31 || day > 31) {
      return `${day} is not a valid day of the month: out of range`;
    }
  }
  if (begin < 0 && end > 0) return 'end day must be negative if start day is negative';
  // Negative days cannot be checked for sure, but a 28-day month catches the always-wrong ones.
  const checkBegin = begin < 0 ? 28 + begin : begin;
  const checkEnd = end < 0 ? 28 + end : end;
  if (checkBegin > checkEnd) return `end day ${end} is always before start day ${begin}`;
  return undefined;
}

function validateMonths({ begin, end }: InclusiveRange): string | undefined {
  if (begin <= end) return undefined;
  return `end month ${monthNames[end - 1] ?? ''} is before start month ${monthNames[begin - 1] ?? ''}`;
}

function validateYears({ begin, end }: InclusiveRange): string | undefined {
  return begin > end ? `end year ${end} is before start year ${begin}` : undefined;
}

function rangeListSchema(
  member: Member,
  validate: (range: InclusiveRange, text: string) => string | undefined,
) {
  const rangeSchema = yamlString().transform((text, context) => {
    const range = parseRange(text, member);
    const problem = typeof range === 'string' ? range : validate(range, text);
    if (problem === undefined) return range as InclusiveRange;
    context.addIssue({ code: 'custom', message: problem, input: text });
    return z.NEVER;
  });
  return nullAsAbsent(z.array(nullAsZero(rangeSchema, { begin: 0, end: 0 })));
}

const validTime = /^(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/;

function parseTimeOfDay(text: string): number | string {
  if (!validTime.test(text)) return `couldn't parse timestamp ${text}, invalid format`;
  const [hours, minutes] = text.split(':').map(Number) as [number, number];
  return hours * 60 + minutes;
}

const timeRangeSchema = z
  .strictObject({
    start_time: nullAsAbsent(yamlString()),
    end_time: nullAsAbsent(yamlString()),
  })
  .transform((range, context): TimeRange => {
    const fail = (message: string) => {
      context.addIssue({ code: 'custom', message, input: range });
      return z.NEVER;
    };
    if (!range.start_time || !range.end_time) {
      return fail('both start and end times must be provided');
    }
    const startMinute = parseTimeOfDay(range.start_time);
    if (typeof startMinute === 'string') return fail(startMinute);
    const endMinute = parseTimeOfDay(range.end_time);
    if (typeof endMinute === 'string') return fail(endMinute);
    if (startMinute >= endMinute) {
      return fail('start time cannot be equal or greater than end time');
    }
    return { startMinute, endMinute };
  });

/**
 * Whether `name` is a time zone Alertmanager's `location` accepts: `''` and `UTC`, `Local`, or
 * an IANA zone or alias known to this runtime's ICU data, spelled with the database's case
 * (`Europe/London`, not `europe/london`, as Go reads zone files by name).
 */
export function isValidTimeZone(name: string): boolean {
  if (name === '' || name === 'UTC' || name === 'Local') return true;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return false;
  }
  return resolved === name || resolved.toLowerCase() !== name.toLowerCase();
}

const locationSchema = yamlString().refine(isValidTimeZone, {
  error: (issue) => `unknown time zone ${String(issue.input)}`,
});

/** One entry of a named interval's `time_intervals`. */
export const timeIntervalSpecSchema: z.ZodType<TimeIntervalSpec, unknown> = z.strictObject({
  times: nullAsAbsent(z.array(nullAsZero(timeRangeSchema, { startMinute: 0, endMinute: 0 }))),
  weekdays: rangeListSchema(weekdayMember, validateWeekdays),
  days_of_month: rangeListSchema(atoi, validateDaysOfMonth),
  months: rangeListSchema(monthMember, validateMonths),
  years: rangeListSchema(atoi, validateYears),
  location: nullAsAbsent(locationSchema),
});

function namedIntervalSchema(missingName: string): z.ZodType<TimeIntervalConfig, unknown> {
  return z.strictObject({
    name: nullAsAbsent(yamlString())
      .refine((name) => name !== undefined && name !== '', { error: missingName })
      .transform((name) => name!),
    time_intervals: nullAsAbsent(z.array(timeIntervalSpecSchema)).transform((list) => list ?? []),
  });
}

/** An entry of the `time_intervals` section. */
export const timeIntervalConfigSchema = namedIntervalSchema('missing name in time interval');

/** An entry of the deprecated `mute_time_intervals` section (same shape as `time_intervals`). */
export const muteTimeIntervalConfigSchema = namedIntervalSchema(
  'missing name in mute time interval',
);
