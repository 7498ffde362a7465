import { z } from 'zod';
import { WallClock, isInstantText, isValidTimezone, localDate } from './wall-clock.js';

/** Largest weight of a team in a rotation; the cycle is the sum of the weights long. */
export const MAX_ROTATION_WEIGHT = 1000;

const HANDOFF_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

const instantText = z.string().refine(isInstantText, {
  error: (issue) =>
    `invalid date ${JSON.stringify(issue.input)}: use YYYY-MM-DD, YYYY-MM-DDTHH:MM (local to ` +
    `the rotation) or an ISO 8601 date-time with an offset`,
});

/** One person of a team. `from`/`until` keep past schedules stable when people join and leave. */
export const teamMemberConfigSchema = z
  .strictObject({
    name: z.string().min(1, 'must not be empty'),
    email: z.email().optional(),
    phone: z
      .string({ error: 'must be a string: quote E.164 numbers, e.g. "+15550100"' })
      .regex(/^\+[1-9]\d{1,14}$/, 'must be an E.164 phone number, e.g. "+15550100"')
      .optional(),
    slack: z.string().min(1).optional(),
    pagerduty: z.string().min(1).optional(),
    /** Takes shifts that start at or after this date (local to each rotation). */
    from: instantText.optional(),
    /** Takes no shift that starts at or after this date: the day the person left the rotation. */
    until: instantText.optional(),
  })
  .superRefine((member, context) => {
    if (member.from === undefined || member.until === undefined) return;
    // Read in one zone: the order of two local dates is the same in every rotation's zone.
    const utc = new WallClock('UTC');
    const from = utc.parseInstant(member.from);
    const until = utc.parseInstant(member.until);
    if (from !== undefined && until !== undefined && !(from < until)) {
      context.addIssue({ code: 'custom', path: ['until'], message: 'must be after `from`' });
    }
  });

export const teamConfigSchema = z.strictObject({
  members: z.array(teamMemberConfigSchema).min(1, 'a team needs at least one member'),
});

export const rotationMemberConfigSchema = z.strictObject({
  team: z.string().min(1),
  weight: z.number().int().min(1).max(MAX_ROTATION_WEIGHT).default(1),
});

export const rotationConfigSchema = z.strictObject({
  /** Wall-clock hours per shift: divisors of 24 hand off at the same times every day. */
  shift_length_hours: z
    .number()
    .int()
    .min(1)
    .max(24 * 366),
  /** The local time of the first handoff of each day, `HH:MM` (24-hour). */
  handoff_time: z.string().regex(HANDOFF_TIME, 'must be a 24-hour time HH:MM, e.g. "08:00"'),
  /** IANA time zone of handoff_time and of member dates, e.g. America/Chicago. */
  timezone: z.string().refine(isValidTimezone, {
    error: (issue) => `unknown time zone ${JSON.stringify(issue.input)}`,
  }),
  /** The day the cycle starts (first shift at handoff_time that day). */
  start: z
    .string()
    .refine((text) => localDate(text) !== undefined, 'must be a date YYYY-MM-DD')
    .default('2026-01-01'),
  members: z.array(rotationMemberConfigSchema).min(1, 'a rotation needs at least one team'),
  description: z.string().optional(),
});

/**
 * The `teams:` and `oncall_rotations:` sections of a Phoenix configuration. Other top-level keys
 * are ignored, so a whole configuration file validates with this schema.
 */
export const onCallConfigSchema = z
  .object({
    teams: z.record(z.string().min(1), teamConfigSchema).default({}),
    oncall_rotations: z.record(z.string().min(1), rotationConfigSchema).default({}),
  })
  // Cross-references are checked even when other parts are invalid, so one run reports every
  // problem; hence the checks read the (possibly malformed) input defensively.
  .superRefine((config, context) => crossCheck(config, context), { when: () => true });

type Context = z.RefinementCtx<unknown>;

function crossCheck(config: unknown, context: Context): void {
  const teams = entries(field(config, 'teams'));
  const owner = new Map<string, string>();
  for (const [team, body] of teams) {
    items(field(body, 'members')).forEach((member, index) => {
      const name = field(member, 'name');
      if (typeof name !== 'string') return;
      const other = owner.get(name);
      if (other === undefined) owner.set(name, team);
      else
        context.addIssue({
          code: 'custom',
          path: ['teams', team, 'members', index, 'name'],
          message: `duplicate person ${JSON.stringify(name)} (also in team ${JSON.stringify(other)}); names are unique across teams`,
        });
    });
  }
  const known = teams.map(([team]) => team);
  for (const [rotation, body] of entries(field(config, 'oncall_rotations'))) {
    const seen = new Set<string>();
    items(field(body, 'members')).forEach((member, index) => {
      const team = field(member, 'team');
      if (typeof team !== 'string' || team === '') return;
      const path = ['oncall_rotations', rotation, 'members', index, 'team'];
      if (!known.includes(team)) {
        context.addIssue({
          code: 'custom',
          path,
          message: `unknown team ${JSON.stringify(team)}${known.length ? ` (teams: ${known.join(', ')})` : ' (no `teams:` section)'}`,
        });
      } else if (seen.has(team)) {
        context.addIssue({
          code: 'custom',
          path,
          message: `team ${JSON.stringify(team)} is listed twice; give it one entry with a larger weight`,
        });
      } else {
        const gap = vacancy(body, teams.find(([name]) => name === team)?.[1]);
        if (gap !== undefined) {
          context.addIssue({
            code: 'custom',
            path,
            message: `team ${JSON.stringify(team)} ${gap}`,
          });
        }
      }
      seen.add(team);
    });
  }
}

/**
 * When a team would have nobody to take its turns at some time after the rotation starts (every
 * member's `until` passed, or nobody's `from` come yet), says from when; otherwise undefined. Also
 * undefined when the fields it needs are invalid: those get their own issues.
 */
function vacancy(rotation: unknown, team: unknown): string | undefined {
  const timezone = field(rotation, 'timezone');
  const handoff = field(rotation, 'handoff_time');
  const start = field(rotation, 'start') ?? '2026-01-01';
  if (typeof timezone !== 'string' || !isValidTimezone(timezone)) return undefined;
  if (typeof handoff !== 'string' || !HANDOFF_TIME.test(handoff)) return undefined;
  const day = typeof start === 'string' ? localDate(start) : undefined;
  if (day === undefined) return undefined;
  const wall = new WallClock(timezone);
  const instant = (value: unknown, absent: number) =>
    value === undefined ? absent : typeof value === 'string' ? wall.parseInstant(value) : undefined;
  const spans = items(field(team, 'members')).map((member) => ({
    from: instant(field(member, 'from'), -Infinity),
    until: instant(field(member, 'until'), Infinity),
  }));
  if (spans.length === 0) return undefined;
  const first = wall.fromLocal(
    day + Number(handoff.slice(0, 2)) * 3_600_000 + Number(handoff.slice(3)) * 60_000,
  );
  const checks = [first];
  for (const { from, until } of spans) {
    if (from === undefined || until === undefined) return undefined;
    checks.push(from, until);
  }
  for (const at of checks
    .filter((time) => time >= first && Number.isFinite(time))
    .sort((a, b) => a - b)) {
    if (spans.some(({ from, until }) => from! <= at && at < until!)) continue;
    const joins = spans.map(({ from }) => from!).filter((from) => from > at);
    const until = joins.length > 0 ? ` until ${wall.format(Math.min(...joins))}` : '';
    return `has no member from ${wall.format(at)}${until} (see its members' from/until)`;
  }
  return undefined;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function entries(value: unknown): [string, unknown][] {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.entries(value)
    : [];
}

function items(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The validated sections: defaults applied. */
export type OnCallConfig = z.output<typeof onCallConfigSchema>;
/** The sections as written: `weight`, `start` and the sections themselves may be left out. */
export type OnCallConfigInput = z.input<typeof onCallConfigSchema>;
export type TeamMemberConfig = z.output<typeof teamMemberConfigSchema>;
export type RotationConfig = z.output<typeof rotationConfigSchema>;
